/**
 * The design canvas (cytoscape.js), drawn from `ctx.doc` and redrawn
 * incrementally on its `changed` signal (only the touched ids, in one
 * `cy.batch`).  Every edit goes through the YInfra operations; the canvas
 * keeps no copy of the design besides what cytoscape draws.
 *
 * Gestures: drop a palette item to add a resource (inside the innermost
 * container that may hold it), drag nodes to move them (onto a container to
 * put them inside it), drag the round handle on a hovered or selected node to
 * another node to connect them, tap / shift-tap / shift-drag to select,
 * Delete to remove, wheel and background drag to zoom and pan.
 */

import cytoscape from 'cytoscape';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { DesignContext } from '../../context';
import { isGeneric, referenceEdges } from '../../generic';
import { iconSvg } from '../../icons';
import { ICatalogType, IConnection, IFinding, IPosition, IResource } from '../../types';
import { IInfraChanges } from '../../yinfra';
import {
  BADGES,
  BADGE_COLORS,
  GHOST_PREFIX,
  ICON_SIZE,
  ITheme,
  PUBLIC_SUBNET_SVG,
  ROLE_COLORS,
  buildStyle,
  containerColor,
  iconDataUri,
  iconUrl,
  readTheme
} from './style';
import { ASSISTANT } from '../chat';
import { isLowestClient, someoneArranging } from './arranging';
import { elkLayout } from './elk';
import { ICanvasLayer } from './layers';
import { ADD_TYPE_EVENT, DRAG_MIME as PALETTE_MIME } from '../palette';
import { syncReferenceEdges } from '../references';

const GHOST_TIP = `${GHOST_PREFIX}tip`;
/** Ids of the assistant's proposed (not yet applied) nodes and edges. */
const PROPOSED = `${GHOST_PREFIX}proposed-`;
const GHOST_EDGE = `${GHOST_PREFIX}edge`;
/** Designs bigger than this skip animations and draw a texture while panning. */
const LARGE = 400;
const GENERIC_CONNECT =
  'A generic resource connects through references in its properties: select it and write {"ref": "<id>"} in the Properties panel';

type Severity = 'error' | 'warning';

interface IPlacement {
  parent: string | null;
  refuse?: string;
  note?: string;
}

interface IGesture {
  boxes: Map<string, cytoscape.BoundingBox12>;
  freed: Set<string>;
  timer: number | null;
}

interface IConnectGesture {
  source: string;
  pointerId: number;
  target: string | null;
  ok: boolean;
  reason: string;
}

declare global {
  interface Window {
    isshoniCanvases?: Set<cytoscape.Core>;
  }
}

function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function samePosition(a: IPosition | undefined, b: IPosition | undefined): boolean {
  return !!a && !!b && Math.round(a.x) === Math.round(b.x) && Math.round(a.y) === Math.round(b.y);
}

function parentIdOf(node: cytoscape.NodeSingular | cytoscape.CollectionReturnValue): string | null {
  const p = (node as cytoscape.NodeSingular).parent();
  return p.length ? p[0].id() : null;
}

function inBox(p: IPosition, b: cytoscape.BoundingBox12): boolean {
  return p.x >= b.x1 && p.x <= b.x2 && p.y >= b.y1 && p.y <= b.y2;
}

export class CanvasView extends Widget {
  constructor(readonly ctx: DesignContext) {
    super();
    const t0 = performance.now();
    this.addClass('isshoni-Canvas');
    this.node.tabIndex = 0;
    this.node.setAttribute('aria-label', 'Design canvas');

    this._host = document.createElement('div');
    this._host.className = 'isshoni-Canvas-cy';
    this._overlay = document.createElement('div');
    this._overlay.className = 'isshoni-Canvas-overlay';
    this._handle = document.createElement('div');
    this._handle.className = 'isshoni-Canvas-connectHandle';
    this._handle.title = 'Drag to another resource to connect';
    this._handle.setAttribute('aria-hidden', 'true');
    this._hint = document.createElement('div');
    this._hint.className = 'isshoni-Canvas-hint';
    this._toastNode = document.createElement('div');
    this._toastNode.className = 'isshoni-Canvas-toast';
    this._toastNode.setAttribute('role', 'status');
    this._toastNode.setAttribute('aria-live', 'polite');
    this._empty = document.createElement('div');
    this._empty.className = 'isshoni-Canvas-empty';
    this._empty.textContent =
      'Drag resources from the palette here. Drag the round handle of a resource to connect it.';
    this._overlay.append(this._handle, this._hint);
    this.node.append(this._host, this._empty, this._overlay, this._toastNode);

    this._theme = readTheme(document.body);
    const count = this.ctx.doc.ydoc.getMap('resources').size;
    this._large = count > LARGE;
    this.cy = cytoscape({
      container: this._host,
      style: buildStyle(this._theme),
      minZoom: 0.03,
      maxZoom: 4,
      boxSelectionEnabled: true,
      selectionType: 'single',
      textureOnViewport: this._large,
      hideEdgesOnViewport: this._large,
      motionBlur: false,
      pixelRatio: 'auto',
      layout: { name: 'preset' }
    });
    (this.node as any).cy = this.cy;
    (this.node as any).isshoniCanvas = this;
    (window.isshoniCanvases = window.isshoniCanvases ?? new Set()).add(this.cy);

    this._buildAll();
    this.buildMs = performance.now() - t0;
    this._t0 = t0;
    this.cy.on('render', this._onRender);

    ctx.doc.changed.connect(this._onDocChanged, this);
    ctx.selectionChanged.connect(this._onCtxSelection, this);
    ctx.findingsChanged.connect(this._onFindings, this);
    this._onFindings();
    this._onCtxSelection(ctx, ctx.selection);

    this._wireCytoscape();
    this._wireDom();

    this._themeObserver = new MutationObserver(() => {
      this._restyle();
      // the theme's stylesheet may land a moment after the attribute flips
      window.setTimeout(() => this._restyle(), 400);
    });
    this._themeObserver.observe(document.body, {
      attributes: true,
      attributeFilter: ['data-jp-theme-light', 'data-jp-theme-name']
    });
    this._scheduleAutoLayout(1200);
  }

  /** The cytoscape instance (browser tests reach it as `node.cy` or `window.isshoniCanvases`). */
  readonly cy: cytoscape.Core;
  /** Milliseconds to build the elements, and from construction to the first painted frame. */
  buildMs = 0;
  paintMs: number | null = null;

  // ================================================================ public API
  /** Lay the design out with ELK and write every position in one undoable step. */
  arrange(): Promise<void> {
    if (!this._arranging) {
      this._arranging = this._arrange().finally(() => {
        this._arranging = null;
      });
    }
    return this._arranging;
  }

  fit(): void {
    const eles = this._designElements();
    if (!this.cy.width() || !this.cy.height()) {
      this._fitPending = true;
      return;
    }
    this.cy.stop();
    if (eles.empty()) {
      this.cy.viewport({ zoom: 1, pan: { x: this.cy.width() / 2, y: this.cy.height() / 2 } });
      return;
    }
    this.cy.fit(eles, 40);
    if (this.cy.zoom() > 1.5) {
      this.cy.zoom({ level: 1.5, renderedPosition: { x: this.cy.width() / 2, y: this.cy.height() / 2 } });
      this.cy.center(eles);
    }
    this._fitPending = false;
  }

  /** Remove the selected resources and connections in one transaction (one undo restores them). */
  deleteSelection(): void {
    const ids = new Set<string>(this.ctx.selection);
    this.cy.$(':selected').forEach(ele => {
      if (!ele.id().startsWith(GHOST_PREFIX)) {
        ids.add(ele.id());
      }
    });
    const resources = this.ctx.doc.ydoc.getMap('resources');
    const connections = this.ctx.doc.ydoc.getMap('connections');
    const conns = [...ids].filter(id => connections.has(id));
    const res = [...ids].filter(id => resources.has(id));
    if (!conns.length && !res.length) {
      return;
    }
    this.ctx.doc.transact(() => {
      for (const id of conns) {
        if (connections.has(id)) {
          this.ctx.doc.remove(id);
        }
      }
      for (const id of res) {
        if (resources.has(id)) {
          this.ctx.doc.remove(id);
        }
      }
    });
    this.ctx.select([]);
    const n = conns.length + res.length;
    this.toast(`Deleted ${n} item${n === 1 ? '' : 's'} (undo with Ctrl/Cmd+Z)`);
  }

