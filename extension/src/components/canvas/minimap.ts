/**
 * A minimap for large designs (cytoscape's own navigator extension): a
 * thumbnail of the whole design in the canvas's corner with the visible part
 * framed; dragging the frame or clicking the thumbnail pans the canvas.
 * Shown only when the design is too large to read whole (Fit stops at a
 * readable zoom and the rest is a pan away); the thumbnail is redrawn at most
 * every 1.5 s (a full-design PNG), so dragging stays smooth.
 */

import cytoscape from 'cytoscape';
import register from 'cytoscape-navigator';

import { designElements } from './geometry';

/** Resources from which the design gets a minimap. */
export const MINIMAP_FROM = 60;
const REDRAW_MS = 1500;
const SETTLE_MS = 300;

let registered = false;
let counter = 0;

export class Minimap {
  constructor(
    private _cy: cytoscape.Core,
    private _host: HTMLElement
  ) {}

  /** Show or hide it for the design's current size (call after redraws and once attached); made
   * a while after the canvas's first frame, so it never delays it (its thumbnail is a PNG of the
   * whole design: 190 ms at 1,000 resources). */
  update(): void {
    if (!this._painted) {
      return; // `painted` asks again
    }
    if (this._timer === null) {
      this._timer = window.setTimeout(() => {
        this._timer = null;
        this._update();
      }, SETTLE_MS);
    }
  }

  private _update(): void {
    const want = designElements(this._cy).nodes().length >= MINIMAP_FROM;
    if (want && !this._nav && this._host.isConnected) {
      if (!registered) {
        register(cytoscape);
        registered = true;
      }
      const panel = document.createElement('div');
      panel.id = `isshoni-minimap-${++counter}`;
      panel.className = 'isshoni-Minimap';
      panel.setAttribute('aria-label', 'Minimap: drag the frame to move around the design');
      this._host.appendChild(panel);
      this._nav = (this._cy as any).navigator({
        container: `#${panel.id}`,
        viewLiveFramerate: 0,
        thumbnailEventFramerate: 4,
        thumbnailLiveFramerate: false,
        rerenderDelay: REDRAW_MS,
        removeCustomContainer: true
      });
    } else if (!want && this._nav) {
      this._nav.destroy();
      this._nav = null;
    }
  }

  /** The canvas drew its first frame with the design (it was attached before): the minimap may come now. */
  painted(): void {
    this._painted = true;
    this.update();
  }

  get shown(): boolean {
    return this._nav !== null;
  }

  dispose(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    this._nav?.destroy();
    this._nav = null;
  }

  private _nav: any = null;
  private _painted = false;
  private _timer: number | null = null;
}
