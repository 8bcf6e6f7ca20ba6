/**
 * The generated code in JupyterLab's own CodeMirror 6 editor: read-only,
 * highlighted by JupyterLab's language registry (YAML, JSON, and HCL that the
 * code plugin adds), CodeMirror's search panel (Ctrl/Cmd+F, F3, Escape), line
 * numbers.  On top of the editor: the lines of the selected node are marked
 * (a line decoration kept in a state field) and a plain click reports the line
 * clicked, so the panel can select the node that made it.
 */

import { StateEffect, StateField } from '@codemirror/state';
import { Decoration, DecorationSet, EditorView } from '@codemirror/view';
import { CodeEditor, IEditorFactoryService } from '@jupyterlab/codeeditor';
import { CodeMirrorEditor, IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { ISignal, Signal } from '@lumino/signaling';

/** What the code view needs from JupyterLab: its editor factory and its languages. */
export interface ICodeServices {
  factory: IEditorFactoryService;
  languages: IEditorLanguageRegistry;
}

/** Inclusive 1-based line spans. */
export type LineSpan = [number, number];

const MARK = Decoration.line({ class: 'isshoni-Code-marked' });
const MARK_FIRST = Decoration.line({ class: 'isshoni-Code-marked isshoni-Code-markedFirst' });
const MARK_LAST = Decoration.line({ class: 'isshoni-Code-marked isshoni-Code-markedLast' });
const MARK_ONLY = Decoration.line({
  class: 'isshoni-Code-marked isshoni-Code-markedFirst isshoni-Code-markedLast'
});

const setMarked = StateEffect.define<LineSpan[]>();

/** The marked lines: rebuilt on `setMarked`, mapped through (rare) text changes. */
const marked = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    value = value.map(tr.changes);
    for (const effect of tr.effects) {
      if (effect.is(setMarked)) {
        const doc = tr.state.doc;
        const ranges = [];
        for (const [first, last] of effect.value) {
          const a = Math.max(1, first);
          const b = Math.min(doc.lines, last);
          for (let n = a; n <= b; n++) {
            const mark = a === b ? MARK_ONLY : n === a ? MARK_FIRST : n === b ? MARK_LAST : MARK;
            ranges.push(mark.range(doc.line(n).from));
          }
        }
        value = Decoration.set(ranges, true);
      }
    }
    return value;
  },
  provide: field => EditorView.decorations.from(field)
});

export class CodeView {
  constructor(host: HTMLElement, services: ICodeServices) {
    this.model = new CodeEditor.Model();
    this.editor = services.factory.newDocumentEditor({
      host,
      model: this.model,
      config: { readOnly: true, searchWithCM: true, lineNumbers: true, lineWrap: false },
      extensions: [
        marked,
        EditorView.domEventHandlers({
          click: (event, view) => this._onClick(event, view)
        })
      ]
    });
  }

  readonly model: CodeEditor.Model;
  readonly editor: CodeEditor.IEditor;

  /** A plain click (no text selected) on a line: its 1-based number. */
  get lineClicked(): ISignal<this, number> {
    return this._lineClicked;
  }

  private get _view(): EditorView {
    return (this.editor as CodeMirrorEditor).editor;
  }

  get text(): string {
    return this.model.sharedModel.getSource();
  }

  /** Show `text` highlighted as `mime` (nothing happens when both are already shown). */
  show(text: string, mime: string): void {
    if (this.model.mimeType !== mime) {
      this.model.mimeType = mime;
    }
    if (this.text !== text) {
      this.model.sharedModel.setSource(text);
      this._marked = [];
    }
  }

  /** Mark these lines (replacing the marks before) and, when asked, scroll the longest block into view. */
  mark(spans: LineSpan[], reveal: boolean): void {
    const view = this._view;
    const sorted = [...spans].sort((a, b) => a[0] - b[0]);
    const same = sorted.join(';') === this._marked.join(';');
    const effects: StateEffect<unknown>[] = same ? [] : [setMarked.of(sorted)];
    // the longest block: the resource itself rather than its parameter or output
    const target = sorted.reduce<LineSpan | null>(
      (best, s) => (!best || s[1] - s[0] > best[1] - best[0] ? s : best),
      null
    );
    if (reveal && target && target[0] <= view.state.doc.lines) {
      const line = view.state.doc.line(Math.max(1, target[0]));
      effects.push(EditorView.scrollIntoView(line.from, { y: 'start', yMargin: 24 }));
    }
    if (effects.length) {
      view.dispatch({ effects });
    }
    this._marked = sorted;
  }

  /** The lines marked now. */
  get marked(): LineSpan[] {
    return this._marked;
  }

  dispose(): void {
    this.editor.dispose();
    this.model.dispose();
  }

  private _onClick(event: MouseEvent, view: EditorView): boolean {
    if (!view.state.selection.main.empty || event.button !== 0) {
      return false; // selecting text to copy, not pointing at a block
    }
    const pos = view.posAtCoords({ x: event.clientX, y: event.clientY });
    if (pos !== null) {
      this._lineClicked.emit(view.state.doc.lineAt(pos).number);
    }
    return false;
  }

  private _marked: LineSpan[] = [];
  private _lineClicked = new Signal<this, number>(this);
}
