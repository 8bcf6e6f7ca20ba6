/**
 * The Versions tab: name a version of the design, list the versions, restore one (one undoable
 * step, in the shared document), and compare the live design with a version, the last deploy or
 * git HEAD: the canvas marks what changed (canvas/compare.ts), this tab lists each changed value
 * and shows the diff of the generated code.  A viewer compares but neither names nor restores.
 */

import { Widget } from '@lumino/widgets';

import { DesignContext, IComparison, ICostChange, IItemDiff } from '../../context';
import { money } from '../../money';
import { IInfraChanges } from '../../yinfra';
import { button, diffBlock } from '../dom';
import { compare } from './api';

const MAX_LINES = 2000;
const REFRESH_MS = 800; // compare again this long after the live design last changed
const FORMATS: [string, string][] = [['terraform', 'Terraform'], ['cloudformation', 'CloudFormation']];

export class VersionsPanel extends Widget {
  constructor(readonly ctx: DesignContext) {
    super();
    this.addClass('isshoni-VersionsPanel');
    this.title.label = 'Versions';
    this.title.caption = 'Named versions of the design, and what changed since one, the last deploy or git HEAD';

    const form = document.createElement('div');
    form.className = 'isshoni-VersionsPanel-form';
    this._name = Object.assign(document.createElement('input'), {
      className: 'isshoni-VersionsPanel-name jp-mod-styled', placeholder: 'Version name, e.g. v1.2', maxLength: 64
    });
    this._note = Object.assign(document.createElement('input'), {
      className: 'isshoni-VersionsPanel-note jp-mod-styled', placeholder: 'Note (optional)'
    });
    this._nameButton = button({
      className: 'isshoni-VersionsPanel-save jp-mod-styled jp-mod-accept', label: 'Name this version',
      title: 'Keep the design as it is now under this name (everyone sees it)', onClick: () => this._nameVersion()
    });
    form.append(this._name, this._note, this._nameButton);

    const against = document.createElement('div');
    against.className = 'isshoni-VersionsPanel-against';
    this._format = document.createElement('select');
    this._format.className = 'jp-mod-styled isshoni-VersionsPanel-format';
    for (const [value, label] of FORMATS) {
      this._format.append(new Option(label, value));
    }
    this._format.addEventListener('change', () => void this._compare());
    this._stop = button({ className: 'jp-mod-styled isshoni-VersionsPanel-stop', label: 'Stop comparing', title: 'Clear the comparison',
      onClick: () => this._setAgainst(null) });
    against.append(
      button({ className: 'jp-mod-styled isshoni-VersionsPanel-head', label: 'Compare with git HEAD',
        title: 'The design file as committed in git', onClick: () => this._setAgainst('HEAD') }),
      button({ className: 'jp-mod-styled isshoni-VersionsPanel-deploy', label: 'Compare with the last deploy',
        title: 'The design as last deployed to the sandbox', onClick: () => this._setAgainst('deploy') }),
      this._format, this._stop);

    this._status = Object.assign(document.createElement('div'), { className: 'isshoni-VersionsPanel-status' });
    this._status.setAttribute('role', 'status');
    this._changes = Object.assign(document.createElement('ul'), { className: 'isshoni-VersionsPanel-changes' });
    this._code = document.createElement('div');
    this._list = Object.assign(document.createElement('ul'), { className: 'isshoni-VersionsPanel-list' });
    const heading = Object.assign(document.createElement('h3'), { textContent: 'Named versions' });
    this.node.append(form, against, this._status, this._changes, this._code, heading, this._list);

    ctx.doc.changed.connect(this._onChanged, this);
    ctx.accessChanged.connect(this._onAccess, this);
    this._onAccess();
    this._renderList();
    this._renderComparison();
  }

  dispose(): void {
    this.ctx.doc.changed.disconnect(this._onChanged, this);
    this.ctx.accessChanged.disconnect(this._onAccess, this);
    window.clearTimeout(this._refresh);
    super.dispose();
  }

  /** Compare the live design with `against` (HEAD, deploy, version:NAME), or stop comparing. */
  async setAgainst(against: string | null): Promise<void> {
    await this._setAgainst(against);
  }

  private async _setAgainst(against: string | null): Promise<void> {
    this._against = against;
    if (against === null) {
      this.ctx.setComparison(null);
      this._renderComparison();
      return;
    }
    await this._compare();
  }

  private async _compare(): Promise<void> {
    const against = this._against;
    if (against === null) {
      return;
    }
    const asked = ++this._asked;
    this._status.textContent = 'Comparing…';
    try {
      const found = await compare(this.ctx.path, against, this._format.value);
      if (asked === this._asked && this._against === against) {
        this.ctx.setComparison(found);
        this._error = '';
      }
    } catch (error) {
      if (asked === this._asked) {
        this.ctx.setComparison(null);
        this._error = `Cannot compare: ${(error as Error).message ?? error}`;
      }
    }
    this._renderComparison();
  }

  private _onChanged(_: unknown, changes: IInfraChanges): void {
    if (changes.versionsChanged) {
      this._renderList();
    }
    if (this._against !== null && (changes.metaChanged || changes.resourcesChanged?.length || changes.connectionsChanged?.length)) {
      window.clearTimeout(this._refresh);
      this._refresh = window.setTimeout(() => void this._compare(), REFRESH_MS);
    }
  }

