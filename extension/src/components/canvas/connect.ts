/**
 * Drawing a connection: a round handle shows on the hovered (or the single
 * selected) node; dragging it draws a line to the pointer, marks the node
 * under it as a target the catalog accepts or refuses (with a hint saying
 * why), and dropping it on an accepted target connects the two.
 */

import cytoscape from 'cytoscape';

import { DesignContext } from '../../context';
import { IPosition } from '../../types';
import { canConnect, IVerdict } from './connect-rules';
import { GHOST_EDGE, GHOST_TIP, isGhost } from './geometry';
import { Placement } from './placement';
import { ICON_SIZE } from './style';
import { Toaster } from './toast';

interface IConnectGesture {
  source: string;
  pointerId: number;
  target: string | null;
  ok: boolean;
  reason: string;
}

export interface IConnectOptions {
  /** The canvas widget's node (the hint is placed inside it). */
  node: HTMLElement;
  /** Where the handle and the hint are drawn. */
  overlay: HTMLElement;
  modelAt: (clientX: number, clientY: number) => IPosition;
  toast: Toaster;
  pointerMoved: (pointer: IPosition) => void;
}

export class ConnectTool {
  constructor(
    private _ctx: DesignContext,
    private _cy: cytoscape.Core,
    private _placement: Placement,
    private _options: IConnectOptions
  ) {
    this._handle = document.createElement('div');
    this._handle.className = 'isshoni-Canvas-connectHandle';
    this._handle.title = 'Drag to another resource to connect';
    this._handle.setAttribute('aria-hidden', 'true');
    this._hint = document.createElement('div');
    this._hint.className = 'isshoni-Canvas-hint';
    _options.overlay.append(this._handle, this._hint);

    _cy.on('mouseover', 'node', event => {
      const ele = event.target as cytoscape.NodeSingular;
      if (!isGhost(ele.id()) && !this._connect) {
        this._hovered = ele.id();
        this.placeHandle();
      }
    });
    _cy.on('mouseout', 'node', () => {
      this._hovered = null;
      window.setTimeout(() => this.placeHandle(), 250);
    });
    _cy.on('viewport', () => this.placeHandle());
    _cy.on('position', 'node', event => {
      if (event.target.id() === this._handleNode) {
        this.placeHandle();
      }
    });

    this._handle.addEventListener('pointerdown', this._onHandleDown);
    this._handle.addEventListener('pointermove', this._onHandleMove);
    this._handle.addEventListener('pointerup', this._onHandleUp);
    this._handle.addEventListener('pointercancel', () => this._end(false));
    this._handle.addEventListener('mouseenter', () => {
      this._overHandle = true;
    });
    this._handle.addEventListener('mouseleave', () => {
      this._overHandle = false;
      window.setTimeout(() => this.placeHandle(), 250);
    });
  }

  /** Whether a connection is being drawn. */
  get active(): boolean {
    return this._connect !== null;
  }

  /** Stop drawing a connection without connecting. */
  cancel(): void {
    this._end(false);
  }

  /** Whether `source` may connect to `target`, and why not. */
  canConnect(source: string, target: string): IVerdict {
    return canConnect(this._ctx, this._cy, source, target);
  }

  hideHandle(): void {
    this._handle.classList.remove('isshoni-mod-visible');
    this._handleNode = null;
  }

  /** Show the connect handle on the hovered node, or the single selected node. */
  placeHandle(): void {
    if (this._connect) {
      return;
    }
    const cy = this._cy;
    let id = this._hovered ?? (this._overHandle ? this._handleNode : null);
    if (!id) {
      const sel = cy.$('node:selected');
      id = sel.length === 1 ? sel.id() : null;
    }
    const node = id ? cy.getElementById(id) : null;
    if (!node || node.empty() || node.grabbed() || cy.width() === 0) {
      this.hideHandle();
      return;
    }
    const entry = this._ctx.catalog.get(node.data('type'));
    if (!entry?.links.length) {
      this.hideHandle();
      return;
    }
    const bb = node.renderedBoundingBox({ includeLabels: false, includeOverlays: false, includeUnderlays: false, includeOutlines: false } as any);
    // just outside the node's right edge, so it never hides the node itself
    const x = bb.x2 + 5;
    const y = (node.isParent() || node.hasClass('container') ? bb.y1 + 16 : (bb.y1 + bb.y2) / 2) - 9;
    if (x < 0 || y < 0 || x > cy.width() || y > cy.height()) {
      this.hideHandle();
      return;
    }
    this._handleNode = node.id();
    this._handle.style.transform = `translate(${x}px, ${y}px)`;
    this._handle.title = `Drag to another resource to connect '${node.data('label')}'`;
    this._handle.classList.add('isshoni-mod-visible');
  }

