/**
 * The canvas and the keyboard: it takes the focus back after cytoscape blurs
 * it (so Delete, Ctrl+Z ... reach the canvas's key bindings), Escape cancels
 * a connection being drawn or clears the selection, and a palette
 * double-click / Enter in the same design panel adds a resource.
 * (The key bindings themselves are JupyterLab commands, in index.ts.)
 */

import { DesignContext } from '../../context';
import { ADD_TYPE_EVENT } from '../palette';

export interface IKeyboardOptions {
  /** The canvas widget's node. */
  node: HTMLElement;
  /** A connection being drawn, if any, to cancel on Escape. */
  connecting: () => boolean;
  cancelConnect: () => void;
  /** Add a resource at the centre of the view (as the palette's double-click asks). */
  add: (type: string) => void;
}

export class CanvasKeyboard {
  constructor(
    private _ctx: DesignContext,
    private _options: IKeyboardOptions
  ) {
    const node = _options.node;
    // cytoscape blurs the active element on mousedown / touchstart: take the focus back
    // afterwards, so the canvas keyboard shortcuts (Delete, Ctrl+Z ...) work.
    const refocus = () => {
      if (document.activeElement !== node) {
        node.focus({ preventScroll: true });
      }
    };
    node.addEventListener('pointerdown', refocus, true);
    node.addEventListener('mousedown', refocus);
    node.addEventListener('touchstart', refocus, { passive: true });
    document.addEventListener('keydown', this._onKeyDown, true);
    document.addEventListener(ADD_TYPE_EVENT, this._onAddType);
  }

  dispose(): void {
    document.removeEventListener('keydown', this._onKeyDown, true);
    document.removeEventListener(ADD_TYPE_EVENT, this._onAddType);
  }

  /** A palette double-click / Enter in the same design panel: add at the view centre. */
  private _onAddType = (event: Event): void => {
    const panel = this._options.node.closest('.isshoni-InfraPanel');
    const type = (event as CustomEvent).detail?.type;
    if (!panel || !(event.target instanceof Node) || !panel.contains(event.target) || typeof type !== 'string') {
      return;
    }
    event.preventDefault();
    this._options.add(type);
  };

  private _onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || !this._options.node.contains(document.activeElement)) {
      return;
    }
    if (this._options.connecting()) {
      this._options.cancelConnect();
      event.stopPropagation();
    } else if (this._ctx.selection.length) {
      this._ctx.select([]);
    }
  };
}
