/**
 * The design canvas (cytoscape.js): a Lumino widget that draws `ctx.doc`
 * and redraws incrementally on its `changed` signal.  This file only builds
 * the widget and wires its parts, each in its own module:
 *
 * - doc-sync.ts, elements.ts: the document drawn as cytoscape elements
 * - style.ts, theme.ts, viewport.ts: the look, the theme, pan / zoom / fit;
 *   style-cache.ts: cytoscape's style-cache clearing made cheap in compound graphs
 * - selection.ts: the canvas's selection <-> the context's selection
 * - placement.ts, palette-drop.ts, move.ts: where resources go when dropped
 *   from the palette or dragged (into the innermost container allowed)
 * - connect.ts, connect-rules.ts: drawing a connection from a node's handle
 * - badges.ts: findings as badges and tooltips; proposal.ts: the assistant's
 *   pending proposal drawn as a diff
 * - layout.ts, elk.ts: automatic layout; edits.ts: add / delete;
 *   keyboard.ts: focus, Escape, palette double-click; export-*.ts: images
 * - layers.ts: the hook point for what others draw over the canvas
 *   (presence, a deploy overlay): they depend on the canvas, never the reverse.
 *
 * Gestures: drop a palette item to add a resource, drag nodes to move them
 * (onto a container to put them inside it), drag the round handle on a
 * hovered or selected node to another node to connect them, tap / shift-tap /
 * shift-drag to select, Delete to remove, wheel and background drag to zoom
 * and pan.
 */

import cytoscape from 'cytoscape';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { DesignContext } from '../../context';
import { IPosition } from '../../types';
import { IInfraChanges } from '../../yinfra';
import { FindingBadges } from './badges';
import { ConnectTool } from './connect';
import { IVerdict } from './connect-rules';
import { DocSync } from './doc-sync';
import { addResource, deleteSelection } from './edits';
import { ElementFactory } from './elements';
import { exportPng } from './export-png';
import { exportBackground, exportSvg } from './export-svg';
import { CanvasKeyboard } from './keyboard';
import { ICanvasLayer } from './layers';
import { LayoutBridge } from './layout';
import { MoveGesture } from './move';
import { PaletteDrop } from './palette-drop';
import { Placement } from './placement';
import { CompareLayer } from './compare';
import { CostBadges } from './cost-badges';
import { DriftMarks } from './drift-marks';
import { ProposalLayer } from './proposal';
import { SelectionSync } from './selection';
import { SubnetSpans } from './spans';
import { Minimap } from './minimap';
import { LevelOfDetail } from './lod';
import { buildStyle, readTheme } from './style';
import { installFastStyleCache } from './style-cache';
import { ThemeWatcher } from './theme';
import { Toast, Toaster } from './toast';
import { Viewport } from './viewport';

/** Designs bigger than this skip animations and draw a texture while panning. */
const LARGE = 400;

declare global {
  interface Window {
    isshoniCanvases?: Set<cytoscape.Core>;
  }
}

