/**
 * The canvas follows JupyterLab's theme: its stylesheet is rebuilt from the
 * theme's CSS variables whenever the theme changes (and once attached, when
 * the variables can first be read from the canvas itself).
 */

import cytoscape from 'cytoscape';

import { buildStyle, ITheme, readTheme } from './style';

export class ThemeWatcher {
  constructor(
    private _cy: cytoscape.Core,
    private _node: HTMLElement,
    private _theme: ITheme
  ) {
    this._observer = new MutationObserver(() => {
      this.restyle();
      // the theme's stylesheet may land a moment after the attribute flips
      window.setTimeout(() => this.restyle(), 400);
    });
    this._observer.observe(document.body, {
      attributes: true,
      attributeFilter: ['data-jp-theme-light', 'data-jp-theme-name']
    });
  }

  /** The theme the canvas is drawn in. */
  get theme(): ITheme {
    return this._theme;
  }

  /** Rebuild the stylesheet when the theme differs from the one drawn (the canvas is made with
   * `theme`, read from the page before the canvas was in it: once attached, the same variables
   * read from the canvas usually say the same: restyling then styled every element a second
   * time on every open, for nothing). */
  restyle(): void {
    const theme = readTheme(this._node.isConnected ? this._node : document.body);
    if (JSON.stringify(theme) === JSON.stringify(this._theme)) {
      return;
    }
    this._theme = theme;
    this._cy.style().fromJson(buildStyle(theme)).update();
  }

  dispose(): void {
    this._observer.disconnect();
  }

  private _observer: MutationObserver;
}
