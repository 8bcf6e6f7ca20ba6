"""RedisYStore: jupyter-collaboration's document history in Redis.

Keys, per document (`path` is the store path jupyter-collaboration gives,
`.{file_type}:{file_id}.y`), under a prefix (default `isshoni:`):

- `{prefix}ydoc:{path}`           stream of Yjs updates (field `u`)
- `{prefix}ydoc:{path}:snapshot`  hash: `doc` (one update holding the squashed
                                  history) and `upto` (the last stream id it covers)
- `{prefix}ydoc:{path}:saved`     hash: `hash`, `sv`: what the room last saved to
                                  disk (see `isshoni.stores.rooms`, "newer wins")

`read()` yields the snapshot, then the stream entries after `upto`.
Compaction (after `compact_after` entries) squashes snapshot + entries into a
new snapshot and trims the stream in one Lua script, which checks that no one
else compacted meanwhile: Redis runs a script atomically and its AOF holds it
as one MULTI/EXEC block, so a crash mid-compaction leaves the old snapshot and
every entry in place.  When Redis goes away, writes are buffered in order and
flushed by a reconnect loop with exponential backoff; every failure is logged
at ERROR with the number of updates waiting.  Nothing is dropped: a write
waits up to `write_wait` seconds for Redis to return (the room relays an
update only once stored, see rooms.py), then returns with the update held in
memory until Redis is back.

Settings: traitlets config (`c.RedisYStore.redis_url = ...`) or, since the
server also constructs stores without config, the environment:
ISSHONI_REDIS_URL, ISSHONI_REDIS_PREFIX, ISSHONI_REDIS_COMPACT_AFTER,
ISSHONI_REDIS_TTL (seconds of inactivity after which Redis drops a document's
history; unset: never), ISSHONI_REDIS_WRITE_WAIT.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import deque
from collections.abc import AsyncIterator
from logging import Logger, getLogger

from pycrdt import Doc
from pycrdt.store import BaseYStore, YDocNotFound
from traitlets import Float, Int, Unicode, default
from traitlets.config import LoggingConfigurable

COMPACT = """
local cur = redis.call('HGET', KEYS[2], 'upto')
if (cur or '') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], 'doc', ARGV[3], 'upto', ARGV[2])
redis.call('XTRIM', KEYS[1], 'MINID', ARGV[4])
local ttl = tonumber(ARGV[5])
if ttl > 0 then redis.call('EXPIRE', KEYS[2], ttl) end
return 1
"""


def _next_id(stream_id: str) -> str:
    ms, seq = stream_id.split("-")
    return f"{ms}-{int(seq) + 1}"


def _id_after(a: str, b: str) -> bool:
    """Stream id a > b."""
    am, asq = (int(x) for x in a.split("-"))
    bm, bsq = (int(x) for x in b.split("-"))
    return (am, asq) > (bm, bsq)


def _from_env(trait: str, variable: str, fallback: str, cast=str):
    """A setting's default from the environment: the server also builds stores without config."""

    @default(trait)
    def read(self):
        return cast(os.environ.get(variable, fallback))

    return read


class _Meta(type(LoggingConfigurable), type(BaseYStore)):  # type: ignore[misc]
    pass


