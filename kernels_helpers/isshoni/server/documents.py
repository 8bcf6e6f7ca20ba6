"""The live design documents: every REST read and write goes through the room's
Yjs document (never around it), so open canvases see a change at once and the
room's autosave writes the file.  Writes to one design are serialised by a lock."""

from __future__ import annotations

import asyncio
import posixpath
from collections import defaultdict

from jupyter_server.utils import ensure_async
from tornado.ioloop import IOLoop

from ..design.model import SUFFIX
from ..yinfra import YInfra
from .errors import ApiError


def check_path(path: str) -> str:
    """A design path relative to the server root: no absolute paths, no `..`, `.infra.json` only."""
    if not path or path.startswith(("/", "\\")) or "\\" in path or ":" in path.split("/")[0]:
        raise ApiError(400, f"{path!r}: give the design's path relative to the server root")
    if ".." in path.split("/"):
        raise ApiError(400, f"{path!r}: '..' is not allowed in a design path")
    if "\x00" in path:
        raise ApiError(400, "a design path cannot contain NUL")
    path = posixpath.normpath(path)
    if not path.endswith(SUFFIX) or path == SUFFIX:
        raise ApiError(400, f"{path!r}: a design path ends in {SUFFIX}")
    return path


async def existing(settings: dict, path: str) -> None:
    """404 unless `path` is a file the contents manager shows (hidden files are not designs here)."""
    contents = settings["contents_manager"]
    if not await ensure_async(contents.file_exists(path)):
        raise ApiError(404, f"no design file {path!r}")
    if not getattr(contents, "allow_hidden", False) and await ensure_async(contents.is_hidden(path)):
        raise ApiError(404, f"no design file {path!r}")


def warm_up() -> None:
    """Fill the validator's caches (cfn-lint's region data, compiled schemas): seconds on a first
    call, which must not happen on the event loop inside a design edit."""
    from .. import checks, compiler, templates  # noqa: F401 - imported for their import time

    templates.describe()  # loads and validates every template


class LiveDesigns:
    """Finds the live `YInfra` of a design (creating its room if nobody has it open)."""

    def __init__(self) -> None:
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._warm: asyncio.Future | None = None

    async def ready(self) -> None:
        """Warm the validator once, in a thread, before the first design is opened
        (lazily: a server nobody sends REST requests to spends nothing)."""
        if self._warm is None:
            self._warm = asyncio.ensure_future(IOLoop.current().run_in_executor(None, warm_up))
        try:
            await asyncio.shield(self._warm)
        except Exception:  # a failed warm-up only costs time later
            pass

    def lock(self, path: str) -> asyncio.Lock:
        """One lock per design: two REST writes never interleave their read-modify-write."""
        return self._locks[path]

    async def open(self, settings: dict, path: str) -> YInfra:
        """`settings` is the web app's, read at request time: jupyter_server_ydoc may load after us."""
        await existing(settings, path)
        await self.ready()
        collaboration = settings.get("jupyter_server_ydoc")
        if collaboration is None:
            raise ApiError(503, "real-time collaboration (jupyter-collaboration) is not enabled on this server")
        doc = await self._document(collaboration, path)
        if not isinstance(doc, YInfra):
            raise ApiError(503, "the 'infra' document type is not registered with jupyter_ydoc")
        return doc

    async def _document(self, collaboration, path: str):
        """The room's document; a design file the room refuses answers 409 with where it is broken
        (and whether the store can restore it), and never leaves an empty room behind."""
        from ..design.errors import Problem
        from ..stores import recovery
        from ..stores.file_check import DesignFileRefused

        for _attempt in range(2):
            try:
                doc = await collaboration.get_document(
                    path=path, content_type="infra", file_format="text", copy=False, create=True
                )
            except DesignFileRefused as refused:
                await recovery.forget_failed_room(collaboration, path)
                problem = refused.problem
                raise ApiError(409, refused.detail, [Problem("$", str(problem))], {
                    "file": {"valid": False, **problem.to_dict()}, "recoverable": refused.recoverable}) from None
            if not await recovery.forget_failed_room(collaboration, path):  # a room that failed earlier: load again
                return doc
        raise ApiError(503, f"the collaboration room of {path} could not be started")