  async exportImage(kind: 'png' | 'svg'): Promise<Blob> {
    return kind === 'png' ? this._exportPng() : this._exportSvg();
  }

  /**
   * Add a resource of a catalog type, as a palette drop does: at `position`
   * (model coordinates; default: the centre of the view, or inside the
   * selected container), inside the innermost container allowed there.
   * Returns the new id, or null when it cannot be placed (a message says why).
   */
  addFromPalette(type: string, position?: IPosition): string | null {
    const entry = this.ctx.catalog.get(type);
    if (!entry) {
      this.toast(`Unknown resource type '${type}'`, 'error');
      return null;
    }
    let point = position;
    let placement: IPlacement | null = null;
    if (!point) {
      const selected = this.ctx.selection
        .map(id => this.cy.getElementById(id))
        .find(
          ele =>
            ele.nonempty() && ele.isNode() && ele.hasClass('container') && entry.containers.includes(ele.data('type'))
        );
      if (selected) {
        point = this._freeSpotIn(selected as cytoscape.NodeSingular);
        placement = { parent: selected.id() };
      } else {
        const ext = this.cy.extent();
        point = { x: (ext.x1 + ext.x2) / 2, y: (ext.y1 + ext.y2) / 2 };
      }
    }
    placement = placement ?? this._placement(entry, point);
    if (placement.refuse && !position) {
      // Keyboard add: fall back to the first container in the design that may hold it.
      const host = this.cy
        .nodes('.container')
        .filter(n => entry.containers.includes(n.data('type')))
        .first();
      if (host.nonempty()) {
        point = this._freeSpotIn(host[0] as cytoscape.NodeSingular);
        placement = { parent: host.id() };
      }
    }
    if (placement.refuse) {
      this.toast(placement.refuse, 'error');
      return null;
    }
    point = this._freeSpot(point);
    let id: string;
    try {
      id = this.ctx.doc.add(type, { label: entry.label, parent: placement.parent, position: point });
    } catch (error) {
      this.toast(`Cannot add ${entry.label}: ${(error as Error).message}`, 'error');
      return null;
    }
    this.ctx.select([id]);
    if (placement.note) {
      this.toast(placement.note);
    }
    this.node.focus({ preventScroll: true });
    return id;
  }

  /** The element over the canvas that layers draw their HTML marks into (placed from the pan and zoom). */
  get overlay(): HTMLDivElement {
    return this._overlay;
  }

  /** Add a layer (presence, a deploy overlay): it hears about pointer moves and redraws, and goes with the canvas. */
  addLayer(layer: ICanvasLayer): void {
    this._layers.push(layer);
  }

  private _pointerMoved(pointer: IPosition | null): void {
    for (const layer of this._layers) {
      layer.pointerMoved?.(pointer);
    }
  }

  /** Show a short message in the canvas. */
  toast(message: string, kind: 'info' | 'error' = 'info'): void {
    this._toastNode.textContent = message;
    this._toastNode.classList.toggle('isshoni-mod-error', kind === 'error');
    this._toastNode.classList.add('isshoni-mod-visible');
    if (this._toastTimer !== null) {
      clearTimeout(this._toastTimer);
    }
    this._toastTimer = window.setTimeout(
      () => {
        this._toastNode.classList.remove('isshoni-mod-visible');
        this._toastTimer = null;
      },
      kind === 'error' ? 6000 : 3500
    );
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.ctx.doc.changed.disconnect(this._onDocChanged, this);
    this.ctx.selectionChanged.disconnect(this._onCtxSelection, this);
    this.ctx.findingsChanged.disconnect(this._onFindings, this);
    this._themeObserver.disconnect();
    document.removeEventListener('dragstart', this._onDocDragStart);
    document.removeEventListener('dragend', this._onDocDragEnd);
    document.removeEventListener('keydown', this._onKeyDown, true);
    document.removeEventListener(ADD_TYPE_EVENT, this._onAddType);
    for (const timer of [this._toastTimer, this._autoTimer]) {
      if (timer !== null) {
        clearTimeout(timer);
      }
    }
    for (const layer of this._layers) {
      layer.dispose();
    }
    window.isshoniCanvases?.delete(this.cy);
    this.cy.destroy();
    super.dispose();
  }

