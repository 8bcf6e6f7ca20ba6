/** Small DOM builders the parts share (plain DOM, no framework). */

/** A `type="button"` button with its class, text, tooltip and click handler. */
export function button(options: {
  className: string;
  label: string;
  title: string;
  onClick: () => void;
}): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = options.className;
  b.textContent = options.label;
  b.title = options.title;
  b.addEventListener('click', options.onClick);
  return b;
}

/** A unified diff (or terraform's plan text) in a `<pre>`, each line coloured by what it does:
 * `isshoni-mod-add`, `-remove`, `-change` (hunks, terraform's `~`) or `-same`. */
export function diffBlock(text: string, className: string, empty: string, maxLines: number): HTMLPreElement {
  const pre = document.createElement('pre');
  pre.className = `isshoni-Diff ${className}`;
  if (!text) {
    pre.textContent = empty;
    return pre;
  }
  const lines = text.split('\n');
  for (const line of lines.slice(0, maxLines)) {
    const span = document.createElement('span');
    const mark = line.startsWith('+') || /^\s+\+ /.test(line) ? 'add' : line.startsWith('-') || /^\s+- /.test(line) ? 'remove'
      : line.startsWith('@@') || /^\s+~ /.test(line) ? 'change' : 'same';
    span.className = `isshoni-mod-${mark}`;
    span.textContent = `${line}\n`;
    pre.append(span);
  }
  if (lines.length > maxLines) {
    pre.append(`… ${lines.length - maxLines} more lines`);
  }
  return pre;
}