  private _onAccess(): void {
    const why = this.ctx.readOnly;
    for (const control of [this._name, this._note, this._nameButton]) {
      control.disabled = why !== null;
    }
    this._nameButton.title = why === null ? 'Keep the design as it is now under this name (everyone sees it)' : `Read-only: ${why}`;
    this._renderList();
  }

  private _nameVersion(): void {
    const name = this._name.value.trim();
    try {
      this.ctx.doc.nameVersion(name, this._note.value.trim(), this.ctx.displayName);
      this._name.value = this._note.value = '';
      this._status.textContent = `Named “${name}”.`;
    } catch (error) {
      this._status.textContent = (error as Error).message;
    }
  }

  private _restore(name: string): void {
    try {
      this.ctx.doc.restoreVersion(name);
      this._status.textContent = `Restored “${name}” (undo takes it back).`;
    } catch (error) {
      this._status.textContent = (error as Error).message;
    }
  }

  private _renderList(): void {
    const versions = this.ctx.doc.versions;
    const rows = versions.map(v => {
      const row = Object.assign(document.createElement('li'), { className: 'isshoni-VersionsPanel-version' });
      row.dataset.name = v.name;
      const when = v.created ? new Date(v.created * 1000).toLocaleString() : '';
      const text = Object.assign(document.createElement('span'), {
        textContent: `${v.name} — ${when}${v.author ? ` by ${v.author}` : ''} — ${v.resources} nodes, ${v.connections} connections`,
        title: v.note || ''
      });
      const actions = [
        button({ className: 'jp-mod-styled isshoni-VersionsPanel-compare', label: 'Compare', title: `What changed since “${v.name}”`,
          onClick: () => void this._setAgainst(`version:${v.name}`) })
      ];
      if (this.ctx.readOnly === null) {
        actions.push(button({ className: 'jp-mod-styled isshoni-VersionsPanel-restore', label: 'Restore',
          title: `Bring the design back to “${v.name}” (one undoable step)`, onClick: () => this._restore(v.name) }));
      }
      row.append(text, ...actions);
      if (v.note) {
        row.append(Object.assign(document.createElement('div'), { className: 'isshoni-VersionsPanel-versionNote', textContent: v.note }));
      }
      return row;
    });
    this._list.replaceChildren(...(rows.length ? rows : [Object.assign(document.createElement('li'), {
      className: 'isshoni-VersionsPanel-empty', textContent: 'No named versions yet.' })]));
  }

  private _renderComparison(): void {
    const found: IComparison | null = this.ctx.comparison;
    this._stop.hidden = this._against === null;
    if (!found || this._error) {
      this._status.textContent = this._error || (this._against === null ? 'Compare the design with a version, the last deploy or git HEAD.' : '');
      this._changes.replaceChildren();
      this._code.replaceChildren();
      return;
    }
    const c = found.diff.counts;
    const count = (kind: string) => (c[`resources_${kind}`] ?? 0) + (c[`connections_${kind}`] ?? 0);
    this._status.textContent = found.same
      ? `The design is the same as ${found.label}.`
      : `Since ${found.label}: ${count('added')} added, ${count('removed')} removed, ${count('changed')} changed` +
        `${c.settings_changed ? `, ${c.settings_changed} design setting(s) changed` : ''}.` + costLine(found.diff.cost);
    const items: IItemDiff[] = [...found.diff.resources, ...found.diff.connections];
    this._changes.replaceChildren(...items.map(item => {
      const li = Object.assign(document.createElement('li'), { className: `isshoni-VersionsPanel-item isshoni-mod-${item.kind}` });
      const delta = found.diff.cost?.nodes[item.id];
      li.textContent = `${item.kind} ${item.id} (${item.summary})${delta ? `: ${money(delta, true)}/month` : ''}`;
      li.addEventListener('click', () => this.ctx.focus(item.id));
      for (const change of item.changes) {
        li.append(Object.assign(document.createElement('div'), { className: 'isshoni-VersionsPanel-value', textContent: describe(change) }));
      }
      return li;
    }));
    this._code.replaceChildren(diffBlock(found.code ?? '', 'isshoni-VersionsPanel-code', 'The generated code is the same.', MAX_LINES));
  }

  private _against: string | null = null;
  private _asked = 0;
  private _error = '';
  private _refresh = 0;
  private _name: HTMLInputElement;
  private _note: HTMLInputElement;
  private _nameButton: HTMLButtonElement;
  private _format: HTMLSelectElement;
  private _stop: HTMLButtonElement;
  private _status: HTMLDivElement;
  private _changes: HTMLUListElement;
  private _code: HTMLDivElement;
  private _list: HTMLUListElement;
}

/** `/properties/cidr: "10.0.0.0/16" → "10.1.0.0/16"` (a value one side lacks is "(none)"). */
export function describe(change: { path: string; old?: any; new?: any }): string {
  const show = (value: any) => (value === undefined ? '(none)' : JSON.stringify(value));
  return `${change.path}: ${show(change.old)} → ${show(change.new)}`;
}


/** What the compared change does to the monthly estimate (cost/change.py), as a sentence. */
function costLine(cost: ICostChange | undefined): string {
  if (!cost || (!cost.change && !Object.keys(cost.nodes).length)) {
    return '';
  }
  return ` Cost: ${money(cost.change, true)}/month (${money(cost.before)} → ${money(cost.after)}, list-price estimate).`;
}
