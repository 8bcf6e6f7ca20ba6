/**
 * The palette's "CloudFormation registry" group: what the search box finds
 * among every registry type (the server's `/cfn-types`), shown below the
 * catalog's services.  A type dropped or double-clicked from here becomes a
 * generic resource (`cfn:<type>`).
 */

import { genericEntry } from '../generic';
import { ICfnTypeMatch, searchCfnTypes } from '../generic-api';
import { ICatalogType } from '../types';

const DEBOUNCE_MS = 250;
const LIMIT = 30;

export class RegistryResults {
  /**
   * @param region - the design's region (types are searched there)
   * @param makeItem - builds a palette item for an entry (the palette's own look and events)
   * @param changed - called with the items shown before and now
   */
  constructor(
    private readonly region: () => string,
    private readonly makeItem: (entry: ICatalogType) => HTMLElement,
    private readonly changed: (before: HTMLElement[], now: HTMLElement[]) => void
  ) {
    const group = document.createElement('section');
    group.className = 'isshoni-PaletteGroup isshoni-PaletteRegistry';
    group.dataset.category = 'registry';
    const title = document.createElement('h3');
    title.className = 'isshoni-PaletteGroup-title';
    title.textContent = 'CloudFormation registry';
    this._status = document.createElement('div');
    this._status.className = 'isshoni-PaletteRegistry-status';
    this._items = document.createElement('div');
    this._items.className = 'isshoni-PaletteGroup-items';
    this._items.setAttribute('role', 'group');
    this._items.setAttribute('aria-label', 'CloudFormation registry');
    group.append(title, this._status, this._items);
    group.hidden = true;
    this.node = group;
  }

  readonly node: HTMLElement;

  /** Search for `query` (after a pause in typing); fewer than two characters clears the group. */
  search(query: string): void {
    window.clearTimeout(this._timer);
    const text = query.trim();
    if (text.length < 2) {
      this._show(text, [], 0);
      return;
    }
    this._timer = window.setTimeout(() => void this._fetch(text), DEBOUNCE_MS);
  }

  private async _fetch(query: string): Promise<void> {
    const asked = ++this._asked;
    this._status.textContent = 'Searching the registry…';
    this.node.hidden = false;
    try {
      const found = await searchCfnTypes(query, this.region(), LIMIT);
      if (asked === this._asked) {
        this._show(query, found.types, found.total);
      }
    } catch (error) {
      if (asked === this._asked) {
        this._show(query, [], 0);
        this._status.textContent = `The registry cannot be searched: ${(error as Error).message}`;
        this.node.hidden = false;
      }
    }
  }

  private _show(query: string, types: ICfnTypeMatch[], total: number): void {
    const before = this._shown;
    this._items.replaceChildren();
    this._shown = types.map(match => {
      const entry = genericEntry(match.type);
      entry.label = match.cfn_type;
      const counterpart = match.terraform ? `Terraform: ${match.terraform}` : 'Terraform: none (CloudFormation only)';
      entry.description = [match.description, counterpart].filter(Boolean).join('\n');
      const item = this.makeItem(entry);
      item.classList.add('isshoni-PaletteItem-generic');
      this._items.appendChild(item);
      return item;
    });
    this.node.hidden = !query || (!types.length && query.length < 2);
    this._status.textContent = types.length
      ? total > types.length
        ? `${total} types match; the first ${types.length}:`
        : ''
      : query.length >= 2
        ? 'No registry type matches.'
        : '';
    this.changed(before, this._shown);
  }

  private _items: HTMLElement;
  private _status: HTMLElement;
  private _shown: HTMLElement[] = [];
  private _timer = 0;
  private _asked = 0;
}
