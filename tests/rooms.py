"""Joining a design's collaboration room from Python, and a server with Isshoni's extension.

The join is what a kernel does: open a collaboration session over REST, then
the room websocket with a pycrdt Provider (see NOTES "Joining a room").
"""

from __future__ import annotations

import asyncio
import shutil
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import httpx
from httpx_ws import aconnect_ws
from pycrdt import (
    Awareness,
    Doc,
    Provider,
    YMessageType,
    YSyncMessageType,
    create_awareness_message,
    create_sync_message,
    create_update_message,
    handle_sync_message,
    read_message,
)
from pycrdt.websocket.websocket import HttpxWebsocket

from isshoni.yinfra import YInfra
from servers import jupyter

ROOT = Path(__file__).resolve().parents[1]
SERVER_CONFIG = ROOT / "jupyter-config" / "server-config" / "isshoni.json"
REDIS_STORE = "--YDocExtension.ystore_class=isshoni.stores.RedisYStore"


@contextmanager
def isshoni_server(root: Path, tmp: Path, *extra: str, port: int | None = None, lab: bool | None = None):
    """`servers.jupyter` with the extension enabled by the very file the wheel ships."""
    config = tmp / "config" / "jupyter_server_config.d"
    config.mkdir(parents=True, exist_ok=True)
    shutil.copy(SERVER_CONFIG, config / "isshoni.json")
    delay = () if any(a.startswith("--YDocExtension.document_save_delay=") for a in extra) else ("--YDocExtension.document_save_delay=0.3",)
    with jupyter(root, tmp, *delay, *extra, port=port, lab=lab) as (base, token):
        yield base, token


@contextmanager
def servers_on_one_redis(tmp: Path, monkeypatch, design: str, template: str = "chat_canary"):
    """A real redis-server and two `isshoni_server`s with RedisYStore sharing the root `tmp/root`,
    which holds `design` (from `template`): yields (redis server, base url A, base url B, token)."""
    from isshoni import templates
    from redis_server import redis_server

    root = tmp / "root"
    root.mkdir()
    templates.load(template).save(root / design)
    with redis_server(tmp / "redis") as server:
        monkeypatch.setenv("ISSHONI_REDIS_URL", server.url)  # the servers inherit it
        with isshoni_server(root, tmp, REDIS_STORE) as (base_a, token), isshoni_server(root, tmp, REDIS_STORE) as (base_b, _):
            yield server, base_a, base_b, token


@contextmanager
def rest_server(tmp: Path):
    """`isshoni_server` on a fresh root in `tmp`, with an httpx client carrying its token:
    yields {"base", "token", "root", "client", "tmp"}."""
    root = tmp / "work"
    root.mkdir()
    with isshoni_server(root, tmp) as (base, token):
        client = httpx.Client(base_url=base, headers={"Authorization": f"token {token}"}, timeout=120)
        try:
            yield {"base": base, "token": token, "root": root, "client": client, "tmp": tmp}
        finally:
            client.close()


def ops_seen_in_room(server: dict, name: str, ops: list, seen) -> tuple[dict, object]:
    """POST `ops` to a design's canvas while a client has joined its room (`server` as `rest_server`
    yields it): (the answer, the joined client's design once `seen(design)` holds)."""

    async def scenario():
        async with joined(server["base"], server["token"], name) as doc:
            async with httpx.AsyncClient(headers={"Authorization": f"token {server['token']}"}, timeout=120) as client:
                response = await client.post(f"{server['base']}/isshoni/api/designs/{name}/canvas", json={"ops": ops})
            assert response.status_code == 200, response.text
            assert await until(lambda: seen(doc.design()))
            return response.json(), doc.design()

    return asyncio.run(scenario())


async def room_url(client: httpx.AsyncClient, base: str, path: str, kind: str = "infra") -> tuple[str, str]:
    """(websocket url, room id) for a design (or, with `kind="file"`, a plain text file), from a
    fresh collaboration session."""
    response = await client.put(f"{base}/api/collaboration/session/{path}", json={"format": "text", "type": kind})
    response.raise_for_status()
    session = response.json()
    room = f"text:{kind}:{session['fileId']}"
    return f"{base.replace('http', 'ws', 1)}/api/collaboration/room/{room}?sessionId={session['sessionId']}", room


@asynccontextmanager
async def joined(base: str, token: str, path: str, timeout: float = 20, **ws_options):
    """A YInfra synced with the design's room for the duration of the block (`ws_options` go to
    httpx-ws's `aconnect_ws`, e.g. `keepalive_ping_interval_seconds=None`)."""
    async with joined_as(base, token, path, timeout, **ws_options) as (doc, _identity):
        yield doc


