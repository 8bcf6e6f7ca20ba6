/**
 * Presence: who else is on this design, where their pointer is and what they
 * have selected, through the room's Yjs awareness (`ctx.doc.awareness`).
 *
 * - `PresenceLayer` (owned by the canvas) publishes this user's `user`,
 *   `pointer` (model coordinates, ~20 Hz) and `selection`, and draws the
 *   other clients' pointers (an HTML overlay) and selections (an outline in
 *   their colour on the canvas).
 * - `PresenceBar` (above the canvas) lists the people here as avatar chips
 *   and holds the canvas toolbar (arrange, fit, undo, redo, delete, export).
 *
 * Awareness states come from other browsers and from Python kernels; any
 * field may be missing.
 */

import { Widget } from '@lumino/widgets';
import {
  LabIcon,
  deleteIcon,
  downloadIcon,
  redoIcon,
  undoIcon
} from '@jupyterlab/ui-components';
import type cytoscape from 'cytoscape';

import { DesignContext } from '../context';
import { IPosition } from '../types';
import type { CanvasView } from './canvas/view';
import { saveBlob } from './exporter';

/** One client in the room, as its awareness state describes it. */
export interface IPeer {
  clientID: number;
  local: boolean;
  name: string;
  username: string;
  initials: string;
  color: string;
  pointer: IPosition | null;
  selection: string[];
}

function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (!words.length) {
    return '?';
  }
  const letters = words.length === 1 ? words[0].slice(0, 2) : words[0][0] + words[words.length - 1][0];
  return letters.toUpperCase();
}

/** A CSS colour we accept from a peer (hex, rgb/hsl or a JupyterLab collaborator variable). */
function safeColor(value: unknown): string | null {
  if (typeof value !== 'string') {
    return null;
  }
  const v = value.trim();
  if (
    /^#[0-9a-fA-F]{3,8}$/.test(v) ||
    /^(rgb|rgba|hsl|hsla)\([0-9.,%\s/-]+\)$/.test(v) ||
    /^var\(--[A-Za-z0-9-]+\)$/.test(v) ||
    /^[a-zA-Z]{3,20}$/.test(v)
  ) {
    return v;
  }
  return null;
}

const FALLBACK_COLORS = ['#e91e63', '#9c27b0', '#3f51b5', '#009688', '#ff9800', '#795548', '#607d8b', '#4caf50'];

/** Every client in the awareness with a user (or a pointer or a selection). */
export function peersOf(ctx: DesignContext): IPeer[] {
  const awareness = ctx.doc.awareness;
  const out: IPeer[] = [];
  awareness.getStates().forEach((state: any, clientID: number) => {
    if (!state || typeof state !== 'object') {
      return;
    }
    const local = clientID === awareness.clientID;
    const user = state.user && typeof state.user === 'object' ? state.user : {};
    if (!local && !state.user && !state.pointer && !state.selection) {
      return;
    }
    const name = String(
      user.display_name || user.name || user.username || (local ? ctx.displayName : `Client ${clientID}`)
    );
    const pointer =
      state.pointer &&
      typeof state.pointer === 'object' &&
      Number.isFinite(state.pointer.x) &&
      Number.isFinite(state.pointer.y)
        ? { x: Number(state.pointer.x), y: Number(state.pointer.y) }
        : null;
    const selection = Array.isArray(state.selection)
      ? state.selection.filter((s: unknown) => typeof s === 'string')
      : [];
    out.push({
      clientID,
      local,
      name,
      username: String(user.username || name),
      initials: String(user.initials || initialsOf(name)).slice(0, 3),
      color:
        safeColor(user.color) ??
        (local ? safeColor(ctx.user.color) : null) ??
        FALLBACK_COLORS[clientID % FALLBACK_COLORS.length],
      pointer,
      selection
    });
  });
  return out;
}

/** The lowest client id present (the one client that may act for everyone). */
export function isLowestClient(ctx: DesignContext): boolean {
  const awareness = ctx.doc.awareness;
  let lowest = awareness.clientID;
  awareness.getStates().forEach((_: any, id: number) => {
    lowest = Math.min(lowest, id);
  });
  return lowest === awareness.clientID;
}

