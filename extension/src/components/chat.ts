/**
 * The chat (below the tabs), bound to the design's shared `chat` array: every
 * message with its author and time, newest at the bottom (following new
 * messages while the reader is at the bottom), and an input: Enter sends,
 * Shift+Enter starts a new line.  Message text is user data: set with
 * textContent (newlines kept by CSS), never as HTML.
 */

import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { resolveProposal, stopAssistant, undoAssistant } from '../api';
import { DesignContext } from '../context';
import { button } from './dom';
import { IChatMessage } from '../types';
import { IInfraChanges } from '../yinfra';

/** The author name the assistant writes under. */
export const ASSISTANT = 'assistant';

/** What re-renders a message: its text and the assistant's state fields. */
function signature(m: IChatMessage): string {
  return JSON.stringify([
    m.author,
    m.text,
    m.status,
    m.proposal,
    m.undone,
    m.resolved_by,
    m.cost_usd
  ]);
}

/** "3 requests · 4,170 tokens · $0.0164": what an answer cost, from the message. */
export function usageLine(m: IChatMessage): string {
  const u = m.usage;
  if (!u || typeof u !== 'object') {
    return '';
  }
  const tokens =
    Number(u.input_tokens ?? 0) +
    Number(u.output_tokens ?? 0) +
    Number(u.cache_creation_input_tokens ?? 0) +
    Number(u.cache_read_input_tokens ?? 0);
  const parts = [
    `${u.requests} request${u.requests === 1 ? '' : 's'}`,
    `${tokens.toLocaleString('en-US')} tokens`
  ];
  if (typeof m.cost_usd === 'number') {
    parts.push(`$${m.cost_usd.toFixed(4)}`);
  }
  return parts.join(' · ');
}

const GROUP_SECONDS = 5 * 60;
const PLACEHOLDER = 'Write a message… (@isshoni asks the assistant)';
/** Messages shown at first, and added by each "earlier messages" click: a long chat renders its end. */
export const SHOWN = 200;

function toDate(time: number): Date {
  // seconds (Python's time.time(), Date.now()/1000); milliseconds tolerated
  return new Date(time > 1e12 ? time : time * 1000);
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** HH:MM today, "23 Nov HH:MM" another day, with the year when not this one. */
export function shortTime(date: Date, now = new Date()): string {
  const hhmm = `${two(date.getHours())}:${two(date.getMinutes())}`;
  if (date.toDateString() === now.toDateString()) {
    return hhmm;
  }
  const day = date.toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    ...(date.getFullYear() !== now.getFullYear() ? { year: 'numeric' } : {})
  });
  return `${day} ${hhmm}`;
}

function initials(name: string): string {
  const parts = name.trim().split(/[\s._@-]+/).filter(Boolean);
  const letters =
    parts.length > 1 ? parts[0][0] + parts[1][0] : (parts[0] ?? '?').slice(0, 2);
  return letters.toUpperCase();
}

function hue(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) {
    h = (h * 31 + name.charCodeAt(i)) >>> 0;
  }
  return h % 360;
}

export class ChatPanel extends Widget {
  constructor(readonly ctx: DesignContext) {
    super();
    this.addClass('isshoni-ChatPanel');
    this.title.label = 'Chat';
    this.title.caption = 'Chat with everyone working on this design';

    const header = document.createElement('div');
    header.className = 'isshoni-ChatPanel-header';
    header.textContent = 'Chat';

    const list = document.createElement('div');
    list.className = 'isshoni-ChatPanel-messages';
    list.setAttribute('role', 'log');
    list.setAttribute('aria-label', 'Chat messages');
    list.tabIndex = 0;
    this._list = list;

    this._earlier = button({
      className: 'isshoni-ChatPanel-earlier jp-mod-styled',
      label: '',
      title: 'Older messages are not shown until asked for: a long chat stays quick',
      onClick: () => this._showEarlier()
    });

    const empty = document.createElement('div');
    empty.className = 'isshoni-ChatPanel-empty';
    empty.textContent = 'No messages yet. Say hello to your collaborators.';
    this._empty = empty;

    const form = document.createElement('div');
    form.className = 'isshoni-ChatPanel-form';
    const input = document.createElement('textarea');
    input.className = 'isshoni-ChatInput';
    input.rows = 1;
    input.placeholder = PLACEHOLDER;
    input.title = 'Enter sends, Shift+Enter starts a new line';
    input.setAttribute('aria-label', 'Chat message');
    input.addEventListener('keydown', this._onKey);
    input.addEventListener('input', () => this._sync());
    this._input = input;
    const send = button({
      className: 'isshoni-ChatSend jp-mod-styled jp-mod-accept',
      label: 'Send',
      title: 'Send (Enter)',
      onClick: () => this.send()
    });
    this._send = send;
    form.append(input, send);

    this.node.append(header, list, form);
    ctx.doc.changed.connect(this._onChanged, this);
    ctx.accessChanged.connect(this._onAccess, this);
    this._onAccess();
    this._render();
    this._sync();
  }

