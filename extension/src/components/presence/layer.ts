/**
 * The canvas side of presence: publishes this user's `user`, `pointer`
 * (model coordinates, ~20 Hz) and `selection` to the room's awareness, and
 * draws the other clients' pointers (an HTML overlay) and selections (an
 * outline in their colour on the canvas).  A layer of the canvas
 * (`CanvasView.addLayer`): the canvas tells it when the pointer moves and when
 * it redrew, and disposes of it.
 */

import type cytoscape from 'cytoscape';

import { DesignContext } from '../../context';
import { IPosition } from '../../types';
import { ICanvasLayer } from '../canvas/layers';
import { initialsOf, IPeer, peersOf } from './peers';

const POINTER_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="18" height="22" viewBox="0 0 18 22">' +
  '<path d="M1 1 L1 17 L5.2 13.2 L8.2 20 L11 18.8 L8.1 12.2 L14 12.2 Z" ' +
  'fill="currentColor" stroke="white" stroke-width="1.4" stroke-linejoin="round"/></svg>';

/**
 * The canvas side of presence: publishes this client's state and draws the
 * others' pointers and selections.
 */
export class PresenceLayer implements ICanvasLayer {
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

  /** Publish the pointer on the canvas in model coordinates (null when it leaves), throttled to ~20 Hz. */
  pointerMoved(pointer: IPosition | null): void {
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
  redrawn(): void {
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