/** Whether another client says (awareness `arranging`) it is laying the design out. */
export function someoneArranging(ctx: DesignContext): boolean {
  const awareness = ctx.doc.awareness;
  let busy = false;
  awareness.getStates().forEach((state: any, id: number) => {
    if (id !== awareness.clientID && state?.arranging) {
      busy = true;
    }
  });
  return busy;
}

const POINTER_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="18" height="22" viewBox="0 0 18 22">' +
  '<path d="M1 1 L1 17 L5.2 13.2 L8.2 20 L11 18.8 L8.1 12.2 L14 12.2 Z" ' +
  'fill="currentColor" stroke="white" stroke-width="1.4" stroke-linejoin="round"/></svg>';

/**
 * The canvas side of presence: publishes this client's state and draws the
 * others' pointers and selections.
 */
export class PresenceLayer {
  constructor(
    private _ctx: DesignContext,
    private _cy: cytoscape.Core,
    private _overlay: HTMLElement
  ) {
    this._probe = document.createElement('span');
    this._probe.style.display = 'none';
    this._overlay.appendChild(this._probe);
    this.publishUser();
    this._publishSelection(this._ctx.selection);
    this._ctx.selectionChanged.connect(this._onSelection, this);
    this._ctx.doc.awareness.on('change', this._onAwareness);
    this._cy.on('viewport', this._position);
    this._onAwareness();
  }

  /** Publish (merge) this user's identity into the awareness `user` field. */
  publishUser(): void {
    const awareness = this._ctx.doc.awareness;
    const current = awareness.getLocalState()?.user ?? {};
    const name = this._ctx.displayName;
    awareness.setLocalStateField('user', {
      ...this._ctx.user,
      ...current,
      name,
      display_name: this._ctx.user.display_name || name,
      username: this._ctx.user.username,
      color: this._ctx.user.color,
      initials: this._ctx.user.initials || initialsOf(name)
    });
  }

  /** The pointer on the canvas in model coordinates (null when it leaves), throttled to ~20 Hz. */
  publishPointer(pointer: IPosition | null): void {
    this._pendingPointer = pointer;
    if (pointer === null) {
      this._flushPointer();
      return;
    }
    if (this._pointerTimer === null) {
      const wait = Math.max(0, 50 - (performance.now() - this._lastPointer));
      this._pointerTimer = window.setTimeout(() => this._flushPointer(), wait);
    }
  }

  /** Re-mark remote selections (after the canvas re-created elements). */
  refresh(): void {
    this._applySelections(true);
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    if (this._pointerTimer !== null) {
      clearTimeout(this._pointerTimer);
    }
    if (this._announceTimer !== null) {
      clearTimeout(this._announceTimer);
    }
    this._ctx.selectionChanged.disconnect(this._onSelection, this);
    this._ctx.doc.awareness.off('change', this._onAwareness);
    this._cy.off('viewport', this._position);
    const awareness = this._ctx.doc.awareness;
    if (awareness.getLocalState()) {
      awareness.setLocalStateField('pointer', null);
      awareness.setLocalStateField('selection', []);
    }
    for (const el of this._pointers.values()) {
      el.remove();
    }
    this._pointers.clear();
    this._probe.remove();
  }

  private _flushPointer(): void {
    if (this._pointerTimer !== null) {
      clearTimeout(this._pointerTimer);
      this._pointerTimer = null;
    }
    if (this._disposed) {
      return;
    }
    const p = this._pendingPointer;
    const awareness = this._ctx.doc.awareness;
    const before = awareness.getLocalState()?.pointer ?? null;
    if (p === null && before === null) {
      return;
    }
    this._lastPointer = performance.now();
    awareness.setLocalStateField('pointer', p ? { x: Math.round(p.x), y: Math.round(p.y) } : null);
  }

