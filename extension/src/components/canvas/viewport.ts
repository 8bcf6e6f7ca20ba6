/**
 * The canvas's pan and zoom: fitting the design in view (kept fitted until
 * the user pans, zooms, clicks or types), the background grid that follows
 * the pan, and screen <-> model coordinates.
 */

import cytoscape from 'cytoscape';

import { IPosition } from '../../types';
import { designElements } from './geometry';
import { READABLE_ZOOM } from './style';

const PADDING = 40;
/** Zoom for a focused node: its name and badge comfortably legible. */
const FOCUS_ZOOM = Math.max(1.2, READABLE_ZOOM);

export class Viewport {
  constructor(
    private _cy: cytoscape.Core,
    private _host: HTMLElement
  ) {}

  /** Fit again on the next resize or redraw (the canvas had no size, or the design was rebuilt). */
  fitPending = true;
  /** Keep the design fitted while the panel settles its size, until the user takes over. */
  autoFit = true;

  fit(): void {
    const cy = this._cy;
    const eles = designElements(cy);
    if (!cy.width() || !cy.height()) {
      this.fitPending = true;
      return;
    }
    cy.stop();
    if (eles.empty()) {
      cy.viewport({ zoom: 1, pan: { x: cy.width() / 2, y: cy.height() / 2 } });
      return;
    }
    cy.fit(eles, PADDING);
    if (cy.zoom() > 1.5) {
      cy.zoom({ level: 1.5, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
      cy.center(eles);
    } else if (cy.zoom() < READABLE_ZOOM) {
      this._readableFrom(eles.boundingBox({}));
    }
    this.fitPending = false;
  }

  /**
   * A design too big to read whole: the smallest readable zoom, showing its top left
   * corner (where a reader starts; the rest is a pan away), centred along a side that fits.
   */
  private _readableFrom(bb: cytoscape.BoundingBox12 & cytoscape.BoundingBoxWH): void {
    const cy = this._cy;
    const zoom = READABLE_ZOOM;
    const along = (size: number, screen: number, start: number) =>
      size * zoom + 2 * PADDING <= screen ? (screen - size * zoom) / 2 - start * zoom : PADDING - start * zoom;
    cy.viewport({
      zoom,
      pan: { x: along(bb.w, cy.width(), bb.x1), y: along(bb.h, cy.height(), bb.y1) }
    });
  }

  /** Centre `eles` and zoom in until their labels are readable (a finding's node, a search hit). */
  focus(eles: cytoscape.Collection, animate: boolean): void {
    const cy = this._cy;
    if (eles.empty() || !cy.width()) {
      return;
    }
    this.autoFit = false;
    const zoom = Math.max(cy.zoom(), FOCUS_ZOOM);
    const bb = eles.boundingBox({});
    const pan = {
      x: cy.width() / 2 - ((bb.x1 + bb.x2) / 2) * zoom,
      y: cy.height() / 2 - ((bb.y1 + bb.y2) / 2) * zoom
    };
    cy.stop();
    if (animate) {
      cy.animate({ zoom, pan }, { duration: 300 });
    } else {
      cy.viewport({ zoom, pan });
    }
  }

  /** After a resize: keep the design fitted until the user pans, zooms or clicks. */
  resized(): void {
    const cy = this._cy;
    cy.resize();
    if ((this.fitPending || this.autoFit) && cy.width() > 0 && cy.height() > 0) {
      this.fit();
    }
  }

  /** Stop auto-fitting once the user acts on `node` (wheel, pointer or key). */
  watchUser(node: HTMLElement): void {
    for (const type of ['wheel', 'pointerdown', 'keydown']) {
      node.addEventListener(type, () => {
        this.autoFit = false;
      }, { capture: true, passive: true });
    }
  }

  /** Model coordinates of a point on the screen (from the pan and the zoom). */
  modelAt(clientX: number, clientY: number): IPosition {
    const rect = this._host.getBoundingClientRect();
    const pan = this._cy.pan();
    const zoom = this._cy.zoom();
    return { x: (clientX - rect.left - pan.x) / zoom, y: (clientY - rect.top - pan.y) / zoom };
  }

  /** Move and scale the background grid with the pan and zoom (hidden when too dense). */
  positionGrid(): void {
    const zoom = this._cy.zoom();
    const pan = this._cy.pan();
    const size = 24 * zoom;
    if (size < 6) {
      this._host.style.backgroundSize = '0 0';
      return;
    }
    this._host.style.backgroundSize = `${size}px ${size}px`;
    this._host.style.backgroundPosition = `${pan.x}px ${pan.y}px`;
  }
}
