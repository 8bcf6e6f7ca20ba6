"""A design's collaboration room, joined from a kernel (see NOTES "Joining a room").

The room runs in a background thread with its own event loop, so cell code
stays synchronous: `call(fn)` runs `fn` on that loop (every touch of the
shared document happens there, one at a time).  The connection announces
itself through Yjs awareness so canvases list it as "notebook (user)", and
when the server goes away it reconnects with exponential backoff, asking
for a fresh collaboration session each time (a restarted server closes old
sessions with 1003 `unknown_session`).  Edits made meanwhile stay in the
local document and reach the room on reconnect (Yjs merges them).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import getpass
import threading
import urllib.parse
from collections.abc import Callable

import httpx
from httpx_ws import aconnect_ws
from pycrdt import Awareness, Provider, YMessageType, create_awareness_message, read_message
from pycrdt.websocket.websocket import HttpxWebsocket
from tenacity import AsyncRetrying, retry_if_exception_type, wait_exponential, wait_random

from ..yinfra import YInfra
from .discovery import AuthError, Server, ServerNotFound

MAX_MESSAGE = 64 * 1024 * 1024  # a first sync carries the whole design and its job records
COLORS = ("#3f51b5", "#009688", "#9c27b0", "#ff9800", "#795548", "#e91e63")


class ConnectionFailed(Exception):
    """The room could not be joined (the reason is in the message)."""


class Dropped(Exception):
    """The websocket closed (server stopped, restarted or refused the session)."""


class _Channel(HttpxWebsocket):
    """The room websocket as a pycrdt channel that remembers why it closed and reads awareness."""

    def __init__(self, websocket, path: str, awareness: Awareness):
        super().__init__(websocket, path)
        self.awareness = awareness
        self.closed = asyncio.Event()
        self.reason = ""
        self.code: int | None = None

    async def recv(self) -> bytes:
        while True:
            try:
                message = await super().recv()
            except BaseException as exc:
                code, why = getattr(exc, "code", None), getattr(exc, "reason", None)
                self.code = code
                self.reason = f"closed {code} {why}".strip() if code else f"{type(exc).__name__}: {exc}".rstrip(": ")
                self.closed.set()
                raise
            if message and message[0] == YMessageType.AWARENESS:
                with contextlib.suppress(Exception):  # a peer's malformed presence must not drop the room
                    self.awareness.apply_awareness_update(read_message(message[1:]), "remote")
                continue
            return message


def presence(identity: dict, label: str | None = None) -> dict:
    """The awareness `user` a canvas shows (see extension/src/components/presence/layer.ts).

    With plain token auth Jupyter makes up a new "Anonymous <moon>" for every request, which
    names nobody: then the kernel's own OS user is the better "who"."""
    who = identity.get("display_name") or identity.get("name") or identity.get("username") or ""
    if not who or _anonymous(identity):
        who = getpass.getuser()
    name = label or f"notebook ({who})"
    return {
        "name": name,
        "display_name": name,
        "username": identity.get("username") or who,
        "initials": "NB",
        "color": identity.get("color") or COLORS[hash(who) % len(COLORS)],
        "kind": "kernel",
    }


def _anonymous(identity: dict) -> bool:
    username = str(identity.get("username") or "")
    return str(identity.get("name") or "").startswith("Anonymous ") and len(username) == 32 and username.isalnum()