class RedisYStore(LoggingConfigurable, BaseYStore, metaclass=_Meta):
    """One Redis stream of Yjs updates per document, with atomic compaction into a snapshot."""

    redis_url = Unicode(config=True, help="Redis URL ($ISSHONI_REDIS_URL; default redis://127.0.0.1:6379/0).")
    key_prefix = Unicode(config=True, help="Prefix of every key ($ISSHONI_REDIS_PREFIX; default 'isshoni:').")
    compact_after = Int(
        config=True, help="Squash the history once the stream holds this many updates ($ISSHONI_REDIS_COMPACT_AFTER; 500)."
    )
    document_ttl = Int(
        config=True,
        help="Seconds without writes after which Redis drops a document's history ($ISSHONI_REDIS_TTL; 0: never).",
    )
    write_wait = Float(
        config=True,
        help="Seconds a write waits for Redis to come back before it returns with the update buffered "
        "in memory ($ISSHONI_REDIS_WRITE_WAIT; 5).",
    )
    save_lease = Float(
        config=True,
        help="Seconds a server's claim on saving a document's file lasts unless renewed, when several "
        "servers share the document ($ISSHONI_REDIS_SAVE_LEASE; 5).",
    )
    _url_default = _from_env("redis_url", "ISSHONI_REDIS_URL", "redis://127.0.0.1:6379/0")
    _prefix_default = _from_env("key_prefix", "ISSHONI_REDIS_PREFIX", "isshoni:")
    _compact_default = _from_env("compact_after", "ISSHONI_REDIS_COMPACT_AFTER", "500", int)
    _ttl_default = _from_env("document_ttl", "ISSHONI_REDIS_TTL", "0", lambda value: int(value or 0))
    _wait_default = _from_env("write_wait", "ISSHONI_REDIS_WRITE_WAIT", "5", float)
    _lease_default = _from_env("save_lease", "ISSHONI_REDIS_SAVE_LEASE", "5", float)

    MAX_BACKOFF = 2.0

    def __init__(self, path: str, metadata_callback=None, log: Logger | None = None, config=None, **kwargs):
        LoggingConfigurable.__init__(self, config=config, path=path, **kwargs)  # path: for BaseYStore.__init__
        self.path = path
        self.metadata_callback = metadata_callback
        self.log = log or getLogger(__name__)
        self._client = None
        self._pending: deque[tuple[int, bytes]] = deque()
        self._seq = 0
        self._flushed = 0
        self._flushed_cond = asyncio.Condition()
        self._outage = False
        self._flusher: asyncio.Task | None = None
        self._compacting: asyncio.Task | None = None
        self._since_compaction = 0

    # keys
    @property
    def stream_key(self) -> str:
        return f"{self.key_prefix}ydoc:{self.path}"

    @property
    def snapshot_key(self) -> str:
        return f"{self.stream_key}:snapshot"

    @property
    def saved_key(self) -> str:
        return f"{self.stream_key}:saved"

    @property
    def client(self):
        if self._client is None:
            import redis.asyncio as aredis

            self._client = aredis.from_url(
                self.redis_url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=10
            )
        return self._client

    async def stop(self) -> None:
        if self._pending:
            await self._flush(deadline=time.monotonic() + 5)
        if self._pending:
            self.log.error(
                "RedisYStore %s: stopping with %d updates Redis never acknowledged (%s unreachable)",
                self.path, len(self._pending), self.redis_url,
            )
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        if self._task_group is not None:
            await super().stop()

    # writing
    async def _append(self, data: bytes) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.xadd(self.stream_key, {"u": data})
        if self.document_ttl > 0:
            for key in (self.stream_key, self.snapshot_key, self.saved_key):
                pipe.expire(key, self.document_ttl)
        await pipe.execute()

    async def write(self, data: bytes) -> None:
        """Append one update.  If Redis is away, queue it (in order) for the reconnect loop and wait
        up to `write_wait` seconds for it to be stored; past that, return with it held in memory
        (logged at ERROR): the room keeps working through an outage, and nothing is dropped."""
        if not self._pending:
            try:
                await self._append(data)
            except Exception as exc:  # redis.ConnectionError, TimeoutError, ...
                self.log.error(
                    "RedisYStore %s: Redis %s unreachable (%r); buffering updates and reconnecting",
                    self.path, self.redis_url, exc,
                )
            else:
                self._since_compaction += 1
                if self._since_compaction >= self.compact_after and (
                    self._compacting is None or self._compacting.done()
                ):
                    self._since_compaction = 0
                    self._compacting = asyncio.ensure_future(self._compact_logged())
                return
        self._seq += 1
        seq = self._seq
        self._pending.append((seq, data))
        self._ensure_flusher()
        if self._outage:  # already waited once: buffer at once until Redis is back, or the room crawls
            return
        try:
            await asyncio.wait_for(self._stored(seq), self.write_wait)
        except asyncio.TimeoutError:
            self._outage = True
            self.log.error(
                "RedisYStore %s: Redis still away after %.1fs; %d updates held in memory only until it returns",
                self.path, self.write_wait, len(self._pending),
            )

    async def _stored(self, seq: int) -> None:
        async with self._flushed_cond:
            await self._flushed_cond.wait_for(lambda: self._flushed >= seq)

    def _ensure_flusher(self) -> None:
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.ensure_future(self._flush())

    async def _flush(self, deadline: float | None = None) -> None:
        delay = 0.05
        while self._pending:
            seq, data = self._pending[0]
            try:
                await self._append(data)
            except Exception as exc:
                if deadline is not None and time.monotonic() > deadline:
                    return
                self.log.error(
                    "RedisYStore %s: still cannot reach Redis (%r); %d updates buffered, retrying in %.2fs",
                    self.path, exc, len(self._pending), delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.MAX_BACKOFF)
                continue
            self._pending.popleft()
            delay = 0.05
            async with self._flushed_cond:
                self._flushed = seq
                self._flushed_cond.notify_all()
            if not self._pending:
                self._outage = False
                self.log.warning("RedisYStore %s: Redis is back; every buffered update is stored", self.path)

    async def _retrying(self, fn, attempts: int = 8):
        delay = 0.05
        for attempt in range(attempts):
            try:
                return await fn()
            except Exception as exc:
                if attempt == attempts - 1:
                    raise
                self.log.error("RedisYStore %s: Redis error %r; retrying in %.2fs", self.path, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.MAX_BACKOFF)

    def relay(self, log: Logger | None = None):
        """The document's pub/sub relay and save lease, for rooms on several servers (relay.py)."""
        from .relay import RedisRelay

        return RedisRelay(self.client, self.stream_key, lease_ms=int(self.save_lease * 1000), log=log or self.log)

    # reading
    async def _load(self) -> tuple[bytes | None, str, list[tuple[str, bytes]]]:
        """(snapshot, upto, [(id, update) after upto]) read in one MULTI/EXEC."""
        async def once():
            pipe = self.client.pipeline(transaction=True)
            pipe.hgetall(self.snapshot_key)
            pipe.xrange(self.stream_key)
            return await pipe.execute()

        snap, entries = await self._retrying(once)
        doc = snap.get(b"doc")
        upto = (snap.get(b"upto") or b"").decode()
        later = []
        for entry_id, fields in entries:
            sid = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
            if not upto or _id_after(sid, upto):
                later.append((sid, fields[b"u"]))
        return doc, upto, later

    async def read(self) -> AsyncIterator[tuple[bytes, bytes, float]]:
        doc, _upto, later = await self._load()
        found = False
        if doc:
            found = True
            yield doc, b"", 0.0
        for sid, update in later:
            found = True
            yield update, b"", int(sid.split("-")[0]) / 1000
        for _seq, update in list(self._pending):
            found = True
            yield update, b"", time.time()
        if not found:
            raise YDocNotFound

    # compaction
    async def _compact_logged(self) -> None:
        try:
            await self.compact()
        except Exception:
            self.log.exception("RedisYStore %s: compaction failed (history kept as it was)", self.path)

    async def compact(self) -> bool:
        """Squash snapshot + stream into one snapshot; False if someone else compacted meanwhile."""
        old, upto, later = await self._load()
        if not later:
            return True
        ydoc = Doc()
        if old:
            ydoc.apply_update(old)
        for _sid, update in later:
            ydoc.apply_update(update)
        last = later[-1][0]
        done = await self.client.eval(
            COMPACT, 2, self.stream_key, self.snapshot_key, upto, last, ydoc.get_update(), _next_id(last),
            str(self.document_ttl),
        )
        return bool(done)

    async def stored_bytes(self) -> int:
        """Bytes of Yjs data held for this document: the snapshot plus every update in the stream."""
        snapshot, _upto, later = await self._load()
        return len(snapshot or b"") + sum(len(update) for _sid, update in later)

    async def memory_usage(self) -> int:
        """What Redis reports (MEMORY USAGE) for this document's keys, overheads included."""
        total = 0
        for key in (self.stream_key, self.snapshot_key, self.saved_key):
            total += await self.client.memory_usage(key, samples=0) or 0
        return total

    # what the room last saved to disk ("newer wins")
    async def get_saved(self) -> tuple[str, bytes] | None:
        record = await self._retrying(lambda: self.client.hgetall(self.saved_key))
        if not record or b"hash" not in record:
            return None
        return record[b"hash"].decode(), record[b"sv"]

    async def set_saved(self, file_hash: str, state_vector: bytes) -> None:
        async def once():
            await self.client.hset(self.saved_key, mapping={"hash": file_hash, "sv": state_vector})
            if self.document_ttl > 0:
                await self.client.expire(self.saved_key, self.document_ttl)

        await self._retrying(once)