/** Asked by the empty canvas's start button (bubbles to the design panel). */
export const START_EVENT = 'isshoni-start';

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
    this._toast = new Toast();
    this._empty = document.createElement('div');
    this._empty.className = 'isshoni-Canvas-empty';
    const hint = document.createElement('div');
    hint.textContent =
      'Drag resources from the palette here. Drag the round handle of a resource to connect it.';
    const start = document.createElement('button');
    start.className = 'isshoni-Canvas-start jp-mod-styled jp-mod-accept';
    start.textContent = 'Start from a template, a description or an import…';
    // the design panel answers (it owns the dialog): the canvas only asks
    start.addEventListener('click', () => this.node.dispatchEvent(new CustomEvent(START_EVENT, { bubbles: true })));
    this._empty.append(hint, start);
    this.node.append(this._host, this._empty, this._overlay, this._toast.node);

    const theme = readTheme(document.body);
    const large = ctx.doc.ydoc.getMap('resources').size > LARGE;
    this._large = large;
    installFastStyleCache();
    const cy = (this.cy = cytoscape({
      container: this._host,
      style: buildStyle(theme),
      minZoom: 0.03,
      maxZoom: 4,
      boxSelectionEnabled: true,
      selectionType: 'single',
      textureOnViewport: large,
      hideEdgesOnViewport: large,
      motionBlur: false,
      pixelRatio: 'auto',
      layout: { name: 'preset' }
    }));
    (this.node as any).cy = cy;
    (this.node as any).isshoniCanvas = this;
    (window.isshoniCanvases = window.isshoniCanvases ?? new Set()).add(cy);

    const toast: Toaster = (message, kind) => this.toast(message, kind);
    const modelAt = (x: number, y: number) => this._viewport.modelAt(x, y);
    this._theme = new ThemeWatcher(cy, this.node, theme);
    this._viewport = new Viewport(cy, this._host);
    this._badges = new FindingBadges(ctx, cy);
    const elements = new ElementFactory(ctx, this._badges);
    this._sync = new DocSync(ctx, cy, elements);
    this._proposal = new ProposalLayer(ctx, cy, elements);
    this._compare = new CompareLayer(ctx, cy, elements);
    this._drift = new DriftMarks(ctx, cy);
    this._placement = new Placement(ctx, cy);
    this._connect = new ConnectTool(ctx, cy, this._placement, {
      node: this.node,
      overlay: this._overlay,
      modelAt,
      toast,
      pointerMoved: p => this._pointerMoved(p)
    });

    // a viewer pans, zooms and selects, but moves nothing (edits are refused in YInfra.transact)
    const access = () => void cy.autoungrabify(ctx.readOnly !== null);
    ctx.accessChanged.connect(access);
    access();

    this._spans = new SubnetSpans(ctx, cy);
    this._costs = new CostBadges(ctx, cy, () => this._spans.refresh());
    this._lod = new LevelOfDetail(cy, detailed => this._spans.refresh(detailed));
    // one style pass over the new elements: their references and the subnets they span are set
    // before cytoscape styles them (set afterwards, every leaf's label was styled twice)
    cy.batch(() => {
      this._buildAll();
      this._spans.refresh(this._lod.detailed);
    });
    this.buildMs = performance.now() - t0;
    this.createdAt = t0;
    cy.on('render', this._onRender);

    ctx.doc.changed.connect(this._onDocChanged, this);
    this._selection = new SelectionSync(ctx, cy, {
      large,
      isDisposed: () => this.isDisposed,
      changed: () => this._connect.placeHandle()
    });
    this._badges.update();
    this._selection.show();
    ctx.focusRequested.connect(this._onFocus, this);
    this._minimap = new Minimap(cy, this.node);

    this._badges.tooltipsOn(this._host);
    new MoveGesture(ctx, cy, this._placement, {
      toast,
      moving: () => this._connect.hideHandle(),
      moved: () => this._connect.placeHandle()
    });
    cy.on('viewport', () => this._viewport.positionGrid());
    this._viewport.watchUser(this.node);
    this._host.addEventListener('mousemove', event => {
      this._pointerMoved(modelAt(event.clientX, event.clientY));
    });
    this._host.addEventListener('mouseleave', () => this._pointerMoved(null));
    this._drop = new PaletteDrop(ctx, cy, this._placement, {
      node: this.node,
      modelAt,
      add: (type, position) => this.addFromPalette(type, position)
    });
    this._keyboard = new CanvasKeyboard(ctx, {
      node: this.node,
      connecting: () => this._connect.active,
      cancelConnect: () => this._connect.cancel(),
      add: type => this.addFromPalette(type)
    });
    this._arranger = new LayoutBridge(ctx, cy, { toast, fit: () => this.fit(), isDisposed: () => this.isDisposed });
    this._arranger.scheduleAuto(1200);
  }

  /** The cytoscape instance (browser tests reach it as `node.cy` or `window.isshoniCanvases`). */
  readonly cy: cytoscape.Core;
  /** When the canvas was made (`performance.now()`): the document had synced by then, so an open's
   * time splits into JupyterLab's part before it and the canvas's part after (bench_canvas.py). */
  createdAt = 0;
  /** Milliseconds to build the elements, and from construction to the first painted frame. */
  buildMs = 0;
  paintMs: number | null = null;
  /** Milliseconds the last incremental redraw took (not counting the paint). */
  lastUpdateMs: number | null = null;

  /** Milliseconds the last ELK layout took. */
  get lastLayoutMs(): number | null {
    return this._arranger.lastLayoutMs;
  }

  /** Labels are at the level of detail the zoom asks for (they change level once the view has
   * been still for a moment, and the containers' boxes change with them). */
  get labelsSettled(): boolean {
    return this._lod.settled;
  }

  // ================================================================ public API
  /** Lay the design out with ELK and write every position in one undoable step. */
  arrange(): Promise<void> {
    return this._arranger.arrange();
  }

  fit(): void {
    this._viewport.fit();
  }

  private _onFocus(_: unknown, id: string): void {
    this._viewport.focus(this.cy.getElementById(id), !this._large);
  }

  /** Remove the selected resources and connections in one transaction (one undo restores them). */
  deleteSelection(): void {
    deleteSelection(this.ctx, this.cy, (message, kind) => this.toast(message, kind));
  }

  async exportImage(kind: 'png' | 'svg'): Promise<Blob> {
    const theme = this._theme.theme;
    return kind === 'png'
      ? exportPng(this.cy, this._selection, exportBackground(theme))
      : exportSvg(this.cy, this.ctx, theme, this._badges);
  }

  /**
   * Add a resource of a catalog type, as a palette drop does: at `position`
   * (model coordinates; default: the centre of the view, or inside the
   * selected container), inside the innermost container allowed there.
   * Returns the new id, or null when it cannot be placed (a message says why).
   */
  addFromPalette(type: string, position?: IPosition): string | null {
    const id = addResource(this.ctx, this.cy, this._placement, (m, k) => this.toast(m, k), type, position);
    if (id !== null) {
      this.node.focus({ preventScroll: true });
    }
    return id;
  }

  /** Whether `source` may connect to `target`, and why not. */
  canConnect(source: string, target: string): IVerdict {
    return this._connect.canConnect(source, target);
  }

  /** Show a short message in the canvas. */
  toast(message: string, kind: 'info' | 'error' = 'info'): void {
    this._toast.show(message, kind);
  }

  /** The element over the canvas that layers draw their HTML marks into (placed from the pan and zoom). */
  get overlay(): HTMLDivElement {
    return this._overlay;
  }

  /** Add a layer (presence, a deploy overlay): it hears about pointer moves and redraws, and goes with the canvas. */
  addLayer(layer: ICanvasLayer): void {
    this._layers.push(layer);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.ctx.doc.changed.disconnect(this._onDocChanged, this);
    this.ctx.focusRequested.disconnect(this._onFocus, this);
    this._spans.dispose();
    this._costs.dispose();
    this._drift.dispose();
    this._minimap.dispose();
    this._lod.dispose();
    this._selection.dispose();
    this._badges.dispose();
    this._theme.dispose();
    this._drop.dispose();
    this._keyboard.dispose();
    this._toast.dispose();
    this._arranger.dispose();
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
      this._attachMs = performance.now() - this.createdAt;
    }
    this._theme.restyle();
    this._resize();
    this._minimap.update(); // it needs the page (the navigator finds its panel by id)
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
    this._viewport.resized();
    this._connect.placeHandle();
  }

  private _onRender = (): void => {
    if (this.paintMs === null && this.cy.width() > 0) {
      this.paintMs = performance.now() - this.createdAt;
      (this.node as any).isshoniPaint = {
        nodes: this.cy.nodes().length,
        edges: this.cy.edges().length,
        buildMs: Math.round(this.buildMs),
        attachMs: Math.round(this._attachMs ?? 0),
        paintMs: Math.round(this.paintMs)
      };
      console.debug('isshoni canvas painted', (this.node as any).isshoniPaint);
      this.cy.off('render', this._onRender);
      this._minimap.painted();
    }
  };

  // ================================================================ drawing from the doc
  private _buildAll(): void {
    this._sync.build();
    this._proposal.draw(true);
    this._compare?.draw();
    this._drift?.draw();
    this._viewport.fitPending = true;
    this._updateEmpty();
  }

  private _onDocChanged(_: unknown, changes: IInfraChanges): void {
    const res = changes.resourcesChanged ?? [];
    const con = changes.connectionsChanged ?? [];
    if (changes.chatChanged) {
      this._proposal.draw();
    }
    if (!res.length && !con.length) {
      return;
    }
    const t0 = performance.now();
    if (this._sync.isNewDesign(res)) {
      this.cy.batch(() => {
        this._buildAll();
        this._spans.refresh();
      });
    } else {
      this._sync.apply(res, con);
    }
    if (res.length) {
      this._sync.syncReferences();
      this._spans.refresh();
      this._minimap.update();
    }
    this._selection.redrawn();
    for (const layer of this._layers) {
      layer.redrawn?.();
    }
    this._updateEmpty();
    this._connect.placeHandle();
    if (this._viewport.fitPending) {
      this.fit();
    }
    if (res.length) {
      this._arranger.scheduleAuto(600);
    }
    this._proposal.draw();
    this._compare.draw();
    this._drift.draw();
    this._costs.redrawn();
    this.lastUpdateMs = performance.now() - t0;
  }

  private _updateEmpty(): void {
    this._empty.classList.toggle('isshoni-mod-hidden', this.cy.nodes().length > 0);
  }

  private _pointerMoved(pointer: IPosition | null): void {
    for (const layer of this._layers) {
      layer.pointerMoved?.(pointer);
    }
  }

  // ================================================================ state
  private _host: HTMLDivElement;
  private _overlay: HTMLDivElement;
  private _empty: HTMLDivElement;
  private _toast: Toast;
  private _theme: ThemeWatcher;
  private _viewport: Viewport;
  private _badges: FindingBadges;
  private _sync: DocSync;
  private _proposal: ProposalLayer;
  private _compare: CompareLayer;
  private _drift: DriftMarks;
  private _costs: CostBadges;
  private _placement: Placement;
  private _connect: ConnectTool;
  private _selection: SelectionSync;
  private _drop: PaletteDrop;
  private _keyboard: CanvasKeyboard;
  private _arranger: LayoutBridge;
  private _layers: ICanvasLayer[] = [];
  private _attachMs: number | null = null;
  private _large = false;
  private _spans: SubnetSpans;
  private _minimap: Minimap;
  private _lod: LevelOfDetail;
}
