/** Money as the canvas shows it: "$37.35", or signed for a change ("+$41.20"). */
export function money(amount: number, signed = false): string {
  const text = `$${Math.abs(amount).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return amount < 0 ? `-${text}` : signed && amount > 0 ? `+${text}` : text;
}
