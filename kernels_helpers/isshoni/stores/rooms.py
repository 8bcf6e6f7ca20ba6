""""Newer wins": a room that keeps the store's unsaved edits when the server died before autosave.

Stock `DocumentRoom.initialize` (jupyter-collaboration 5.0.x) lets the file
win whenever it differs from the store, so edits made after the last autosave
are lost when the server is killed.  This room records, with the store, what
it last wrote to (or read from) disk: the file's hash (the contents manager's
sha256) and the document's state vector at that moment.  On start:

- the file still has the recorded hash (nobody touched it outside Jupyter)
  and the store's history contains that state (its state vector dominates the
  recorded one): the store is newer, the room keeps it and saves it to the
  file (the room also stores each update before relaying it, so an edit any
  client has seen is in the store);
- otherwise (edited outside Jupyter, no record): the file wins, as stock.

With a RedisYStore the room also shares the document with the rooms of other
servers on the same Redis (relay.py: updates and presence over pub/sub, a
lease so one server owns the file) and keeps the seed's keys (mirror.py).

It applies to stores with `get_saved()`/`set_saved()` (IsshoniSQLiteYStore,
RedisYStore) and to the file types in `NEWER_WINS` (Isshoni's `infra`), whose
rooms also apply every client's update through a HistoryGuard (history_guard.py:
chat and job records are append-only for clients, signed by the server).
`install()` makes jupyter_server_ydoc create these rooms.
"""

from __future__ import annotations

import asyncio
import hashlib
from contextvars import ContextVar

from jupyter_server.utils import ensure_async
from jupyter_server_ydoc.rooms import DocumentRoom
from jupyter_server_ydoc.utils import LogLevel, OutOfBandChanges
from pycrdt import (
    Doc,
    YMessageType,
    create_awareness_message,
    create_update_message,
    merge_updates,
    read_message,
)
from pycrdt.store import YDocNotFound

from .. import ychat
from ..design.source import NotADesignFile
from .client_updates import ClientUpdates, is_update
from .file_check import DesignFileRefused, cut_short, is_json
from .mirror import DesignMirror
from .pacing import FrameBucket, frame_budget
from .relay import AWARENESS, UPDATE
from .state_vectors import dominates, parse_state
from .writers import may_write

NEWER_WINS = {"infra"}
_SERVING: ContextVar = ContextVar("isshoni_serving", default=None)  # the client whose messages are being handled


class _FromPeer(bytes):
    """An update another server applied first: already stored and published, so neither again."""


