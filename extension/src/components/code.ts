/**
 * The code panel ("Code" tab, or beside the canvas): the design compiled by
 * the server to CloudFormation (YAML or JSON) or Terraform (one file at a
 * time), refreshed ~600 ms after the design last changed.  Only the visible
 * format is fetched; a newer request supersedes an older one (stale answers
 * are dropped).  The code is shown in JupyterLab's read-only CodeMirror editor
 * (as text, never as HTML); the selected node's blocks are marked and scrolled
 * to, and clicking a block selects its node (the server says which lines each
 * design id produced).  The editor is made when the panel is first shown: a
 * design opens with the code tab hidden, and CodeMirror was a tenth of the
 * time to open one.
 */

import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { ApiError, generate } from '../api';
import { DesignContext } from '../context';
import { button } from './dom';
import { IInfraChanges } from '../yinfra';
import { designFingerprint, touchesDesign } from './code-fingerprint';
import { CodeView, ICodeServices } from './code-editor';
import { CODE_FORMATS, copyText, orderFiles } from './code-formats';
import { CodeRanges, fileWith, idAtLine, spansOf } from './code-ranges';
import { saveBlob } from './exporter';

/** Dispatched (bubbling) by the code tab's "Beside" button: the plugin opens the code beside the canvas. */
export const CODE_BESIDE_EVENT = 'isshoni-code-beside';

const DEBOUNCE_MS = 600;

interface IResult {
  fingerprint: string;
  files: Record<string, string>;
  ranges: CodeRanges;
}

export class CodePanel extends Widget {
  constructor(
    readonly ctx: DesignContext,
    services: ICodeServices,
    options: { beside?: boolean } = {}
  ) {
    super();
    this.addClass('isshoni-CodePanel');
    this.title.label = 'Code';
    this.title.caption = 'CloudFormation and Terraform generated from the design';

    const bar = document.createElement('div');
    bar.className = 'isshoni-CodePanel-toolbar';

    const formats = document.createElement('div');
    formats.className = 'isshoni-CodePanel-formats';
    formats.setAttribute('role', 'tablist');
    formats.setAttribute('aria-label', 'Code format');
    for (const f of CODE_FORMATS) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'isshoni-CodePanel-format';
      b.dataset.format = f.id;
      b.textContent = f.label;
      b.title = f.title;
      b.setAttribute('role', 'tab');
      b.addEventListener('click', () => this.setFormat(f.id));
      formats.appendChild(b);
      this._formatButtons.set(f.id, b);
    }

    const fileSelect = document.createElement('select');
    fileSelect.className = 'isshoni-CodePanel-file';
    fileSelect.setAttribute('aria-label', 'Terraform file');
    fileSelect.addEventListener('change', () => {
      this._file = fileSelect.value;
      this._reveal = true;
      this._render();
    });
    this._fileSelect = fileSelect;

    const status = document.createElement('span');
    status.className = 'isshoni-CodePanel-status';
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    this._status = status;

    const copy = button({
      className: 'isshoni-CodePanel-copy jp-mod-styled',
      label: 'Copy',
      title: 'Copy the code shown',
      onClick: () => void this._copy()
    });
    this._copyButton = copy;

    const download = button({
      className: 'isshoni-CodePanel-download jp-mod-styled',
      label: 'Download',
      title: 'Download the file shown',
      onClick: () => this._download()
    });
    this._downloadButton = download;

    const spacer = document.createElement('span');
    spacer.className = 'isshoni-CodePanel-spacer';
    bar.append(formats, fileSelect, spacer, status, copy, download);
    if (!options.beside) {
      bar.append(
        button({
          className: 'isshoni-CodePanel-beside jp-mod-styled',
          label: 'Beside',
          title: 'Show the code beside the canvas (with the inspector still in view)',
          onClick: () =>
            this.node.dispatchEvent(new CustomEvent(CODE_BESIDE_EVENT, { bubbles: true }))
        })
      );
    }

    const error = document.createElement('div');
    error.className = 'isshoni-CodePanel-error';
    error.setAttribute('role', 'alert');
    error.hidden = true;
    this._error = error;

    const host = document.createElement('div');
    host.className = 'isshoni-Code';
    this._host = host;
    this.node.append(bar, error, host);
    this._services = services;

