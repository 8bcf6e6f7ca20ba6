/**
 * The palette (left column): the catalog's services grouped by category, with
 * the official AWS icons, a search box that filters as you type, HTML5 drag
 * onto the canvas, and double-click / Enter to add at the view centre.
 *
 * Adding goes through a bubbling `isshoni:add-type` CustomEvent (`detail:
 * {type}`) dispatched on the palette node: whoever owns the canvas handles it
 * and calls `event.preventDefault()`.  When nobody does, the palette adds the
 * resource itself (only for types that need no container).
 */

import { Widget } from '@lumino/widgets';

import { DesignContext } from '../context';
import { iconUri } from '../icons';
import { ICatalogType } from '../types';
import { RegistryResults } from './palette-registry';

/** The drag payload type the canvas reads on drop. */
export const DRAG_MIME = 'application/x-isshoni-type';

/** The event asking the canvas to add a type at the view centre. */
export const ADD_TYPE_EVENT = 'isshoni:add-type';

export const CATEGORIES: { id: string; label: string }[] = [
  { id: 'networking', label: 'Networking' },
  { id: 'compute', label: 'Compute' },
  { id: 'data', label: 'Data' },
  { id: 'messaging', label: 'Messaging' },
  { id: 'security', label: 'Security' },
  { id: 'observability', label: 'Observability' },
  { id: 'external', label: 'Outside AWS' }
];

function containerText(entry: ICatalogType, ctx: DesignContext): string {
  const names = entry.containers.map(t => ctx.catalog.get(t)?.label ?? t);
  return names.length ? `Goes inside: ${names.join(' or ')}` : '';
}

export class Palette extends Widget {
  constructor(readonly ctx: DesignContext) {
    super();
    this.addClass('isshoni-Palette');
    this.title.label = 'Services';
    this.title.caption = 'AWS services: drag one onto the canvas, or double-click it';

    const search = document.createElement('input');
    search.type = 'search';
    search.className = 'isshoni-Palette-search jp-mod-styled';
    search.placeholder = 'Search services';
    search.setAttribute('aria-label', 'Search services');
    search.spellcheck = false;
    this._search = search;

    const list = document.createElement('div');
    list.className = 'isshoni-Palette-list';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', 'AWS services');
    this._list = list;

    const empty = document.createElement('div');
    empty.className = 'isshoni-Palette-empty';
    empty.textContent = 'No service matches.';
    empty.hidden = true;
    this._empty = empty;

    const hint = document.createElement('div');
    hint.className = 'isshoni-Palette-hint';
    hint.setAttribute('role', 'status');
    hint.setAttribute('aria-live', 'polite');
    this._hint = hint;

    this.node.append(search, list, hint);
    this._build();
    this._registry = new RegistryResults(
      () => this.ctx.doc.meta.region || 'us-east-1',
      entry => this._item(entry),
      before => {
        this._items = this._items.filter(i => !before.includes(i)); // `_item` listed the new ones
        this._empty.hidden = this._visible().length > 0;
        this._roving();
      }
    );
    list.append(this._registry.node, empty);
    this._roving();

    search.addEventListener('input', () => this._filter());
    search.addEventListener('keydown', this._onSearchKey);
    list.addEventListener('dragstart', this._onDragStart);
    list.addEventListener('dblclick', this._onDblClick);
    list.addEventListener('keydown', this._onListKey);
    list.addEventListener('click', this._onClick);
    ctx.accessChanged.connect(this._onAccess, this);
    this._onAccess();
  }

  /** A viewer browses the services but adds none (nothing is draggable; the hint says why). */
  private _onAccess(): void {
    const why = this.ctx.readOnly;
    this.toggleClass('isshoni-mod-readonly', why !== null);
    for (const item of this._items) {
      item.draggable = why === null;
    }
    this._say(why === null ? '' : `Read-only: ${why}.`);
  }

  /** The search text (browser tests and the lead may set it). */
  get query(): string {
    return this._search.value;
  }

  set query(value: string) {
    this._search.value = value;
    this._filter();
  }

  /** Add a catalog type to the design "at the view centre" (see the module note). */
  addType(type: string): void {
    const entry = this.ctx.catalog.get(type);
    if (this.ctx.readOnly !== null) {
      this._say(`Read-only: ${this.ctx.readOnly}.`);
      return;
    }
    if (!entry) {
      return;
    }
    const event = new CustomEvent(ADD_TYPE_EVENT, {
      bubbles: true,
      cancelable: true,
      detail: { type }
    });
    const unhandled = this.node.dispatchEvent(event);
    if (!unhandled) {
      return;
    }
    if (entry.needs_container) {
      this._say(`Drag ${entry.label} into a container. ${containerText(entry, this.ctx)}`);
      return;
    }
    try {
      const id = this.ctx.doc.add(type, {
        label: entry.label,
        position: { x: 0, y: 0 }
      });
      this.ctx.select([id]);
      this._say(`Added ${entry.label}.`);
    } catch (error) {
      this._say(`Cannot add ${entry.label}: ${(error as Error).message}`);
    }
  }