class NewerWinsRoom(DocumentRoom):
    _stored: Doc | None = None  # a mirror of what the store holds, for its state vector
    _relay = None  # RedisRelay when the store is shared with other servers (relay.py)
    _applying_peer = False
    _mirror = None  # DesignMirror: the seed's canvas/chat keys (mirror.py)
    refused = None  # DesignFileRefused: the design file this room would not load (file_check.py)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._save_lock = asyncio.Lock()  # one save (record, write, record) at a time
        if self._tracks_saves() and hasattr(self.ystore, "relay"):
            self._relay = self.ystore.relay(log=self.log)
        self._updates = ClientUpdates(self.ydoc, self._file.path, self.log, getattr(self, "_logger", None)) \
            if self._file_type in NEWER_WINS else None
        self.on_message = self._on_client_message  # roles (a viewer's updates dropped), guard, peers
        self._mirror = DesignMirror.for_room(self)

    def _tracks_saves(self) -> bool:
        return self._file_type in NEWER_WINS and hasattr(self.ystore, "get_saved")

    async def _file_hash(self) -> str:
        cm = self._file._contents_manager
        model = await ensure_async(cm.get(self._file.path, content=False, require_hash=True))
        return model["hash"]

    async def _record(self, file_hash: str | None = None, state_vector: bytes | None = None) -> bool:
        """Remember the file's hash(es) (space-separated) and the document's state vector (now, by
        default: the doc matches the file), once the store holds everything that state vector counts."""
        try:
            state_vector = state_vector or self.ydoc.get_state()
            deadline = asyncio.get_running_loop().time() + 30
            while self._stored is None or not dominates(self._stored.get_state(), state_vector):
                if asyncio.get_running_loop().time() > deadline:
                    self.log.error("isshoni: the store of %s is 30 s behind; save not recorded", self._file.path)
                    return False
                await asyncio.sleep(0.01)
            await self.ystore.set_saved(file_hash or await self._file_hash(), state_vector)
            return True
        except Exception:
            self.log.exception("isshoni: could not record the saved state of %s", self._file.path)
            return False

    async def _file_is_ours(self, file_hash: str) -> bool:
        """The file holds a state this document saved (here or on a peer server), not an outside edit."""
        saved = await self.ystore.get_saved()
        return saved is not None and file_hash in saved[0].split()

    async def _store_is_newer(self, file_hash: str) -> bool:
        """The store (loaded into self.ydoc) holds everything the file was saved from, and the file
        was not edited outside Jupyter since: keep the store's content."""
        saved = await self.ystore.get_saved()
        if saved is None:
            return False
        if file_hash not in saved[0].split():
            self.log.info("isshoni: %s changed outside Jupyter since the last save: the file wins", self._file.path)
            return False
        if not dominates(self.ydoc.get_state(), saved[1]):
            self.log.warning(
                "isshoni: the store of %s lacks updates the file has (store %s, saved %s): the file wins",
                self._file.path, parse_state(self.ydoc.get_state()), parse_state(saved[1]),
            )
            return False
        return True

    async def initialize(self) -> None:
        """Load the store and the file; keep the store when it is newer (see module doc), else the file."""
        if self.ready or not self._tracks_saves():
            return await super().initialize()
        self.log.info("Initializing room %s", self._room_id)
        async with self.ystore.start_lock:
            if not self.ystore.started.is_set():
                self.create_task(self.ystore.start())
                await self.ystore.started.wait()
        model = await self._file.load_content(self._file_format, self._file_type)
        changed = True  # the document now differs from what the store holds
        # What this room wrote before loading (jupyter's room sets the document's path in its constructor,
        # with this server's Yjs client id): peers that loaded the document earlier never read it back from
        # the store, and Yjs applies a client's later items only after its earlier ones, so unless it is
        # published, nothing this server writes itself (job records, re-signed messages) reaches them.
        unpublished = self.ydoc.get_update()
        async with self._update_lock:
            try:
                await self.ystore.apply_updates(self.ydoc)
                changed = False
            except YDocNotFound:
                try:
                    await self._apply_deterministic_source_content(model["content"])
                except NotADesignFile as problem:
                    self.refused = DesignFileRefused(self._file.path, problem, recoverable=False)
                    raise self.refused from None
            stored = await self._document.aget()
            if not changed and stored != model["content"]:
                if await self._store_is_newer(await self._file_hash()):
                    self.log.warning(
                        "isshoni: %s on disk is older than its store (the server stopped before autosave, or "
                        "another server has not saved yet): keeping the store's content", self._file.path,
                    )
                elif not is_json(model["content"]) and cut_short(model["content"], stored):
                    self.log.warning(
                        "isshoni: %s on disk is the beginning of its store's content (a save cut short: Jupyter "
                        "writes files in place): keeping the store's content and saving it again", self._file.path,
                    )
                else:
                    self.log.info("Content in file %s is out-of-sync with the ystore: the file wins", self._file.path)
                    try:
                        await self._document.aset(model["content"])
                    except NotADesignFile as problem:  # the store's content stays for recovery
                        self.refused = DesignFileRefused(self._file.path, problem, recoverable=True)
                        raise self.refused from None
                    changed = True
            moved = ychat.migrate(self.ydoc)  # a design stored before the chat had pages
            if moved:
                self.log.info("isshoni: %s: moved the chat's %d messages into pages", self._file.path, moved)
                changed = True
            self.ready = True
        self._emit(LogLevel.INFO, "initialize", "Room initialized")
        # A mirror of what the store holds, for its state vector: the whole document, written now
        # (initialize may have changed it before updates were observed), then each update once written.
        state = self.ydoc.get_update()
        await self.ystore.write(state)
        stored = Doc()
        stored.apply_update(state)
        self._stored = stored
        if self._relay is not None:  # stored first: a peer that subscribes later reads it back from the store
            await self._relay.publish(UPDATE, state if changed else unpublished)
        if await self._document.aget() == model["content"]:
            await self._record()
        else:  # the store is newer than the file: write it (here, or on the server that owns the file)
            self._saving_document = asyncio.create_task(self._maybe_save_document(self._saving_document, save_now=True))

    async def _claim_file(self) -> bool:
        """With peers: hold the save lease.  On taking it over, catch up with the file: a change on
        disk that no server of this document saved is an outside edit, and the file wins (stock)."""
        if self._relay is None:
            return True
        was_owner = self._relay.owner
        if not await self._relay.hold_lease():
            return False
        if not was_owner:
            model = await self._file.load_content(self._file_format, self._file_type)  # refreshes last_modified
            file_hash = await self._file_hash()
            self._document.hash = file_hash
            if (model["content"] != await self._document.aget() and is_json(model["content"])
                    and not await self._file_is_ours(file_hash)):
                await self._on_outofband_change()
                return False
        return True

    async def _peer_saves(self) -> None:
        """A server without the lease: wait for the owner's save to cover this document's state, and
        take the lease over if the owner goes away first (so the last edits still reach the file)."""
        while True:
            await asyncio.sleep(self._relay.lease_ms / 1000)
            saved = await self.ystore.get_saved()
            if saved is not None and dominates(saved[1], self.ydoc.get_state()):
                return
            if await self._relay.hold_lease():
                self._saving_document = asyncio.create_task(self._maybe_save_document(None, save_now=True))
                return

    async def _maybe_save_document(self, saving_document, save_now: bool = False) -> None:
        """The stock autosave, with the record written *before* the file: "the file may now hold
        the previous save or this one, and the store holds both" (a kill between the file write and
        a record written after it would otherwise make the file look edited outside Jupyter).
        With peers, only the holder of the save lease writes the file."""
        if not self._tracks_saves():
            return await super()._maybe_save_document(saving_document, save_now)
        if self._save_delay is None and not save_now:
            return
        if saving_document is not None and not saving_document.done():
            saving_document.cancel()
        try:
            if not save_now and self._save_delay is not None:
                await asyncio.sleep(self._save_delay)
            if not await self._claim_file():
                return await self._peer_saves()
            async with self._save_lock:  # a cancelled save still finishes its (shielded) file write first
                self.log.info("Saving the content from room %s", self._room_id)
                content = await self._document.aget()
                state_vector = self.ydoc.get_state()
                upcoming = hashlib.sha256(content.encode("utf-8")).hexdigest()  # FileContentsManager's hash
                # What the file holds now (not the last hash this room noted: a cancelled save may
                # have written the file without noting it).
                previous = await self._file_hash()
                if not await self._record(f"{previous} {upcoming}", state_vector):
                    return
                saved_model = await self._file.maybe_save_content(
                    {"format": self._file_format, "type": self._file_type, "content": content}
                )
                if saved_model:
                    async with self._update_lock:
                        self._document.dirty = False
                        self._document.hash = saved_model["hash"]
                    await self._record(saved_model["hash"], state_vector)
            self._emit(LogLevel.INFO, "save", "Content saved.")
        except asyncio.CancelledError:
            return
        except OutOfBandChanges:
            self.log.info("Out-of-band changes. Overwriting the content in room %s", self._room_id)
            await self._on_outofband_change()
        except Exception as e:
            msg = f"Error saving file: {self._file.path}\n{e!r}"
            self.log.error(msg, exc_info=e)
            self._emit(LogLevel.ERROR, None, msg)

    def _on_document_change(self, target: str, event) -> None:
        super()._on_document_change(target, event)
        if self._mirror is not None and self.ready:
            self._mirror.changed()

    # updates: store, publish to peers, relay to local clients
    async def _watch_ready(self):
        if not self._tracks_saves():
            return await super()._watch_ready()
        await self.ready_event.wait()
        self._subscription = self.ydoc.observe(self._queue_update)
        self.ydoc_observed.set()

    def _queue_update(self, event) -> None:
        update = event.update
        try:
            self._update_send_stream.send_nowait(_FromPeer(update) if self._applying_peer else update)
        except Exception:
            self.log.exception("isshoni: could not queue an update of %s", self._file.path)

    async def _broadcast_updates(self):
        """Store, then relay: a peer (or the sender's echo) sees an update only once the store has it,
        so "the server acknowledged it" means "it survives a SIGKILL" (stock rooms do both at once).
        Updates from peer servers were stored and published by them: only relayed to local clients."""
        if not self._tracks_saves():
            return await super()._broadcast_updates()
        try:
            async with self.ystore.start_lock:
                if not self.ystore.started.is_set():
                    await self._task_group.start(self.ystore.start)
            loop = asyncio.get_running_loop()
            bucket = FrameBucket(frame_budget(), loop.time())  # the budget is read once per room
            async with self._update_receive_stream:
                async for update in self._update_receive_stream:
                    if self._task_group.cancel_scope.cancel_called:
                        return
                    pause = bucket.wait(len(self.clients), loop.time())
                    if pause > 0:  # over budget: let the burst gather into the next relay
                        await asyncio.sleep(pause)
                    await self._store_and_relay(self._with_queued(update))
                    bucket.spend(len(self.clients), loop.time())
        except asyncio.CancelledError:
            pass

    def _with_queued(self, first: bytes, limit: int = 4096) -> list[bytes]:
        """`first` and the updates queued behind it: a burst is stored and published in one go."""
        batch = [first]
        while len(batch) < limit:
            try:
                batch.append(self._update_receive_stream.receive_nowait())
            except Exception:  # anyio.WouldBlock: the queue is empty
                break
        return batch

    async def _store_and_relay(self, batch: list[bytes]) -> None:
        local = [update for update in batch if not isinstance(update, _FromPeer)]
        stored = True
        if local:
            merged = local[0] if len(local) == 1 else merge_updates(*local)
            try:
                await self.ystore.write(merged)
            except Exception as exception:
                stored = False
                self.log.error("isshoni: storing an update of %s failed: %r", self._file.path, exception)
                self._handle_exception(exception)
        if self._stored is not None:  # what the store holds: a save is recorded only once it holds it
            for update in batch:
                if stored or isinstance(update, _FromPeer):
                    self._stored.apply_update(update)
        if local and self._relay is not None:
            await self._relay.publish(UPDATE, bytes(merged))
        if self.clients:  # one message per client for the whole burst: a busy room sends less, not later
            message = create_update_message(batch[0] if len(batch) == 1 else merge_updates(*batch))
            for client in self.clients:
                write = getattr(client, "write_message", None)
                if write is not None:  # a Tornado websocket, whose `send` only queues the frame and
                    try:  # logs a failure: do that here rather than in a task per client per batch
                        write(message, binary=True)
                    except Exception:
                        self.log.error("Failed to write message", exc_info=True)
                    continue
                try:
                    self._task_group.start_soon(client.send, message)
                except Exception as exception:
                    self._handle_exception(exception)

    # peers (several servers on one Redis)
    async def _start(self, task_status) -> None:
        await super()._start(task_status)
        if self._relay is not None:
            self._task_group.start_soon(self._follow_peers)
            self._task_group.start_soon(self._relay.keep_lease)
        if self._mirror is not None:
            self._task_group.start_soon(self._mirror.run)

    async def _follow_peers(self) -> None:
        await self.ready_event.wait()
        await self._relay.follow(self._apply_from_peer, self._presence_from_peer, self._catch_up, self._tell_presence)

    def _apply_from_peer(self, update: bytes) -> None:
        self._applying_peer = True
        try:
            self.ydoc.apply_update(update)
        finally:
            self._applying_peer = False

    async def _catch_up(self) -> None:
        """What peers stored while this server was not subscribed (pub/sub does not keep messages)."""
        stored = Doc()
        try:
            await self.ystore.apply_updates(stored)
        except YDocNotFound:
            return
        missing = stored.get_update(self.ydoc.get_state())
        self._apply_from_peer(missing)

    async def _on_client_message(self, message: bytes) -> bool:
        """Presence also goes to peers; a design's document updates are applied (or a viewer's
        dropped) by ClientUpdates (True: the stock handler skips the message); another file's
        updates from a viewer are dropped, the rest left to the stock handler."""
        if message and message[0] == YMessageType.AWARENESS and self._relay is not None:
            await self._relay.publish(AWARENESS, message)
            return False
        if not is_update(message):
            return False
        if self._updates is not None:
            await self._updates.take(message, _SERVING.get())
            return True
        return not await may_write(_SERVING.get())

    def _presence(self) -> bytes | None:
        """An awareness message with every user this room knows of (here and on peers), or None."""
        present = [client for client, state in self.awareness.states.items() if state]
        if not present:
            return None
        return create_awareness_message(self.awareness.encode_awareness_update(present))

    async def _tell_presence(self) -> None:
        """A peer (re)subscribed and asks who is here."""
        message = self._presence()
        if message is not None:
            await self._relay.publish(AWARENESS, message)

    async def serve(self, channel) -> None:
        """Stock serving, after telling a newcomer who is already here (users on peer servers included:
        their next presence renewal may be seconds away)."""
        if self._relay is not None:
            message = self._presence()
            if message is not None:
                try:
                    await channel.send(message)
                except Exception:
                    self.log.debug("isshoni: could not send presence to a new client", exc_info=True)
        serving = _SERVING.set(channel)  # who sends the messages handled below (same task)
        try:
            await super().serve(channel)
        finally:
            _SERVING.reset(serving)

    async def _presence_from_peer(self, message: bytes) -> None:
        for client in list(self.clients):
            self._task_group.start_soon(client.send, message)
        try:
            self.awareness.apply_awareness_update(read_message(message[1:]), "peer")
        except Exception:
            self.log.exception("isshoni: bad presence message from a peer for %s", self._file.path)

    async def _on_outofband_change(self) -> None:
        """With peers, the server holding the save lease watches the file, and a file a server of this
        document saved is no outside change; the rest is stock (the file wins)."""
        if self._tracks_saves():
            if self._relay is not None and not await self._relay.hold_lease():
                return
            try:
                file_hash = await self._file_hash()
                if await self._file_is_ours(file_hash):
                    self._document.hash = file_hash
                    return
                model = await self._file.load_content(self._file_format, self._file_type)
                if not is_json(model["content"]):
                    self.log.warning("isshoni: %s on disk is not JSON (a save cut short?): keeping the "
                                     "document and saving it again", self._file.path)
                    self._saving_document = asyncio.create_task(
                        self._maybe_save_document(self._saving_document, save_now=True))
                    return
            except Exception:
                self.log.exception("isshoni: could not check the saves of %s", self._file.path)
        await super()._on_outofband_change()
        if self._tracks_saves():
            await self._record()

    async def stop(self) -> None:
        if self._updates is not None:
            self._updates.trail.flush()
        if self._relay is not None:
            await self._relay.release()
        await super().stop()


def install() -> None:
    """Make jupyter_server_ydoc build NewerWinsRoom for documents (idempotent)."""
    import jupyter_server_ydoc.app as app
    import jupyter_server_ydoc.handlers as handlers

    for module in (app, handlers):
        if module.DocumentRoom is DocumentRoom:
            module.DocumentRoom = NewerWinsRoom


def use_isshoni_store(serverapp, log=None) -> None:
    """Swap jupyter_server_ydoc's stock SQLiteYStore for IsshoniSQLiteYStore, unless a store was configured.

    Called while `isshoni` loads, which is before `jupyter_server_ydoc` (alphabetical) reads the class."""
    from jupyter_server_ydoc.app import YDocExtension
    from jupyter_server_ydoc.stores import SQLiteYStore

    from .sqlite import IsshoniSQLiteYStore

    for point in serverapp.extension_manager.extension_points.values():
        app = point.app
        if isinstance(app, YDocExtension) and app.ystore_class is SQLiteYStore:
            app.ystore_class = IsshoniSQLiteYStore
            if log:
                log.info("isshoni: collaboration store is IsshoniSQLiteYStore (newer wins)")
