"""Scale-out: rooms of one document on several Jupyter servers, kept in step through Redis.

A room whose store is a RedisYStore gets a `RedisRelay` (see rooms.py):

- every update the room applies from its own clients is stored, then
  PUBLISHed on `{prefix}ydoc:{path}:live`, framed as one kind byte (`U`
  update, `A` awareness, `Q` "who is here?"), this server's 16-byte id, the payload.  A server
  drops frames carrying its own id, and republishes nothing it received from
  a peer: no echo loops.
- awareness (presence) messages from local clients cross the same channel, so
  every server's clients see every user; a server that (re)subscribes asks
  "who is here?" and the others answer with the presence they know.
- the file on disk is owned by one server at a time through a lease,
  `{prefix}ydoc:{path}:owner` (SET NX PX, renewed by its holder): only the
  holder saves the file and watches it for edits made outside Jupyter; the
  others skip saving, and take over when the lease lapses (holder gone).

Pub/sub is the fast path only: after every (re)subscription the room reads the
document back from the store (where every server wrote each update before
publishing it), so updates published while a server was disconnected are not
lost.  Frames that fail to publish are kept, in order, and sent again with backoff.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from logging import Logger, getLogger

SERVER_ID = uuid.uuid4().bytes  # one per process: what marks a frame as "mine"
UPDATE, AWARENESS, WHO_IS_HERE = b"U", b"A", b"Q"

RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
"""

RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisRelay:
    """Pub/sub fan-out of one document's updates and presence, plus its save lease."""

    def __init__(self, client, stream_key: str, lease_ms: int = 5000, log: Logger | None = None):
        self.client = client
        self.channel = f"{stream_key}:live"
        self.lease_key = f"{stream_key}:owner"
        self.lease_ms = lease_ms
        self.log = log or getLogger(__name__)
        self.owner = False
        self.subscribed = asyncio.Event()
        self._unpublished: list[bytes] = []
        self._republisher: asyncio.Future | None = None

    # publishing
    async def publish(self, kind: bytes, payload: bytes) -> None:
        frame = kind + SERVER_ID + payload
        if self._unpublished:  # keep order: older frames first
            self._unpublished.append(frame)
            self._ensure_republisher()
            return
        try:
            await self.client.publish(self.channel, frame)
        except Exception as exc:
            self._unpublished.append(frame)
            self.log.error("isshoni relay %s: publish failed (%r); %d frames kept, retrying",
                           self.channel, exc, len(self._unpublished))
            self._ensure_republisher()

    def _ensure_republisher(self) -> None:
        if self._republisher is None or self._republisher.done():
            self._republisher = asyncio.ensure_future(self._republish_with_backoff())

    async def _republish_with_backoff(self) -> None:
        """Send kept frames, in order, until none is left (a publish can fail while the
        subscription stays up, e.g. a timeout: waiting for a resubscription could wait forever)."""
        delay = 0.05
        while self._unpublished:
            try:
                await self._republish()
            except Exception as exc:
                self.log.error("isshoni relay %s: %d frames still unpublished (%r); retrying in %.2fs",
                               self.channel, len(self._unpublished), exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)
        self.log.warning("isshoni relay %s: every kept frame is published", self.channel)

    async def _republish(self) -> None:
        while self._unpublished:
            await self.client.publish(self.channel, self._unpublished[0])
            self._unpublished.pop(0)

    # following peers
    async def follow(
        self,
        on_update: Callable[[bytes], None],
        on_awareness: Callable[[bytes], Awaitable[None]],
        catch_up: Callable[[], Awaitable[None]],
        who_is_here: Callable[[], Awaitable[None]],
    ) -> None:
        """Apply peers' frames until cancelled; after each (re)subscription, `catch_up()` from the store."""
        delay = 0.05
        while True:
            pubsub = self.client.pubsub()
            try:
                await pubsub.subscribe(self.channel)
                await self._republish()
                await catch_up()
                await self.publish(WHO_IS_HERE, b"")
                self.subscribed.set()
                delay = 0.05
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
                    if message is None or message["type"] != "message":
                        continue
                    frame = message["data"]
                    if frame[1:17] == SERVER_ID:
                        continue
                    if frame[:1] == UPDATE:
                        on_update(frame[17:])
                    elif frame[:1] == AWARENESS:
                        await on_awareness(frame[17:])
                    elif frame[:1] == WHO_IS_HERE:
                        await who_is_here()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.subscribed.clear()
                self.log.error("isshoni relay %s: lost Redis (%r); resubscribing in %.2fs", self.channel, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)
            finally:
                try:
                    await pubsub.aclose()
                except Exception:
                    pass

    # the save lease
    async def hold_lease(self) -> bool:
        """Take or renew the lease; True while this server owns the file."""
        try:
            self.owner = bool(await self.client.eval(RENEW, 1, self.lease_key, SERVER_ID, self.lease_ms))
        except Exception as exc:
            self.log.error("isshoni relay %s: lease check failed (%r); not saving meanwhile", self.lease_key, exc)
            self.owner = False
        return self.owner

    async def keep_lease(self) -> None:
        """Renew the lease while held (a third of its life each time), until cancelled."""
        while True:
            await asyncio.sleep(self.lease_ms / 3000)
            if self.owner:
                await self.hold_lease()

    async def release(self) -> None:
        if self._republisher is not None and self._unpublished:
            try:  # the room is closing: a last chance for kept frames
                await asyncio.wait_for(asyncio.shield(self._republisher), 5)
            except Exception:
                self.log.error("isshoni relay %s: closing with %d frames unpublished (stored: peers get them when they next re-read the store)",
                               self.channel, len(self._unpublished))
        if self.owner:
            self.owner = False
            try:
                await self.client.eval(RELEASE, 1, self.lease_key, SERVER_ID)
            except Exception as exc:
                self.log.warning("isshoni relay %s: could not release the lease (%r); it lapses by itself",
                                 self.lease_key, exc)
