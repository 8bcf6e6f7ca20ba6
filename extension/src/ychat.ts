/**
 * The design's chat as pages, the TypeScript twin of `isshoni/ychat.py`
 * (name for name): the `chat` root is a shared array of pages, each a shared
 * array of at most PAGE messages (plain JSON objects).  Appends go to the last
 * page while it has room, then to a new page, so a Python client (pycrdt keeps
 * no index into an array) never walks the whole chat to reach its end.  A
 * message straight in the root (a design stored before pages) reads as a page
 * of one; the server moves such messages into pages when it opens the design.
 */

import * as Y from 'yjs';

import { IChatMessage } from './types';

export const PAGE = 128;

/** Every message in order, as plain values. */
export function messages(root: Y.Array<any>): IChatMessage[] {
  return flat(root.toArray());
}

/** The messages of these root items (pages, or messages from before pages). */
function flat(items: any[]): IChatMessage[] {
  const out: IChatMessage[] = [];
  for (const item of items) {
    if (item instanceof Y.Array) {
      out.push(...(item.toArray() as IChatMessage[]));
    } else {
      out.push(item as IChatMessage);
    }
  }
  return out;
}

/** Append messages: to the last page while it has room, then in new pages of PAGE. */
export function append(root: Y.Array<any>, added: IChatMessage[]): void {
  let rest = [...added];
  const last = root.length ? root.get(root.length - 1) : undefined;
  if (last instanceof Y.Array && last.length < PAGE && rest.length) {
    const room = PAGE - last.length;
    last.push(rest.slice(0, room));
    rest = rest.slice(room);
  }
  for (let start = 0; start < rest.length; start += PAGE) {
    const page = new Y.Array<any>();
    page.push(rest.slice(start, start + PAGE));
    root.push([page]);
  }
}

/** Replace the whole chat (a design file loaded into the document). */
export function write(root: Y.Array<any>, all: IChatMessage[]): void {
  root.delete(0, root.length);
  append(root, all);
}

/** How many messages (reads each page's length, not its messages). */
export function count(root: Y.Array<any>): number {
  return since(root, Number.MAX_SAFE_INTEGER).total;
}

/**
 * How many messages the chat has, and the messages from index `first` on,
 * reading only the pages that hold them (the chat panel shows the newest).
 * `first` may be a function of the total (the newest n: `t => t - n`): one walk.
 */
export function since(
  root: Y.Array<any>,
  first: number | ((total: number) => number)
): { total: number; messages: IChatMessage[] } {
  const items = root.toArray();
  const lengths = items.map(item => (item instanceof Y.Array ? item.length : 1));
  const total = lengths.reduce((a, b) => a + b, 0);
  const from = typeof first === 'function' ? first(total) : first;
  let start = total;
  let page = items.length;
  while (page > 0 && start > from) {
    page -= 1;
    start -= lengths[page];
  }
  return {
    total,
    messages: flat(items.slice(page)).slice(Math.max(0, from - start))
  };
}