class Connection:
    """One design room, kept joined in a background thread until `close()`."""

    def __init__(self, server: Server, path: str, doc: YInfra, user: dict, *, timeout: float = 20):
        self.server, self.path, self.doc, self.timeout = server, path, doc, timeout
        self.awareness = Awareness(doc.ydoc)
        self.awareness.set_local_state({"user": user})
        self.status = "connecting"
        self.identity: dict = {}  # who the server says this connection is (its chat messages carry that name)
        self.last_error: str | None = None
        self.reconnects = 0
        self._connected = threading.Event()
        self._first: concurrent.futures.Future = concurrent.futures.Future()
        self._channel: _Channel | None = None
        self._stopping: asyncio.Event | None = None
        self._listeners: list[Callable[[], None]] = []
        self._notify_pending = False
        self._announce_pending = False
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name=f"isshoni-room:{path}", daemon=True)

    # ------------------------------------------------------------ from the cell's thread
    def start(self) -> None:
        """Join the room; raise a clear error (wrong token, missing file, no server) if the first join fails."""
        self.thread.start()
        self._task = asyncio.run_coroutine_threadsafe(self._main(), self.loop)
        try:
            self._first.result(self.timeout + 5)
        except concurrent.futures.TimeoutError:
            self.close()
            raise ConnectionFailed(f"joining {self.path} on {self.server.url} took more than {self.timeout:.0f} s") from None
        except BaseException:
            self.close()
            raise

    def call(self, fn: Callable, *args, **kwargs):
        """Run `fn` on the room's loop (where the document lives) and return its result."""
        if threading.current_thread() is self.thread:
            return fn(*args, **kwargs)
        if not self.loop.is_running():
            raise ConnectionFailed(f"the connection to {self.path} is closed")
        future: concurrent.futures.Future = concurrent.futures.Future()

        def run():
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:
                future.set_exception(exc)

        self.loop.call_soon_threadsafe(run)
        return future.result()

    def wait_connected(self, timeout: float | None = None) -> bool:
        return self._connected.wait(timeout)

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def off_change(self, listener: Callable[[], None]) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(listener)

    def peers(self) -> list[dict]:
        """The other clients' awareness `user` fields (who else has this design open)."""
        def read():
            return [dict(s.get("user") or {}) for cid, s in self.awareness.states.items()
                    if cid != self.awareness.client_id and s]
        return self.call(read)

    def close(self, timeout: float = 5) -> None:
        if not self.loop.is_running():
            return
        if self._stopping is not None:
            self.loop.call_soon_threadsafe(self._stopping.set)
        task = getattr(self, "_task", None)
        if task is not None:
            with contextlib.suppress(BaseException):
                task.result(timeout)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout)
        self.status = "closed"
        self._connected.clear()

    # ------------------------------------------------------------ on the room's loop
    async def _main(self) -> None:
        self._stopping = asyncio.Event()
        self.doc.ydoc.observe(lambda event: self._changed())
        self.awareness.observe(self._awareness_changed)
        renew = asyncio.ensure_future(self.awareness.start())
        try:
            try:
                await self._session()
            except BaseException as exc:
                if not self._first.done():
                    self._first.set_exception(_explain(exc, self.server, self.path))
                return
            while not self._stopping.is_set():
                self._set_status("reconnecting")
                async for attempt in AsyncRetrying(wait=wait_exponential(multiplier=0.2, max=2) + wait_random(0, 0.2),
                                                   retry=retry_if_exception_type(Exception),
                                                   before_sleep=self._retrying):
                    with attempt:
                        if self._stopping.is_set():
                            break
                        await self._session()
        finally:
            renew.cancel()
            self._set_status("closed")

    async def _session(self) -> None:
        """One join: fresh session, websocket, sync; returns when the socket closes after having synced."""
        quoted = urllib.parse.quote(self.path)
        async with httpx.AsyncClient(headers=self.server.headers, timeout=10) as client:
            # the room itself only says "no such file" by closing the socket (4404), sometimes
            # while the first sync is still being sent: ask the contents API first
            found = await client.get(f"{self.server.url}/api/contents/{quoted}", params={"content": "0"})
            if found.status_code == 404:
                raise FileNotFoundError(f"{self.path}: no such design under the root of the Jupyter server at {self.server.url}")
            response = await client.put(f"{self.server.url}/api/collaboration/session/{quoted}",
                                        json={"format": "text", "type": "infra"})
            if response.status_code in (401, 403):
                raise AuthError(f"the Jupyter server at {self.server.url} refused the token ({response.status_code})")
            if response.status_code == 404:
                raise FileNotFoundError(f"{self.path}: no such design under the root of the Jupyter server at {self.server.url}")
            response.raise_for_status()
            session = response.json()
            # the room knows this client by the user of this client's requests (the login cookie the
            # first answer set): ask who that is, for the messages this kernel writes
            me = await client.get(f"{self.server.url}/api/me")
            if me.status_code == 200:
                self.identity = me.json().get("identity") or {}
            room = f"text:infra:{session['fileId']}"
            ws_url = (f"{self.server.url.replace('http', 'ws', 1)}/api/collaboration/room/{room}"
                      f"?sessionId={urllib.parse.quote(session['sessionId'])}")
            synced = False
            try:
                async with aconnect_ws(ws_url, client, max_message_size_bytes=MAX_MESSAGE) as websocket:
                    channel = _Channel(websocket, room, self.awareness)
                    async with Provider(self.doc.ydoc, channel) as provider:
                        await self._send_awareness(channel)
                        await self._until(provider.synced.wait(), channel.closed.wait(), timeout=self.timeout)
                        if channel.closed.is_set() and channel.code == 4404:  # the room found no such file
                            raise FileNotFoundError(f"{self.path}: no such design under the root of the Jupyter "
                                                    f"server at {self.server.url}")
                        if channel.closed.is_set():  # a design file the room refuses closes it so (its long
                            refused = await self._refusal(client, quoted)  # reason may not even reach us)
                            if refused:
                                raise ConnectionFailed(refused)
                            raise Dropped(f"the room closed while syncing ({channel.reason})")
                        synced = True
                        self._channel = channel
                        self._set_status("connected")
                        if not self._first.done():
                            self._first.set_result(None)
                        await self._until(channel.closed.wait(), self._stopping.wait())
                        self._channel = None
                        if self._stopping.is_set():
                            self.awareness.set_local_state(None)  # leave presence at once, not after 30 s
                            await self._send_awareness(channel)
                        else:
                            self.last_error = f"connection to {self.server.url} lost ({channel.reason})"
                            self._set_status("reconnecting")
            except (FileNotFoundError, ConnectionFailed, Dropped):
                raise
            except Exception:
                if not synced:
                    # the room may close a refused design's socket while the first sync is being sent
                    # (the send fails before the close is read): say why it refused, when it did
                    refused = await self._refusal(client, quoted)
                    if refused:
                        raise ConnectionFailed(refused) from None
                    raise
                # the socket died under the provider (pending sends fail): the reconnect loop takes over
            finally:
                self._channel = None
                if self.status == "connected":
                    self._set_status("reconnecting")

    async def _refusal(self, client: httpx.AsyncClient, quoted: str) -> str | None:
        """Why the room refused the design file, when it is no design (the REST API says where)."""
        try:
            response = await client.get(f"{self.server.url}/isshoni/api/designs/{quoted}/recovery")
            state = response.json() if response.status_code == 200 else {}
        except (httpx.HTTPError, ValueError):
            return None
        file = state.get("file") or {}
        if file.get("valid") is not False:
            return None
        restore = ("; the store holds its last good version: GET or POST "
                   f"/isshoni/api/designs/{self.path}/recovery shows or restores it") if state.get("design") else ""
        return f"{self.path} is not a design file ({file.get('message')}){restore}"

    async def _until(self, *waits, timeout: float | None = None) -> None:
        tasks = [asyncio.ensure_future(w) for w in waits]
        try:
            done, _ = await asyncio.wait(tasks, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            if not done:
                raise TimeoutError(f"no answer from the room within {timeout:.0f} s")
        finally:
            for task in tasks:
                task.cancel()

    async def _send_awareness(self, channel: _Channel) -> None:
        update = self.awareness.encode_awareness_update([self.awareness.client_id])
        with contextlib.suppress(Exception):
            await channel.send(create_awareness_message(update))

    def _awareness_changed(self, topic: str, change) -> None:
        changes, origin = change
        if topic == "update" and origin == "local" and self._channel is not None:
            asyncio.ensure_future(self._send_awareness(self._channel))
        elif topic == "change" and origin == "remote" and any(c != self.awareness.client_id for c in changes["added"]):
            # the server does not hand newcomers the states it has seen: announce ourselves again
            # (as the canvas does), once for a burst of arrivals
            if not self._announce_pending:
                self._announce_pending = True
                self.loop.call_later(0.15, self._announce)

    def _announce(self) -> None:
        self._announce_pending = False
        state = self.awareness.get_local_state()
        if state is not None:
            self.awareness.set_local_state(dict(state))

    async def _retrying(self, retry_state) -> None:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if exc is not None:
            self.last_error = str(_explain(exc, self.server, self.path))
        self.reconnects += 1

    def _set_status(self, status: str) -> None:
        self.status = status
        if status == "connected":
            self._connected.set()
        else:
            self._connected.clear()

    def _changed(self) -> None:
        """Coalesce bursts of transactions into one notification per loop turn."""
        if self._notify_pending or not self._listeners:
            return
        self._notify_pending = True

        def notify():
            self._notify_pending = False
            for listener in list(self._listeners):
                with contextlib.suppress(Exception):
                    listener()

        self.loop.call_soon(notify)


def _explain(exc: BaseException, server: Server, path: str) -> BaseException:
    """Turn transport errors into messages a notebook user can act on."""
    if isinstance(exc, (AuthError, FileNotFoundError, ServerNotFound, ConnectionFailed)):
        return exc
    group = getattr(exc, "exceptions", None)  # an exception group from the task group
    if group:
        return _explain(group[0], server, path)
    if isinstance(exc, httpx.ConnectError):
        return ServerNotFound(f"the Jupyter server at {server.url} cannot be reached ({exc})")
    if isinstance(exc, httpx.HTTPStatusError):
        return ConnectionFailed(f"{server.url} answered {exc.response.status_code} for {path}: {exc.response.text[:200]}")
    return ConnectionFailed(f"joining {path} on {server.url} failed: {type(exc).__name__}: {exc}")