  private _onSelection(_: DesignContext, ids: string[]): void {
    this._publishSelection(ids);
  }

  private _publishSelection(ids: string[]): void {
    this._ctx.doc.awareness.setLocalStateField('selection', [...ids]);
  }

  private _onAwareness = (
    change?: { added: number[]; updated: number[]; removed: number[] }
  ): void => {
    if (this._disposed) {
      return;
    }
    const me = this._ctx.doc.awareness.clientID;
    if (change) {
      const ids = [...change.added, ...change.updated, ...change.removed];
      if (ids.length && ids.every(id => id === me)) {
        return;
      }
      if (change.added.some(id => id !== me)) {
        this._announce();
      }
    }
    this._peers = peersOf(this._ctx).filter(p => !p.local);
    this._renderPointers();
    this._applySelections(false);
  };

  /**
   * Re-send this client's state for someone who just joined: the room does
   * not hand newcomers the states it has seen, so they would otherwise not
   * see us until our next pointer move.
   */
  private _announce(): void {
    if (this._announceTimer !== null) {
      return;
    }
    this._announceTimer = window.setTimeout(() => {
      this._announceTimer = null;
      const awareness = this._ctx.doc.awareness;
      const state = awareness.getLocalState();
      if (!this._disposed && state) {
        awareness.setLocalState({ ...state });
      }
    }, 150);
  }

  /** A colour cytoscape can parse (resolves `var(--jp-collaborator-color1)`). */
  private _resolve(color: string): string {
    let out = this._colorCache.get(color);
    if (!out) {
      this._probe.style.color = '';
      this._probe.style.color = color;
      out = getComputedStyle(this._probe).color || '#888888';
      if (out) {
        this._colorCache.set(color, out);
      }
    }
    return out;
  }

  private _renderPointers(): void {
    const seen = new Set<number>();
    for (const peer of this._peers) {
      if (!peer.pointer) {
        continue;
      }
      seen.add(peer.clientID);
      let el = this._pointers.get(peer.clientID);
      if (!el) {
        el = document.createElement('div');
        el.className = 'isshoni-RemotePointer';
        el.innerHTML = POINTER_SVG; // static markup, no user text
        const label = document.createElement('span');
        label.className = 'isshoni-RemotePointer-name';
        el.appendChild(label);
        this._overlay.appendChild(el);
        this._pointers.set(peer.clientID, el);
      }
      el.dataset.user = peer.name;
      el.dataset.client = String(peer.clientID);
      el.style.setProperty('--isshoni-peer-color', peer.color);
      const label = el.querySelector('.isshoni-RemotePointer-name') as HTMLElement;
      if (label.textContent !== peer.name) {
        label.textContent = peer.name;
      }
      el.title = peer.name;
      (el as any)._model = peer.pointer;
    }
    for (const [id, el] of this._pointers) {
      if (!seen.has(id)) {
        el.remove();
        this._pointers.delete(id);
      }
    }
    this._position();
  }

  private _position = (): void => {
    const pan = this._cy.pan();
    const zoom = this._cy.zoom();
    for (const el of this._pointers.values()) {
      const p = (el as any)._model as IPosition;
      const x = p.x * zoom + pan.x;
      const y = p.y * zoom + pan.y;
      el.style.transform = `translate(${x}px, ${y}px)`;
    }
  };

  private _applySelections(force: boolean): void {
    const next = new Map<string, string>();
    for (const peer of [...this._peers].sort((a, b) => a.clientID - b.clientID)) {
      for (const id of peer.selection) {
        if (!next.has(id)) {
          next.set(id, peer.color);
        }
      }
    }
    const key = [...next].map(([id, c]) => `${id}=${c}`).sort().join('\n');
    if (!force && key === this._selectionKey) {
      return;
    }
    this._selectionKey = key;
    const cy = this._cy;
    cy.batch(() => {
      for (const id of this._marked) {
        if (!next.has(id)) {
          const ele = cy.getElementById(id);
          if (ele.nonempty()) {
            ele.removeClass('remote-selected');
          }
        }
      }
      for (const [id, color] of next) {
        const ele = cy.getElementById(id);
        if (ele.nonempty()) {
          const resolved = this._resolve(color);
          if (ele.data('remoteColor') !== resolved) {
            ele.data('remoteColor', resolved);
          }
          ele.addClass('remote-selected');
        }
      }
    });
    this._marked = new Set(next.keys());
  }

