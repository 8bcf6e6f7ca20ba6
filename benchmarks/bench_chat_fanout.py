"""The seed's demo applied to Isshoni: many clients chatting on one design split across two servers.

Starts a real redis-server and two real Jupyter servers with RedisYStore
sharing one root (scale-out, docs/redis.md).  N pycrdt clients join the same
design, half on each server; each appends a chat message a second (random
phase) for T seconds while a deploy-like stream writes events into the
design's `deployments` map (5 events/s, like a stack's event feed).  Then it
waits for every client to hold every message and reports:

- disconnects (a client's websocket ended or failed before the end),
- lost messages (sent but missing on some client) and duplicated ones,
- whether every client ends with the same chat, in the same order,
- fan-out latency p50/p99: send to arrival, over every (message, receiving
  client) pair of the probe clients (every `--probe-every`th client: turning
  each arrival into Python objects costs more than the rest of a client).
  All clients live in this process, so one clock times both ends, and the
  figure includes this process's own load (N docs applying every update).

    python benchmarks/bench_chat_fanout.py [--clients 100] [--seconds 300]

tests/test_chat_fanout.py runs a short version (10 clients x 10 s).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from contextlib import ExitStack, asynccontextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the test helpers start servers and join rooms

import httpx  # noqa: E402
from httpx_ws import aconnect_ws  # noqa: E402
from pycrdt import (  # noqa: E402
    YMessageType,
    YSyncMessageType,
    create_sync_message,
    create_update_message,
    handle_sync_message,
)

from isshoni import templates  # noqa: E402
from isshoni.yinfra import YInfra  # noqa: E402
from redis_server import redis_server  # noqa: E402
from rooms import isshoni_server, room_url  # noqa: E402

DESIGN = "demo.infra.json"
REDIS_STORE = "--YDocExtension.ystore_class=isshoni.stores.RedisYStore"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] if ordered else float("nan")


class Client:
    """One chatting user: sends a message a second, timestamps every message it receives.

    Speaks the Yjs sync protocol on the room websocket itself rather than through pycrdt's
    Provider, which sends every update the document sees back to the server, received ones
    included; JupyterLab's provider sends only the client's own (and so does this)."""

    def __init__(self, number: int, base: str, token: str, probe: bool = True):
        self.number, self.base, self.token, self.probe = number, base, token, probe
        self.sent: list[str] = []
        self.latencies: list[float] = []
        self.final: list[str] | None = None
        self.deployment: dict | None = None  # the deploy's last state as this client sees it
        self.error: str | None = None
        self.doc: YInfra | None = None
        self.synced = asyncio.Event()
        self.received = 0  # demo messages seen arriving (own ones included)
        self.joined = False
        self.initial = 0

    def _arrived(self, event) -> None:
        now = time.perf_counter()
        for change in event.delta:
            for message in change.get("insert", ()):
                if isinstance(message, dict) and "sent" in message:
                    self.received += 1
                    if not message["id"].startswith(f"c{self.number}-"):
                        self.latencies.append((now - message["sent"]) * 1000)

    async def _receive(self, websocket) -> None:
        while True:
            message = await websocket.receive_bytes()
            if message[0] != YMessageType.SYNC:
                continue  # awareness: not part of this demo
            reply = handle_sync_message(message[1:], self.doc.ydoc)
            if message[1] == YSyncMessageType.SYNC_STEP2:
                self.synced.set()
            if reply is not None:
                await websocket.send_bytes(reply)

    @asynccontextmanager
    async def session(self, joining: asyncio.Semaphore):
        """Connected and synced for the block; raises if the connection ended meanwhile."""
        async with httpx.AsyncClient(headers={"Authorization": f"token {self.token}"}) as http:
            async with joining:
                url, _room = await room_url(http, self.base, DESIGN)
            # no client-side keepalive pings (browsers send none)
            async with aconnect_ws(url, http, keepalive_ping_interval_seconds=None) as websocket:
                self.websocket, self.doc = websocket, YInfra()
                self.receiving = asyncio.create_task(self._receive(websocket))
                try:
                    await websocket.send_bytes(create_sync_message(self.doc.ydoc))
                    await asyncio.wait_for(self.synced.wait(), 120)
                    yield self.doc
                    self.check()
                finally:
                    self.receiving.cancel()

    def check(self) -> None:
        if self.receiving.done():
            self.receiving.result()  # the connection ended: raise why

    async def write(self, change) -> None:
        """Make a change to the document and send exactly that change (not what others sent)."""
        self.check()
        before = self.doc.ydoc.get_state()
        change(self.doc)
        await self.websocket.send_bytes(create_update_message(self.doc.ydoc.get_update(before)))

    async def run(self, joining: asyncio.Semaphore, all_joined: asyncio.Event, stop: asyncio.Event,
                  done: asyncio.Event, rng: random.Random) -> None:
        try:
            async with self.session(joining) as doc:
                self.initial = len(doc._ychat)  # the design's own chat, before the demo
                if self.probe:
                    doc._ychat.observe(self._arrived)
                self.joined = True
                await all_joined.wait()
                await asyncio.sleep(rng.uniform(0, 1))
                while not stop.is_set():
                    message = {"id": f"c{self.number}-{len(self.sent)}", "author": f"user{self.number}",
                               "text": f"hello {len(self.sent)}", "sent": time.perf_counter()}
                    await self.write(lambda doc, message=message: doc._ychat.append(message))
                    self.sent.append(message["id"])
                    await asyncio.sleep(1)
                await done.wait()
                self.final = [m["id"] for m in doc._ychat.to_py() if isinstance(m, dict) and "sent" in m]
                self.deployment = doc._ydeployments.to_py().get("sandbox")
        except Exception as exc:  # the websocket closed or failed: a disconnect
            self.error = repr(exc)


async def deploy_events(deployer: Client, stop: asyncio.Event, per_second: float = 5) -> int:
    """Deploy-like events written into the design's deployments map while the chat runs."""
    count = 0

    def event(state: dict):
        return lambda doc: doc._ydeployments.__setitem__("sandbox", state)

    while not stop.is_set():
        await deployer.write(event({"status": "IN_PROGRESS", "events": count + 1, "last": f"resource {count}"}))
        count += 1
        await asyncio.sleep(1 / per_second)
    await deployer.write(event({"status": "COMPLETE", "events": count, "last": "stack"}))
    return count


