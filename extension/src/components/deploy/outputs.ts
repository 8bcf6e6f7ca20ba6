/** The deployment's outputs (URLs, ids) with a copy button each. */

import { button } from '../dom';

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // no clipboard permission (an http page, a headless browser): the old way
    const area = document.createElement('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

export class OutputsView {
  readonly node = document.createElement('section');

  constructor() {
    this.node.className = 'isshoni-DeployOutputs';
    this.update({});
  }

  update(outputs: Record<string, unknown>): void {
    const names = Object.keys(outputs).sort();
    this.node.hidden = names.length === 0;
    const title = document.createElement('h3');
    title.textContent = 'Outputs';
    const table = document.createElement('table');
    for (const name of names) {
      const text = typeof outputs[name] === 'string' ? (outputs[name] as string) : JSON.stringify(outputs[name]);
      const row = table.insertRow();
      row.dataset.output = name;
      row.insertCell().textContent = name;
      const value = document.createElement('code');
      value.textContent = text;
      row.insertCell().append(value);
      const copy = button({
        className: 'isshoni-DeployOutputs-copy jp-mod-styled',
        label: 'Copy',
        title: `Copy ${name}`,
        onClick: () =>
          void copyText(text).then(() => {
            copy.textContent = 'Copied';
            setTimeout(() => (copy.textContent = 'Copy'), 1500);
          })
      });
      row.insertCell().append(copy);
    }
    this.node.replaceChildren(title, table);
  }
}
