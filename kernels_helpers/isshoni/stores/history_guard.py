"""A room's history is append-only for its clients, and signed by the server.

Every update a websocket client sends (a canvas, a kernel) is applied to the room's document
here, inside a transaction whose origin two pycrdt `UndoManager`s track (one over the chat,
one over `deployments`), so what the update did to the history can be seen and taken back:

- job records change only through the server's job route (deploy/records.py): any change to
  `deployments` is undone;
- chat messages are only ever added: an update that deleted or rewrote one (a rewrite is a
  delete and an insert) is undone whole, and its new messages go with it;
- named versions are only ever added, each well-formed and signed: an update that changed or
  deleted one has its version change undone whole; a new version's author is the client's
  identity (design/versions.py);
- new messages must be the client's own: written under the name the server knows the client
  by, with a message's fields only (design/history.py).  Otherwise the update's chat change is
  undone and the messages appended again, signed with the client's identity.

What an update did to the chat is read from its change events.  The chat is pages of at
most ychat.PAGE messages (ychat.py), so an event costs a walk of the pages and of one page,
never of the whole chat (an event on a flat array of 20,000 messages took half a second to
build, which any client could make the server pay on every update).  An update that added
messages at the end of the last page and in new pages after it, and deleted none, appended
exactly those: the common case.  An update that deleted messages is undone whole (the
undo brings them back).  Any other change (a stale client's concurrent append that landed
before someone else's, messages inserted into an old page, a shared type posing as a
message) has what it inserted taken out, pages emptied but never deleted (Yjs drops whatever
is later inserted into a deleted type: a message the stale client appends to its page before
it hears back would vanish), and its new messages appended again at the end, signed.

Known limit: an update that deletes messages is undone whole, pages it added included, so
what someone appended to such a page before the undo reached them is lost with it; only a
client that rewrites history makes such pages.

The update itself is never dropped: a Yjs client's later updates build on it, so the room
applies it and answers with the compensating change, which reaches every client (the sender
included) like any other update.  Updates from peer servers (relay.py) were checked where
they arrived and are not checked again.

Known limit: Yjs keeps items that follow an item it has not seen yet until that item
arrives, and they go in with the update that brings it.  A client that crafts such an item
after another client's next one can have it judged with that client's update (and signed
with that client's name).  Telling them apart needs the update's structure, which pycrdt
does not expose (its get_state(update) counts only clients whose items start at clock 0).
"""

from __future__ import annotations

import time

from pycrdt import Array, Doc, Map, UndoManager

from .. import ychat
from ..design import versions as named_versions
from ..design.history import new_message
from ..yinfra import _plain, _same

CLIENT_ORIGIN = "isshoni-client-update"  # a client's update while it is checked
GUARD_ORIGIN = "isshoni-history-guard"  # what the guard writes back
PAGE_LIMIT = 4 * ychat.PAGE  # a client's new page longer than this is split again (appends stay cheap)


class _Change:
    """What one update did to the chat, read from its events while they are valid."""

    def __init__(self, pages_before: int):
        self.pages_before = pages_before
        self.deleted = False
        self.at_tail = True  # only appended to the last page and after it, with plain messages
        self.appended: list = []  # new messages at the end of the last page
        self.new_pages: list[tuple[int, list]] = []  # (position, messages) of new pages
        self.elsewhere: list = []  # new messages anywhere else
        self.shared = False  # a shared type posing as a message (stored again as plain data)
        self.placed: list[tuple[Array, int, int]] = []  # (array, index, count) of every insert, to take out

    def note(self, event) -> None:
        path = list(getattr(event, "path", None) or [])
        delta = getattr(event, "delta", None)
        if not isinstance(event.target, Array) or delta is None or len(path) > 1:
            self.at_tail = False  # a change inside a message: messages are plain values, never shared types
            self.shared = True
            return
        position, length = 0, len(event.target)
        for op in delta:
            if "retain" in op:
                position += op["retain"]
            elif "delete" in op:
                self.deleted = True
            elif "insert" in op:
                values = list(op["insert"])
                at_end = position + len(values) == length  # (a delta leaves out the items after its last change)
                self._inserted(path, position, values, at_end)
                if path:
                    self.placed.append((event.target, position, len(values)))
                else:  # a new page is emptied, not deleted: someone may be appending to it already
                    self.placed += [(v, 0, len(v)) if isinstance(v, Array) else (event.target, position + k, 1)
                                    for k, v in enumerate(values)]
                position += len(values)

    def _inserted(self, path: list, position: int, values: list, at_end: bool) -> None:
        if not path:  # new items in the root: pages
            for offset, value in enumerate(values):
                messages = _plain(value)
                page = isinstance(value, Array) and len(value) <= PAGE_LIMIT  # a longer one is split again
                raw = ychat.items(value) if page else []
                self.shared |= any(isinstance(v, (Array, Map)) for v in raw)
                plain_page = page and all(isinstance(v, dict) for v in raw)
                if isinstance(value, Array):
                    self.new_pages.append((position + offset, messages))
                else:
                    self.elsewhere.append(messages)
                if not (plain_page and at_end and position >= self.pages_before):
                    self.at_tail = False
        else:
            messages = [_plain(v) for v in values]
            self.shared |= any(isinstance(v, (Array, Map)) for v in values)
            if path[0] == self.pages_before - 1 and at_end and all(isinstance(v, dict) for v in values):
                self.appended += messages
            else:
                self.elsewhere += messages
                self.at_tail = False

    def inserted(self) -> list:
        """Every new message, the last page's first, then the new pages' in order, then the rest."""
        pages = [m for _, page in sorted(self.new_pages, key=lambda p: p[0]) for m in page]
        return self.appended + pages + self.elsewhere


