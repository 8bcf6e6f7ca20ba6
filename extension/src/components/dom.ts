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
