"""Which Jupyter server holds a design, and with which token.

A kernel started by Jupyter inherits the server's environment and knows its
parent's PID (`JPY_PARENT_PID`); the server lists itself in the runtime
directory (`jpserver-*.json`, with its URL, token and root).  Explicit
arguments win, then environment variables, then that list.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import httpx

ENV_URL = ("ISSHONI_SERVER_URL", "JUPYTER_SERVER_URL")
ENV_TOKEN = ("ISSHONI_SERVER_TOKEN", "JUPYTER_TOKEN")


class ServerNotFound(Exception):
    """No Jupyter server could be found or reached."""


class AuthError(Exception):
    """The server refused the token."""


@dataclass(frozen=True)
class Server:
    url: str  # with the base URL, no trailing slash
    token: str
    root_dir: str | None = None
    source: str = "explicit"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"} if self.token else {}

    def api_path(self, path: str | Path) -> str:
        """The design's path as the server names it (relative to its root, '/' separated)."""
        p = Path(path)
        if self.root_dir is None:
            if p.is_absolute():
                raise ServerNotFound(f"{path}: an absolute path needs the server's root (give a path relative to it)")
            return p.as_posix()
        root = Path(self.root_dir).expanduser().resolve()
        full = (p if p.is_absolute() else Path.cwd() / p).resolve()
        try:
            return full.relative_to(root).as_posix()
        except ValueError:
            raise ServerNotFound(f"{full} is outside the server's root {root}: open a design inside it") from None


def _first_env(names: tuple[str, ...]) -> str | None:
    return next((os.environ[n] for n in names if os.environ.get(n)), None)


def running_servers() -> list[dict]:
    """The servers of this runtime dir that are alive (jupyter_server's own list)."""
    from jupyter_server.serverapp import list_running_servers

    return list(list_running_servers())


def _pick(servers: list[dict], path: str | Path | None) -> dict | None:
    if not servers:
        return None
    parent = os.environ.get("JPY_PARENT_PID") or str(os.getppid())
    for info in servers:
        if str(info.get("pid")) == parent:
            return info
    if path is not None:
        full = Path(path).resolve()
        holding = [s for s in servers if s.get("root_dir") and full.is_relative_to(Path(s["root_dir"]).expanduser().resolve())]
        if len(holding) == 1:
            return holding[0]
        if holding:
            return None  # several servers serve this folder: only the caller knows which one
    return servers[0] if len(servers) == 1 else None


def find(path: str | Path | None = None, *, url: str | None = None, token: str | None = None) -> Server:
    """The server to join: explicit arguments, then the environment, then the running list."""
    servers = None
    if url is None:
        url = _first_env(ENV_URL)
        source = "environment" if url else "running servers"
    else:
        source = "explicit"
    root = None
    if url is None:
        servers = running_servers()
        info = _pick(servers, path)
        if info is None:
            if not servers:
                raise ServerNotFound("no running Jupyter server found (start one, or pass url= and token=)")
            raise ServerNotFound(
                f"{len(servers)} Jupyter servers are running and none started this kernel: pass url= "
                f"({', '.join(s.get('url', '?') for s in servers)})")
        url, root = info["url"], info.get("root_dir")
        if token is None:
            token = info.get("token") or ""
    else:
        # an explicit URL may still match a listed server: borrow its root (and token if none given)
        try:
            servers = running_servers()
        except Exception:  # a broken runtime dir must not stop an explicit URL
            servers = []
        for info in servers:
            if info.get("url", "").rstrip("/") == url.rstrip("/"):
                root = info.get("root_dir")
                if token is None and _first_env(ENV_TOKEN) is None:
                    token = info.get("token") or ""
    if token is None:
        token = _first_env(ENV_TOKEN) or ""
    return Server(url.rstrip("/"), token, root, source)


def verify(server: Server, timeout: float = 5) -> dict:
    """Ask the server who we are: fails clearly on a wrong token or an unreachable server."""
    try:
        response = httpx.get(f"{server.url}/api/me", headers=server.headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise ServerNotFound(f"the Jupyter server at {server.url} cannot be reached: {exc}") from None
    if response.status_code in (401, 403):
        raise AuthError(f"the Jupyter server at {server.url} refused the token ({response.status_code}): "
                        "pass the right token= (see `jupyter server list`)")
    response.raise_for_status()
    return response.json().get("identity") or {}
