""""Newer wins": a room that keeps the store's unsaved edits when the server died before autosave.

Stock `DocumentRoom.initialize` (jupyter-collaboration 5.0.x) lets the file
win whenever it differs from the store, so edits made after the last autosave
are lost when the server is killed.  This room records, with the store, what
it last wrote to (or read from) disk: the file's hash (the contents manager's
sha256) and the document's state vector at that moment.  On start:

- the file still has the recorded hash (nobody touched it outside Jupyter)
  and the store's history contains that state (its state vector dominates the
  recorded one): the store is newer, so its content is written to the file
  first, and the stock initialize then finds the two equal and keeps the store;
  (the room also stores each update before relaying it, so an edit any client
  has seen is in the store);
- otherwise (edited outside Jupyter, no record, a store without the record
  API): stock behaviour, the file wins.

It applies to stores with `get_saved()`/`set_saved()` (IsshoniSQLiteYStore,
RedisYStore) and to the file types in `NEWER_WINS` (Isshoni's `infra`).
`install()` makes jupyter_server_ydoc create these rooms.
"""

from __future__ import annotations

import asyncio
import hashlib

from jupyter_server.utils import ensure_async
from jupyter_server_ydoc.rooms import DocumentRoom
from jupyter_server_ydoc.utils import LogLevel, OutOfBandChanges
from jupyter_ydoc import ydocs as YDOCS
from pycrdt import Decoder, Doc, create_update_message
from pycrdt.store import YDocNotFound

NEWER_WINS = {"infra"}


def _dominates(have: bytes, need: bytes) -> bool:
    """State vector `have` contains every update counted in `need`."""
    got = _parse(have)
    return all(got.get(client, 0) >= clock for client, clock in _parse(need).items())


def _parse(sv: bytes) -> dict[int, int]:
    """A Yjs state vector as {client: clock}."""
    dec = Decoder(sv)
    return {dec.read_var_uint(): dec.read_var_uint() for _ in range(dec.read_var_uint())}


class NewerWinsRoom(DocumentRoom):
    _stored: Doc | None = None  # a mirror of what the store holds, for its state vector

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
            while self._stored is None or not _dominates(self._stored.get_state(), state_vector):
                if asyncio.get_running_loop().time() > deadline:
                    self.log.error("isshoni: the store of %s is 30 s behind; save not recorded", self._file.path)
                    return False
                await asyncio.sleep(0.01)
            await self.ystore.set_saved(file_hash or await self._file_hash(), state_vector)
            return True
        except Exception:
            self.log.exception("isshoni: could not record the saved state of %s", self._file.path)
            return False

    async def _prefer_newer_store(self) -> None:
        async with self.ystore.start_lock:
            if not self.ystore.started.is_set():
                self.create_task(self.ystore.start())
                await self.ystore.started.wait()
        saved = await self.ystore.get_saved()
        if saved is None:
            return
        if await self._file_hash() not in saved[0].split():
            self.log.info("isshoni: %s changed outside Jupyter since the last save: the file wins", self._file.path)
            return
        stored = Doc()
        try:
            await self.ystore.apply_updates(stored)
        except YDocNotFound:
            return
        if not _dominates(stored.get_state(), saved[1]):
            self.log.warning(
                "isshoni: the store of %s lacks updates the file has (store %s, saved %s): the file wins",
                self._file.path, _parse(stored.get_state()), _parse(saved[1]),
            )
            return
        content = YDOCS.get(self._file_type)(stored).get()
        model = await self._file.load_content(self._file_format, self._file_type)
        if model["content"] == content:
            return
        self.log.warning(
            "isshoni: %s on disk is older than its store (the server stopped before autosave): "
            "writing the store's newer content to the file", self._file.path,
        )
        await self._file.maybe_save_content({"format": self._file_format, "type": self._file_type, "content": content})

    async def initialize(self) -> None:
        if self.ready or not self._tracks_saves():
            return await super().initialize()
        try:
            await self._prefer_newer_store()
        except Exception:
            self.log.exception("isshoni: newer-wins check failed for %s; the stock rule applies", self._file.path)
        await super().initialize()
        # A mirror of what the store holds, for its state vector: the whole document, written now
        # (initialize may have changed it with updates still queued), then each update once written.
        state = self.ydoc.get_update()
        await self.ystore.write(state)
        stored = Doc()
        stored.apply_update(state)
        self._stored = stored
        await self._record()

    async def _maybe_save_document(self, saving_document, save_now: bool = False) -> None:
        """The stock autosave, with the record written *before* the file: "the file may now hold
        the previous save or this one, and the store holds both" (a kill between the file write and
        a record written after it would otherwise make the file look edited outside Jupyter)."""
        if not self._tracks_saves():
            return await super()._maybe_save_document(saving_document, save_now)
        if self._save_delay is None and not save_now:
            return
        if saving_document is not None and not saving_document.done():
            saving_document.cancel()
        try:
            if not save_now and self._save_delay is not None:
                await asyncio.sleep(self._save_delay)
            self.log.info("Saving the content from room %s", self._room_id)
            content = await self._document.aget()
            state_vector = self.ydoc.get_state()
            upcoming = hashlib.sha256(content.encode("utf-8")).hexdigest()  # FileContentsManager's hash
            previous = self._document.hash or await self._file_hash()
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

    async def _broadcast_updates(self):
        """Store, then relay: a peer (or the sender's echo) sees an update only once the store has it,
        so "the server acknowledged it" means "it survives a SIGKILL" (stock rooms do both at once)."""
        if not self._tracks_saves():
            return await super()._broadcast_updates()
        try:
            async with self.ystore.start_lock:
                if not self.ystore.started.is_set():
                    await self._task_group.start(self.ystore.start)
            async with self._update_receive_stream:
                async for update in self._update_receive_stream:
                    if self._task_group.cancel_scope.cancel_called:
                        return
                    try:
                        await self.ystore.write(update)
                        if self._stored is not None:
                            self._stored.apply_update(update)
                    except Exception as exception:
                        self.log.error("isshoni: storing an update of %s failed: %r", self._file.path, exception)
                        self._handle_exception(exception)
                    if self.clients:
                        message = create_update_message(update)
                        for client in self.clients:
                            try:
                                self._task_group.start_soon(client.send, message)
                            except Exception as exception:
                                self._handle_exception(exception)
        except asyncio.CancelledError:
            pass

    async def _on_outofband_change(self) -> None:
        await super()._on_outofband_change()
        if self._tracks_saves():
            await self._record()


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
