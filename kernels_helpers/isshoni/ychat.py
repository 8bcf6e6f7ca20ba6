"""The design's chat as pages: the `chat` root is a shared array of pages, each a shared array
of messages (plain JSON objects), appended to the last page until it holds PAGE of them.

Why pages: yrs (pycrdt) keeps no index into an array, so reaching the end of a flat
30,000-message array walks every message (about 20 ms an append from 100 authors, paid by
every Python client and by the server's history guard).  With pages an append walks the pages
and one page: O(n / PAGE + PAGE) instead of O(n), a few hundred steps at 30,000 messages.
Yjs in the browser has search markers but reads the same layout (`extension/src/ychat.ts`,
this module's twin, name for name).

Order is the pages' order, then each page's: every client reads the same chat.  Two clients
that both find the last page full each start a page: the chat then has a short page, which
costs nothing.  A message straight in the root (designs written before pages) reads as a page
of one; the server moves such messages into pages when it opens the design (`migrate`).
Read with one `to_json` (`messages`): never item by item from Python (see yinfra.values).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from pycrdt import Array, Doc

from .yvalues import plain

PAGE = 128  # messages a page takes before the next one starts


def _flat(items: list) -> list:
    out = []
    for item in items:
        if isinstance(item, list):
            out.extend(item)
        else:
            out.append(item)  # a message from before pages
    return out


def messages(root: Array) -> list:
    """Every message in order, as plain JSON values (one read of the whole root)."""
    return _flat(plain(root))


def items(array: Array) -> list:
    """The array's items as pycrdt gives them (a page stays a shared Array): one indexed read each,
    so for the root (its pages) and single pages, never for a flat chat."""
    return [array[index] for index in range(len(array))]


def _length(item) -> int:
    return len(item) if isinstance(item, Array) else 1  # a page, or a message from before pages


def _page_json(item) -> list:
    return plain(item) if isinstance(item, Array) else [item]


def since(root: Array, first: int | Callable[[int], int]) -> tuple[int, list]:
    """(how many messages the chat has, the messages from index `first` on), reading the pages'
    lengths and only the pages that hold those messages (the Redis mirror: a second's news).
    `first` may be a function of the total (the newest n: `lambda total: total - n`): one walk."""
    pages = items(root)
    lengths = [_length(item) for item in pages]
    total = start = sum(lengths)
    first = first(total) if callable(first) else first
    out: list = []
    for item, length in zip(reversed(pages), reversed(lengths), strict=True):
        if start <= first:
            break
        start -= length
        out[:0] = _page_json(item)
    return total, out[max(0, first - start):]


def append(root: Array, new: list) -> None:
    """Append messages: to the last page while it has room, then in new pages of PAGE."""
    new = list(new)
    count = len(root)
    last = root[count - 1] if count else None
    if isinstance(last, Array) and len(last) < PAGE and new:
        room = PAGE - len(last)
        last.extend(new[:room])
        new = new[room:]
    for start in range(0, len(new), PAGE):
        root.append(Array(new[start:start + PAGE]))


def write(root: Array, all_messages: list) -> None:
    """Replace the whole chat (a design file loaded into the document)."""
    root.clear()
    append(root, all_messages)


def truncate(root: Array, keep: int) -> None:
    """Delete the messages from index `keep` on, leaving the pages in place: a collaborator who
    appends to a page at the same moment must not append into a deleted one (Yjs drops what is
    inserted into a deleted type)."""
    pages = items(root)
    start = sum(_length(item) for item in pages)
    for index in range(len(pages) - 1, -1, -1):
        if start <= keep:
            break
        item = pages[index]
        length = _length(item)
        start -= length
        if not isinstance(item, Array):
            del root[index]  # a message from before pages
        elif max(0, keep - start) < length:
            del item[max(0, keep - start):length]


def count(root: Array) -> int:
    """How many messages (reads each page's length, not its messages)."""
    return since(root, 1 << 62)[0]


def replace(root: Array, message_id: str, fields: dict) -> dict:
    """Rewrite one message in place (the server's own messages only: the assistant's status while
    it answers), searched from the end; returns the new message.  Items are plain values, so a
    rewrite is a delete and an insert at the same place.  KeyError when no message has that id."""
    for page_index in range(len(root) - 1, -1, -1):
        page = root[page_index]
        in_page = _page_json(page)
        for index in range(len(in_page) - 1, -1, -1):
            message = in_page[index]
            if isinstance(message, dict) and message.get("id") == message_id:
                new = {**message, **fields}
                target, at = (page, index) if isinstance(page, Array) else (root, page_index)
                del target[at]
                target.insert(at, new)
                return new
    raise KeyError(f"no chat message {message_id!r}")


def paged(root: Array) -> bool:
    """True when every item of the root is a page (no message from before pages)."""
    return all(isinstance(item, list) for item in plain(root))


def migrate(doc: Doc, name: str = "chat") -> int:
    """Move messages that sit straight in the root into pages, keeping the order; returns how many
    messages the chat has when it moved any, else 0.

    Two servers opening one stored design at once may both migrate it.  The change is therefore
    written by a Yjs client id derived from the document's state: servers that start from the same
    state write the very same items, which Yjs merges into one (different ids with the same content
    would double every message)."""
    root = doc.get(name, type=Array)
    if paged(root):
        return 0
    state = doc.get_state()
    client_id = int.from_bytes(hashlib.sha256(b"isshoni-chat-pages" + state).digest()[:4], "big") | 1
    scratch = Doc(client_id=client_id)
    scratch.apply_update(doc.get_update())
    moved = scratch.get(name, type=Array)
    everything = messages(moved)
    with scratch.transaction():
        write(moved, everything)
    doc.apply_update(scratch.get_update(state))
    return len(everything)
