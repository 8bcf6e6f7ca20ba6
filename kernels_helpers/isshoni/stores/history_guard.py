"""A room's history is append-only for its clients, and signed by the server.

Every update a websocket client sends (a canvas, a kernel) is applied to the room's document
here, inside a transaction whose origin two pycrdt `UndoManager`s track (one over the chat,
one over `deployments`), so what the update did to the history can be seen and taken back:

- job records change only through the server's job route (deploy/records.py): any change to
  `deployments` is undone;
- chat messages are only ever added: an update that deleted or rewrote one (a rewrite is a
  delete and an insert) is undone whole, and its new messages go with it;
- new messages must be the client's own: written under the name the server knows the client
  by, with a message's fields only (design/history.py).  Otherwise the update's chat change is
  undone and the messages appended again, signed with the client's identity.

Reading what an update did costs little in the common case.  An update that deleted nothing
and added messages after the last one the chat had (a sticky index pinned to that message says
whether anything went in before it) added exactly the messages at the chat's tail.  Any other
update that touched the chat (a rewrite, a stale client's concurrent append, a reconnecting
client's merged edits) has its chat change undone; the undo's own record says whether it had
deleted messages (then it is refused whole), and its new messages are found among the last
FALLBACK messages read with and without it, then appended again.  No array event is built:
yrs computes an event's delta by walking the array (half a second at 20,000 messages loaded as
one block), which any client could make the server pay on every update.

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

from pycrdt import Array, Assoc, Doc, Map, UndoManager

from ..design.history import new_message
from ..yinfra import _plain, _same

CLIENT_ORIGIN = "isshoni-client-update"  # a client's update while it is checked
GUARD_ORIGIN = "isshoni-history-guard"  # what the guard writes back
FALLBACK = 1024  # how far back a stale client's new messages are looked for (deeper: refused)
_NOTHING = b"\x00"  # an empty IdSet, encoded


class HistoryGuard:
    """Applies websocket clients' updates to one room's document, keeping its history honest."""

    def __init__(self, ydoc: Doc):
        self.ydoc = ydoc
        self.chat = ydoc.get("chat", type=Array)
        self.deployments = ydoc.get("deployments", type=Map)
        self._chat_changes = UndoManager(scopes=[self.chat], capture_timeout_millis=0)
        self._job_changes = UndoManager(scopes=[self.deployments], capture_timeout_millis=0)
        for manager in (self._chat_changes, self._job_changes):
            manager.include_origin(CLIENT_ORIGIN)

    def apply(self, update: bytes, author: str) -> str | None:
        """Apply one client update written by `author`; returns what was taken back (for the
        log), None when the update kept to the rules."""
        before = len(self.chat)
        # pinned to the last message, and to the first one a stale client's messages are looked after
        last = self.chat.sticky_index(before - 1, Assoc.AFTER) if before else None
        # (a short chat's region starts at its beginning, which nothing can go before: no pin, which a
        # concurrent first message inserted ahead of the others would move)
        region = self.chat.sticky_index(before - FALLBACK, Assoc.AFTER) if before > FALLBACK else None
        with self.ydoc.transaction(origin=CLIENT_ORIGIN):
            self.ydoc.apply_update(update)
        try:
            taken = []
            if self._job_changes.undo_stack:
                self._job_changes.undo()
                taken.append("a change to the job records")
            if self._chat_changes.undo_stack:
                # the record's deletions are the whole update's, not only the chat's: none at all is the common case
                nothing_deleted = self._chat_changes.undo_stack[-1].deletions.encode() == _NOTHING
                taken += self._check_chat(before, (last, region), nothing_deleted, author)
            return ", ".join(taken) or None
        finally:
            self._chat_changes.clear()
            self._job_changes.clear()

    def _check_chat(self, before: int, pins: tuple, nothing_deleted: bool, author: str) -> list[str]:
        last, region = pins
        added = len(self.chat) - before
        at_tail = nothing_deleted and added > 0 and (last is None or last.get_index() == before - 1)
        if at_tail:
            raw = self.chat[before:before + added]  # all of the update's new values, at the tail
            inserted = [_plain(v) for v in raw]
            messages = [new_message(value, author, time.time()) for value in inserted]
            if all(isinstance(r, dict) and m is not None and _same(m, v) for r, m, v in zip(raw, messages, inserted, strict=True)):
                return []  # the client appended its own messages (plain data): the common case
            self._chat_changes.undo()
        else:
            inserted, refused = self._undo_and_find(before, added, region)
            if inserted is None:
                return [refused]
            messages = [new_message(value, author, time.time()) for value in inserted]
        kept = [m for m in messages if m is not None]
        if kept:
            with self.ydoc.transaction(origin=GUARD_ORIGIN):
                self.chat.extend(kept)
        if not at_tail and len(kept) == len(inserted) and all(_same(m, v) for m, v in zip(kept, inserted, strict=True)):
            return []  # a stale or reconnecting client's own messages, moved to the end
        return [f"{len(inserted)} new message(s), appended again as {len(kept)} signed with the client's identity"]

    def _undo_and_find(self, before: int, added: int, region) -> tuple[list | None, str]:
        """Undo the update's chat change; the values it added, when it deleted no message and
        added them among the last FALLBACK messages, else None and why."""
        start = max(0, before - FALLBACK)
        unmoved = added > 0 and (region is None or region.get_index() == start)
        with_update = [_plain(v) for v in self.chat[start:before + added]] if unmoved else None
        self._chat_changes.undo()
        if self._chat_changes.redo_stack[-1].insertions.encode() != _NOTHING:  # the undo brought messages back
            return None, "a deletion or rewrite of chat messages (the update's chat change is refused whole)"
        refused = f"messages inserted more than {FALLBACK} messages back, or changed inside"
        if with_update is None:
            return None, refused
        without = [_plain(v) for v in self.chat[start:before]]
        new, matched = [], 0
        for value in with_update:
            if matched < len(without) and _same(value, without[matched]):
                matched += 1
            else:
                new.append(value)
        return (new, "") if matched == len(without) and len(new) == added else (None, refused)
