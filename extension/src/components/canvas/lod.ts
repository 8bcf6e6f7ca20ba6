/**
 * Level of detail: names only while the design is seen from afar, each
 * node's settings under its name once the zoom makes them readable.  When the
 * zoom has crossed the threshold the labels are rewritten once (cytoscape
 * styles cannot depend on the zoom), so a pan or a zoom within a level costs
 * nothing.  The rewrite waits until the view has been still for a moment:
 * labels rewritten while a zoom and a pan were still coming in kept their old
 * measured height (their last line was cut off), and a wheel gesture that
 * crosses the threshold back and forth rewrites nothing.
 */

import cytoscape from 'cytoscape';

/** From this zoom on, settings show under names. */
export const DETAIL_ZOOM = 1.4;
/** How long the view stays still before labels change level. */
export const SETTLE_MS = 120;

export class LevelOfDetail {
  constructor(
    private _cy: cytoscape.Core,
    private _changed: (detailed: boolean) => void
  ) {
    _cy.on('viewport', this._onViewport);
  }

  /** Whether labels show settings at the current zoom. */
  get detailed(): boolean {
    return this._cy.zoom() >= DETAIL_ZOOM;
  }

  /** Labels are at the level the zoom asks for: no rewrite is waiting for the view to be still
   * (a rewrite changes label heights, and with them the boxes of the containers around them). */
  get settled(): boolean {
    return this._timer === null;
  }

  dispose(): void {
    this._cy.off('viewport', this._onViewport);
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private _onViewport = (): void => {
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    this._timer = window.setTimeout(() => {
      this._timer = null;
      const detailed = this.detailed;
      if (detailed !== this._last) {
        this._last = detailed;
        this._changed(detailed);
      }
    }, SETTLE_MS);
  };

  private _last: boolean | null = null;
  private _timer: number | null = null;
}
