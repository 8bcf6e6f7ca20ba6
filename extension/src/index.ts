/**
 * JupyterLab plugin glue for Isshoni: the `infra` file type and document
 * type, the widget factory, launcher and file-browser entries, commands and
 * shortcuts.  The parts of the widget live in `components/`.
 */

import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  WidgetTracker,
  showErrorMessage
} from '@jupyterlab/apputils';
import { ICollaborativeContentProvider } from '@jupyter/collaborative-drive';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { ABCWidgetFactory, DocumentRegistry } from '@jupyterlab/docregistry';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { Contents } from '@jupyterlab/services';
import { LabIcon } from '@jupyterlab/ui-components';

import { InfraModel, InfraModelFactory } from './model';
import { InfraDocument, InfraPanel } from './widget';
import { canonical, YInfra } from './yinfra';
import { saveBlob } from './components/exporter';
import { saveBeforeClose } from './close-saves';
import { askStart } from './components/start/start-dialog';
import { blankDesign, startInNewFile } from './components/start/start';
import { addDeployCommand } from './deploy-plugin';
import { addCodeBesideCommand, registerHcl } from './code-plugin';
import { ICodeServices } from './components/code-editor';
import isshoniSvg from '../style/isshoni.svg';

const FACTORY = 'Isshoni Canvas';
const FILE_TYPE = 'infra';
const NAMESPACE = 'isshoni';

export const isshoniIcon = new LabIcon({ name: 'isshoni:design', svgstr: isshoniSvg });

namespace CommandIDs {
  export const create = 'isshoni:new-design';
  export const start = 'isshoni:start-design';
  export const undo = 'isshoni:undo';
  export const redo = 'isshoni:redo';
  export const layout = 'isshoni:layout';
  export const fit = 'isshoni:fit';
  export const remove = 'isshoni:delete-selection';
  export const exportPng = 'isshoni:export-png';
  export const exportSvg = 'isshoni:export-svg';
}

class InfraWidgetFactory extends ABCWidgetFactory<InfraDocument, InfraModel> {
  constructor(
    options: DocumentRegistry.IWidgetFactoryOptions<InfraDocument>,
    private _app: JupyterFrontEnd,
    private _codeServices: ICodeServices
  ) {
    super(options);
  }

  protected createNewWidget(
    context: DocumentRegistry.IContext<InfraModel>
  ): InfraDocument {
    // a design file the server refuses: this tab cannot load; after a restore, open it afresh.
    // Disposed, not closed: JupyterLab's close waits up to 3 s for the document to be ready (to
    // list it as recently closed), and a restore within those 3 s reopened the closing tab
    // (the same path's widget and context), which then went away: no design on screen.
    const fileActions = {
      close: () => widget.dispose(),
      reopen: (path: string) =>
        void this._app.commands.execute('docmanager:open', { path, factory: FACTORY })
    };
    const content = new InfraPanel(
      context,
      this._app.serviceManager.user,
      this._codeServices,
      fileActions
    );
    const widget = new InfraDocument({ context, content });
    widget.title.icon = isshoniIcon;
    return widget;
  }
}

