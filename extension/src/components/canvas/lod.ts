/**
 * Level of detail: names only while the design is seen from afar, each
 * node's settings under its name once the zoom makes them readable.  When the
 * zoom crosses the threshold the labels are rewritten (cytoscape styles
 * cannot depend on the zoom; a class switching the label's data field
 * crashed Chromium's renderer), so a pan or a zoom within a level costs nothing.
 */

import cytoscape from 'cytoscape';

/** From this zoom on, settings show under names. */
export const DETAIL_ZOOM = 1.4;

export class LevelOfDetail {
  constructor(
    private _cy: cytoscape.Core,
    private _changed: (detailed: boolean) => void
  ) {
    _cy.on('zoom', this._onZoom);
  }

  /** Whether labels show settings at the current zoom. */
  get detailed(): boolean {
    return this._cy.zoom() >= DETAIL_ZOOM;
  }

  dispose(): void {
    this._cy.off('zoom', this._onZoom);
  }

  private _onZoom = (): void => {
    const detailed = this.detailed;
    if (detailed !== this._last) {
      this._last = detailed;
      this._changed(detailed);
    }
  };

  private _last: boolean | null = null;
}
