/** A short message shown in the canvas for a few seconds (errors a little longer). */

/** How the canvas's parts show a message. */
export type Toaster = (message: string, kind?: 'info' | 'error') => void;

export class Toast {
  constructor() {
    this.node = document.createElement('div');
    this.node.className = 'isshoni-Canvas-toast';
    this.node.setAttribute('role', 'status');
    this.node.setAttribute('aria-live', 'polite');
  }

  readonly node: HTMLDivElement;

  show(message: string, kind: 'info' | 'error' = 'info'): void {
    this.node.textContent = message;
    this.node.classList.toggle('isshoni-mod-error', kind === 'error');
    this.node.classList.add('isshoni-mod-visible');
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    this._timer = window.setTimeout(
      () => {
        this.node.classList.remove('isshoni-mod-visible');
        this._timer = null;
      },
      kind === 'error' ? 6000 : 3500
    );
  }

  dispose(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
  }

  private _timer: number | null = null;
}
