/**
 * The deploy panel's drift section: what the last "Check drift" found (counts that add up to
 * the design's nodes), each drifted or deleted node with its settings (design value, live
 * value), "Adopt live value" where the design can hold it (one undoable edit; the node's canvas
 * mark clears) and "Re-apply" (deploy the design again, for what it cannot hold).
 */

import { DesignContext } from '../../context';
import { adoptLive, DriftStatus, flagged, IDriftNode, IDriftReport, shown } from '../../drift';
import { button } from '../dom';

const ORDER: DriftStatus[] = ['drifted', 'deleted', 'not deployed', 'not checked', 'in sync'];

export interface IDriftActions {
  reapply(): void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

export class DriftView {
  readonly node = document.createElement('section');

  constructor(
    private _ctx: DesignContext,
    private _actions: IDriftActions
  ) {
    this.node.className = 'isshoni-DriftView';
    this.node.hidden = true;
    _ctx.driftChanged.connect(this._render, this);
  }

  busy(text: string): void {
    this.node.hidden = false;
    this.node.replaceChildren(el('p', 'isshoni-DriftView-busy', text));
  }

  hide(): void {
    this.node.hidden = true;
  }

  dispose(): void {
    this._ctx.driftChanged.disconnect(this._render, this);
  }

  private _render(): void {
    const report = this._ctx.drift;
    if (!report) {
      this.node.hidden = true;
      return;
    }
    this.node.hidden = false;
    const parts: HTMLElement[] = [el('h3', 'isshoni-DriftView-title', `Drift: ${report.engine} on ${report.target}`)];
    parts.push(el('p', 'isshoni-DriftView-summary', summary(report)));
    for (const note of report.notes ?? []) {
      parts.push(el('p', 'isshoni-DriftView-note', note));
    }
    const list = el('ul', 'isshoni-DriftView-nodes');
    for (const [id, node] of flagged(report)) {
      list.append(this._item(id, node));
    }
    if (list.childElementCount) {
      parts.push(list);
      parts.push(button({
        className: 'isshoni-DriftView-reapply jp-mod-styled',
        label: 'Re-apply',
        title: 'Deploy the design again: what runs is made to match it (CloudFormation changes only what its change set touches)',
        onClick: () => this._actions.reapply()
      }));
    }
    for (const item of report.unmanaged?.resources ?? []) {
      parts.push(el('p', 'isshoni-DriftView-unmanaged', `Unmanaged (tagged as this design's, not in it): ${item.arn}`));
    }
    this.node.replaceChildren(...parts);
  }

  private _item(id: string, node: IDriftNode): HTMLLIElement {
    const li = el('li', `isshoni-DriftView-node isshoni-mod-${node.status === 'deleted' ? 'deleted' : 'drifted'}`);
    li.dataset.node = id;
    const name = button({
      className: 'isshoni-DriftView-name isshoni-Inspector-link',
      label: id,
      title: 'Show it on the canvas',
      onClick: () => this._ctx.focus(id)
    });
    li.append(name, ` ${node.status === 'deleted' ? 'deleted outside Isshoni' : 'drifted'}`);
    const rows = el('ul', 'isshoni-DriftView-differences');
    for (const d of node.differences) {
      const where = d.part !== id ? `${d.part} ` : '';
      const row = el('li', 'isshoni-DriftView-difference', `${where}${d.setting}: design ${shown(d.design)}, live ${shown(d.live)}`);
      if (d.why) {
        row.title = d.why;
        row.append(el('span', 'isshoni-DriftView-why', ` (${d.why})`));
      }
      rows.append(row);
    }
    li.append(rows);
    if (node.adopt && !this._ctx.readOnly) {
      li.append(button({
        className: 'isshoni-DriftView-adopt jp-mod-styled',
        label: node.adopt.remove ? 'Adopt: remove from the design' : 'Adopt live value',
        title: node.adopt.remove
          ? 'It is gone from the account: remove the node from the design (one undoable edit)'
          : `Write ${Object.entries(node.adopt.set ?? {}).map(([k, v]) => `${k} = ${shown(v)}`).join(', ')} into the design (one undoable edit)`,
        onClick: () => {
          if (adoptLive(this._ctx.doc, id, node)) {
            this._ctx.adopted(id);
          }
        }
      }));
    }
    return li;
  }
}

function summary(report: IDriftReport): string {
  const counts = ORDER.filter(s => report.counts[s]).map(s => `${report.counts[s]} ${s}`).join(', ');
  const stray = report.unmanaged?.checked ? `${report.unmanaged.resources.length} unmanaged` : 'unmanaged not checked';
  const known = report.known_at_deploy ? `; ${report.known_at_deploy} difference(s) already there at the deploy (the target's limits)` : '';
  return `${counts}; ${stray}${known}. Checked in ${report.seconds.toFixed(1)} s.`;
}
