/**
 * The "Deploy…" command, its toolbar button on every design and its entry in
 * the canvas's context menu: each brings the design's Deploy tab forward.
 * Plugin glue only; the panel is components/deploy/.
 */

import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, ToolbarButton } from '@jupyterlab/apputils';
import { DocumentRegistry } from '@jupyterlab/docregistry';

import { InfraDocument } from './widget';

export const DEPLOY_COMMAND = 'isshoni:deploy';

export function addDeployCommand(app: JupyterFrontEnd, factory: string, palette: ICommandPalette | null): void {
  const current = () => {
    const widget = app.shell.currentWidget;
    return widget instanceof InfraDocument ? widget.content : null;
  };
  app.commands.addCommand(DEPLOY_COMMAND, {
    label: 'Deploy…',
    caption: 'Deploy the design, follow its job, walk its canary (the Deploy tab)',
    isEnabled: () => current() !== null,
    execute: () => current()?.showDeploy()
  });
  app.docRegistry.addWidgetExtension(factory, {
    createNew: (widget: InfraDocument, _context: DocumentRegistry.IContext<any>) => {
      // its own document's tab (a command button would be enabled for whichever design was current)
      const button = new ToolbarButton({
        label: 'Deploy…',
        tooltip: 'Deploy the design, follow its job, walk its canary (the Deploy tab)',
        onClick: () => widget.content.showDeploy()
      });
      button.addClass('isshoni-DeployButton');
      widget.toolbar.addItem('isshoni-deploy', button);
      return button; // a widget: disposed with the document's toolbar
    }
  });
  app.contextMenu.addItem({ command: DEPLOY_COMMAND, selector: '.isshoni-Canvas', rank: 10 });
  palette?.addItem({ command: DEPLOY_COMMAND, category: 'Isshoni' });
}