  /** The design node under a model point (resources before the containers around them). */
  private _nodeAt(p: IPosition, exclude?: string): cytoscape.NodeSingular | null {
    let best: cytoscape.NodeSingular | null = null;
    this._cy.nodes('.leaf').forEach(n => {
      if (n.id() === exclude) {
        return;
      }
      const q = n.position();
      const half = ICON_SIZE / 2 + 6;
      if (Math.abs(q.x - p.x) <= half && Math.abs(q.y - p.y) <= half) {
        best = n;
      }
    });
    if (best) {
      return best;
    }
    const containers = this._placement.containersAt(p).filter(n => n.id() !== exclude);
    return containers[0] ?? null;
  }

  private _onHandleDown = (event: PointerEvent): void => {
    if (event.button !== 0 || !this._handleNode) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    this._handle.setPointerCapture(event.pointerId);
    const source = this._handleNode;
    this._connect = { source, pointerId: event.pointerId, target: null, ok: false, reason: '' };
    const p = this._options.modelAt(event.clientX, event.clientY);
    this._cy.batch(() => {
      this._cy.add([
        {
          group: 'nodes',
          data: { id: GHOST_TIP, images: 'none', display: '' },
          position: p,
          classes: 'ghost',
          selectable: false,
          grabbable: false
        },
        { group: 'edges', data: { id: GHOST_EDGE, source, target: GHOST_TIP, label: '' }, classes: 'ghost', selectable: false }
      ]);
    });
    this._handle.classList.add('isshoni-mod-active');
    this._showHint(event, 'Drop on the resource to connect to');
  };

  private _onHandleMove = (event: PointerEvent): void => {
    const c = this._connect;
    if (!c || event.pointerId !== c.pointerId) {
      return;
    }
    const cy = this._cy;
    const p = this._options.modelAt(event.clientX, event.clientY);
    this._options.pointerMoved(p);
    const tip = cy.getElementById(GHOST_TIP);
    const node = this._nodeAt(p, c.source);
    const target = node ? node.id() : null;
    cy.batch(() => {
      tip.position(node ? node.position() : p);
      if (target !== c.target) {
        cy.$('.connect-ok, .connect-bad').removeClass('connect-ok connect-bad');
        c.target = target;
        if (target) {
          const verdict = this.canConnect(c.source, target);
          c.ok = verdict.ok;
          c.reason = verdict.reason;
          node!.addClass(verdict.ok ? 'connect-ok' : 'connect-bad');
        } else {
          c.ok = false;
          c.reason = '';
        }
      }
    });
    this._showHint(event, c.target ? c.reason : 'Drop on the resource to connect to', c.target ? c.ok : null);
  };

  private _onHandleUp = (event: PointerEvent): void => {
    const c = this._connect;
    if (!c || event.pointerId !== c.pointerId) {
      return;
    }
    this._end(true);
  };

  private _end(commit: boolean): void {
    const c = this._connect;
    if (!c) {
      return;
    }
    this._connect = null;
    try {
      this._handle.releasePointerCapture(c.pointerId);
    } catch {
      // already released
    }
    this._cy.batch(() => {
      this._cy.getElementById(GHOST_EDGE).remove();
      this._cy.getElementById(GHOST_TIP).remove();
      this._cy.$('.connect-ok, .connect-bad').removeClass('connect-ok connect-bad');
    });
    this._handle.classList.remove('isshoni-mod-active');
    this._hint.classList.remove('isshoni-mod-visible');
    if (commit && c.target) {
      if (c.ok) {
        try {
          const id = this._ctx.doc.connect(c.source, c.target);
          this._ctx.select([id]);
        } catch (error) {
          this._options.toast(`Cannot connect: ${(error as Error).message}`, 'error');
        }
      } else {
        this._options.toast(c.reason, 'error');
      }
    }
    this.placeHandle();
  }

  private _showHint(event: PointerEvent, text: string, ok: boolean | null = null): void {
    const rect = this._options.node.getBoundingClientRect();
    const hint = this._hint;
    hint.textContent = text;
    hint.classList.add('isshoni-mod-visible');
    hint.classList.toggle('isshoni-mod-ok', ok === true);
    hint.classList.toggle('isshoni-mod-bad', ok === false);
    let x = event.clientX - rect.left + 14;
    let y = event.clientY - rect.top + 16;
    const w = hint.offsetWidth;
    const h = hint.offsetHeight;
    if (x + w > rect.width - 4) {
      x = Math.max(4, event.clientX - rect.left - 14 - w);
    }
    if (y + h > rect.height - 4) {
      y = Math.max(4, event.clientY - rect.top - 16 - h);
    }
    hint.style.transform = `translate(${x}px, ${y}px)`;
  }

  private _handle: HTMLDivElement;
  private _hint: HTMLDivElement;
  /** The node under the mouse, the node the handle is on, and whether the mouse is on the handle. */
  private _hovered: string | null = null;
  private _handleNode: string | null = null;
  private _overHandle = false;
  private _connect: IConnectGesture | null = null;
}