function emptyDesign(name: string): string {
  return canonical(blankDesign(name));
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'isshoni:plugin',
  description: 'A collaborative visual designer for AWS infrastructure.',
  autoStart: true,
  requires: [IEditorServices, IEditorLanguageRegistry],
  optional: [
    ICollaborativeContentProvider,
    ILauncher,
    ICommandPalette,
    ILayoutRestorer,
    IDefaultFileBrowser
  ],
  activate: (
    app: JupyterFrontEnd,
    editorServices: IEditorServices,
    languages: IEditorLanguageRegistry,
    drive: ICollaborativeContentProvider | null,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    browser: IDefaultFileBrowser | null
  ) => {
    const { commands, docRegistry } = app;
    registerHcl(languages);
    const codeServices: ICodeServices = { factory: editorServices.factoryService, languages };

    if (drive) {
      drive.sharedModelFactory.registerDocumentFactory(
        FILE_TYPE as Contents.ContentType,
        () => new YInfra()
      );
    }

    docRegistry.addFileType({
      name: FILE_TYPE,
      displayName: 'Infra design',
      mimeTypes: ['application/json'],
      extensions: ['.infra.json'],
      pattern: '^.*\\.infra\\.json$',
      fileFormat: 'text',
      contentType: FILE_TYPE as any,
      icon: isshoniIcon
    });
    docRegistry.addModelFactory(new InfraModelFactory());

    const factory = new InfraWidgetFactory(
      {
        name: FACTORY,
        label: 'Isshoni canvas',
        modelName: 'infra',
        fileTypes: [FILE_TYPE],
        defaultFor: [FILE_TYPE],
        translator: undefined,
        // Only when jupyter-collaboration is there: without it 'rtc' is not registered.
        ...(drive ? { contentProviderId: 'rtc' } : {})
      },
      app,
      codeServices
    );
    docRegistry.addWidgetFactory(factory);

    const tracker = new WidgetTracker<InfraDocument>({ namespace: NAMESPACE });
    factory.widgetCreated.connect((_, widget) => {
      saveBeforeClose(widget);
      widget.context.pathChanged.connect(() => void tracker.save(widget));
      void tracker.add(widget);
    });
    if (restorer) {
      void restorer.restore(tracker, {
        command: 'docmanager:open',
        args: widget => ({ path: widget.context.path, factory: FACTORY }),
        name: widget => widget.context.path
      });
    }

    const current = (): InfraPanel | null => {
      const widget = tracker.currentWidget;
      return widget && widget === app.shell.currentWidget ? widget.content : null;
    };
    const isEnabled = () => current()?.designContext !== null && current() !== null;

    commands.addCommand(CommandIDs.create, {
      label: args => (args.isLauncher ? 'Infra Design' : 'New Infra Design'),
      caption: 'Create a new AWS infrastructure design',
      icon: args => (args.isPalette ? undefined : isshoniIcon),
      execute: async args => {
        const cwd = (args.cwd as string) ?? browser?.model.path ?? '';
        try {
          const model = await app.serviceManager.contents.newUntitled({
            path: cwd,
            type: 'file',
            ext: '.infra.json'
          });
          const name = model.name.replace(/\.infra\.json$/, '').replace(/[^A-Za-z0-9_-]/g, '-');
          await app.serviceManager.contents.save(model.path, {
            type: 'file',
            format: 'text',
            content: emptyDesign(name || 'design')
          });
          return commands.execute('docmanager:open', {
            path: model.path,
            factory: FACTORY
          });
        } catch (error) {
          await showErrorMessage('Cannot create the design', error as Error);
        }
      }
    });

    commands.addCommand(CommandIDs.start, {
      label: args => (args.isLauncher ? 'Infra Design from…' : 'New Infra Design from a Template, a Description or an Import…'),
      caption: 'Start a design from a template, a description for the assistant, or what you already have',
      icon: args => (args.isPalette ? undefined : isshoniIcon),
      execute: async args => {
        const choice = await askStart();
        if (!choice) {
          return;
        }
        const cwd = (args.cwd as string) ?? browser?.model.path ?? '';
        try {
          await startInNewFile(app, cwd, FACTORY, choice, widget =>
            (widget as InfraDocument).content.built
          );
        } catch (error) {
          await showErrorMessage('Cannot create the design', error as Error);
        }
      }
    });

    commands.addCommand(CommandIDs.undo, {
      label: 'Undo My Last Design Edit',
      isEnabled,
      execute: () => current()?.designContext?.doc.undo()
    });
    commands.addCommand(CommandIDs.redo, {
      label: 'Redo My Design Edit',
      isEnabled,
      execute: () => current()?.designContext?.doc.redo()
    });
    commands.addCommand(CommandIDs.layout, {
      label: 'Arrange the Design Automatically (ELK)',
      isEnabled,
      execute: () => current()?.canvas?.arrange()
    });
    commands.addCommand(CommandIDs.fit, {
      label: 'Fit the Design in View',
      isEnabled,
      execute: () => current()?.canvas?.fit()
    });
    commands.addCommand(CommandIDs.remove, {
      label: 'Delete Selected Design Items',
      isEnabled,
      execute: () => current()?.canvas?.deleteSelection()
    });
    for (const [id, kind] of [
      [CommandIDs.exportPng, 'png'],
      [CommandIDs.exportSvg, 'svg']
    ] as const) {
      commands.addCommand(id, {
        label: `Export the Design as ${kind.toUpperCase()}`,
        isEnabled,
        execute: async () => {
          const panel = current();
          if (!panel?.canvas) {
            return;
          }
          const blob = await panel.canvas.exportImage(kind);
          const base = panel.designContext!.path.split('/').pop()!.replace(/\.infra\.json$/, '');
          saveBlob(blob, `${base}.${kind}`);
        }
      });
    }

    const selector = '.isshoni-InfraDocument';
    commands.addKeyBinding({ command: CommandIDs.undo, keys: ['Accel Z'], selector: `${selector} .isshoni-Canvas` });
    commands.addKeyBinding({ command: CommandIDs.redo, keys: ['Accel Shift Z'], selector: `${selector} .isshoni-Canvas` });
    commands.addKeyBinding({ command: CommandIDs.redo, keys: ['Accel Y'], selector: `${selector} .isshoni-Canvas` });
    commands.addKeyBinding({ command: CommandIDs.remove, keys: ['Delete'], selector: `${selector} .isshoni-Canvas` });
    commands.addKeyBinding({ command: CommandIDs.remove, keys: ['Backspace'], selector: `${selector} .isshoni-Canvas` });
    commands.addKeyBinding({ command: CommandIDs.layout, keys: ['Accel Shift L'], selector });

    if (launcher) {
      launcher.add({ command: CommandIDs.create, category: 'Other', rank: 1 });
      launcher.add({ command: CommandIDs.start, category: 'Other', rank: 2 });
    }
    if (palette) {
      const category = 'Isshoni';
      for (const command of Object.values(CommandIDs)) {
        palette.addItem({ command, category, args: { isPalette: true } });
      }
    }
    addDeployCommand(app, FACTORY, palette);
    addCodeBesideCommand(app, FACTORY, codeServices, palette);
    app.contextMenu.addItem({
      command: CommandIDs.create,
      selector: '.jp-DirListing-content',
      rank: 52
    });
    app.contextMenu.addItem({
      command: CommandIDs.start,
      selector: '.jp-DirListing-content',
      rank: 53
    });
  }
};

export default plugin;
