/**
 * A drift check drawn on the canvas: a drifted node gets a double amber border, a node deleted
 * outside Isshoni a dashed red one and fades (context.drift, from the deploy panel's "Check
 * drift").  The marks follow the report: adopting a node's live values clears its mark.
 */

import cytoscape from 'cytoscape';

import { DesignContext } from '../../context';
import { flagged } from '../../drift';

export const DRIFT_CLASSES = 'drift-drifted drift-deleted';

export class DriftMarks {
  constructor(
    private _ctx: DesignContext,
    private _cy: cytoscape.Core
  ) {
    _ctx.driftChanged.connect(this.draw, this);
  }

  /** Mark the flagged nodes of the current report (called again after the design is redrawn). */
  draw(): void {
    const marks = flagged(this._ctx.drift);
    if (!marks.length && !this._drawn) {
      return;
    }
    this._drawn = marks.length > 0;
    const cy = this._cy;
    cy.batch(() => {
      cy.nodes('.drift-drifted, .drift-deleted').removeClass(DRIFT_CLASSES);
      for (const [id, node] of marks) {
        cy.getElementById(id).addClass(node.status === 'deleted' ? 'drift-deleted' : 'drift-drifted');
      }
    });
  }

  dispose(): void {
    this._ctx.driftChanged.disconnect(this.draw, this);
  }

  private _drawn = false;
}