  private _build(): void {
    const byCategory = new Map<string, ICatalogType[]>();
    for (const entry of this.ctx.catalog.values()) {
      const list = byCategory.get(entry.category) ?? [];
      list.push(entry);
      byCategory.set(entry.category, list);
    }
    const known = new Set(CATEGORIES.map(c => c.id));
    const categories = [
      ...CATEGORIES,
      ...[...byCategory.keys()]
        .filter(c => !known.has(c))
        .sort()
        .map(id => ({ id, label: id.charAt(0).toUpperCase() + id.slice(1) }))
    ];
    for (const category of categories) {
      const entries = (byCategory.get(category.id) ?? []).sort((a, b) =>
        a.label.localeCompare(b.label)
      );
      if (!entries.length) {
        continue;
      }
      const group = document.createElement('section');
      group.className = 'isshoni-PaletteGroup';
      group.dataset.category = category.id;
      const title = document.createElement('h3');
      title.className = 'isshoni-PaletteGroup-title';
      title.textContent = category.label;
      const items = document.createElement('div');
      items.className = 'isshoni-PaletteGroup-items';
      items.setAttribute('role', 'group');
      items.setAttribute('aria-label', category.label);
      for (const entry of entries) {
        items.appendChild(this._item(entry));
      }
      group.append(title, items);
      this._list.appendChild(group);
    }
  }

  private _item(entry: ICatalogType): HTMLElement {
    const item = document.createElement('div');
    item.className = 'isshoni-PaletteItem';
    item.dataset.type = entry.type;
    item.draggable = true;
    item.tabIndex = -1;
    item.setAttribute('role', 'option');
    const where = containerText(entry, this.ctx);
    item.title = [entry.description, where].filter(Boolean).join('\n');
    const icon = document.createElement('img');
    icon.className = 'isshoni-PaletteItem-icon';
    icon.src = iconUri(entry.icon, entry.category);
    icon.alt = '';
    icon.draggable = false;
    const label = document.createElement('span');
    label.className = 'isshoni-PaletteItem-label';
    label.textContent = entry.label;
    item.append(icon, label);
    this._haystack.set(
      item,
      [entry.label, entry.type, entry.description, entry.category]
        .join(' ')
        .toLowerCase()
    );
    this._items.push(item);
    return item;
  }

  private _filter(): void {
    const words = this._search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const item of this._items) {
      const text = this._haystack.get(item) ?? '';
      const match = words.every(w => text.includes(w));
      item.hidden = !match;
      shown += match ? 1 : 0;
    }
    for (const group of Array.from(
      this._list.querySelectorAll<HTMLElement>('.isshoni-PaletteGroup')
    )) {
      group.hidden = !group.querySelector('.isshoni-PaletteItem:not([hidden])');
    }
    this._empty.hidden = shown > 0;
    this._roving();
    this._registry?.search(this._search.value);
  }

  private _visible(): HTMLElement[] {
    return this._items.filter(item => !item.hidden);
  }

  /** One tab stop for the list: the focused item, else the first visible one. */
  private _roving(current?: HTMLElement): void {
    const visible = this._visible();
    const target =
      current && !current.hidden
        ? current
        : visible.find(i => i.tabIndex === 0) ?? visible[0];
    for (const item of this._items) {
      item.tabIndex = item === target ? 0 : -1;
    }
  }

  private _focus(item: HTMLElement | undefined): void {
    if (item) {
      this._roving(item);
      item.focus();
      item.scrollIntoView({ block: 'nearest' });
    }
  }

  private _say(text: string): void {
    this._hint.textContent = text;
    window.clearTimeout(this._hintTimer);
    this._hintTimer = window.setTimeout(() => {
      this._hint.textContent = '';
    }, 4000);
  }

  private _itemOf(event: Event): HTMLElement | null {
    return (event.target as HTMLElement).closest?.('.isshoni-PaletteItem') ?? null;
  }

  private _onDragStart = (event: DragEvent): void => {
    const item = this._itemOf(event);
    const type = item?.dataset.type;
    if (!type || !event.dataTransfer) {
      return;
    }
    event.dataTransfer.setData(DRAG_MIME, type);
    event.dataTransfer.setData('text/plain', type);
    event.dataTransfer.effectAllowed = 'copy';
    const icon = item.querySelector('img');
    if (icon) {
      event.dataTransfer.setDragImage(icon, 16, 16);
    }
  };

  private _onClick = (event: MouseEvent): void => {
    const item = this._itemOf(event);
    if (item) {
      this._roving(item);
    }
  };

  private _onDblClick = (event: MouseEvent): void => {
    const type = this._itemOf(event)?.dataset.type;
    if (type) {
      event.preventDefault();
      this.addType(type);
    }
  };

  private _onListKey = (event: KeyboardEvent): void => {
    const item = this._itemOf(event);
    if (!item) {
      return;
    }
    const visible = this._visible();
    const index = visible.indexOf(item);
    switch (event.key) {
      case 'Enter':
      case ' ':
        event.preventDefault();
        event.stopPropagation();
        this.addType(item.dataset.type!);
        break;
      case 'ArrowDown':
        event.preventDefault();
        this._focus(visible[index + 1]);
        break;
      case 'ArrowUp':
        event.preventDefault();
        if (index <= 0) {
          this._search.focus();
        } else {
          this._focus(visible[index - 1]);
        }
        break;
      case 'Home':
        event.preventDefault();
        this._focus(visible[0]);
        break;
      case 'End':
        event.preventDefault();
        this._focus(visible[visible.length - 1]);
        break;
      case 'Escape':
        this._search.focus();
        break;
    }
  };

  private _onSearchKey = (event: KeyboardEvent): void => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      this._focus(this._visible()[0]);
    } else if (event.key === 'Enter') {
      const visible = this._visible();
      if (visible.length === 1) {
        event.preventDefault();
        this.addType(visible[0].dataset.type!);
      } else {
        this._focus(visible[0]);
      }
    } else if (event.key === 'Escape' && this._search.value) {
      event.preventDefault();
      this.query = '';
    }
  };

  private _registry: RegistryResults | undefined;
  private _search: HTMLInputElement;
  private _list: HTMLElement;
  private _empty: HTMLElement;
  private _hint: HTMLElement;
  private _hintTimer = 0;
  private _items: HTMLElement[] = [];
  private _haystack = new WeakMap<HTMLElement, string>();
}
