/**
 * The canvas's side of automatic layout: the design (and generic resources'
 * references) handed to ELK (`elk.ts`), every position written back in one
 * undoable step; and a freshly generated design (all at 0,0) laid out once,
 * by one client only.
 */

import cytoscape from 'cytoscape';

import { DesignContext } from '../../context';
import { referenceEdges } from '../../generic';
import { IPosition } from '../../types';
import { isLowestClient, someoneArranging } from './arranging';
import { elkLayout } from './elk';
import { isGhost } from './geometry';
import { Toaster } from './toast';

export interface ILayoutOptions {
  toast: Toaster;
  fit: () => void;
  isDisposed: () => boolean;
}

export class LayoutBridge {
  constructor(
    private _ctx: DesignContext,
    private _cy: cytoscape.Core,
    private _options: ILayoutOptions
  ) {}

  /** Milliseconds the last ELK layout took. */
  lastLayoutMs: number | null = null;

  /** Lay the design out with ELK and write every position in one undoable step (one run at a time). */
  arrange(): Promise<void> {
    if (!this._arranging) {
      this._arranging = this._arrange().finally(() => {
        this._arranging = null;
      });
    }
    return this._arranging;
  }

  /**
   * A design whose resources all sit at (0,0) (freshly generated) is laid out
   * once, by one client only: the one with the lowest awareness client id.
   */
  scheduleAuto(delay: number): void {
    if (this._autoTimer !== null) {
      clearTimeout(this._autoTimer);
    }
    this._autoTimer = window.setTimeout(() => {
      this._autoTimer = null;
      if (this._options.isDisposed() || this._arranging) {
        return;
      }
      const nodes = this._cy.nodes().filter(n => !isGhost(n.id()));
      if (nodes.length <= 1) {
        return;
      }
      const resources = this._ctx.doc.ydoc.getMap('resources') as any;
      let allZero = true;
      resources.forEach((item: any) => {
        const p = item.get('position');
        if (p && (p.x !== 0 || p.y !== 0)) {
          allZero = false;
        }
      });
      if (allZero && isLowestClient(this._ctx) && !someoneArranging(this._ctx)) {
        void this.arrange();
      }
    }, delay);
  }

  dispose(): void {
    if (this._autoTimer !== null) {
      clearTimeout(this._autoTimer);
    }
  }

  private async _arrange(): Promise<void> {
    const ctx = this._ctx;
    const resources = ctx.doc.resources;
    const ids = Object.keys(resources);
    if (!ids.length) {
      return;
    }
    const nodes = ids.map(id => ({
      id,
      parent: resources[id].parent,
      container: !!ctx.catalog.get(resources[id].type)?.is_container,
      type: resources[id].type
    }));
    const edges = [
      ...Object.entries(ctx.doc.connections).map(([id, c]) => ({ id, source: c.source, target: c.target })),
      ...referenceEdges(resources) // generic resources' references weigh in the layout like connections
    ];
    const t0 = performance.now();
    const awareness = ctx.doc.awareness;
    // tell the others, so they do not lay a fresh design out at the same time
    awareness.setLocalStateField('arranging', true);
    try {
      let positions: Record<string, IPosition>;
      try {
        positions = await elkLayout(nodes, edges);
      } catch (error) {
        console.error('isshoni: ELK layout failed', error);
        this._options.toast(`Automatic layout failed: ${(error as Error)?.message ?? error}`, 'error');
        return;
      }
      this.lastLayoutMs = performance.now() - t0;
      if (this._options.isDisposed()) {
        return;
      }
      // only the ids still there (someone may have deleted one meanwhile)
      const live = ctx.doc.ydoc.getMap('resources');
      for (const id of Object.keys(positions)) {
        if (!live.has(id)) {
          delete positions[id];
        }
      }
      ctx.doc.moveMany(positions);
      this._options.fit();
    } finally {
      if (awareness.getLocalState()) {
        awareness.setLocalStateField('arranging', false);
      }
    }
  }

  private _arranging: Promise<void> | null = null;
  private _autoTimer: number | null = null;
}
