"""The seed's Redis keys for readers that do not speak Yjs: a JSON snapshot of each live design,
the set of active designs, and its chat as a capped stream.

Written by the server that holds the design's save lease (relay.py), so one writer at a time, a
second after a change (at most one refresh a second), in one Lua script:

- `{prefix}canvas:{id}`        string: the design's JSON without its chat (compact, sorted
                               keys), `EX ttl`: the seed's canvas state; the chat is the stream
                               below, so a long chat is not rewritten whole every second
- `{prefix}designs:active`     sorted set: design id -> last change (ms since the epoch);
                               entries older than the TTL are dropped at each refresh
- `{prefix}chat:{id}`          stream: one entry per chat message (`i` index, `m` JSON),
                               `MAXLEN 1000`
- `{prefix}chat:{id}:mirrored` string: how many messages the stream has taken, so a server
                               taking the lease over neither repeats nor skips one

`{id}` is the design's file id (the one in its room name, stable across renames).  The chat
mirror appends by index: a message edited in place is not re-sent.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from logging import getLogger

from .. import ychat

CHAT_MAXLEN = 1000

MIRROR = """
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'EX', ttl)
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[3]) - ttl * 1000)
local total = tonumber(ARGV[5])
local first = tonumber(ARGV[6])
local done = tonumber(redis.call('GET', KEYS[4]) or '0')
if total < done then done = total end
for i = math.max(done, first), total - 1 do
  redis.call('XADD', KEYS[3], 'MAXLEN', ARGV[7], '*', 'i', i, 'm', ARGV[8 + i - first])
end
redis.call('SET', KEYS[4], total, 'EX', ttl)
redis.call('EXPIRE', KEYS[3], ttl)
return total - math.max(done, first)
"""


def canvas_ttl() -> int:
    """Seconds the snapshot, chat and active entry outlive the last change ($ISSHONI_REDIS_CANVAS_TTL; 1 day)."""
    return int(os.environ.get("ISSHONI_REDIS_CANVAS_TTL", "86400") or 86400)


class DesignMirror:
    """Refreshes one design's keys after changes, while its room runs."""

    DELAY = 1.0  # seconds between refreshes at most one a second: the snapshot is the whole design

    def __init__(self, room, client, prefix: str, design_id: str):
        self.room = room
        self.client = client
        self.design_id = design_id
        self.keys = (f"{prefix}canvas:{design_id}", f"{prefix}designs:active",
                     f"{prefix}chat:{design_id}", f"{prefix}chat:{design_id}:mirrored")
        self.ttl = canvas_ttl()
        self.log = getattr(room, "log", None) or getLogger(__name__)
        self._changed = asyncio.Event()

    @classmethod
    def for_room(cls, room) -> DesignMirror | None:
        """A mirror for rooms of designs kept in Redis (with a relay), else None."""
        store = room.ystore
        if room._relay is None or not hasattr(store, "key_prefix"):
            return None
        return cls(room, store.client, store.key_prefix, room._file.file_id)

    def changed(self) -> None:
        self._changed.set()

    async def run(self) -> None:
        """Until cancelled: after each burst of changes, refresh the keys if this server owns the design."""
        await self.room.ready_event.wait()
        self._changed.set()  # a first refresh: the design is active
        while True:
            await self._changed.wait()
            await asyncio.sleep(self.DELAY)
            self._changed.clear()
            try:
                if await self.room._claim_file():
                    await self.refresh()
            except Exception:
                self.log.exception("isshoni: could not refresh the Redis keys of design %s", self.design_id)
                self._changed.set()
                await asyncio.sleep(1)

    async def refresh(self) -> int:
        """Write the keys from the room's document now; returns how many chat messages were added."""
        document = self.room._document
        canvas = json.dumps(document.to_dict(without=("chat",)), sort_keys=True, ensure_ascii=False,
                            separators=(",", ":"))
        done = int(await self.client.get(self.keys[3]) or 0)  # one writer (the lease holder): safe to read first
        # only what the stream lacks, read from the pages that hold it (not the whole chat)
        total, new = ychat.since(document._ychat, lambda total: max(0, min(done, total), total - CHAT_MAXLEN))
        first = total - len(new)
        return await self.client.eval(
            MIRROR, len(self.keys), *self.keys,
            canvas, self.ttl, int(time.time() * 1000), self.design_id, total, first, CHAT_MAXLEN,
            *(json.dumps(message, sort_keys=True) for message in new),
        )
