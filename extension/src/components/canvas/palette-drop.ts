/**
 * Dropping a palette item on the canvas: while it is dragged over, the
 * container it would go into is marked (or the one that refuses it); on drop
 * the resource is added there.
 */

import cytoscape from 'cytoscape';

import { DesignContext } from '../../context';
import { IPosition } from '../../types';
import { DRAG_MIME as PALETTE_MIME } from '../palette';
import { Placement } from './placement';

export interface IPaletteDropOptions {
  /** The canvas widget's node: where items are dropped. */
  node: HTMLElement;
  modelAt: (clientX: number, clientY: number) => IPosition;
  add: (type: string, position: IPosition) => void;
}

export class PaletteDrop {
  constructor(
    private _ctx: DesignContext,
    private _cy: cytoscape.Core,
    private _placement: Placement,
    options: IPaletteDropOptions
  ) {
    const { node, modelAt } = options;
    document.addEventListener('dragstart', this._onDocDragStart);
    document.addEventListener('dragend', this._onDocDragEnd);
    node.addEventListener('dragover', event => {
      if (!event.dataTransfer || !Array.from(event.dataTransfer.types).includes(PALETTE_MIME)) {
        return;
      }
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      this._highlight(modelAt(event.clientX, event.clientY));
    });
    node.addEventListener('dragleave', event => {
      if (!node.contains(event.relatedTarget as Node | null)) {
        this._clear();
      }
    });
    node.addEventListener('drop', event => {
      const type = event.dataTransfer?.getData(PALETTE_MIME);
      this._clear();
      if (!type) {
        return;
      }
      event.preventDefault();
      options.add(type, modelAt(event.clientX, event.clientY));
    });
  }

  dispose(): void {
    document.removeEventListener('dragstart', this._onDocDragStart);
    document.removeEventListener('dragend', this._onDocDragEnd);
  }

  private _onDocDragStart = (event: DragEvent): void => {
    // the palette sets the type in its own dragstart handler, before this one runs
    this._dragType = event.dataTransfer?.getData(PALETTE_MIME) || null;
  };

  private _onDocDragEnd = (): void => {
    this._dragType = null;
    this._clear();
  };

  private _highlight(point: IPosition): void {
    if (this._frame !== null) {
      return;
    }
    this._frame = requestAnimationFrame(() => {
      this._frame = null;
      const entry = this._dragType ? this._ctx.catalog.get(this._dragType) : undefined;
      let ok: cytoscape.NodeSingular | null = null;
      let bad: cytoscape.NodeSingular | null = null;
      if (entry) {
        const p = this._placement.placement(entry, point);
        if (p.parent) {
          ok = this._cy.getElementById(p.parent) as any;
        } else if (p.refuse) {
          bad = this._placement.containersAt(point)[0] ?? null;
        }
      } else {
        ok = this._placement.containersAt(point)[0] ?? null;
      }
      this._placement.markDropTargets(ok, bad);
    });
  }

  private _clear(): void {
    if (this._frame !== null) {
      cancelAnimationFrame(this._frame);
      this._frame = null;
    }
    this._placement.markDropTargets(null, null);
  }

  private _dragType: string | null = null;
  private _frame: number | null = null;
}
