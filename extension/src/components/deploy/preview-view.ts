/** A deploy's preview: the engine's notes, its changes counted by action, and the diff, coloured. */

import { IPreview } from './api';

const MAX_LINES = 4000;

export class PreviewView {
  readonly node = document.createElement('section');

  constructor() {
    this.node.className = 'isshoni-DeployPreview';
    this.node.hidden = true;
  }

  busy(text: string): void {
    this.node.hidden = false;
    this.node.replaceChildren(Object.assign(document.createElement('p'), { textContent: text }));
  }

  show(plan: IPreview): void {
    this.node.hidden = false;
    const title = document.createElement('h3');
    title.textContent = `Preview: ${plan.engine} on ${plan.target}`;
    const parts: HTMLElement[] = [title];
    if (!plan.supported) {
      parts.push(Object.assign(document.createElement('p'), { textContent: `No preview: ${plan.why}` }));
      this.node.replaceChildren(...parts);
      return;
    }
    const counts = new Map<string, number>();
    for (const change of plan.changes ?? []) {
      counts.set(change.action, (counts.get(change.action) ?? 0) + 1);
    }
    const summary = [...counts].map(([action, n]) => `${action} ${n}`).join(', ') || 'no resource changes listed';
    parts.push(Object.assign(document.createElement('p'), { className: 'isshoni-DeployPreview-summary', textContent: summary }));
    for (const note of plan.notes ?? []) {
      parts.push(Object.assign(document.createElement('p'), { className: 'isshoni-DeployPreview-note', textContent: note }));
    }
    const pre = document.createElement('pre');
    pre.className = 'isshoni-DeployPreview-diff';
    const lines = (plan.diff ?? '').split('\n');
    for (const line of lines.slice(0, MAX_LINES)) {
      const span = document.createElement('span');
      const mark = line.startsWith('+') || /^\s+\+ /.test(line) ? 'add' : line.startsWith('-') || /^\s+- /.test(line) ? 'remove'
        : line.startsWith('@@') || /^\s+~ /.test(line) ? 'change' : 'same';
      span.className = `isshoni-mod-${mark}`;
      span.textContent = `${line}\n`;
      pre.append(span);
    }
    if (!plan.diff) {
      pre.textContent = 'The deployed template and the design are the same.';
    } else if (lines.length > MAX_LINES) {
      pre.append(`… ${lines.length - MAX_LINES} more lines`);
    }
    parts.push(pre);
    this.node.replaceChildren(...parts);
  }

  hide(): void {
    this.node.hidden = true;
  }
}
