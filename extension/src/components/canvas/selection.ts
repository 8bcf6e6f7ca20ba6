/**
 * The canvas's selection and the context's selection kept equal both ways:
 * a tap, shift-tap or box selection on the canvas becomes `ctx.select`, and a
 * selection made elsewhere (the inspector, the findings list) is shown on the
 * canvas and brought into view.
 */

import cytoscape from 'cytoscape';

import { DesignContext } from '../../context';
import { isGhost } from './geometry';

export interface ISelectionOptions {
  /** Big designs jump to an off-screen selection instead of animating. */
  large: boolean;
  isDisposed: () => boolean;
  /** After the selection changed either way (the connect handle follows it). */
  changed: () => void;
}

export class SelectionSync {
  constructor(
    private _ctx: DesignContext,
    private _cy: cytoscape.Core,
    private _options: ISelectionOptions
  ) {
    _ctx.selectionChanged.connect(this._onCtxSelection, this);
    _cy.on('select unselect', () => this._scheduleFlush());
    _cy.on('dbltap', 'node.container', event => {
      // a double tap on a container selects what is inside it too
      const node = event.target as cytoscape.NodeSingular;
      this._ctx.select([node.id(), ...node.descendants().map(d => d.id())]);
    });
    _cy.on('grab', 'node', event => {
      // Dragging a node selects it, so the inspector shows the node being moved (a node
      // already in a multi-selection keeps the selection: they all move together).
      const node = event.target as cytoscape.NodeSingular;
      if (!node.selected() && node.selectable() && !isGhost(node.id())) {
        _cy.$(':selected').unselect();
        node.select();
      }
    });
  }

  /**
   * While true, the canvas's own (un)selections are not written to the context
   * (they mirror the context, or an export hides them for a moment).
   */
  muted = false;

  /** Show the context's selection on the canvas. */
  show(): void {
    this._onCtxSelection(this._ctx, this._ctx.selection);
  }

  /** After a redraw: select re-created elements again, and forget ids that vanished. */
  redrawn(): void {
    const cy = this._cy;
    const selected = this._ctx.selection.filter(id => cy.getElementById(id).nonempty());
    if (selected.length) {
      this.muted = true;
      cy.batch(() => {
        for (const id of selected) {
          cy.getElementById(id).select();
        }
      });
      this.muted = false;
    }
    const alive = this._ctx.selection.filter(id => cy.getElementById(id).nonempty());
    if (alive.length !== this._ctx.selection.length) {
      this._ctx.select(alive);
    }
  }

  dispose(): void {
    this._ctx.selectionChanged.disconnect(this._onCtxSelection, this);
  }

  private _onCtxSelection(_: unknown, ids: string[]): void {
    if (this._flushing) {
      return;
    }
    const cy = this._cy;
    const want = new Set(ids);
    this.muted = true;
    try {
      cy.batch(() => {
        cy.$(':selected').forEach(ele => {
          if (!want.has(ele.id())) {
            ele.unselect();
          }
        });
        for (const id of want) {
          const ele = cy.getElementById(id);
          if (ele.nonempty() && !ele.selected()) {
            ele.select();
          }
        }
      });
    } finally {
      this.muted = false;
    }
    // bring an off-screen selection into view (selected from the findings list or the inspector)
    const eles = cy.collection();
    for (const id of want) {
      eles.merge(cy.getElementById(id));
    }
    if (eles.nonempty() && cy.width() > 0) {
      const bb = eles.boundingBox({});
      const ext = cy.extent();
      const visible = bb.x1 >= ext.x1 && bb.x2 <= ext.x2 && bb.y1 >= ext.y1 && bb.y2 <= ext.y2;
      if (!visible) {
        if (this._options.large) {
          cy.center(eles);
        } else {
          cy.animate({ center: { eles } }, { duration: 250 });
        }
      }
    }
    this._options.changed();
  }

  /** Write the canvas's selection to the context once per burst of (un)select events. */
  private _scheduleFlush(): void {
    if (this.muted || this._queued) {
      return;
    }
    this._queued = true;
    queueMicrotask(() => {
      this._queued = false;
      if (this._options.isDisposed()) {
        return;
      }
      const ids = this._cy
        .$(':selected')
        .map(ele => ele.id())
        .filter(id => !isGhost(id));
      this._flushing = true;
      try {
        this._ctx.select(ids);
      } finally {
        this._flushing = false;
      }
      this._options.changed();
    });
  }

  private _queued = false;
  private _flushing = false;
}
