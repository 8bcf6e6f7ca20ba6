/**
 * The code view's plugin glue: HCL in JupyterLab's language registry (it has
 * YAML and JSON, not Terraform's language), and "Show Code Beside the Canvas",
 * which docks a design's code view as its own main-area tab split to the right
 * of the design, driven by the same DesignContext (selection follows both
 * ways).  The code tab's "Beside" button asks for it with a DOM event.
 */

import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { DocumentRegistry } from '@jupyterlab/docregistry';

import { CODE_BESIDE_EVENT, CodePanel } from './components/code';
import { ICodeServices } from './components/code-editor';
import { HCL_MIME } from './components/code-formats';
import { InfraDocument } from './widget';

export const CODE_BESIDE_COMMAND = 'isshoni:show-code-beside';

/** Terraform's HCL for every JupyterLab editor (also .tf files opened on their own). */
export function registerHcl(languages: IEditorLanguageRegistry): void {
  if (languages.findByMIME(HCL_MIME)) {
    return; // another extension brought it
  }
  languages.addLanguage({
    name: 'HCL',
    displayName: 'HCL (Terraform)',
    mime: HCL_MIME,
    extensions: ['tf', 'tfvars', 'hcl'],
    load: async () => (await import('codemirror-lang-hcl')).hcl()
  });
}

let besideCount = 0;

export function addCodeBesideCommand(
  app: JupyterFrontEnd,
  factory: string,
  services: ICodeServices,
  palette: ICommandPalette | null
): void {
  const open = new Map<InfraDocument, CodePanel>();

  const showBeside = async (doc: InfraDocument): Promise<void> => {
    let panel = open.get(doc);
    if (!panel || panel.isDisposed) {
      const ctx = await doc.content.built;
      if (!ctx || doc.isDisposed) {
        return;
      }
      panel = new CodePanel(ctx, services, { beside: true });
      panel.id = `isshoni-code-beside-${++besideCount}`;
      panel.addClass('isshoni-CodeBeside');
      panel.title.closable = true;
      panel.title.icon = doc.title.icon;
      const label = () => {
        panel!.title.label = `Code · ${doc.context.path.split('/').pop()!.replace(/\.infra\.json$/, '')}`;
      };
      label();
      doc.context.pathChanged.connect(label);
      doc.disposed.connect(() => panel!.dispose());
      panel.disposed.connect(() => {
        open.delete(doc);
        doc.context.pathChanged.disconnect(label);
        if (!doc.isDisposed) {
          doc.content.setCodeBeside(false);
        }
      });
      open.set(doc, panel);
      app.shell.add(panel, 'main', { mode: 'split-right', ref: doc.id });
      doc.content.setCodeBeside(true);
    }
    app.shell.activateById(panel.id);
  };

  const current = (): InfraDocument | null => {
    const widget = app.shell.currentWidget;
    if (widget instanceof InfraDocument) {
      return widget;
    }
    // from the code beside: its design
    for (const [doc, panel] of open) {
      if (panel === widget) {
        return doc;
      }
    }
    return null;
  };

  app.commands.addCommand(CODE_BESIDE_COMMAND, {
    label: 'Show Code Beside the Canvas',
    caption: 'The generated code in its own tab to the right of the design, following the selection',
    isEnabled: () => current() !== null,
    execute: () => {
      const doc = current();
      return doc ? showBeside(doc) : undefined;
    }
  });
  app.docRegistry.addWidgetExtension(factory, {
    createNew: (widget: InfraDocument, _context: DocumentRegistry.IContext<any>) => {
      // the listener goes with the document's node
      widget.node.addEventListener(CODE_BESIDE_EVENT, () => void showBeside(widget));
    }
  });
  app.contextMenu.addItem({ command: CODE_BESIDE_COMMAND, selector: '.isshoni-Canvas', rank: 11 });
  palette?.addItem({ command: CODE_BESIDE_COMMAND, category: 'Isshoni' });
}
