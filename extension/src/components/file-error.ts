/**
 * What the canvas says when its design file is no design (not JSON, not a JSON
 * object): the server refuses to load it (it is never served as an empty design,
 * and no edit is saved until it is fixed, replaced or restored), so its room never
 * syncs and JupyterLab would keep the tab loading.  The widget asks the server
 * what is wrong, closes the tab that cannot load, and says it in a dialog: the
 * message with the line and column, and, when the collaboration store still holds
 * the design, a button that puts that last good version back and opens it again.
 */

import { Dialog, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { fileState, IFileState, restoreDesign } from '../api';

export interface IFileActions {
  /** Close the document that cannot load. */
  close: () => void;
  /** Open the design at `path` afresh (after a restore). */
  reopen: (path: string) => void;
}

function line(className: string, text: string): HTMLElement {
  const node = document.createElement('div');
  node.className = className;
  node.textContent = text;
  return node;
}

/** The dialog's body: what is wrong and where, and what can be done. */
function explanation(path: string, state: IFileState): Widget {
  const body = new Widget();
  body.addClass('isshoni-FileError');
  const resources = Object.keys(state.design?.resources ?? {}).length;
  const messages = (state.design?.chat ?? []).length;
  body.node.append(
    line('isshoni-FileError-title', `${path} is not a valid design file.`),
    line('isshoni-FileError-detail', state.file.message ?? 'not JSON'), // with the line and column
    line(
      'isshoni-FileError-advice',
      state.design
        ? `The last good version (${resources} resources, ${messages} chat messages) is kept: restore it, ` +
            'or fix the file in a text editor and open it again. No change is saved until then.'
        : 'Nothing was saved from this file before: fix it in a text editor (or replace it), then open it ' +
            'again. No change is saved until then.'
    )
  );
  return body;
}

/** When the design file is no design: close the tab and explain (true); else false. */
export async function explainBrokenFile(
  path: string,
  actions: IFileActions
): Promise<boolean> {
  let state: IFileState;
  try {
    state = await fileState(path);
  } catch {
    return false; // the server cannot say: the caller shows what it has
  }
  if (state.file.valid) {
    return false;
  }
  actions.close();
  const buttons = [Dialog.cancelButton({ label: 'Close' })];
  if (state.design) {
    buttons.push(Dialog.okButton({ label: 'Restore the last good version', actions: ['restore'] }));
  }
  const answer = await showDialog({
    title: 'The design cannot be opened',
    body: explanation(path, state),
    buttons
  });
  if (answer.button.actions.includes('restore')) {
    try {
      await restoreDesign(path);
      actions.reopen(path);
    } catch (error) {
      void showErrorMessage('The design could not be restored', error as Error);
    }
  }
  return true;
}
