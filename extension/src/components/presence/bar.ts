/**
 * The thin bar above the canvas: the people on this design as avatar chips
 * (one per person, however many tabs), and the canvas toolbar (arrange, fit,
 * undo, redo, delete, export).
 */

import { Widget } from '@lumino/widgets';
import {
  LabIcon,
  deleteIcon,
  downloadIcon,
  redoIcon,
  undoIcon
} from '@jupyterlab/ui-components';

import { DesignContext } from '../../context';
import type { CanvasView } from '../canvas/view';
import { saveBlob } from '../exporter';
import { IPeer, peersOf } from './peers';

interface IButtonSpec {
  command: string;
  cls: string;
  label: string;
  title: string;
  icon?: LabIcon;
  run: () => unknown;
}

/** The thin bar above the canvas: who is here, and the canvas toolbar. */
export class PresenceBar extends Widget {
  constructor(
    readonly ctx: DesignContext,
    readonly canvas: CanvasView
  ) {
    super();
    this.addClass('isshoni-PresenceBar');
    this._chips = document.createElement('div');
    this._chips.className = 'isshoni-PresenceBar-people';
    this._chips.setAttribute('aria-label', 'People on this design');
    const tools = document.createElement('div');
    tools.className = 'isshoni-PresenceBar-tools';
    tools.setAttribute('role', 'toolbar');
    tools.setAttribute('aria-label', 'Canvas tools');
    this.node.append(this._chips, tools);

    const exportAs = async (kind: 'png' | 'svg') => {
      try {
        const blob = await this.canvas.exportImage(kind);
        const base =
          this.ctx.path.split('/').pop()?.replace(/\.infra\.json$/, '') || 'design';
        saveBlob(blob, `${base}.${kind}`);
      } catch (error) {
        console.error('isshoni: export failed', error);
      }
    };
    const specs: IButtonSpec[] = [
      {
        command: 'isshoni:layout',
        cls: 'isshoni-PresenceBar-arrange',
        label: 'Arrange',
        title: 'Arrange the design automatically (ELK) — one undo step',
        run: () => this.canvas.arrange()
      },
      {
        command: 'isshoni:fit',
        cls: 'isshoni-PresenceBar-fit',
        label: 'Fit',
        title: 'Fit the design in view',
        run: () => this.canvas.fit()
      },
      {
        command: 'isshoni:undo',
        cls: 'isshoni-PresenceBar-undo',
        label: '',
        title: 'Undo my last edit (Ctrl/Cmd+Z)',
        icon: undoIcon,
        run: () => this.ctx.doc.undo()
      },
      {
        command: 'isshoni:redo',
        cls: 'isshoni-PresenceBar-redo',
        label: '',
        title: 'Redo my edit (Ctrl/Cmd+Shift+Z)',
        icon: redoIcon,
        run: () => this.ctx.doc.redo()
      },
      {
        command: 'isshoni:delete-selection',
        cls: 'isshoni-PresenceBar-delete',
        label: '',
        title: 'Delete the selection (Delete)',
        icon: deleteIcon,
        run: () => this.canvas.deleteSelection()
      },
      {
        command: 'isshoni:export-png',
        cls: 'isshoni-PresenceBar-png',
        label: 'PNG',
        title: 'Export the design as a PNG image',
        icon: downloadIcon,
        run: () => exportAs('png')
      },
      {
        command: 'isshoni:export-svg',
        cls: 'isshoni-PresenceBar-svg',
        label: 'SVG',
        title: 'Export the design as an SVG image',
        icon: downloadIcon,
        run: () => exportAs('svg')
      }
    ];
    for (const spec of specs) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = `isshoni-PresenceBar-button ${spec.cls}`;
      button.dataset.command = spec.command;
      button.title = spec.title;
      button.setAttribute('aria-label', spec.title);
      if (spec.icon) {
        button.appendChild(
          spec.icon.element({ tag: 'span', className: 'isshoni-PresenceBar-icon', elementSize: 'small' })
        );
      }
      if (spec.label) {
        const text = document.createElement('span');
        text.textContent = spec.label;
        button.appendChild(text);
      }
      button.addEventListener('click', () => {
        void Promise.resolve(spec.run()).catch(error =>
          console.error(`isshoni: ${spec.command} failed`, error)
        );
      });
      if (spec.command === 'isshoni:undo' || spec.command === 'isshoni:export-png') {
        const sep = document.createElement('span');
        sep.className = 'isshoni-PresenceBar-separator';
        tools.appendChild(sep);
      }
      tools.appendChild(button);
      this._buttons.set(spec.command, button);
    }