def _take_out(placed: list[tuple[Array, int, int]]) -> None:
    """Delete what an update inserted, leaving the pages: the last insert of each array first, so
    the indexes of the others still hold.  (Undoing the update would delete the pages it added,
    and with them what anyone appended to them meanwhile.)"""
    for target, index, count in sorted(placed, key=lambda p: p[1], reverse=True):
        del target[index:index + count]


class HistoryGuard:
    """Applies websocket clients' updates to one room's document, keeping its history honest."""

    def __init__(self, ydoc: Doc):
        self.ydoc = ydoc
        self.chat = ydoc.get("chat", type=Array)
        self.deployments = ydoc.get("deployments", type=Map)
        self.versions = ydoc.get("versions", type=Map)
        self._chat_changes = UndoManager(scopes=[self.chat], capture_timeout_millis=0)
        self._job_changes = UndoManager(scopes=[self.deployments], capture_timeout_millis=0)
        self._version_changes = UndoManager(scopes=[self.versions], capture_timeout_millis=0)
        for manager in (self._chat_changes, self._job_changes, self._version_changes):
            manager.include_origin(CLIENT_ORIGIN)
        self._change: _Change | None = None  # set while a client's update is applied
        self._version_keys: dict[str, str] = {}  # version name -> "add" | "update" | "delete", for one update
        self._subscription = self.chat.observe_deep(self._note)
        self._version_subscription = self.versions.observe(self._note_versions)

    def _note_versions(self, event) -> None:
        if self._change is not None:
            for key, what in event.keys.items():
                self._version_keys[key] = what["action"]

    def _note(self, events) -> None:
        if self._change is not None:
            for event in events:
                self._change.note(event)

    def apply(self, update: bytes, author: str) -> str | None:
        """Apply one client update written by `author`; returns what was taken back (for the
        log), None when the update kept to the rules."""
        change = self._change = _Change(len(self.chat))
        try:
            with self.ydoc.transaction(origin=CLIENT_ORIGIN):
                self.ydoc.apply_update(update)
        finally:
            self._change = None
        try:
            taken = []
            if self._job_changes.undo_stack:
                self._job_changes.undo()
                taken.append("a change to the job records")
            if self._version_changes.undo_stack:
                taken += self._check_versions(author)
            if self._chat_changes.undo_stack:
                taken += self._check_chat(change, author)
            return ", ".join(taken) or None
        finally:
            self._chat_changes.clear()
            self._job_changes.clear()
            self._version_changes.clear()
            self._version_keys = {}

    def _check_versions(self, author: str) -> list[str]:
        """New versions only, each well-formed, at most MAX_VERSIONS; signed with the client's name."""
        keys = self._version_keys
        added = sorted(k for k, action in keys.items() if action == "add")
        problem = next((f"{k!r} was {a}d" for k, a in sorted(keys.items()) if a != "add"), None)
        problem = problem or next((p for k in added if (p := named_versions.problem_with(k, _plain(self.versions.get(k))))), None)
        if problem is None and len(self.versions) > named_versions.MAX_VERSIONS:
            problem = f"a design keeps at most {named_versions.MAX_VERSIONS} versions"
        if problem is not None:
            self._version_changes.undo()
            return [f"a change to the named versions ({problem}; only new, well-formed versions may be added)"]
        unsigned = [k for k in added if _plain(self.versions.get(k)).get("author") != author]
        if unsigned:
            with self.ydoc.transaction(origin=GUARD_ORIGIN):
                for key in unsigned:
                    self.versions[key] = {**_plain(self.versions.get(key)), "author": author}
            return [f"{len(unsigned)} new version(s) signed with the client's identity"]
        return []

    def _check_chat(self, change: _Change, author: str) -> list[str]:
        inserted = change.inserted()
        messages = [new_message(value, author, time.time()) for value in inserted]
        if not change.deleted and change.at_tail and inserted and \
                all(m is not None and _same(m, v) for m, v in zip(messages, inserted, strict=True)):
            return []  # the client appended its own messages (plain data): the common case
        if change.deleted:
            self._chat_changes.undo()
            return ["a deletion or rewrite of chat messages (the update's chat change is refused whole)"]
        with self.ydoc.transaction(origin=GUARD_ORIGIN):
            _take_out(change.placed)
        kept = [m for m in messages if m is not None]
        if kept:
            with self.ydoc.transaction(origin=GUARD_ORIGIN):
                ychat.append(self.chat, kept)
        if not change.shared and len(kept) == len(inserted) and all(_same(m, v) for m, v in zip(kept, inserted, strict=True)):
            return []  # a stale or reconnecting client's own messages, moved to the end
        return [f"{len(inserted)} new message(s), appended again as {len(kept)} signed with the client's identity"]
