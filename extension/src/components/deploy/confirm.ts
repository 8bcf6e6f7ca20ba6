/** The destroy dialog: the design's name must be typed before the Destroy button is enabled. */

import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

class TypeTheName extends Widget {
  constructor(private _name: string) {
    super();
    this.addClass('isshoni-DestroyConfirm');
    const text = document.createElement('p');
    text.textContent = `This deletes everything deployed from this design. Type its name, ${_name}, to confirm.`;
    this._input = document.createElement('input');
    this._input.className = 'isshoni-DestroyConfirm-name jp-mod-styled';
    this._input.placeholder = _name;
    this._input.setAttribute('aria-label', 'design name');
    this._input.addEventListener('input', () => this._sync());
    this.node.append(text, this._input);
  }

  getValue(): string {
    return this._input.value;
  }

  protected onAfterAttach(): void {
    this._sync();
    this._input.focus();
  }

  private _sync(): void {
    const warn = this.node.closest('.jp-Dialog-content')?.querySelector<HTMLButtonElement>('.jp-mod-warn');
    if (warn) {
      warn.disabled = this._input.value !== this._name;
    }
  }

  private _input: HTMLInputElement;
}

/** The typed name when the person confirmed with the exact name, else null. */
export async function confirmDestroy(name: string): Promise<string | null> {
  const result = await showDialog({
    title: `Destroy ${name}?`,
    body: new TypeTheName(name),
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Destroy' })],
    focusNodeSelector: 'input'
  });
  return result.button.accept && result.value === name ? result.value : null;
}