    this._render();
    ctx.doc.changed.connect(this._onChanged, this);
    ctx.selectionChanged.connect(this._onSelection, this);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    window.clearTimeout(this._timer);
    window.clearTimeout(this._noteTimer);
    this.ctx.doc.changed.disconnect(this._onChanged, this);
    this.ctx.selectionChanged.disconnect(this._onSelection, this);
    this._view?.dispose();
    super.dispose();
  }

  /** The format shown: cloudformation | cloudformation-json | terraform. */
  get format(): string {
    return this._format;
  }

  setFormat(format: string): void {
    if (!CODE_FORMATS.some(f => f.id === format) || format === this._format) {
      return;
    }
    this._format = format;
    this._errorMessage = null;
    this._reveal = true;
    this._render();
    this._refreshIfNeeded(0);
  }

  /** The text shown (the current file of the current format). */
  get text(): string {
    return this._code.text;
  }

  /** The file shown (a Terraform file name, or the template's). */
  get file(): string | null {
    return this._currentFile();
  }

  /** The lines marked for the selection, [first, last] (1-based). */
  get marked(): [number, number][] {
    return this._code.marked;
  }

  /** The editor (JupyterLab's CodeMirror editor). */
  get editor(): CodeView {
    return this._code;
  }

  /** Regenerate now (whatever the cache holds). */
  refresh(): Promise<void> {
    return this._fetch();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._refreshIfNeeded(0);
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._refreshIfNeeded(0);
  }

  /** The selection moved: show its blocks (in the Terraform file that has them). */
  private _onSelection(): void {
    this._reveal = !this._clicked;
    this._clicked = false;
    const ids = this.ctx.selection;
    const result = this._results.get(this._format);
    if (this._format === 'terraform' && result && ids.length) {
      const current = this._currentFile();
      if (!current || !spansOf(result.ranges, current, ids).length) {
        // main.tf first: a resource's variables and outputs are the smaller part of it
        const names = orderFiles(Object.keys(result.files));
        const main = [...names.filter(n => n === 'main.tf'), ...names.filter(n => n !== 'main.tf')];
        this._file = fileWith(result.ranges, main, ids) ?? this._file;
      }
    }
    this._render();
  }

  /** A click on a generated block selects the design resource or connection that made it. */
  private _onLineClicked(_: CodeView, line: number): void {
    const file = this._currentFile();
    const result = this._results.get(this._format);
    if (!file || !result) {
      return;
    }
    const doc = this.ctx.doc;
    const known = (id: string) => id in doc.resources || id in doc.connections;
    const id = idAtLine(result.ranges, file, line, known);
    if (id && !(this.ctx.selection.length === 1 && this.ctx.selection[0] === id)) {
      this._clicked = true; // the block is in view: do not scroll it
      this.ctx.select([id]);
    }
  }

  private _onChanged(_: unknown, changes: IInfraChanges): void {
    if (touchesDesign(changes)) {
      this._refreshIfNeeded(DEBOUNCE_MS);
    }
  }

  /** Schedule a fetch when the visible format's code is not for the current design. */
  private _refreshIfNeeded(delay: number): void {
    window.clearTimeout(this._timer);
    if (!this.isVisible) {
      return;
    }
    const fingerprint = designFingerprint(this.ctx.doc);
    const cached = this._results.get(this._format);
    if (cached && cached.fingerprint === fingerprint && this._errorMessage === null) {
      // Back to code we have (e.g. a change undone): drop what is under way.
      this._seq++;
      this._inflight = null;
      this._pending = false;
      this._render();
      return;
    }
    if (
      this._inflight &&
      this._inflight.format === this._format &&
      this._inflight.fingerprint === fingerprint
    ) {
      return;
    }
    this._pending = true;
    this._render();
    this._timer = window.setTimeout(() => void this._fetch(), delay);
  }

  private async _fetch(): Promise<void> {
    window.clearTimeout(this._timer);
    const format = this._format;
    const fingerprint = designFingerprint(this.ctx.doc);
    const seq = ++this._seq;
    this._inflight = { format, fingerprint };
    this._pending = true;
    this._render();
    try {
      const { files, ranges } = await generate(this.ctx.path, format);
      if (seq !== this._seq || this.isDisposed) {
        return; // a newer request superseded this one
      }
      this._results.set(format, { fingerprint, files, ranges });
      this._errorMessage = null;
      this._problems = [];
    } catch (error) {
      if (seq !== this._seq || this.isDisposed) {
        return;
      }
      this._errorMessage =
        error instanceof Error ? error.message : String(error);
      this._problems = error instanceof ApiError ? error.problems : [];
    }
    this._inflight = null;
    this._pending = false;
    this._render();
    // The design may have moved on while the server compiled.
    if (designFingerprint(this.ctx.doc) !== fingerprint) {
      this._refreshIfNeeded(DEBOUNCE_MS);
    }
  }

  private _files(): Record<string, string> {
    return this._results.get(this._format)?.files ?? {};
  }

  private _currentFile(): string | null {
    const names = orderFiles(Object.keys(this._files()));
    if (!names.length) {
      return null;
    }
    if (this._format === 'terraform') {
      if (!this._file || !names.includes(this._file)) {
        this._file = names.includes('main.tf') ? 'main.tf' : names[0];
      }
      return this._file;
    }
    return names[0];
  }

  private _render(): void {
    for (const [id, button] of this._formatButtons) {
      const on = id === this._format;
      button.classList.toggle('isshoni-mod-active', on);
      button.setAttribute('aria-selected', on ? 'true' : 'false');
    }
    const files = this._files();
    const names = orderFiles(Object.keys(files));
    const current = this._currentFile();

    // the Terraform file selector
    const select = this._fileSelect;
    select.hidden = this._format !== 'terraform' || names.length === 0;
    if (
      Array.from(select.options)
        .map(o => o.value)
        .join('\n') !== names.join('\n')
    ) {
      select.replaceChildren(
        ...names.map(name => {
          const option = document.createElement('option');
          option.value = name;
          option.textContent = name;
          return option;
        })
      );
    }
    if (current && select.value !== current) {
      select.value = current;
    }

    const text = current ? files[current] : '';
    const format = CODE_FORMATS.find(f => f.id === this._format)!;
    if (this._view || this.isVisible) {
      this._code.show(text, format.language);
      this._markSelection(current);
    }
    this._host.dataset.format = this._format;
    this._host.dataset.file = current ?? '';

    // error box: the server's message and the design problems
    const error = this._error;
    error.hidden = this._errorMessage === null;
    if (this._errorMessage !== null) {
      const head = document.createElement('div');
      head.className = 'isshoni-CodePanel-errorMessage';
      // The server's message repeats the problems: list them instead when there are any.
      head.textContent = this._problems.length
        ? 'The design cannot compile:'
        : `The design cannot compile: ${this._errorMessage}`;
      const list = document.createElement('ul');
      for (const p of this._problems) {
        const li = document.createElement('li');
        li.textContent = p.path ? `${p.path}: ${p.message}` : p.message;
        if (p.resource) {
          li.dataset.resource = p.resource;
          li.classList.add('isshoni-mod-link');
          li.title = `Select ${p.resource}`;
          li.addEventListener('click', () => this.ctx.select([p.resource!]));
        }
        list.appendChild(li);
      }
      error.replaceChildren(head, ...(this._problems.length ? [list] : []));
    }

    const stale = this._errorMessage !== null && !!text;
    this._host.classList.toggle('isshoni-mod-stale', stale);
    this._host.classList.toggle('isshoni-mod-busy', this._pending);
    this._host.title = stale ? 'The last code that compiled' : '';
    this.node.classList.toggle('isshoni-mod-busy', this._pending);

    if (this._pending) {
      this._status.textContent = 'generating…';
    } else if (this._errorMessage !== null) {
      this._status.textContent = 'error';
    } else if (this._note) {
      this._status.textContent = this._note;
    } else if (text) {
      const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
      this._status.textContent = `${lines} lines`;
    } else {
      this._status.textContent = '';
    }
    this._copyButton.disabled = !text;
    this._downloadButton.disabled = !text;
  }

  /** Mark the selection's blocks in the file shown; scroll to them when the selection (or the file) changed. */
  private _markSelection(file: string | null): void {
    const ranges = this._results.get(this._format)?.ranges ?? {};
    const spans = file ? spansOf(ranges, file, this.ctx.selection) : [];
    const reveal = this._reveal && spans.length > 0 && this.isVisible;
    this._code.mark(spans, reveal);
    if (reveal) {
      this._reveal = false;
    }
  }

  private _say(note: string): void {
    this._note = note;
    this._render();
    window.clearTimeout(this._noteTimer);
    this._noteTimer = window.setTimeout(() => {
      this._note = '';
      this._render();
    }, 2000);
  }

  private async _copy(): Promise<void> {
    const text = this.text;
    if (!text) {
      return;
    }
    try {
      await copyText(text);
      this._say('copied');
    } catch (error) {
      this._say(`cannot copy: ${error instanceof Error ? error.message : error}`);
    }
  }

  private _download(): void {
    const current = this._currentFile();
    if (!current) {
      return;
    }
    const text = this._files()[current];
    const format = CODE_FORMATS.find(f => f.id === this._format)!;
    const base = (this.ctx.doc.meta.name || 'design').replace(/[^A-Za-z0-9_.-]+/g, '-');
    // CloudFormation templates get the design's name; Terraform files keep theirs.
    const filename = this._format === 'terraform' ? current : `${base}-${current}`;
    saveBlob(new Blob([text], { type: `${format.mime};charset=utf-8` }), filename);
    this._say(`downloaded ${filename}`);
  }

  private _format = 'cloudformation';
  private _file: string | null = null;
  private _results = new Map<string, IResult>();
  private _seq = 0;
  private _inflight: { format: string; fingerprint: string } | null = null;
  private _pending = false;
  private _timer = 0;
  private _errorMessage: string | null = null;
  private _problems: { path: string; message: string; resource?: string }[] = [];
  private _note = '';
  private _noteTimer = 0;
  private _formatButtons = new Map<string, HTMLButtonElement>();
  private _fileSelect: HTMLSelectElement;
  private _status: HTMLElement;
  private _copyButton: HTMLButtonElement;
  private _downloadButton: HTMLButtonElement;
  private _error: HTMLElement;
  private _host: HTMLElement;
  /** The editor, made on first use (see the module doc). */
  private get _code(): CodeView {
    if (!this._view) {
      this._view = new CodeView(this._host, this._services);
      this._view.lineClicked.connect(this._onLineClicked, this);
    }
    return this._view;
  }

  private _view: CodeView | null = null;
  private _services: ICodeServices;
  /** Scroll to the selection's blocks when next shown (the selection, format or file changed). */
  private _reveal = true;
  /** The selection changes because a block was clicked (it is in view already). */
  private _clicked = false;
}