    this.ctx.doc.awareness.on('change', this._renderPeople);
    this.ctx.selectionChanged.connect(this._updateButtons, this);
    const undo = this.ctx.doc.undoManager;
    for (const event of ['stack-item-added', 'stack-item-popped', 'stack-cleared']) {
      undo.on(event as any, this._updateButtons);
    }
    this._renderPeople();
    this._updateButtons();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.ctx.doc.awareness.off('change', this._renderPeople);
    this.ctx.selectionChanged.disconnect(this._updateButtons, this);
    const undo = this.ctx.doc.undoManager;
    for (const event of ['stack-item-added', 'stack-item-popped', 'stack-cleared']) {
      undo.off(event as any, this._updateButtons);
    }
    super.dispose();
  }

  private _updateButtons = (): void => {
    const undo = this.ctx.doc.undoManager;
    const set = (command: string, enabled: boolean) => {
      const b = this._buttons.get(command);
      if (b) {
        b.disabled = !enabled;
      }
    };
    set('isshoni:undo', undo.undoStack.length > 0);
    set('isshoni:redo', undo.redoStack.length > 0);
    set('isshoni:delete-selection', this.ctx.selection.length > 0);
  };

  private _renderPeople = (): void => {
    if (this.isDisposed) {
      return;
    }
    // One chip per person (several tabs of one user count once).
    const people = new Map<string, IPeer & { tabs: number }>();
    for (const peer of peersOf(this.ctx)) {
      const key = peer.local ? `\u0000local` : `${peer.username}\u0000${peer.name}`;
      const known = people.get(key);
      if (known) {
        known.tabs++;
      } else {
        people.set(key, { ...peer, tabs: 1 });
      }
    }
    const list = [...people.values()].sort((a, b) =>
      a.local !== b.local ? (a.local ? -1 : 1) : a.name.localeCompare(b.name)
    );
    const key = list.map(p => [p.local, p.name, p.initials, p.color, p.tabs].join('|')).join('\n');
    if (key === this._peopleKey) {
      return;
    }
    this._peopleKey = key;
    this._chips.replaceChildren();
    for (const person of list) {
      const chip = document.createElement('span');
      chip.className = 'isshoni-PresenceChip' + (person.local ? ' isshoni-mod-local' : '');
      chip.dataset.user = person.name;
      chip.style.setProperty('--isshoni-peer-color', person.color);
      chip.textContent = person.initials;
      chip.title =
        (person.local ? `${person.name} (you)` : person.name) +
        (person.tabs > 1 ? ` — ${person.tabs} tabs` : '');
      chip.setAttribute('aria-label', chip.title);
      this._chips.appendChild(chip);
      if (person.local) {
        const you = document.createElement('span');
        you.className = 'isshoni-PresenceBar-you';
        you.textContent = 'you';
        this._chips.appendChild(you);
      }
    }
    const count = document.createElement('span');
    count.className = 'isshoni-PresenceBar-count';
    count.textContent = list.length === 1 ? 'only you here' : `${list.length} here`;
    this._chips.appendChild(count);
  };

  private _chips: HTMLDivElement;
  private _buttons = new Map<string, HTMLButtonElement>();
  private _peopleKey = '';
}
