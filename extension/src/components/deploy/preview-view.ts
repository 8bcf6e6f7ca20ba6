/** A deploy's preview: the engine's notes, its changes counted by action, and the diff, coloured. */

import { IPreview } from './api';
import { diffBlock } from '../dom';

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
    const pre = diffBlock(plan.diff ?? '', 'isshoni-DeployPreview-diff', 'The deployed template and the design are the same.', MAX_LINES);
    parts.push(pre);
    this.node.replaceChildren(...parts);
  }

  hide(): void {
    this.node.hidden = true;
  }
}
