/**
 * The live design compared with another side (a named version, the last deploy, git HEAD),
 * drawn on the canvas: added nodes and connections green, changed ones amber, removed ones red
 * ghosts where they stood.  The comparison comes from the server (`POST .../compare`, the same
 * diff `isshoni diff` prints); ghost ids never reach the document.
 */

import cytoscape from 'cytoscape';

import { DesignContext, IComparison } from '../../context';
import { IResource } from '../../types';
import { ElementFactory } from './elements';
import { GHOST_PREFIX } from './style';

/** Ids of the removed items drawn as ghosts. */
export const COMPARED = `${GHOST_PREFIX}compared-`;
export const DIFF_CLASSES = 'diff-added diff-changed diff-removed';

export class CompareLayer {
  constructor(
    private _ctx: DesignContext,
    private _cy: cytoscape.Core,
    private _elements: ElementFactory
  ) {
    _ctx.comparisonChanged.connect(() => this.draw(), this);
  }

  /** Draw the current comparison (or clear it); called again after the design is redrawn. */
  draw(): void {
    const cy = this._cy;
    const comparison = this._ctx.comparison;
    if (!comparison && !this._drawn) {
      return; // nothing compared, nothing to clear: no walk over a large design's elements per edit
    }
    this._drawn = comparison !== null;
    cy.batch(() => {
      cy.elements()
        .filter(e => e.id().startsWith(COMPARED))
        .remove();
      cy.elements('.diff-added, .diff-changed, .diff-removed').removeClass(DIFF_CLASSES);
      if (comparison) {
        this._mark(comparison);
      }
    });
  }

  private _drawn = false;

  private _mark(comparison: IComparison): void {
    const cy = this._cy;
    const shown = (id: string): string | null =>
      cy.getElementById(id).nonempty() ? id : cy.getElementById(COMPARED + id).nonempty() ? COMPARED + id : null;
    const removed = comparison.diff.resources.filter(item => item.kind === 'removed');
    // containers first, so a removed subnet's removed service is drawn inside it
    const depth = (id: string): number => {
      let n = 0;
      for (let p = comparison.design.resources[id]?.parent; p && n < 64; p = comparison.design.resources[p]?.parent) {
        n++;
      }
      return n;
    };
    for (const item of removed.sort((a, b) => depth(a.id) - depth(b.id))) {
      const old: IResource = comparison.design.resources[item.id];
      if (!old) {
        continue;
      }
      const data = this._elements.nodeData(COMPARED + item.id, { ...old, label: old.label || item.id });
      const parent = old.parent ? shown(old.parent) : null;
      if (parent) {
        data.parent = parent;
      } else {
        delete data.parent;
      }
      cy.add({
        group: 'nodes',
        data,
        position: { x: old.position?.x ?? 0, y: old.position?.y ?? 0 },
        classes: [...this._elements.nodeClasses(old, item.id), 'diff-removed']
      });
    }
    for (const item of [...comparison.diff.resources, ...comparison.diff.connections]) {
      if (item.kind === 'added' || item.kind === 'changed') {
        cy.getElementById(item.id).addClass(`diff-${item.kind}`);
      }
    }
    for (const item of comparison.diff.connections.filter(i => i.kind === 'removed')) {
      const old = comparison.design.connections[item.id];
      const source = old ? shown(old.source) : null;
      const target = old ? shown(old.target) : null;
      if (source && target) {
        cy.add({ group: 'edges', data: { id: COMPARED + item.id, source, target, label: '' }, classes: 'diff-removed' });
      }
    }
  }
}
