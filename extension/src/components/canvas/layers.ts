/**
 * The hook point for what other parts draw over the canvas (presence, a
 * deploy overlay): they implement `ICanvasLayer` and are handed to
 * `CanvasView.addLayer`.  The canvas tells its layers what happened and never
 * imports them, so the dependency runs one way: layers -> canvas.
 */

import { IPosition } from '../../types';

export interface ICanvasLayer {
  /** The local pointer moved over the canvas (model coordinates), or left it (null). */
  pointerMoved?(pointer: IPosition | null): void;
  /** The canvas redrew elements from the document: marks set on them may need setting again. */
  redrawn?(): void;
  /** The canvas goes away (called before its cytoscape instance is destroyed). */
  dispose(): void;
}
