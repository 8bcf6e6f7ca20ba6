"""The benchmarks' room client sends only its own updates (as JupyterLab's provider does), where
pycrdt's Provider sends back every update it receives: a real server, two clients, one edit each."""

import asyncio
from contextlib import AsyncExitStack

import httpx
from httpx_ws import aconnect_ws
from pycrdt import Provider, YMessageType, YSyncMessageType
from pycrdt.websocket.websocket import HttpxWebsocket

from isshoni import templates
from isshoni.yinfra import YInfra
from rooms import OwnUpdatesProvider, rest_server, room_url, until

NAME = "own.infra.json"


class CountingChannel(HttpxWebsocket):
    """The room websocket, counting the Yjs update messages this client sends."""

    updates_sent = 0

    async def send(self, message: bytes) -> None:
        if message[0] == YMessageType.SYNC and message[1] == YSyncMessageType.SYNC_UPDATE:
            self.updates_sent += 1
        await super().send(message)


async def _two_clients(base: str, token: str, kind) -> tuple[int, int]:
    """A and B join; A edits once, then B once; update messages each sent."""
    async with httpx.AsyncClient(headers={"Authorization": f"token {token}"}) as http, AsyncExitStack() as stack:
        clients = []
        for _ in range(2):
            url, room = await room_url(http, base, NAME)
            websocket = await stack.enter_async_context(aconnect_ws(url, http))
            doc, channel = YInfra(), CountingChannel(websocket, room)
            provider = await stack.enter_async_context(kind(doc.ydoc, channel))
            await asyncio.wait_for(provider.synced.wait(), 20)
            clients.append((doc, channel))
        (a, channel_a), (b, channel_b) = clients
        rid = sorted(a.design().resources)[0]
        a._yresources[rid]["notes"] = "from a"
        assert await until(lambda: b.design().resources[rid].get("notes") == "from a")
        b._yresources[rid]["notes"] = "from b"
        assert await until(lambda: a.design().resources[rid].get("notes") == "from b")
        await asyncio.sleep(0.3)  # an echo, if any, is sent by now
        return channel_a.updates_sent, channel_b.updates_sent


def test_only_own_updates_are_sent(tmp_path):
    with rest_server(tmp_path) as server:
        templates.load("vpc_basic").save(server["root"] / NAME)
        assert asyncio.run(_two_clients(server["base"], server["token"], OwnUpdatesProvider)) == (1, 1)
        # the peer it replaces: the same exchange sends more than each client's own edit
        echoing = asyncio.run(_two_clients(server["base"], server["token"], Provider))
        assert min(echoing) > 1, echoing
