/**
 * Closing a collaborative design saves it instead of asking Save/Discard.
 *
 * In a room the server saves every change a moment after it is made, so an
 * unsaved mark only means "the save has not landed yet", and Discard could
 * discard nothing.  When such a design is closed while that save is pending,
 * the close waits for a save and then goes on; JupyterLab's own prompt stays
 * for designs opened without collaboration, where Discard means something.
 */

import { DocumentWidget } from '@jupyterlab/docregistry';
import { Message, MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

/**
 * Install on a new document widget.  Lumino runs the most recently installed hook first,
 * so this is installed after the document manager's own (it adopts the widget right
 * after the factory made it).
 */
export function saveBeforeClose(widget: DocumentWidget): void {
  queueMicrotask(() => MessageLoop.installMessageHook(widget, hook));
}

const saving = new WeakSet<Widget>();
const failed = new WeakSet<Widget>(); // the save failed: JupyterLab's own prompt decides

function hook(handler: any, msg: Message): boolean {
  if (msg.type !== 'close-request') {
    return true;
  }
  const widget = handler as DocumentWidget;
  const model = widget.context?.model;
  if (!model || !model.collaborative || !model.dirty || failed.has(widget)) {
    failed.delete(widget);
    return true;
  }
  if (saving.has(widget)) {
    return false; // one save at a time; the close follows it
  }
  saving.add(widget);
  void widget.context
    .save()
    .catch(() => failed.add(widget))
    .then(() => {
      saving.delete(widget);
      if (!widget.isDisposed) {
        widget.close();
      }
    });
  return false;
}