  private _disposed = false;
  private _probe: HTMLSpanElement;
  private _peers: IPeer[] = [];
  private _pointers = new Map<number, HTMLDivElement>();
  private _marked = new Set<string>();
  private _selectionKey = '';
  private _colorCache = new Map<string, string>();
  private _pendingPointer: IPosition | null = null;
  private _pointerTimer: number | null = null;
  private _lastPointer = 0;
  private _announceTimer: number | null = null;
}

interface IButtonSpec {
  command: string;
  cls: string;
  label: string;
  title: string;
  icon?: LabIcon;
  run: () => unknown;
}

/** The thin bar above the canvas: who is here, and the canvas toolbar. */
export class PresenceBar extends Widget {
  constructor(
    readonly ctx: DesignContext,
    readonly canvas: CanvasView
  ) {
    super();
    this.addClass('isshoni-PresenceBar');
    this._chips = document.createElement('div');
    this._chips.className = 'isshoni-PresenceBar-people';
    this._chips.setAttribute('aria-label', 'People on this design');
    const tools = document.createElement('div');
    tools.className = 'isshoni-PresenceBar-tools';
    tools.setAttribute('role', 'toolbar');
    tools.setAttribute('aria-label', 'Canvas tools');
    this.node.append(this._chips, tools);

    const exportAs = async (kind: 'png' | 'svg') => {
      try {
        const blob = await this.canvas.exportImage(kind);
        const base =
          this.ctx.path.split('/').pop()?.replace(/\.infra\.json$/, '') || 'design';
        saveBlob(blob, `${base}.${kind}`);
      } catch (error) {
        console.error('isshoni: export failed', error);
      }
    };
    const specs: IButtonSpec[] = [
      {
        command: 'isshoni:layout',
        cls: 'isshoni-PresenceBar-arrange',
        label: 'Arrange',
        title: 'Arrange the design automatically (ELK) — one undo step',
        run: () => this.canvas.arrange()
      },
      {
        command: 'isshoni:fit',
        cls: 'isshoni-PresenceBar-fit',
        label: 'Fit',
        title: 'Fit the design in view',
        run: () => this.canvas.fit()
      },
      {
        command: 'isshoni:undo',
        cls: 'isshoni-PresenceBar-undo',
        label: '',
        title: 'Undo my last edit (Ctrl/Cmd+Z)',
        icon: undoIcon,
        run: () => this.ctx.doc.undo()
      },
      {
        command: 'isshoni:redo',
        cls: 'isshoni-PresenceBar-redo',
        label: '',
        title: 'Redo my edit (Ctrl/Cmd+Shift+Z)',
        icon: redoIcon,
        run: () => this.ctx.doc.redo()
      },
      {
        command: 'isshoni:delete-selection',
        cls: 'isshoni-PresenceBar-delete',
        label: '',
        title: 'Delete the selection (Delete)',
        icon: deleteIcon,
        run: () => this.canvas.deleteSelection()
      },
      {
        command: 'isshoni:export-png',
        cls: 'isshoni-PresenceBar-png',
        label: 'PNG',
        title: 'Export the design as a PNG image',
        icon: downloadIcon,
        run: () => exportAs('png')
      },
      {
        command: 'isshoni:export-svg',
        cls: 'isshoni-PresenceBar-svg',
        label: 'SVG',
        title: 'Export the design as an SVG image',
        icon: downloadIcon,
        run: () => exportAs('svg')
      }
    ];
    for (const spec of specs) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = `isshoni-PresenceBar-button ${spec.cls}`;
      button.dataset.command = spec.command;
      button.title = spec.title;
      button.setAttribute('aria-label', spec.title);
      if (spec.icon) {
        button.appendChild(
          spec.icon.element({ tag: 'span', className: 'isshoni-PresenceBar-icon', elementSize: 'small' })
        );
      }
      if (spec.label) {
        const text = document.createElement('span');
        text.textContent = spec.label;
        button.appendChild(text);
      }
      button.addEventListener('click', () => {
        void Promise.resolve(spec.run()).catch(error =>
          console.error(`isshoni: ${spec.command} failed`, error)
        );
      });
      if (spec.command === 'isshoni:undo' || spec.command === 'isshoni:export-png') {
        const sep = document.createElement('span');
        sep.className = 'isshoni-PresenceBar-separator';
        tools.appendChild(sep);
      }
      tools.appendChild(button);
      this._buttons.set(spec.command, button);
    }