  /** A viewer reads the chat but writes nothing in it. */
  private _onAccess(): void {
    const why = this.ctx.readOnly;
    this._input.disabled = why !== null;
    this._input.placeholder = why === null ? PLACEHOLDER : `Read-only: ${why}`;
    this._sync();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.ctx.doc.changed.disconnect(this._onChanged, this);
    this.ctx.accessChanged.disconnect(this._onAccess, this);
    super.dispose();
  }

  /** The text in the input. */
  get draft(): string {
    return this._input.value;
  }

  set draft(value: string) {
    this._input.value = value;
    this._sync();
  }

  /** Send the draft as `ctx.displayName`; empty (whitespace only) drafts are refused. */
  send(): boolean {
    const text = this._input.value.replace(/^(\s*\n)+/, '').replace(/\s+$/, '');
    if (!text) {
      this._input.focus();
      return false;
    }
    this._stick = true;
    this.ctx.doc.addMessage(this.ctx.displayName, text);
    this._input.value = '';
    this._sync();
    this._input.focus();
    return true;
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    // in the next frame, after the panels around have their sizes: read now, the scroll height
    // forced a layout of the whole page that the frame then did again
    requestAnimationFrame(() => this._toBottom());
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._toBottom();
  }

  protected onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    if (this._atBottom) {
      this._toBottom();
    }
  }

  private _onChanged(_: unknown, changes: IInfraChanges): void {
    if (changes.chatChanged) {
      this._render();
    }
  }

  /** Show SHOWN more of the older messages, keeping the reader's place in the list. */
  private _showEarlier(): void {
    const list = this._list;
    const fromBottom = list.scrollHeight - list.scrollTop;
    this._shown += SHOWN;
    this._render();
    list.scrollTop = list.scrollHeight - fromBottom;
  }

  private _render(): void {
    const list = this._list;
    const wasAtBottom =
      list.scrollHeight - list.scrollTop - list.clientHeight < 24 || !list.childElementCount;
    const newest = this.ctx.doc.chatSince(total => Math.max(0, total - this._shown));
    const first = newest.total - newest.messages.length;
    const messages = newest.messages
      .map((m, i) => ({ m, i: first + i }))
      .filter(({ m }) => m && typeof m === 'object')
      .map(({ m, i }) => ({ ...m, id: m.id || `#${i}` }) as IChatMessage);
    const now = new Date();
    const seen = new Set<string>();
    const nodes: HTMLElement[] = [];
    let previous: IChatMessage | null = null;
    for (const message of messages) {
      seen.add(message.id);
      let node = this._nodes.get(message.id);
      if (!node || node.dataset.signature !== signature(message)) {
        node = this._message(message, now);
        this._nodes.set(message.id, node);
      }
      const continued =
        previous !== null &&
        previous.author === message.author &&
        Number(message.time) - Number(previous.time) < GROUP_SECONDS;
      node.classList.toggle('isshoni-mod-continued', continued);
      nodes.push(node);
      previous = message;
    }
    for (const id of [...this._nodes.keys()]) {
      if (!seen.has(id)) {
        this._nodes.delete(id);
      }
    }
    this._earlier.textContent = `Show ${Math.min(SHOWN, first).toLocaleString('en-US')} earlier of ${first.toLocaleString('en-US')} older messages`;
    list.replaceChildren(...(first ? [this._earlier] : []), ...(nodes.length ? nodes : [this._empty]));
    if (wasAtBottom || this._stick) {
      this._toBottom();
    }
    this._stick = false;
  }

  private _message(message: IChatMessage, now: Date): HTMLElement {
    const author = String(message.author ?? '');
    const node = document.createElement('div');
    node.className = 'isshoni-ChatMessage';
    node.dataset.author = author;
    node.dataset.text = String(message.text ?? '');
    node.dataset.signature = signature(message);
    node.dataset.id = message.id;
    if (author === ASSISTANT) {
      node.classList.add('isshoni-mod-assistant');
    }
    if (author === this.ctx.displayName) {
      node.classList.add('isshoni-mod-self');
    }

    const avatar = document.createElement('span');
    avatar.className = 'isshoni-ChatMessage-avatar';
    avatar.setAttribute('aria-hidden', 'true');
    if (author === ASSISTANT) {
      avatar.textContent = '✦';
    } else {
      avatar.textContent = initials(author);
      const color =
        author === this.ctx.displayName && this.ctx.user.color
          ? this.ctx.user.color
          : `hsl(${hue(author)}, 55%, 45%)`;
      avatar.style.backgroundColor = color;
    }

    const body = document.createElement('div');
    body.className = 'isshoni-ChatMessage-body';
    const head = document.createElement('div');
    head.className = 'isshoni-ChatMessage-head';
    const who = document.createElement('span');
    who.className = 'isshoni-ChatMessage-author';
    who.textContent = author || 'someone';
    const when = document.createElement('time');
    when.className = 'isshoni-ChatMessage-time';
    const time = Number(message.time);
    if (Number.isFinite(time) && time > 0) {
      const date = toDate(time);
      when.dateTime = date.toISOString();
      when.title = date.toISOString();
      when.textContent = shortTime(date, now);
    }
    head.append(who, when);
    const text = document.createElement('div');
    text.className = 'isshoni-ChatMessage-text';
    text.textContent = String(message.text ?? '');
    body.append(head, text);
    if (author === ASSISTANT) {
      this._assistantParts(message, node, body);
    }
    node.append(avatar, body);
    return node;
  }

  /** The assistant's state: writing…, Apply / Discard for a proposal, Undo for an applied change, cost. */
  private _assistantParts(message: IChatMessage, node: HTMLElement, body: HTMLElement): void {
    const status = String(message.status ?? 'done');
    node.dataset.status = status;
    if (message.proposal) {
      node.dataset.proposal = String(message.proposal);
    }
    const state = document.createElement('div');
    state.className = 'isshoni-ChatMessage-state';
    const ops = Array.isArray(message.ops) ? message.ops.length : 0;
    const note = (text: string) => {
      const span = document.createElement('span');
      span.className = 'isshoni-ChatMessage-note';
      span.textContent = text;
      state.append(span);
    };
    const action = (label: string, cls: string, run: () => Promise<unknown>) =>
      state.append(
        button({
          className: `isshoni-ChatAction ${cls} jp-mod-styled`,
          label,
          title: label,
          onClick: () => {
            const buttons = Array.from(state.querySelectorAll('button'));
            buttons.forEach(b => (b.disabled = true));
            run().catch(error => {
              note(String(error?.message ?? error));
              buttons.forEach(b => (b.disabled = false));
            });
          }
        })
      );
    if (status === 'thinking' || status === 'streaming') {
      note(status === 'thinking' ? 'thinking…' : 'writing…');
      action('Stop', 'isshoni-ChatStop', () => stopAssistant(this.ctx.path));
    } else if (message.proposal === 'pending') {
      action('Apply', 'isshoni-ChatApply jp-mod-accept', () =>
        resolveProposal(this.ctx.path, message.id, 'apply')
      );
      action('Discard', 'isshoni-ChatDiscard', () =>
        resolveProposal(this.ctx.path, message.id, 'discard')
      );
    } else if (message.undone) {
      note('undone');
    } else if (ops && (message.mode === 'apply' || message.proposal === 'applied')) {
      if (message.proposal === 'applied') {
        note(`applied${message.resolved_by ? ` by ${message.resolved_by}` : ''}`);
      }
      action('Undo', 'isshoni-ChatUndo', () => undoAssistant(this.ctx.path, message.id));
    } else if (message.proposal === 'discarded') {
      note(`discarded${message.resolved_by ? ` by ${message.resolved_by}` : ''}`);
    }
    const usage = usageLine(message);
    if (usage) {
      const cost = document.createElement('span');
      cost.className = 'isshoni-ChatMessage-usage';
      cost.textContent = usage;
      cost.title = `model ${message.model ?? ''}`;
      state.append(cost);
    }
    if (state.childElementCount) {
      body.append(state);
    }
  }

  private get _atBottom(): boolean {
    const list = this._list;
    return list.scrollHeight - list.scrollTop - list.clientHeight < 24;
  }

  private _toBottom(): void {
    this._list.scrollTop = this._list.scrollHeight;
  }

  /** Button state and the input's height (grows up to ~6 lines). */
  private _sync(): void {
    this._send.disabled = this._input.disabled || !this._input.value.trim();
    const input = this._input;
    input.style.height = 'auto';
    if (input.scrollHeight > 0) {
      input.style.height = `${Math.min(input.scrollHeight + 2, 140)}px`;
    } else {
      input.style.height = '';
    }
  }

  private _onKey = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.send();
    }
  };

  private _list: HTMLElement;
  private _earlier: HTMLButtonElement;
  private _shown = SHOWN;
  private _empty: HTMLElement;
  private _input: HTMLTextAreaElement;
  private _send: HTMLButtonElement;
  private _nodes = new Map<string, HTMLElement>();
  private _stick = false;
}