class OwnUpdatesProvider:
    """A Yjs sync client that sends the room only this client's own updates, as JupyterLab's
    provider does.  pycrdt's Provider sends back every update the document sees, received ones
    included: harmless for a test, but in a benchmark each edit came back to the server once per
    other client, and the server had that much more to read (and a design room to check)."""

    def __init__(self, doc: Doc, channel):
        self._doc, self._channel = doc, channel
        self._outbox: asyncio.Queue[bytes] = asyncio.Queue()
        self._applying = False
        self.synced = asyncio.Event()

    def _on_change(self, event) -> None:
        if not self._applying:  # the observer runs inside the transaction: received ones are skipped
            self._outbox.put_nowait(create_update_message(event.update))

    async def _receive(self) -> None:
        async for message in self._channel:
            if message[0] != YMessageType.SYNC:
                continue
            self._applying = True
            try:
                reply = handle_sync_message(message[1:], self._doc)
            finally:
                self._applying = False
            if message[1] == YSyncMessageType.SYNC_STEP2:
                self.synced.set()
            if reply is not None:
                await self._channel.send(reply)

    async def _send(self) -> None:
        await self._channel.send(create_sync_message(self._doc))
        while True:
            await self._channel.send(await self._outbox.get())

    async def __aenter__(self) -> OwnUpdatesProvider:
        self._subscription = self._doc.observe(self._on_change)
        self._tasks = [asyncio.create_task(self._receive()), asyncio.create_task(self._send())]
        return self

    async def __aexit__(self, *exc) -> None:
        self._doc.unobserve(self._subscription)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


@asynccontextmanager
async def synced(base: str, token: str, path: str, ydoc: Doc, kind: str = "infra", timeout: float = 20,
                 own_updates: bool = False, **ws_options):
    """`ydoc` synced with the room of `path` (a design, or with `kind="file"` a plain text file) for the
    duration of the block; yields the HTTP client, whose requests share the login cookie the session's
    answer set (so they and the websocket are one Jupyter identity).  `own_updates`: send only this
    client's own updates, as JupyterLab does (benchmarks), not pycrdt's Provider's echo of all."""
    async with httpx.AsyncClient(headers={"Authorization": f"token {token}"}) as client:
        url, room = await room_url(client, base, path, kind)
        async with aconnect_ws(url, client, **ws_options) as websocket:
            sync = (OwnUpdatesProvider if own_updates else Provider)(ydoc, HttpxWebsocket(websocket, room))
            async with sync as provider:
                await asyncio.wait_for(provider.synced.wait(), timeout)
                yield client


@asynccontextmanager
async def joined_as(base: str, token: str, path: str, timeout: float = 20, own_updates: bool = False, **ws_options):
    """`joined`, yielding (doc, identity): the Jupyter identity the room knows this client by."""
    doc = YInfra()
    async with synced(base, token, path, doc.ydoc, timeout=timeout, own_updates=own_updates, **ws_options) as client:
        identity = (await client.get(f"{base}/api/me")).json()["identity"]
        yield doc, identity


@asynccontextmanager
async def joined_text(base: str, token: str, path: str, timeout: float = 20, own_updates: bool = False):
    """A pycrdt Doc synced with a plain text file's room (the stock document: its `source` Text),
    the baseline a design room is compared with."""
    doc = Doc()
    async with synced(base, token, path, doc, kind="file", timeout=timeout, own_updates=own_updates):
        yield doc


async def until(predicate, timeout: float = 10, step: float = 0.02):
    """Wait until `predicate()` is true; returns its last value (falsy on timeout)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = predicate()
        if value or asyncio.get_running_loop().time() > deadline:
            return value
        await asyncio.sleep(step)


class PresenceChannel:
    """The room websocket, handing awareness messages to a client-side Awareness (pycrdt's Provider
    ignores them) and able to announce this client's own presence, as JupyterLab does."""

    def __init__(self, inner: HttpxWebsocket, awareness: Awareness):
        self.inner, self.awareness = inner, awareness

    @property
    def path(self) -> str:
        return self.inner.path

    def __aiter__(self):
        return self

    async def __anext__(self) -> bytes:
        return await self.recv()

    async def send(self, message: bytes) -> None:
        await self.inner.send(message)

    async def recv(self) -> bytes:
        while True:
            message = await self.inner.recv()
            if message[0] != YMessageType.AWARENESS:
                return message
            self.awareness.apply_awareness_update(read_message(message[1:]), "remote")

    async def announce(self, state: dict) -> None:
        self.awareness.set_local_state(state)
        update = self.awareness.encode_awareness_update([self.awareness.client_id])
        await self.send(create_awareness_message(update))


@asynccontextmanager
async def joined_with_presence(base: str, token: str, path: str, user: str, timeout: float = 20):
    """`joined`, plus presence: yields (doc, awareness) after announcing `{"user": {"name": user}}`."""
    async with httpx.AsyncClient(headers={"Authorization": f"token {token}"}) as client:
        url, room = await room_url(client, base, path)
        async with aconnect_ws(url, client) as websocket:
            doc = YInfra()
            awareness = Awareness(doc.ydoc)
            channel = PresenceChannel(HttpxWebsocket(websocket, room), awareness)
            async with Provider(doc.ydoc, channel) as provider:
                await asyncio.wait_for(provider.synced.wait(), timeout)
                await channel.announce({"user": {"name": user}})
                yield doc, awareness