  // ================================================================ lifecycle
  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this._attachMs === null) {
      this._attachMs = performance.now() - this._t0;
    }
    this._restyle();
    this._resize();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._resize();
  }

  protected onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    this._resize();
  }

  private _resize(): void {
    this.cy.resize();
    // until the user pans, zooms or clicks, keep the design fitted (the panel settles its size in steps)
    if ((this._fitPending || this._autoFit) && this.cy.width() > 0 && this.cy.height() > 0) {
      this.fit();
    }
    this._placeHandle();
  }

  private _onRender = (): void => {
    if (this.paintMs === null && this.cy.width() > 0) {
      this.paintMs = performance.now() - this._t0;
      (this.node as any).isshoniPaint = {
        nodes: this.cy.nodes().length,
        edges: this.cy.edges().length,
        buildMs: Math.round(this.buildMs),
        attachMs: Math.round(this._attachMs ?? 0),
        paintMs: Math.round(this.paintMs)
      };
      console.debug('isshoni canvas painted', (this.node as any).isshoniPaint);
      this.cy.off('render', this._onRender);
    }
  };

  private _restyle(): void {
    const theme = readTheme(this.node.isConnected ? this.node : document.body);
    if (JSON.stringify(theme) === JSON.stringify(this._theme) && this._styled) {
      return;
    }
    this._theme = theme;
    this._styled = true;
    this.cy.style().fromJson(buildStyle(theme)).update();
  }

  // ================================================================ drawing from the doc
  private _designElements(): cytoscape.CollectionReturnValue {
    return this.cy.elements().filter(ele => !ele.id().startsWith(GHOST_PREFIX));
  }

  private _nodeData(id: string, r: IResource): Record<string, any> {
    const entry = this.ctx.catalog.get(r.type);
    const container = !!entry?.is_container;
    let icon: string;
    if (r.type === 'subnet' && r.properties?.tier === 'public') {
      icon = iconUrl(PUBLIC_SUBNET_SVG);
    } else {
      icon = iconUrl(entry ? iconSvg(entry.icon, entry.category) : iconSvg('', ''));
    }
    const label = r.label || id;
    const severity = this._findingIndex.get(id)?.severity;
    return {
      id,
      label,
      type: r.type,
      display: label,
      icon,
      images: severity ? `${icon} ${BADGES[severity]}` : icon,
      color: container ? containerColor(r.type, r.properties ?? {}) : '#888888'
    };
  }

  private _nodeClasses(r: IResource, id: string): string[] {
    const entry = this.ctx.catalog.get(r.type);
    const classes = [entry?.is_container ? 'container' : 'leaf'];
    if (!entry) {
      classes.push('unknown');
    }
    const severity = this._findingIndex.get(id)?.severity;
    if (severity) {
      classes.push(`finding-${severity}`);
    }
    return classes;
  }

  private _edgeData(id: string, c: IConnection): Record<string, any> {
    return { id, source: c.source, target: c.target, label: c.label ?? '' };
  }

  private _edgeClasses(c: IConnection, id: string): string[] {
    const classes: string[] = [];
    const role = c.properties?.role;
    if (typeof role === 'string' && ROLE_COLORS[role]) {
      classes.push(`role-${role}`);
    }
    const severity = this._findingIndex.get(id)?.severity;
    if (severity) {
      classes.push(`finding-${severity}`);
    }
    return classes;
  }

  /** Depth of each resource in the container tree (parents first when adding). */
  private _depths(resources: Record<string, IResource>): Map<string, number> {
    const depth = new Map<string, number>();
    const of = (id: string, seen: Set<string>): number => {
      const known = depth.get(id);
      if (known !== undefined) {
        return known;
      }
      const parent = resources[id]?.parent;
      let d = 0;
      if (parent && resources[parent] && !seen.has(parent)) {
        seen.add(parent);
        d = of(parent, seen) + 1;
      }
      depth.set(id, d);
      return d;
    };
    for (const id of Object.keys(resources)) {
      of(id, new Set([id]));
    }
    return depth;
  }

  private _buildAll(): void {
    const resources = this.ctx.doc.resources;
    const connections = this.ctx.doc.connections;
    const depth = this._depths(resources);
    const ids = Object.keys(resources).sort((a, b) => depth.get(a)! - depth.get(b)! || (a < b ? -1 : 1));
    const elements: cytoscape.ElementDefinition[] = [];
    for (const id of ids) {
      const r = resources[id];
      const data = this._nodeData(id, r);
      if (r.parent && resources[r.parent] && r.parent !== id) {
        data.parent = r.parent;
      }
      elements.push({
        group: 'nodes',
        data,
        position: { x: r.position?.x ?? 0, y: r.position?.y ?? 0 },
        classes: this._nodeClasses(r, id)
      });
    }
    this._pendingEdges.clear();
    for (const [id, c] of Object.entries(connections)) {
      if (resources[c.source] && resources[c.target]) {
        elements.push({ group: 'edges', data: this._edgeData(id, c), classes: this._edgeClasses(c, id) });
      } else {
        this._pendingEdges.add(id);
      }
    }
    this.cy.batch(() => {
      this.cy.elements().remove();
      this.cy.add(elements);
    });
    syncReferenceEdges(this.cy, id => this.ctx.doc.resource(id));
    this._proposalKey = '';
    this._drawProposal();
    this._fitPending = true;
    this._updateEmpty();
  }

  private _onDocChanged(_: unknown, changes: IInfraChanges): void {
    const res = changes.resourcesChanged ?? [];
    const con = changes.connectionsChanged ?? [];
    if (changes.chatChanged) {
      this._drawProposal();
    }
    if (!res.length && !con.length) {
      return;
    }
    const t0 = performance.now();
    const added = res.length > 200 ? res.filter(id => this.cy.getElementById(id).empty()).length : 0;
    if (added > 200 && added >= this.cy.nodes().length) {
      // a whole new design (a reload, a generated design): rebuild in one go
      this._buildAll();
    } else {
      this.cy.batch(() => {
        if (res.length) {
          this._applyResources(res);
        }
        if (con.length) {
          this._applyConnections(con);
        }
        if (this._pendingEdges.size) {
          this._applyConnections([...this._pendingEdges]);
        }
      });
    }
    if (res.length) {
      syncReferenceEdges(this.cy, id => this.ctx.doc.resource(id));
    }
    // re-apply the local selection to re-created elements
    const selected = this.ctx.selection.filter(id => this.cy.getElementById(id).nonempty());
    if (selected.length) {
      this._syncing = true;
      this.cy.batch(() => {
        for (const id of selected) {
          this.cy.getElementById(id).select();
        }
      });
      this._syncing = false;
    }
    // drop vanished ids from the selection
    const alive = this.ctx.selection.filter(id => this.cy.getElementById(id).nonempty());
    if (alive.length !== this.ctx.selection.length) {
      this.ctx.select(alive);
    }
    for (const layer of this._layers) {
      layer.redrawn?.();
    }
    this._updateEmpty();
    this._placeHandle();
    if (this._fitPending) {
      this.fit();
    }
    if (res.length) {
      this._scheduleAutoLayout(600);
    }
    this._drawProposal();
    this.lastUpdateMs = performance.now() - t0;
  }

  /**
   * The assistant's pending proposal (suggest mode) drawn as a diff: proposed
   * nodes and connections dashed, resources it would remove or change marked.
   * Ghost ids never reach the document; Apply / Discard in the chat clear it.
   */
  private _drawProposal(): void {
    const chat = this.ctx.doc.chat;
    let pending: any = null;
    for (let i = chat.length - 1; i >= 0 && !pending; i--) {
      const m = chat[i];
      if (m && m.author === ASSISTANT && m.proposal === 'pending' && Array.isArray(m.ops)) {
        pending = m;
      }
    }
    const key = pending ? `${pending.id}:${JSON.stringify(pending.ops)}` : '';
    if (key === this._proposalKey) {
      return;
    }
    this._proposalKey = key;
    const cy = this.cy;
    cy.batch(() => {
      cy.elements()
        .filter(e => e.id().startsWith(PROPOSED))
        .remove();
      cy.elements('.proposed-remove, .proposed-change').removeClass('proposed-remove proposed-change');
      if (!pending) {
        return;
      }
      const shown = (id: string): string | null =>
        cy.getElementById(id).nonempty() ? id : cy.getElementById(PROPOSED + id).nonempty() ? PROPOSED + id : null;
      for (const op of pending.ops) {
        if (op.op === 'add' && typeof op.id === 'string') {
          const r: IResource = {
            type: op.type,
            label: op.label || op.id,
            properties: op.properties ?? {},
            parent: op.parent ?? null,
            position: op.position ?? { x: 0, y: 0 },
            notes: ''
          };
          const data = this._nodeData(PROPOSED + op.id, r);
          const parent = op.parent ? shown(op.parent) : null;
          if (parent) {
            data.parent = parent;
          }
          cy.add({
            group: 'nodes',
            data,
            position: { x: r.position.x ?? 0, y: r.position.y ?? 0 },
            classes: [...this._nodeClasses(r, op.id), 'proposed']
          });
        } else if (op.op === 'connect') {
          const source = shown(op.source);
          const target = shown(op.target);
          if (source && target) {
            cy.add({
              group: 'edges',
              data: { id: `${PROPOSED}${op.id ?? `${source}-${target}`}`, source, target, label: '' },
              classes: 'proposed'
            });
          }
        } else if (typeof op.id === 'string') {
          cy.getElementById(op.id).addClass(op.op === 'remove' ? 'proposed-remove' : 'proposed-change');
        }
      }
    });
  }

  private _proposalKey = '';

  /** Milliseconds the last incremental redraw took (not counting the paint). */
  lastUpdateMs: number | null = null;

  private _applyResources(ids: string[]): void {
    const cy = this.cy;
    const adds: { id: string; r: IResource }[] = [];
    const updates: { id: string; r: IResource }[] = [];
    const removes: string[] = [];
    for (const id of ids) {
      const r = this.ctx.doc.resource(id);
      const node = cy.getElementById(id);
      if (!r) {
        if (node.nonempty()) {
          removes.push(id);
        }
      } else if (node.empty()) {
        adds.push({ id, r });
      } else {
        updates.push({ id, r });
      }
    }
    if (adds.length) {
      // parents before children
      const addIds = new Map(adds.map(a => [a.id, a.r]));
      const depthOf = (id: string): number => {
        let d = 0;
        let up = addIds.get(id)?.parent ?? null;
        const seen = new Set([id]);
        while (up && addIds.has(up) && !seen.has(up)) {
          seen.add(up);
          d++;
          up = addIds.get(up)?.parent ?? null;
        }
        return d;
      };
      adds.sort((a, b) => depthOf(a.id) - depthOf(b.id));
      const defs: cytoscape.ElementDefinition[] = [];
      const present = (id: string) => addIds.has(id) || cy.getElementById(id).nonempty();
      for (const { id, r } of adds) {
        const data = this._nodeData(id, r);
        if (r.parent && r.parent !== id && present(r.parent)) {
          data.parent = r.parent;
        }
        defs.push({
          group: 'nodes',
          data,
          position: { x: r.position?.x ?? 0, y: r.position?.y ?? 0 },
          classes: this._nodeClasses(r, id)
        });
      }
      cy.add(defs);
    }
    for (const { id, r } of updates) {
      this._updateNode(id, r);
    }
    for (const id of removes) {
      const node = cy.getElementById(id);
      // children the document did not move yet go to the removed node's parent
      const up = parentIdOf(node);
      node.children().forEach(child => {
        child.move({ parent: up });
      });
      node.remove();
    }
  }

  private _updateNode(id: string, r: IResource): void {
    const cy = this.cy;
    let node = cy.getElementById(id);
    const data = this._nodeData(id, r);
    const changed: Record<string, any> = {};
    for (const [key, value] of Object.entries(data)) {
      if (key !== 'id' && node.data(key) !== value) {
        changed[key] = value;
      }
    }
    if (Object.keys(changed).length) {
      node.data(changed);
    }
    const classes = this._nodeClasses(r, id);
    for (const cls of ['container', 'leaf', 'unknown', 'finding-error', 'finding-warning']) {
      const want = classes.includes(cls);
      if (node.hasClass(cls) !== want) {
        node.toggleClass(cls, want);
      }
    }
    // parent
    let want: string | null = r.parent && r.parent !== id ? r.parent : null;
    if (want) {
      const parent = cy.getElementById(want);
      if (parent.empty() || node.descendants().getElementById(want).nonempty()) {
        want = null;
      }
    }
    const current = parentIdOf(node);
    if (want !== current) {
      node.move({ parent: want });
      node = cy.getElementById(id);
    }
    // position (a container with children is drawn around them)
    if (!node.isParent() && !node.grabbed() && !samePosition(node.position(), r.position)) {
      node.position({ x: r.position?.x ?? 0, y: r.position?.y ?? 0 });
    }
  }

  private _applyConnections(ids: string[]): void {
    const cy = this.cy;
    const adds: cytoscape.ElementDefinition[] = [];
    for (const id of ids) {
      const c = this.ctx.doc.connection(id);
      const edge = cy.getElementById(id);
      if (!c) {
        edge.remove();
        this._pendingEdges.delete(id);
        continue;
      }
      if (cy.getElementById(c.source).empty() || cy.getElementById(c.target).empty()) {
        edge.remove();
        this._pendingEdges.add(id);
        continue;
      }
      this._pendingEdges.delete(id);
      const data = this._edgeData(id, c);
      const classes = this._edgeClasses(c, id);
      if (edge.empty()) {
        adds.push({ group: 'edges', data, classes });
        continue;
      }
      if (edge.data('source') !== c.source || edge.data('target') !== c.target) {
        edge.move({ source: c.source, target: c.target });
      }
      if (edge.data('label') !== data.label) {
        edge.data('label', data.label);
      }
      for (const cls of ['role-blue', 'role-green', 'finding-error', 'finding-warning']) {
        const want = classes.includes(cls);
        if (edge.hasClass(cls) !== want) {
          edge.toggleClass(cls, want);
        }
      }
    }
    if (adds.length) {
      cy.add(adds);
    }
  }

  private _updateEmpty(): void {
    this._empty.classList.toggle('isshoni-mod-hidden', this.cy.nodes().length > 0);
  }

  // ================================================================ findings
  private _onFindings(): void {
    const index = new Map<string, { severity: Severity; messages: string[] }>();
    for (const f of this.ctx.findings as IFinding[]) {
      if (!f.resource) {
        continue;
      }
      const sev = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : null;
      if (!sev) {
        continue;
      }
      const known = index.get(f.resource);
      const text = `${sev === 'error' ? 'Error' : 'Warning'}: ${f.message}${f.tool ? ` (${f.tool}${f.rule ? ` ${f.rule}` : ''})` : ''}`;
      if (known) {
        known.messages.push(text);
        if (sev === 'error') {
          known.severity = 'error';
        }
      } else {
        index.set(f.resource, { severity: sev, messages: [text] });
      }
    }
    const before = this._findingIndex;
    this._findingIndex = index;
    const touched = new Set([...before.keys(), ...index.keys()]);
    this.cy.batch(() => {
      for (const id of touched) {
        const ele = this.cy.getElementById(id);
        if (ele.empty()) {
          continue;
        }
        const sev = index.get(id)?.severity;
        ele.toggleClass('finding-error', sev === 'error');
        ele.toggleClass('finding-warning', sev === 'warning');
        if (ele.isNode()) {
          const icon = ele.data('icon');
          ele.data('images', sev ? `${icon} ${BADGES[sev]}` : icon);
        }
      }
    });
  }

  /** What the tooltip of an element says. */
  private _tooltip(ele: cytoscape.SingularElementArgument): string {
    const id = ele.id();
    const f = this._findingIndex.get(id);
    let head: string;
    if (ele.isNode()) {
      const entry = this.ctx.catalog.get(ele.data('type'));
      head = `${ele.data('label')} (${entry?.label ?? ele.data('type')}, id ${id})`;
    } else {
      head = `${ele.data('source')} → ${ele.data('target')} (id ${id})`;
    }
    return f ? `${head}\n${f.messages.join('\n')}` : head;
  }

  // ================================================================ selection
  private _onCtxSelection(_: unknown, ids: string[]): void {
    if (this._flushingSelection) {
      return;
    }
    const want = new Set(ids);
    this._syncing = true;
    try {
      this.cy.batch(() => {
        this.cy.$(':selected').forEach(ele => {
          if (!want.has(ele.id())) {
            ele.unselect();
          }
        });
        for (const id of want) {
          const ele = this.cy.getElementById(id);
          if (ele.nonempty() && !ele.selected()) {
            ele.select();
          }
        }
      });
    } finally {
      this._syncing = false;
    }
    // bring an off-screen selection into view (selected from the findings list or the inspector)
    const eles = this.cy.collection();
    for (const id of want) {
      eles.merge(this.cy.getElementById(id));
    }
    if (eles.nonempty() && this.cy.width() > 0) {
      const bb = eles.boundingBox({});
      const ext = this.cy.extent();
      const visible = bb.x1 >= ext.x1 && bb.x2 <= ext.x2 && bb.y1 >= ext.y1 && bb.y2 <= ext.y2;
      if (!visible) {
        if (this._large) {
          this.cy.center(eles);
        } else {
          this.cy.animate({ center: { eles } }, { duration: 250 });
        }
      }
    }
    this._placeHandle();
  }

  private _scheduleSelectionFlush(): void {
    if (this._syncing || this._selectionQueued) {
      return;
    }
    this._selectionQueued = true;
    queueMicrotask(() => {
      this._selectionQueued = false;
      if (this.isDisposed) {
        return;
      }
      const ids = this.cy
        .$(':selected')
        .map(ele => ele.id())
        .filter(id => !id.startsWith(GHOST_PREFIX));
      this._flushingSelection = true;
      try {
        this.ctx.select(ids);
      } finally {
        this._flushingSelection = false;
      }
      this._placeHandle();
    });
  }

  // ================================================================ cytoscape events
  private _wireCytoscape(): void {
    const cy = this.cy;
    cy.on('select unselect', () => this._scheduleSelectionFlush());

    cy.on('grab', 'node', () => {
      if (!this._gesture) {
        const boxes = new Map<string, cytoscape.BoundingBox12>();
        cy.nodes('.container').forEach(n => {
          boxes.set(n.id(), n.boundingBox({ includeLabels: false, includeOverlays: false }));
        });
        this._gesture = { boxes, freed: new Set(), timer: null };
      }
    });
    cy.on('drag', 'node', event => {
      this._hideHandle();
      if (this._dragFrame === null) {
        const node = event.target as cytoscape.NodeSingular;
        this._dragFrame = requestAnimationFrame(() => {
          this._dragFrame = null;
          this._highlightDragTarget(node);
        });
      }
    });
    cy.on('dragfree', 'node', event => {
      const g = this._gesture;
      if (!g) {
        return;
      }
      g.freed.add(event.target.id());
      if (g.timer === null) {
        g.timer = window.setTimeout(() => this._finishDrag(), 0);
      }
    });
    cy.on('free', 'node', () => {
      // a click without a drag: forget the gesture
      window.setTimeout(() => {
        if (this._gesture && !this._gesture.freed.size) {
          this._gesture = null;
        }
      }, 0);
    });

    cy.on('mouseover', 'node, edge', event => {
      const ele = event.target as cytoscape.SingularElementArgument;
      if (ele.id().startsWith(GHOST_PREFIX)) {
        return;
      }
      this._host.title = this._tooltip(ele);
      if (ele.isNode() && !this._connect) {
        this._hovered = ele.id();
        this._placeHandle();
      }
    });
    cy.on('mouseout', 'node, edge', event => {
      this._host.title = '';
      if ((event.target as cytoscape.SingularElementArgument).isNode()) {
        this._hovered = null;
        window.setTimeout(() => this._placeHandle(), 250);
      }
    });
    cy.on('viewport', () => {
      this._placeHandle();
      this._positionGrid();
    });
    cy.on('position', 'node', event => {
      if (event.target.id() === this._handleNode) {
        this._placeHandle();
      }
    });
    cy.on('dbltap', 'node.container', event => {
      // a double tap on a container selects what is inside it too
      const node = event.target as cytoscape.NodeSingular;
      this.ctx.select([node.id(), ...node.descendants().map(d => d.id())]);
    });
  }

  private _wireDom(): void {
    const node = this.node;
    // cytoscape blurs the active element on mousedown / touchstart: take the focus back
    // afterwards, so the canvas keyboard shortcuts (Delete, Ctrl+Z ...) work.
    const refocus = () => {
      if (document.activeElement !== node) {
        node.focus({ preventScroll: true });
      }
    };
    node.addEventListener('pointerdown', refocus, true);
    node.addEventListener('mousedown', refocus);
    node.addEventListener('touchstart', refocus, { passive: true });
    for (const type of ['wheel', 'pointerdown', 'keydown']) {
      node.addEventListener(type, () => {
        this._autoFit = false;
      }, { capture: true, passive: true });
    }
    this._host.addEventListener('mousemove', event => {
      this._pointerMoved(this._modelAt(event.clientX, event.clientY));
    });
    this._host.addEventListener('mouseleave', () => this._pointerMoved(null));

    // palette drops
    document.addEventListener('dragstart', this._onDocDragStart);
    document.addEventListener('dragend', this._onDocDragEnd);
    node.addEventListener('dragover', event => {
      if (!event.dataTransfer || !Array.from(event.dataTransfer.types).includes(PALETTE_MIME)) {
        return;
      }
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      this._highlightDrop(this._modelAt(event.clientX, event.clientY));
    });
    node.addEventListener('dragleave', event => {
      if (!node.contains(event.relatedTarget as Node | null)) {
        this._clearDropHighlight();
      }
    });
    node.addEventListener('drop', event => {
      const type = event.dataTransfer?.getData(PALETTE_MIME);
      this._clearDropHighlight();
      if (!type) {
        return;
      }
      event.preventDefault();
      this.addFromPalette(type, this._modelAt(event.clientX, event.clientY));
    });

    // drawing a connection from the handle
    this._handle.addEventListener('pointerdown', this._onHandleDown);
    this._handle.addEventListener('pointermove', this._onHandleMove);
    this._handle.addEventListener('pointerup', this._onHandleUp);
    this._handle.addEventListener('pointercancel', () => this._endConnect(false));
    this._handle.addEventListener('mouseenter', () => {
      this._overHandle = true;
    });
    this._handle.addEventListener('mouseleave', () => {
      this._overHandle = false;
      window.setTimeout(() => this._placeHandle(), 250);
    });
    document.addEventListener('keydown', this._onKeyDown, true);
    document.addEventListener(ADD_TYPE_EVENT, this._onAddType);
  }

  /** A palette double-click / Enter in the same design panel: add at the view centre. */
  private _onAddType = (event: Event): void => {
    const panel = this.node.closest('.isshoni-InfraPanel');
    const type = (event as CustomEvent).detail?.type;
    if (!panel || !(event.target instanceof Node) || !panel.contains(event.target) || typeof type !== 'string') {
      return;
    }
    event.preventDefault();
    this.addFromPalette(type);
  };

  private _onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || !this.node.contains(document.activeElement)) {
      return;
    }
    if (this._connect) {
      this._endConnect(false);
      event.stopPropagation();
    } else if (this.ctx.selection.length) {
      this.ctx.select([]);
    }
  };

  private _onDocDragStart = (event: DragEvent): void => {
    // the palette sets the type in its own dragstart handler, before this one runs
    this._dragType = event.dataTransfer?.getData(PALETTE_MIME) || null;
  };

  private _onDocDragEnd = (): void => {
    this._dragType = null;
    this._clearDropHighlight();
  };

  /** Model coordinates of a point on the screen (from the pan and the zoom). */
  private _modelAt(clientX: number, clientY: number): IPosition {
    const rect = this._host.getBoundingClientRect();
    const pan = this.cy.pan();
    const zoom = this.cy.zoom();
    return { x: (clientX - rect.left - pan.x) / zoom, y: (clientY - rect.top - pan.y) / zoom };
  }

  private _positionGrid(): void {
    const zoom = this.cy.zoom();
    const pan = this.cy.pan();
    const size = 24 * zoom;
    if (size < 6) {
      this._host.style.backgroundSize = '0 0';
      return;
    }
    this._host.style.backgroundSize = `${size}px ${size}px`;
    this._host.style.backgroundPosition = `${pan.x}px ${pan.y}px`;
  }

  // ================================================================ placement rules
  /** Containers whose box holds the point, innermost first. */
  private _containersAt(
    point: IPosition,
    exclude?: Set<string>,
    boxes?: Map<string, cytoscape.BoundingBox12>
  ): cytoscape.NodeSingular[] {
    const hits: { node: cytoscape.NodeSingular; depth: number; area: number }[] = [];
    this.cy.nodes('.container').forEach(n => {
      if (exclude?.has(n.id())) {
        return;
      }
      const box = boxes?.get(n.id()) ?? n.boundingBox({ includeLabels: false, includeOverlays: false });
      if (inBox(point, box)) {
        hits.push({ node: n, depth: n.ancestors().length, area: (box.x2 - box.x1) * (box.y2 - box.y1) });
      }
    });
    hits.sort((a, b) => b.depth - a.depth || a.area - b.area);
    return hits.map(h => h.node);
  }

  private _typeLabel(type: string): string {
    return this.ctx.catalog.get(type)?.label ?? type;
  }

  private _containerNames(entry: ICatalogType): string {
    const names = entry.containers.map(t => this._typeLabel(t));
    return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names[0] ?? 'container';
  }

  /** Where a resource of `entry` dropped at `point` goes (or why it may not). */
  private _placement(
    entry: ICatalogType,
    point: IPosition,
    exclude?: Set<string>,
    boxes?: Map<string, cytoscape.BoundingBox12>
  ): IPlacement {
    const under = this._containersAt(point, exclude, boxes);
    for (const c of under) {
      if (entry.containers.includes(c.data('type'))) {
        return { parent: c.id() };
      }
    }
    const inner = under[0];
    if (!entry.needs_container) {
      return {
        parent: null,
        note: inner
          ? `${entry.label} cannot go inside ${this._typeLabel(inner.data('type'))} '${inner.data('label')}': it stays outside`
          : undefined
      };
    }
    return {
      parent: null,
      refuse:
        `${entry.label} must be inside a ${this._containerNames(entry)}` +
        (inner ? `, not a ${this._typeLabel(inner.data('type'))}` : ': drop it onto one')
    };
  }

  /** Nudges a new node off the nodes already there. */
  private _freeSpot(point: IPosition): IPosition {
    const taken = (p: IPosition) =>
      this.cy.nodes('.leaf').some(ele => {
        const q = (ele as cytoscape.NodeSingular).position();
        return Math.abs(q.x - p.x) < 40 && Math.abs(q.y - p.y) < 40;
      });
    const p = { x: Math.round(point.x), y: Math.round(point.y) };
    for (let i = 0; i < 50 && taken(p); i++) {
      p.x += 30;
      p.y += 30;
    }
    return p;
  }

  /** A point inside a container (below its children when it has some). */
  private _freeSpotIn(container: cytoscape.NodeSingular): IPosition {
    if (!container.isParent()) {
      return { ...container.position() };
    }
    const bb = container.children().boundingBox({ includeLabels: true });
    return { x: bb.x1 + ICON_SIZE / 2, y: bb.y2 + ICON_SIZE };
  }

  // ================================================================ palette drop feedback
  private _highlightDrop(point: IPosition): void {
    if (this._dropFrame !== null) {
      return;
    }
    this._dropFrame = requestAnimationFrame(() => {
      this._dropFrame = null;
      const entry = this._dragType ? this.ctx.catalog.get(this._dragType) : undefined;
      let ok: cytoscape.NodeSingular | null = null;
      let bad: cytoscape.NodeSingular | null = null;
      if (entry) {
        const p = this._placement(entry, point);
        if (p.parent) {
          ok = this.cy.getElementById(p.parent) as any;
        } else if (p.refuse) {
          bad = this._containersAt(point)[0] ?? null;
        }
      } else {
        ok = this._containersAt(point)[0] ?? null;
      }
      this._setDropClasses(ok, bad);
    });
  }

  private _setDropClasses(ok: cytoscape.NodeSingular | null, bad: cytoscape.NodeSingular | null): void {
    this.cy.batch(() => {
      this.cy.$('.drop-ok, .drop-bad').forEach(n => {
        if (n !== ok) {
          n.removeClass('drop-ok');
        }
        if (n !== bad) {
          n.removeClass('drop-bad');
        }
      });
      ok?.addClass('drop-ok');
      bad?.addClass('drop-bad');
    });
  }

  private _clearDropHighlight(): void {
    if (this._dropFrame !== null) {
      cancelAnimationFrame(this._dropFrame);
      this._dropFrame = null;
    }
    this._setDropClasses(null, null);
  }

  // ================================================================ moving nodes
  private _highlightDragTarget(node: cytoscape.NodeSingular): void {
    const g = this._gesture;
    if (!g || node.removed()) {
      return;
    }
    const grabbed = this.cy.nodes(':grabbed');
    const roots = grabbed.filter(n => !n.ancestors().some(a => (a as cytoscape.NodeSingular).grabbed()));
    if (roots.length !== 1) {
      return;
    }
    const root = roots[0] as cytoscape.NodeSingular;
    const entry = this.ctx.catalog.get(root.data('type'));
    if (!entry) {
      return;
    }
    const exclude = new Set<string>([root.id(), ...root.descendants().map(d => d.id())]);
    const p = this._placement(entry, root.position(), exclude, g.boxes);
    const current = parentIdOf(root);
    if (p.refuse) {
      this._setDropClasses(null, this._containersAt(root.position(), exclude, g.boxes)[0] ?? null);
    } else if (p.parent && p.parent !== current) {
      this._setDropClasses(this.cy.getElementById(p.parent) as any, null);
    } else {
      this._setDropClasses(null, null);
    }
  }

  private _finishDrag(): void {
    const g = this._gesture;
    this._gesture = null;
    this._setDropClasses(null, null);
    if (!g) {
      return;
    }
    const cy = this.cy;
    let dragged = cy.collection();
    for (const id of g.freed) {
      dragged = dragged.union(cy.getElementById(id));
    }
    dragged = dragged.filter(n => !n.id().startsWith(GHOST_PREFIX));
    if (dragged.empty()) {
      return;
    }
    const roots = dragged.filter(n => !(n as cytoscape.NodeSingular).ancestors().some(a => dragged.has(a))) as cytoscape.NodeCollection;
    const moved = roots.union(roots.descendants()) as cytoscape.NodeCollection;
    const exclude = new Set(moved.map(n => n.id()));

    const reparent: { id: string; parent: string | null }[] = [];
    const notes: string[] = [];
    for (const root of roots.toArray() as cytoscape.NodeSingular[]) {
      const entry = this.ctx.catalog.get(root.data('type'));
      const current = parentIdOf(root);
      if (!entry) {
        continue;
      }
      const p = this._placement(entry, root.position(), exclude, g.boxes);
      if (p.refuse) {
        this._snapBack(moved);
        this.toast(p.refuse, 'error');
        return;
      }
      if (p.parent !== current) {
        reparent.push({ id: root.id(), parent: p.parent });
        if (p.parent === null && current) {
          notes.push(`Moved '${root.data('label')}' out of '${cy.getElementById(current).data('label')}'`);
        }
      } else if (p.note && current === null) {
        notes.push(p.note);
      }
    }

    const positions: Record<string, IPosition> = {};
    moved.forEach(n => {
      positions[n.id()] = { ...n.position() };
    });
    // a container its last children leave keeps its place
    const leaving = new Set(reparent.map(r => r.id));
    for (const r of reparent) {
      const oldId = parentIdOf(cy.getElementById(r.id) as cytoscape.NodeSingular);
      const old = oldId ? cy.getElementById(oldId) : null;
      if (old && oldId && old.children().every(c => leaving.has((c as cytoscape.NodeSingular).id()))) {
        const box = g.boxes.get(oldId);
        if (box) {
          positions[oldId] = { x: (box.x1 + box.x2) / 2, y: (box.y1 + box.y2) / 2 };
        }
      }
    }
    try {
      this.ctx.doc.transact(() => {
        for (const r of reparent) {
          this.ctx.doc.moveInto(r.id, r.parent);
        }
        this.ctx.doc.moveMany(positions);
      });
    } catch (error) {
      this._snapBack(moved);
      this.toast(`Cannot move: ${(error as Error).message}`, 'error');
      return;
    }
    if (notes.length) {
      this.toast(notes.join('; '));
    }
    this._placeHandle();
  }

  /** Put nodes back where the design says they are. */
  private _snapBack(nodes: cytoscape.NodeCollection): void {
    this.cy.batch(() => {
      nodes.forEach(n => {
        const r = this.ctx.doc.resource(n.id());
        if (r && !n.isParent()) {
          n.position({ x: r.position.x, y: r.position.y });
        }
      });
    });
  }

  // ================================================================ drawing connections
  private _hideHandle(): void {
    this._handle.classList.remove('isshoni-mod-visible');
    this._handleNode = null;
  }

  /** Show the connect handle on the hovered node, or the single selected node. */
  private _placeHandle(): void {
    if (this._connect) {
      return;
    }
    let id = this._hovered ?? (this._overHandle ? this._handleNode : null);
    if (!id) {
      const sel = this.cy.$('node:selected');
      id = sel.length === 1 ? sel.id() : null;
    }
    const node = id ? this.cy.getElementById(id) : null;
    if (!node || node.empty() || node.grabbed() || this.cy.width() === 0) {
      this._hideHandle();
      return;
    }
    const entry = this.ctx.catalog.get(node.data('type'));
    if (!entry?.links.length) {
      this._hideHandle();
      return;
    }
    const bb = node.renderedBoundingBox({ includeLabels: false, includeOverlays: false, includeUnderlays: false, includeOutlines: false } as any);
    // just outside the node's right edge, so it never hides the node itself
    const x = bb.x2 + 5;
    const y = (node.isParent() || node.hasClass('container') ? bb.y1 + 16 : (bb.y1 + bb.y2) / 2) - 9;
    if (x < 0 || y < 0 || x > this.cy.width() || y > this.cy.height()) {
      this._hideHandle();
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
    this.cy.nodes('.leaf').forEach(n => {
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
    const containers = this._containersAt(p).filter(n => n.id() !== exclude);
    return containers[0] ?? null;
  }

  /** Whether `source` may connect to `target`, and why not. */
  canConnect(source: string, target: string): { ok: boolean; reason: string } {
    const s = this.cy.getElementById(source);
    const t = this.cy.getElementById(target);
    if (s.empty() || t.empty()) {
      return { ok: false, reason: 'Both ends must be resources on the canvas' };
    }
    const sType = s.data('type');
    const tType = t.data('type');
    const sName = `${this._typeLabel(sType)} '${s.data('label')}'`;
    const tName = `${this._typeLabel(tType)} '${t.data('label')}'`;
    if (source === target) {
      return { ok: false, reason: 'A resource cannot connect to itself' };
    }
    if (isGeneric(sType) || isGeneric(tType)) {
      return { ok: false, reason: GENERIC_CONNECT };
    }
    const sEntry = this.ctx.catalog.get(sType);
    const link = sEntry?.links.find(l => l.targets.includes(tType));
    if (link) {
      const exists = this.cy.edges().some(e => e.data('source') === source && e.data('target') === target);
      if (exists) {
        return { ok: false, reason: `${sName} is already connected to ${tName}` };
      }
      return { ok: true, reason: `${sName} ${link.meaning.split(':')[0]}` };
    }
    const reverse = this.ctx.catalog.get(tType)?.links.find(l => l.targets.includes(sType));
    if (reverse) {
      return {
        ok: false,
        reason: `${sName} cannot connect to ${tName}; draw it the other way, from ${tName} to ${sName}`
      };
    }
    const all: string[] = [];
    for (const l of sEntry?.links ?? []) {
      all.push(...l.targets);
    }
    const targets = [...new Set(all)].map(t => this._typeLabel(t));
    const shown = targets.slice(0, 6).join(', ') + (targets.length > 6 ? ', …' : '');
    return {
      ok: false,
      reason: targets.length
        ? `${sName} cannot connect to ${tName} (it connects to: ${shown})`
        : `${sName} cannot start a connection`
    };
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
    const p = this._modelAt(event.clientX, event.clientY);
    this.cy.batch(() => {
      this.cy.add([
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
    const p = this._modelAt(event.clientX, event.clientY);
    this._pointerMoved(p);
    const tip = this.cy.getElementById(GHOST_TIP);
    const node = this._nodeAt(p, c.source);
    const target = node ? node.id() : null;
    this.cy.batch(() => {
      tip.position(node ? node.position() : p);
      if (target !== c.target) {
        this.cy.$('.connect-ok, .connect-bad').removeClass('connect-ok connect-bad');
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
    this._endConnect(true);
  };

  private _endConnect(commit: boolean): void {
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
    this.cy.batch(() => {
      this.cy.getElementById(GHOST_EDGE).remove();
      this.cy.getElementById(GHOST_TIP).remove();
      this.cy.$('.connect-ok, .connect-bad').removeClass('connect-ok connect-bad');
    });
    this._handle.classList.remove('isshoni-mod-active');
    this._hint.classList.remove('isshoni-mod-visible');
    if (commit && c.target) {
      if (c.ok) {
        try {
          const id = this.ctx.doc.connect(c.source, c.target);
          this.ctx.select([id]);
        } catch (error) {
          this.toast(`Cannot connect: ${(error as Error).message}`, 'error');
        }
      } else {
        this.toast(c.reason, 'error');
      }
    }
    this._placeHandle();
  }

  private _showHint(event: PointerEvent, text: string, ok: boolean | null = null): void {
    const rect = this.node.getBoundingClientRect();
    this._hint.textContent = text;
    this._hint.classList.add('isshoni-mod-visible');
    this._hint.classList.toggle('isshoni-mod-ok', ok === true);
    this._hint.classList.toggle('isshoni-mod-bad', ok === false);
    let x = event.clientX - rect.left + 14;
    let y = event.clientY - rect.top + 16;
    const w = this._hint.offsetWidth;
    const h = this._hint.offsetHeight;
    if (x + w > rect.width - 4) {
      x = Math.max(4, event.clientX - rect.left - 14 - w);
    }
    if (y + h > rect.height - 4) {
      y = Math.max(4, event.clientY - rect.top - 16 - h);
    }
    this._hint.style.transform = `translate(${x}px, ${y}px)`;
  }

  // ================================================================ layout
  private async _arrange(): Promise<void> {
    const resources = this.ctx.doc.resources;
    const ids = Object.keys(resources);
    if (!ids.length) {
      return;
    }
    const nodes = ids.map(id => ({
      id,
      parent: resources[id].parent,
      container: !!this.ctx.catalog.get(resources[id].type)?.is_container,
      type: resources[id].type
    }));
    const edges = [
      ...Object.entries(this.ctx.doc.connections).map(([id, c]) => ({ id, source: c.source, target: c.target })),
      ...referenceEdges(resources) // generic resources' references weigh in the layout like connections
    ];
    const t0 = performance.now();
    const awareness = this.ctx.doc.awareness;
    // tell the others, so they do not lay a fresh design out at the same time
    awareness.setLocalStateField('arranging', true);
    try {
      let positions: Record<string, IPosition>;
      try {
        positions = await elkLayout(nodes, edges);
      } catch (error) {
        console.error('isshoni: ELK layout failed', error);
        this.toast(`Automatic layout failed: ${(error as Error)?.message ?? error}`, 'error');
        return;
      }
      this.lastLayoutMs = performance.now() - t0;
      if (this.isDisposed) {
        return;
      }
      // only the ids still there (someone may have deleted one meanwhile)
      const live = this.ctx.doc.ydoc.getMap('resources');
      for (const id of Object.keys(positions)) {
        if (!live.has(id)) {
          delete positions[id];
        }
      }
      this.ctx.doc.moveMany(positions);
      this.fit();
    } finally {
      if (awareness.getLocalState()) {
        awareness.setLocalStateField('arranging', false);
      }
    }
  }

  /** Milliseconds the last ELK layout took. */
  lastLayoutMs: number | null = null;

  /**
   * A design whose resources all sit at (0,0) (freshly generated) is laid out
   * once, by one client only: the one with the lowest awareness client id.
   */
  private _scheduleAutoLayout(delay: number): void {
    if (this._autoTimer !== null) {
      clearTimeout(this._autoTimer);
    }
    this._autoTimer = window.setTimeout(() => {
      this._autoTimer = null;
      if (this.isDisposed || this._arranging) {
        return;
      }
      const nodes = this.cy.nodes().filter(n => !n.id().startsWith(GHOST_PREFIX));
      if (nodes.length <= 1) {
        return;
      }
      const resources = this.ctx.doc.ydoc.getMap('resources') as any;
      let allZero = true;
      resources.forEach((item: any) => {
        const p = item.get('position');
        if (p && (p.x !== 0 || p.y !== 0)) {
          allZero = false;
        }
      });
      if (allZero && isLowestClient(this.ctx) && !someoneArranging(this.ctx)) {
        void this.arrange();
      }
    }, delay);
  }

  // ================================================================ export
  private _exportBackground(): string {
    return this._theme.background || '#ffffff';
  }

  /** Runs `fn` with the local selection and the other users' marks hidden. */
  private async _clean<T>(fn: () => Promise<T> | T): Promise<T> {
    const selected = this.cy.$(':selected');
    const remote = this.cy.$('.remote-selected');
    this._syncing = true;
    this.cy.batch(() => {
      selected.unselect();
      remote.removeClass('remote-selected');
    });
    try {
      return await fn();
    } finally {
      this.cy.batch(() => {
        selected.select();
        remote.addClass('remote-selected');
      });
      this._syncing = false;
    }
  }

  private async _exportPng(): Promise<Blob> {
    return this._clean(async () => {
      const eles = this._designElements();
      if (eles.empty()) {
        return new Blob([], { type: 'image/png' });
      }
      const bb = eles.boundingBox({});
      const w = bb.x2 - bb.x1;
      const h = bb.y2 - bb.y1;
      // keep big designs under what a browser canvas can hold
      const scale = Math.min(2, 8000 / Math.max(w, h, 1));
      const blob = await (this.cy.png as any)({
        output: 'blob-promise',
        full: true,
        scale,
        bg: this._exportBackground()
      });
      return blob as Blob;
    });
  }

  private async _exportSvg(): Promise<Blob> {
    const cy = this.cy;
    const theme: ITheme = this._theme;
    const eles = this._designElements();
    const pad = 30;
    const bb = eles.nonempty() ? eles.boundingBox({}) : { x1: 0, y1: 0, x2: 100, y2: 100, w: 100, h: 100 };
    const x0 = bb.x1 - pad;
    const y0 = bb.y1 - pad;
    const width = Math.ceil(bb.x2 - bb.x1 + 2 * pad);
    const height = Math.ceil(bb.y2 - bb.y1 + 2 * pad);
    const f = (n: number) => (Math.round(n * 10) / 10).toString();
    const font = xmlEscape(theme.fontFamily.replace(/"/g, "'"));
    const out: string[] = [];
    out.push(
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ` +
        `width="${width}" height="${height}" viewBox="${f(x0)} ${f(y0)} ${width} ${height}" ` +
        `font-family="${font}">`
    );
    const name = this.ctx.doc.meta?.name;
    if (name) {
      out.push(`<title>${xmlEscape(String(name))}</title>`);
    }
    out.push('<defs>');
    const arrowColors = new Map<string, string>();
    const arrow = (color: string) => {
      let id = arrowColors.get(color);
      if (!id) {
        id = `arrow${arrowColors.size}`;
        arrowColors.set(color, id);
      }
      return id;
    };
    const defsAt = out.length;
    out.push('</defs>');
    out.push(
      `<rect x="${f(x0)}" y="${f(y0)}" width="${width}" height="${height}" fill="${xmlEscape(this._exportBackground())}"/>`
    );

    // containers, outermost first
    const containers = cy
      .nodes('.container')
      .filter(n => !n.id().startsWith(GHOST_PREFIX))
      .sort((a, b) => (a as cytoscape.NodeSingular).ancestors().length - (b as cytoscape.NodeSingular).ancestors().length);
    containers.forEach(n => {
      const b = n.boundingBox({ includeLabels: false, includeOverlays: false, includeUnderlays: false, includeOutlines: false } as any);
      const color = xmlEscape(n.data('color'));
      const bw = 2;
      out.push(
        `<g class="container" id="${xmlEscape(n.id())}">` +
          `<rect x="${f(b.x1 + bw / 2)}" y="${f(b.y1 + bw / 2)}" width="${f(b.x2 - b.x1 - bw)}" height="${f(b.y2 - b.y1 - bw)}" ` +
          `fill="${color}" fill-opacity="${theme.light ? 0.05 : 0.1}" stroke="${color}" stroke-width="${bw}"/>` +
          `<image x="${f(b.x1 + bw / 2)}" y="${f(b.y1 + bw / 2)}" width="26" height="26" href="${xmlEscape(iconDataUri(n.data('icon')))}" xlink:href="${xmlEscape(iconDataUri(n.data('icon')))}"/>` +
          `<text x="${f((b.x1 + b.x2) / 2)}" y="${f(b.y1 + 19)}" text-anchor="middle" font-size="12" font-weight="bold" fill="${color}">${xmlEscape(n.data('display') ?? '')}</text>` +
          this._svgBadge(n.id(), b.x2 - 2, b.y1 + 2) +
          `</g>`
      );
    });

    // connections
    cy.edges()
      .filter(e => !e.id().startsWith(GHOST_PREFIX))
      .forEach(e => {
        const s = e.sourceEndpoint();
        const t = e.targetEndpoint();
        const mid = e.midpoint();
        const role = e.hasClass('role-blue') ? ROLE_COLORS.blue : e.hasClass('role-green') ? ROLE_COLORS.green : null;
        const sev = this._findingIndex.get(e.id())?.severity;
        const color = sev ? BADGE_COLORS[sev] : role ?? (theme.light ? '#8a8f98' : '#9aa0a6');
        const widthPx = role ? 2.5 : 1.5;
        // a quadratic curve through the midpoint (straight when it is on the line)
        const cx = 2 * mid.x - (s.x + t.x) / 2;
        const cyy = 2 * mid.y - (s.y + t.y) / 2;
        const d = `M${f(s.x)},${f(s.y)} Q${f(cx)},${f(cyy)} ${f(t.x)},${f(t.y)}`;
        out.push(
          `<g class="connection" id="${xmlEscape(e.id())}"><path d="${d}" fill="none" stroke="${color}" stroke-width="${widthPx}"` +
            (sev ? ' stroke-dasharray="6 4"' : '') +
            ` marker-end="url(#${arrow(color)})"/>`
        );
        const label = e.data('label');
        if (label) {
          out.push(
            `<text x="${f(mid.x)}" y="${f(mid.y - 4)}" text-anchor="middle" font-size="10" fill="${xmlEscape(theme.fontMuted)}" ` +
              `stroke="${xmlEscape(this._exportBackground())}" stroke-width="3" paint-order="stroke">${xmlEscape(label)}</text>`
          );
        }
        out.push('</g>');
      });

    // resources
    cy.nodes('.leaf').forEach(n => {
      const p = n.position();
      const half = ICON_SIZE / 2;
      const icon = iconDataUri(n.data('icon'));
      const lines = this._wrap(String(n.data('display') ?? ''), 20);
      const text = lines
        .map(
          (line, i) =>
            `<tspan x="${f(p.x)}" dy="${i === 0 ? 0 : 13}">${xmlEscape(line)}</tspan>`
        )
        .join('');
      out.push(
        `<g class="resource" id="${xmlEscape(n.id())}">` +
          `<image x="${f(p.x - half)}" y="${f(p.y - half)}" width="${ICON_SIZE}" height="${ICON_SIZE}" href="${xmlEscape(icon)}" xlink:href="${xmlEscape(icon)}"/>` +
          `<text x="${f(p.x)}" y="${f(p.y + half + 15)}" text-anchor="middle" font-size="11" fill="${xmlEscape(theme.font)}">${text}</text>` +
          this._svgBadge(n.id(), p.x + half, p.y - half) +
          `</g>`
      );
    });

    const markers = [...arrowColors].map(
      ([color, id]) =>
        `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">` +
        `<path d="M0,0 L10,5 L0,10 z" fill="${xmlEscape(color)}"/></marker>`
    );
    out.splice(defsAt, 0, ...markers);
    out.push('</svg>');
    return new Blob([out.join('\n')], { type: 'image/svg+xml' });
  }

  private _svgBadge(id: string, x: number, y: number): string {
    const f = this._findingIndex.get(id);
    if (!f) {
      return '';
    }
    const color = BADGE_COLORS[f.severity];
    return (
      `<g class="finding ${f.severity}"><title>${xmlEscape(f.messages.join('\n'))}</title>` +
      `<circle cx="${x}" cy="${y}" r="9" fill="${color}" stroke="#ffffff" stroke-width="2"/>` +
      `<text x="${x}" y="${y + 4.5}" text-anchor="middle" font-size="13" font-weight="bold" fill="#ffffff">!</text></g>`
    );
  }

  private _wrap(text: string, width: number): string[] {
    const words = text.split(/\s+/).filter(Boolean);
    const lines: string[] = [];
    let line = '';
    for (const word of words) {
      if (line && (line + ' ' + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    if (line) {
      lines.push(line);
    }
    return lines.length ? lines.slice(0, 3) : [''];
  }

  // ================================================================ state
  private _host: HTMLDivElement;
  private _overlay: HTMLDivElement;
  private _handle: HTMLDivElement;
  private _hint: HTMLDivElement;
  private _toastNode: HTMLDivElement;
  private _empty: HTMLDivElement;
  private _theme: ITheme;
  private _styled = false;
  private _large: boolean;
  private _t0: number;
  private _attachMs: number | null = null;
  private _themeObserver: MutationObserver;
  private _findingIndex = new Map<string, { severity: Severity; messages: string[] }>();
  private _pendingEdges = new Set<string>();
  private _fitPending = true;
  private _autoFit = true;
  private _syncing = false;
  private _selectionQueued = false;
  private _flushingSelection = false;
  private _gesture: IGesture | null = null;
  private _dragFrame: number | null = null;
  private _dropFrame: number | null = null;
  private _dragType: string | null = null;
  private _hovered: string | null = null;
  private _overHandle = false;
  private _handleNode: string | null = null;
  private _connect: IConnectGesture | null = null;
  private _arranging: Promise<void> | null = null;
  private _autoTimer: number | null = null;
  private _toastTimer: number | null = null;
  private _layers: ICanvasLayer[] = [];
}
