/**
 * "Start a design": a template from the gallery, a description for the
 * assistant (the offline planner when no model is configured), or an import
 * of what the team already has (CloudFormation or SAM, Terraform, a plan's
 * JSON, a Mermaid flowchart).  The last section the user touched is the choice.
 */

import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Panel, Widget } from '@lumino/widgets';

import { TemplateGallery } from './gallery';

export type StartChoice =
  | { kind: 'template'; name: string }
  | { kind: 'prompt'; text: string }
  | { kind: 'import'; text: string; filename: string }
  | { kind: 'blank' };

const MAX_IMPORT_BYTES = 5 * 1024 * 1024; // what the server's import takes

function section(title: string, hint: string): HTMLElement {
  const head = document.createElement('div');
  head.className = 'isshoni-Start-section';
  const h = document.createElement('h3');
  h.textContent = title;
  const p = document.createElement('p');
  p.textContent = hint;
  head.append(h, p);
  return head;
}

class StartBody extends Panel implements Dialog.IBodyWidget<StartChoice> {
  constructor() {
    super();
    this.addClass('isshoni-Start');
    this.addWidget(new Widget({ node: section('Start from a template', 'A ready design to adapt.') }));
    this._gallery = new TemplateGallery(name => {
      this._choice = name ? { kind: 'template', name } : { kind: 'blank' };
      this._show();
    });
    this.addWidget(this._gallery);

    const describe = new Widget({ node: section('Or describe what you need', 'The assistant designs it on the canvas (without an API key, the offline planner does).') });
    this._prompt = document.createElement('textarea');
    this._prompt.className = 'isshoni-Start-prompt';
    this._prompt.rows = 3;
    this._prompt.maxLength = 4000;
    this._prompt.placeholder = 'e.g. containers behind a load balancer with a PostgreSQL database';
    this._prompt.addEventListener('input', () => {
      const text = this._prompt.value.trim();
      this._choice = text ? { kind: 'prompt', text } : { kind: 'blank' };
      this._show();
    });
    describe.node.appendChild(this._prompt);
    this.addWidget(describe);

    const imports = new Widget({ node: section('Or import', 'A CloudFormation or SAM template, Terraform (.tf or a plan\'s JSON) or a Mermaid flowchart.') });
    this._file = document.createElement('input');
    this._file.type = 'file';
    this._file.className = 'isshoni-Start-file';
    this._file.accept = '.yaml,.yml,.json,.template,.tf,.tf.json,.mmd,.mermaid,.md,.txt';
    this._file.addEventListener('change', () => void this._read());
    imports.node.appendChild(this._file);
    this.addWidget(imports);

    this._note = document.createElement('div');
    this._note.className = 'isshoni-Start-choice';
    this._note.setAttribute('role', 'status');
    this.node.appendChild(this._note);
    this._show();
  }

  getValue(): StartChoice {
    return this._choice;
  }

  private async _read(): Promise<void> {
    const file = this._file.files?.[0];
    if (!file) {
      return;
    }
    if (file.size > MAX_IMPORT_BYTES) {
      this._choice = { kind: 'blank' };
      this._note.textContent = `${file.name} is larger than an import takes (5 MB).`;
      return;
    }
    this._choice = { kind: 'import', text: await file.text(), filename: file.name };
    this._show();
  }

  private _show(): void {
    const c = this._choice;
    this._note.textContent =
      c.kind === 'template'
        ? `Creates a design from the template “${this._gallery.titleOf(c.name)}” (${c.name}).`
        : c.kind === 'prompt'
          ? 'Creates a design and asks the assistant for it.'
          : c.kind === 'import'
            ? `Imports ${c.filename}.`
            : 'Nothing chosen: creates a blank design.';
  }

  private _gallery: TemplateGallery;
  private _prompt: HTMLTextAreaElement;
  private _file: HTMLInputElement;
  private _note: HTMLElement;
  private _choice: StartChoice = { kind: 'blank' };
}

/** Ask how to start; null when cancelled. */
export async function askStart(title = 'Start a design'): Promise<StartChoice | null> {
  const result = await showDialog<StartChoice>({
    title,
    body: new StartBody(),
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Create' })],
    focusNodeSelector: '.isshoni-GalleryCard'
  });
  return result.button.accept ? result.value : null;
}
