"""What a design room does with each document update a client sends, before the stock handler:
a viewer's is dropped (writers.py), anyone else's is applied through the history guard
(history_guard.py) while the edit trail notes who touched what (edit_trail.py)."""

from __future__ import annotations

from pycrdt import YMessageType, YSyncMessageType, read_message

from ..design.history import author_of
from .edit_trail import EditTrail
from .history_guard import HistoryGuard
from .writers import may_write

UPDATES = (YSyncMessageType.SYNC_STEP2, YSyncMessageType.SYNC_UPDATE)
EMPTY = b"\x00\x00"  # an update that changes nothing (a client's answer to a sync with nothing new)


def is_update(message: bytes) -> bool:
    return len(message) > 2 and message[0] == YMessageType.SYNC and message[1] in UPDATES


class ClientUpdates:
    def __init__(self, ydoc, path, log, events=None):
        self.guard = HistoryGuard(ydoc)
        self.trail = EditTrail(ydoc, path, log, events)
        self._path, self._log = path, log

    async def take(self, message: bytes, channel) -> None:
        """Apply (or drop) one client's document update."""
        update = read_message(message[2:])
        user = getattr(channel, "current_user", None)
        author = author_of(user)
        if not await may_write(channel):
            if update != EMPTY:
                self._log.warning("isshoni: %s: dropped an update from %s, who may not edit (viewer)", self._path, author)
            return
        if update == EMPTY:
            return
        self.trail.applying(author, str(getattr(user, "username", None) or author))
        try:
            taken = self.guard.apply(update, author)
        finally:
            self.trail.applied()
        if taken:
            self._log.warning("isshoni: %s: took back from %s's update: %s", self._path, author, taken)
