/**
 * The design's document widget: palette | canvas | (inspector, code, findings)
 * over the chat, with a toolbar.  Each part is its own widget in
 * `components/`; this file only arranges them around one `DesignContext`.
 */

import { DocumentRegistry, DocumentWidget } from '@jupyterlab/docregistry';
import { User } from '@jupyterlab/services';
import { PromiseDelegate } from '@lumino/coreutils';
import { BoxPanel, SplitPanel, TabPanel, Widget } from '@lumino/widgets';

import { catalog } from './api';
import { ChatPanel } from './components/chat';
import { loadAccess, ReadOnlyBanner } from './components/access';
import { CanvasView, START_EVENT } from './components/canvas/view';
import { askStart } from './components/start/start-dialog';
import { startInDesign } from './components/start/start';
import { CodePanel } from './components/code';
import { ICodeServices } from './components/code-editor';
import { DeployOverlay } from './components/deploy/overlay';
import { DeployPanel } from './components/deploy/panel';
import { explainBrokenFile, IFileActions } from './components/file-error';
import { FindingsPanel } from './components/findings';
import { Inspector } from './components/inspector/panel';
import { Palette } from './components/palette';
import { PresenceBar } from './components/presence/bar';
import { PresenceLayer } from './components/presence/layer';
import { VersionsPanel } from './components/versions/panel';
import { DesignContext } from './context';
import { InfraModel } from './model';

/** How long opening may take before the widget asks the server whether the file is broken
 * (JupyterLab's own "taking some time" dialog comes at 5 s). */
const LATE_MS = 1500;

export class InfraPanel extends SplitPanel {
  constructor(
    private _docContext: DocumentRegistry.IContext<InfraModel>,
    private _user: User.IManager,
    private _codeServices: ICodeServices,
    private _fileActions: IFileActions = { close: () => undefined, reopen: () => undefined }
  ) {
    super({ orientation: 'horizontal', spacing: 2 });
    this.addClass('isshoni-InfraPanel');
    this._status = new Widget();
    this._status.addClass('isshoni-InfraPanel-status');
    this._status.node.textContent = 'Opening the design…';
    this.addWidget(this._status);
    void this._build().then(
      () => this._built.resolve(this.designContext),
      () => this._built.resolve(null)
    );
    this.node.addEventListener(START_EVENT, () => void this._start());
  }

  /** The design's context once its parts exist (null when the design could not open). */
  get built(): Promise<DesignContext | null> {
    return this._built.promise;
  }

  /** The empty canvas asked to start from a template, a description or an import. */
  private async _start(): Promise<void> {
    const ctx = this.designContext;
    const choice = ctx ? await askStart('Start this design') : null;
    if (ctx && choice && choice.kind !== 'blank') {
      await startInDesign(ctx, choice);
    }
  }

  private _built = new PromiseDelegate<DesignContext | null>();

  private _status: Widget;

  /** Set once the parts exist (after the document and the catalog are ready). */
  designContext: DesignContext | null = null;
  canvas: CanvasView | null = null;
  presence: PresenceBar | null = null;
  deploy: DeployPanel | null = null;

  /** Bring the Deploy tab to the front (the "Deploy…" command). */
  showDeploy(): void {
    if (this._tabs && this.deploy) {
      this._tabs.currentWidget = this.deploy;
    }
  }

  private _tabs: TabPanel | null = null;

  /** The code is shown beside the design (or no longer): the design is narrower, give the
   * inspector a share that stays readable next to the canvas. */
  setCodeBeside(beside: boolean): void {
    if (this.designContext) {
      this.setRelativeSizes(beside ? [1, 3, 3] : [1, 4, 2]);
    }
  }

  /** Say why the design file cannot open, if it is no design (once; true when said). */
  private _explain(): Promise<boolean> {
    this._explained ??= explainBrokenFile(this._docContext.path, this._fileActions);
    return this._explained;
  }

  private _explained: Promise<boolean> | null = null;

  private async _build(): Promise<void> {
    const ready = Promise.all([
      catalog(),
      this._docContext.ready,
      this._user.ready
    ]);
    // the server refuses a design file that is no design, and its room never syncs:
    // when opening fails or takes long, ask the server what is wrong with the file
    const late = new Promise(resolve => setTimeout(resolve, LATE_MS));
    Promise.race([ready, late]).then(
      () => void (this.designContext ? undefined : this._explain()),
      () => undefined
    );
    let types;
    try {
      [types] = await ready;
    } catch (error) {
      if (!(await this._explain())) {
        this._status.node.textContent = `The design cannot open: ${error}`;
        this._status.addClass('isshoni-mod-error');
      }
      return;
    }
    const ctx = new DesignContext({
      doc: this._docContext.model.sharedModel,
      catalog: types,
      path: () => this._docContext.path,
      user: this._user.identity!
    });
    this.designContext = ctx;
    this._status.dispose();
    void loadAccess(ctx); // a viewer's parts turn read-only when the server answers

    this.canvas = new CanvasView(ctx);
    this.canvas.addLayer(new PresenceLayer(ctx, this.canvas.cy, this.canvas.overlay));
    this.canvas.addLayer(new DeployOverlay(ctx, this.canvas.cy));
    this.presence = new PresenceBar(ctx, this.canvas);

    // The slots keep their final sizes from the start (the canvas is not resized when they fill)
    const left = new BoxPanel();
    left.addClass('isshoni-PaletteSlot');
    const side = new SplitPanel({ orientation: 'vertical', spacing: 2 });
    side.addClass('isshoni-Side');

    const center = new BoxPanel({ direction: 'top-to-bottom', spacing: 0 });
    center.addClass('isshoni-Center');
    const banner = new ReadOnlyBanner(ctx);
    BoxPanel.setStretch(this.presence, 0);
    BoxPanel.setStretch(banner, 0);
    BoxPanel.setStretch(this.canvas, 1);
    center.addWidget(this.presence);
    center.addWidget(banner);
    center.addWidget(this.canvas);

    this.addWidget(left);
    this.addWidget(center);
    this.addWidget(side);
    this.setRelativeSizes([1, 4, 2]);

    // The canvas is drawn first; the palette and the side panels follow once it is on screen:
    // their first style and layout (a hundred palette entries, four tabs, the chat) took 40-60 ms
    // that the canvas no longer waits for.
    await afterPaint();
    if (this.isDisposed) {
      return;
    }
    const palette = new Palette(ctx);
    BoxPanel.setStretch(palette, 1);
    left.addWidget(palette);

    const tabs = new TabPanel();
    tabs.addClass('isshoni-SideTabs');
    tabs.addWidget(new Inspector(ctx));
    tabs.addWidget(new CodePanel(ctx, this._codeServices));
    tabs.addWidget(new FindingsPanel(ctx));
    this.deploy = new DeployPanel(ctx);
    tabs.addWidget(this.deploy);
    tabs.addWidget(new VersionsPanel(ctx));
    this._tabs = tabs;
    side.addWidget(tabs);
    side.addWidget(new ChatPanel(ctx));
    side.setRelativeSizes([3, 2]);
  }
}

/** Resolves once the current frame has been painted (or soon, in a tab that paints nothing). */
function afterPaint(): Promise<void> {
  return new Promise(resolve => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 100);
  });
}

/** The document widget JupyterLab opens for a `.infra.json` file. */
export class InfraDocument extends DocumentWidget<InfraPanel, InfraModel> {
  constructor(options: DocumentWidget.IOptions<InfraPanel, InfraModel>) {
    super(options);
    this.addClass('isshoni-InfraDocument');
  }
}
