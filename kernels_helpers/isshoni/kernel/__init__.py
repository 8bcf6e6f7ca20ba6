"""Kernel helpers: open a design from a notebook, live in its collaboration room or offline.

    import isshoni
    design = isshoni.open("app.infra.json")      # joins the room when a Jupyter server is found
    design.add("s3_bucket", "assets")             # appears on every open canvas at once
    design.deploy(target="sandbox")               # a job with live progress

See docs/kernel-helpers.md.
"""

from __future__ import annotations

import atexit
import threading
import warnings
from pathlib import Path

from ..design.model import SUFFIX
from . import discovery
from .connection import Connection, ConnectionFailed, presence
from .discovery import AuthError, Server, ServerNotFound
from .importing import ImportResult, import_design
from .jobs import DeployJob, LiveJobSink
from .live import DesignHandle, LiveDesign, OfflineDesign
from .results import Code, Findings

_open: dict[tuple[str, str], LiveDesign] = {}
_lock = threading.Lock()


def open(path: str | Path, live: bool | None = None, *, url: str | None = None, token: str | None = None,
         timeout: float = 20, user: str | None = None) -> DesignHandle:
    """A design by path (relative to the kernel's working directory, or to the server root for a remote server).

    `live=None` joins the design's room when a Jupyter server is found and works on the file
    otherwise (with a warning); `live=True` insists on the room; `live=False` never joins.
    `url`/`token` override what is found in the environment and the running servers list;
    `user` replaces the presence label ("notebook (<your name>)")."""
    path = Path(path)
    if not path.name.endswith(SUFFIX):
        raise ValueError(f"{path}: a design file ends in {SUFFIX}")
    if live is False:
        return OfflineDesign(path)
    try:
        server = discovery.find(path, url=url, token=token)
        identity = discovery.verify(server)
        api_path = server.api_path(path)
        if server.root_dir is not None and not path.is_file():
            raise FileNotFoundError(f"{path}: no such design file (looked from {Path.cwd()})")
    except ServerNotFound as exc:
        if live:
            raise
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such design file (looked from {Path.cwd()})") from None
        warnings.warn(f"working offline on {path}: {exc}", stacklevel=2)
        return OfflineDesign(path)
    with _lock:
        key = (server.url, api_path)
        existing = _open.get(key)
        if existing is not None and existing.status != "closed":
            return existing
        from ..yinfra import YInfra

        connection = Connection(server, api_path, YInfra(), presence(identity, user), timeout=timeout)
        connection.start()
        _warm_up()
        design = LiveDesign(connection, path.resolve() if server.root_dir is not None else None)
        _open[key] = design
        return design


def _warm_up() -> None:
    """Import the catalog and validators now (~2 s once), not inside the first edit."""
    from ..design.model import Design

    Design().add("s3_bucket", "warm_up")


def open_template(template: str, path: str | Path, *, name: str | None = None, overwrite: bool = False,
                  **open_args) -> DesignHandle:
    """Copy a shipped template to `path` (optionally renamed: stacks are per design name), then open it."""
    from .. import templates

    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists: pass overwrite=True to replace it with the {template!r} template")
    design = templates.load(template)
    design.data["deployments"] = {}
    if name:
        design.set_meta(name=name)
    design.save(path)
    return open(path, **open_args)


def close_all() -> None:
    """Leave every room this kernel joined."""
    with _lock:
        designs = list(_open.values())
        _open.clear()
    for design in designs:
        design.close()


atexit.register(close_all)  # a kernel shutting down leaves the canvases' presence at once


__all__ = ["AuthError", "Code", "ConnectionFailed", "DeployJob", "DesignHandle", "Findings", "ImportResult", "LiveDesign",
           "LiveJobSink", "OfflineDesign", "import_design", "Server", "ServerNotFound", "close_all", "open", "open_template"]