async def demo(bases: list[str], token: str, clients: int, seconds: float, probe_every: int = 1,
               settle: float = 60) -> dict:
    rng = random.Random(7)
    async with httpx.AsyncClient(headers={"Authorization": f"token {token}"}) as http:
        for base in bases:  # index the file once, server by server: two servers indexing one new file at
            await room_url(http, base, DESIGN)  # once in their shared file-id database, one gets a 500
    users = [Client(n, bases[n % len(bases)], token, probe=n % probe_every == 0) for n in range(clients)]
    joining, all_joined, stop, done = asyncio.Semaphore(10), asyncio.Event(), asyncio.Event(), asyncio.Event()
    tasks = [asyncio.create_task(user.run(joining, all_joined, stop, done, rng)) for user in users]
    started = time.monotonic()
    while sum(user.joined or user.error is not None for user in users) < clients:
        await asyncio.sleep(0.1)
    join_s = time.monotonic() - started
    all_joined.set()
    deployer = Client(-1, bases[0], token, probe=False)
    async with deployer.session(joining):
        deploying = asyncio.create_task(deploy_events(deployer, stop))
        await asyncio.sleep(seconds)
        stop.set()
        events = await deploying
    expected = {message for user in users for message in user.sent}
    deadline = time.monotonic() + settle
    while time.monotonic() < deadline:
        live = [user for user in users if user.error is None]
        if all((user.received if user.probe else len(user.doc._ychat) - user.initial) >= len(expected) and (user.doc._ydeployments.to_py().get("sandbox") or {}).get("status")
               == "COMPLETE" for user in live):
            break
        await asyncio.sleep(0.2)
    settle_s = time.monotonic() - started - join_s - seconds
    done.set()
    await asyncio.gather(*tasks)
    finals = [user.final for user in users if user.final is not None]
    lost = sum(len(expected - set(final)) for final in finals)
    duplicated = sum(len(final) - len(set(final)) for final in finals)
    latencies = [ms for user in users for ms in user.latencies]
    return {
        "clients": clients, "seconds": seconds, "join_s": join_s, "settle_s": settle_s,
        "messages": len(expected), "deploy_events": events,
        "disconnects": sum(user.error is not None for user in users),
        "errors": [user.error for user in users if user.error][:5],
        "lost": lost, "duplicated": duplicated,
        "identical": bool(finals) and len(finals) == clients and all(final == finals[0] for final in finals),
        "deploy_seen": sum(user.deployment == {"status": "COMPLETE", "events": events, "last": "stack"} for user in users),
        "deliveries": len(latencies), "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99),
    }


def run(clients: int, seconds: float, workdir: Path | None = None, probe_every: int = 1) -> dict:
    """Redis, two Jupyter servers, the demo; everything stopped by PID at the end."""
    tmp = Path(workdir or tempfile.mkdtemp(prefix="isshoni-fanout-"))
    root = tmp / "root"
    root.mkdir(parents=True, exist_ok=True)
    templates.load("chat_canary").save(root / DESIGN)
    previous = os.environ.get("ISSHONI_REDIS_URL")
    with ExitStack() as stack:
        stack.callback(lambda: os.environ.pop("ISSHONI_REDIS_URL", None) if previous is None
                       else os.environ.__setitem__("ISSHONI_REDIS_URL", previous))
        server = stack.enter_context(redis_server(tmp / "redis", fsync="everysec"))
        os.environ["ISSHONI_REDIS_URL"] = server.url  # the servers inherit it
        base1, token = stack.enter_context(isshoni_server(root, tmp, REDIS_STORE))
        base2, _ = stack.enter_context(isshoni_server(root, tmp, REDIS_STORE))
        return asyncio.run(demo([base1, base2], token, clients, seconds, probe_every))


def report(result: dict) -> str:
    return (
        f"{result['clients']} clients on 2 servers, {result['seconds']:.0f} s "
        f"(joined in {result['join_s']:.1f} s, settled {result['settle_s']:.1f} s after the last send): "
        f"{result['messages']} chat messages, {result['deploy_events']} deploy events "
        f"(final state on {result['deploy_seen']} clients); "
        f"disconnects {result['disconnects']}, lost {result['lost']}, duplicated {result['duplicated']}, "
        f"identical chat on every client: {result['identical']}; "
        f"fan-out latency over {result['deliveries']} timed deliveries p50 {result['p50_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--probe-every", type=int, default=10, help="time arrivals on every Nth client")
    args = parser.parse_args()
    result = run(args.clients, args.seconds, probe_every=args.probe_every)
    print(report(result))
    if result["errors"]:
        print("first errors:", *result["errors"], sep="\n  ")


if __name__ == "__main__":
    main()