    this.ctx.doc.awareness.on('change', this._renderPeople);
    this.ctx.selectionChanged.connect(this._updateButtons, this);
    const undo = this.ctx.doc.undoManager;
    for (const event of ['stack-item-added', 'stack-item-popped', 'stack-cleared']) {
      undo.on(event as any, this._updateButtons);
    }
    this._renderPeople();
    this._updateButtons();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.ctx.doc.awareness.off('change', this._renderPeople);
    this.ctx.selectionChanged.disconnect(this._updateButtons, this);
    const undo = this.ctx.doc.undoManager;
    for (const event of ['stack-item-added', 'stack-item-popped', 'stack-cleared']) {
      undo.off(event as any, this._updateButtons);
    }
    super.dispose();
  }

  private _updateButtons = (): void => {
    const undo = this.ctx.doc.undoManager;
    const set = (command: string, enabled: boolean) => {
      const b = this._buttons.get(command);
      if (b) {
        b.disabled = !enabled;
      }
    };
    set('isshoni:undo', undo.undoStack.length > 0);
    set('isshoni:redo', undo.redoStack.length > 0);
    set('isshoni:delete-selection', this.ctx.selection.length > 0);
  };

  private _renderPeople = (): void => {
    if (this.isDisposed) {
      return;
    }
    // One chip per person (several tabs of one user count once).
    const people = new Map<string, IPeer & { tabs: number }>();
    for (const peer of peersOf(this.ctx)) {
      const key = peer.local ? `\u0000local` : `${peer.username}\u0000${peer.name}`;
      const known = people.get(key);
      if (known) {
        known.tabs++;
      } else {
        people.set(key, { ...peer, tabs: 1 });
      }
    }
    const list = [...people.values()].sort((a, b) =>
      a.local !== b.local ? (a.local ? -1 : 1) : a.name.localeCompare(b.name)
    );
    const key = list.map(p => [p.local, p.name, p.initials, p.color, p.tabs].join('|')).join('\n');
    if (key === this._peopleKey) {
      return;
    }
    this._peopleKey = key;
    this._chips.replaceChildren();
    for (const person of list) {
      const chip = document.createElement('span');
      chip.className = 'isshoni-PresenceChip' + (person.local ? ' isshoni-mod-local' : '');
      chip.dataset.user = person.name;
      chip.style.setProperty('--isshoni-peer-color', person.color);
      chip.textContent = person.initials;
      chip.title =
        (person.local ? `${person.name} (you)` : person.name) +
        (person.tabs > 1 ? ` — ${person.tabs} tabs` : '');
      chip.setAttribute('aria-label', chip.title);
      this._chips.appendChild(chip);
      if (person.local) {
        const you = document.createElement('span');
        you.className = 'isshoni-PresenceBar-you';
        you.textContent = 'you';
        this._chips.appendChild(you);
      }
    }
    const count = document.createElement('span');
    count.className = 'isshoni-PresenceBar-count';
    count.textContent = list.length === 1 ? 'only you here' : `${list.length} here`;
    this._chips.appendChild(count);
  };

  private _chips: HTMLDivElement;
  private _buttons = new Map<string, HTMLButtonElement>();
  private _peopleKey = '';
}
