"""The last good version of a design whose file is broken, from the collaboration store.

When a room refuses a design file (file_check.py), the store still holds every update the
design had.  `last_good` reads them into a document without opening a room; `restore` writes
that content over the file, after which the design opens as usual.  A room that failed to
load is forgotten (`forget_failed_room`): jupyter-collaboration keeps it registered, stopped
and empty, and would hand its empty document to the next request.
"""

from __future__ import annotations

import contextlib

from jupyter_server.utils import ensure_async
from pycrdt.store import YDocNotFound
from tornado.web import HTTPError

from ..design.source import NotADesignFile, read_design_text
from ..yinfra import YInfra


class NothingToRestore(LookupError):
    """`status` 409: the file is a design already; 404: the store has nothing for it."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def file_id(collaboration, path: str) -> str:
    return collaboration.serverapp.web_app.settings["file_id_manager"].index(path)


def room_id(collaboration, path: str) -> str:
    """The collaboration room of a design file (jupyter_server_ydoc's naming)."""
    return f"text:infra:{file_id(collaboration, path)}"


async def forget_failed_room(collaboration, path: str) -> bool:
    """Drop the design's room if it failed to load (it refused the file, or it stopped before it
    was ready; a room still loading is left alone); True when there was one."""
    rooms = collaboration.ywebsocket_server.rooms
    name = room_id(collaboration, path)
    room = rooms.get(name)
    if room is None or room.ready:
        return False
    stopped = getattr(room, "_stopped", None)  # pycrdt-websocket's YRoom sets it in stop()
    halted = stopped is not None and stopped.is_set()
    if getattr(room, "refused", None) is None and not halted:
        return False
    del rooms[name]
    if not halted:
        with contextlib.suppress(Exception):  # its websocket's cleanup did not run: stop it here
            await room.stop()
    return True


async def file_problem(contents_manager, path: str) -> NotADesignFile | None:
    """Why the file at `path` is no design (None when it is one)."""
    try:
        model = await ensure_async(contents_manager.get(path, content=True, type="file", format="text"))
    except HTTPError as exc:  # not UTF-8 text, gone ...
        return NotADesignFile(exc.log_message or exc.reason or f"the file cannot be read ({exc.status_code})")
    try:
        read_design_text(model["content"])
    except NotADesignFile as problem:
        return problem
    return None


async def last_good(collaboration, path: str) -> YInfra | None:
    """The design as the store holds it, or None when the store has nothing for it."""
    ystore = collaboration.ystore_class(path=f".infra:{file_id(collaboration, path)}.y", log=collaboration.log)
    doc = YInfra()
    async with ystore:
        try:
            await ystore.apply_updates(doc.ydoc)
        except YDocNotFound:
            return None
    return doc if any(len(root) for root in doc._roots.values()) else None


async def restore(collaboration, contents_manager, path: str) -> YInfra:
    """Write the store's last good version over a broken design file; raises NothingToRestore
    when the file is a design already or the store has nothing."""
    if await file_problem(contents_manager, path) is None:
        raise NothingToRestore(409, f"{path} is a design file already: there is nothing to restore")
    doc = await last_good(collaboration, path)
    if doc is None:
        raise NothingToRestore(404, f"the store holds no earlier version of {path}: fix or replace the file")
    await forget_failed_room(collaboration, path)
    await ensure_async(contents_manager.save({"type": "file", "format": "text", "content": doc.get()}, path))
    return doc
