/**
 * What a start choice does.  In a new file: the template's design written to
 * it, the import written by the server, or a blank design; a description is
 * a chat message to the assistant once the design is open (it designs on the
 * canvas, live for everyone).  In the empty design already open: the same,
 * through the server (validated there), so every collaborator sees it.
 */

import { JupyterFrontEnd } from '@jupyterlab/application';
import { showErrorMessage } from '@jupyterlab/apputils';

import { request } from '../../api';
import { DesignContext } from '../../context';
import { importText, templateDesign } from '../../start-api';
import { IDesign } from '../../types';
import { canonical } from '../../yinfra';
import { StartChoice } from './start-dialog';

const MENTION = '@isshoni';

export function blankDesign(name: string): IDesign {
  return {
    version: 1,
    meta: { name, region: 'us-east-1', description: '', notes: '' },
    resources: {},
    connections: {},
    chat: [],
    deployments: {}
  };
}

/** The design content of a template under a new name (its history is not the new design's). */
function fromTemplate(design: IDesign, name: string): IDesign {
  return { ...design, meta: { ...design.meta, name }, chat: [], deployments: {} };
}

function canvasUrl(path: string): string {
  return ['designs', ...path.split('/').map(encodeURIComponent), 'canvas'].join('/');
}

/** Replace an open design's content through the server (chat and deployments are kept there). */
async function replaceContent(path: string, design: IDesign): Promise<void> {
  await request(canvasUrl(path), { method: 'POST', body: JSON.stringify({ design }) });
}

/** Ask the assistant in the design's chat, as a person would. */
export function askAssistant(ctx: DesignContext, text: string): void {
  const message = text.includes(MENTION) ? text : `${MENTION} ${text}`;
  ctx.doc.addMessage(ctx.displayName, message);
}

/**
 * Create a new design file in `cwd` from the choice and open it with `factory`.  Returns
 * the opened widget's design context once it is ready (null if the design could not open).
 */
export async function startInNewFile(
  app: JupyterFrontEnd,
  cwd: string,
  factory: string,
  choice: StartChoice,
  opened: (widget: any) => Promise<DesignContext | null>
): Promise<void> {
  const contents = app.serviceManager.contents;
  const model = await contents.newUntitled({ path: cwd, type: 'file', ext: '.infra.json' });
  const name = model.name.replace(/\.infra\.json$/, '').replace(/[^A-Za-z0-9_-]/g, '-') || 'design';
  try {
    if (choice.kind === 'import') {
      await importText(choice.text, { output: model.path, name, overwrite: true });
    } else {
      const design = choice.kind === 'template' ? fromTemplate(await templateDesign(choice.name), name) : blankDesign(name);
      await contents.save(model.path, { type: 'file', format: 'text', content: canonical(design) });
    }
  } catch (error) {
    await contents.delete(model.path).catch(() => undefined); // no half-made file left behind
    throw error;
  }
  const widget = await app.commands.execute('docmanager:open', { path: model.path, factory });
  if (choice.kind === 'prompt') {
    const ctx = await opened(widget);
    if (ctx) {
      askAssistant(ctx, choice.text);
    }
  }
}

/** Start the open (empty) design from the choice. */
export async function startInDesign(ctx: DesignContext, choice: StartChoice): Promise<void> {
  const name = ctx.doc.meta.name || 'design';
  try {
    if (choice.kind === 'template') {
      await replaceContent(ctx.path, fromTemplate(await templateDesign(choice.name), name));
    } else if (choice.kind === 'import') {
      const { design } = await importText(choice.text, { name });
      if (design) {
        await replaceContent(ctx.path, { ...design, meta: { ...design.meta, name } });
      }
    } else if (choice.kind === 'prompt') {
      askAssistant(ctx, choice.text);
    }
  } catch (error) {
    await showErrorMessage('The design could not start that way', error as Error);
  }
}
