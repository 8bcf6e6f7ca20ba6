"""The seed's demo applied to Isshoni: many clients chatting on one design split across two servers.

Starts a real redis-server and two real Jupyter servers with RedisYStore
sharing one root (scale-out, docs/redis.md).  N pycrdt clients join the same
design, half on each server, spread over several worker processes (like N
browsers: one Python process cannot receive 10,000 websocket frames a second
by itself, and then the harness, not the servers, sets the latency).  Each
client appends a chat message a second (random phase), signed with its own
Jupyter identity as the room requires, for T seconds while a deploy-like
stream writes a job record through the server's job route (5 updates/s, like
a stack's event feed; clients may not write `deployments` themselves).  Then it waits for every client to hold
every message and reports:

- disconnects (a client's websocket ended or failed before the end),
- lost messages (sent but missing on some client) and duplicated ones,
- whether every client ends with the same chat, in the same order,
- fan-out latency p50/p99: send to arrival, over every (message, receiving
  client) pair of the probe clients (every `--probe-every`th client).  A probe
  notes the message ids in each update frame it receives, before applying it:
  an array change event from pycrdt would walk the whole chat on every frame
  (0.7 ms at 30,000 messages), and the harness would time itself.  Send and
  arrival are read from CLOCK_MONOTONIC, one clock for every process of the
  machine, and the figure includes the clients' own load.

    python benchmarks/bench_chat_fanout.py [--clients 100] [--seconds 300] [--processes 4]

tests/test_chat_fanout.py runs a short version (10 clients x 10 s).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import multiprocessing
import os
import random
import re
import sys
import tempfile
import time
from contextlib import ExitStack, asynccontextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the test helpers start servers and join rooms

import httpx  # noqa: E402
import psutil  # noqa: E402
from httpx_ws import aconnect_ws  # noqa: E402
from pycrdt import (  # noqa: E402
    YMessageType,
    YSyncMessageType,
    create_sync_message,
    create_update_message,
    handle_sync_message,
)

from isshoni import templates, ychat  # noqa: E402
from isshoni.design.history import author_of  # noqa: E402
from isshoni.yinfra import YInfra  # noqa: E402
from redis_server import redis_server  # noqa: E402
from rooms import isshoni_server, room_url  # noqa: E402

DESIGN = "demo.infra.json"
MESSAGE_ID = re.compile(rb"c\d+-\d+")  # the demo's message ids, as an update frame carries them (UTF-8)
DEMO_ID = re.compile(r"^c\d+-\d+$")
JOB = "deploy-20260101T000000-c0ffee"  # the deploy-like job whose record streams in
REDIS_STORE = "--YDocExtension.ystore_class=isshoni.stores.RedisYStore"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] if ordered else float("nan")


class Client:
    """One chatting user: sends a message a second, timestamps every message it receives.

    Speaks the Yjs sync protocol on the room websocket itself rather than through pycrdt's
    Provider, which sends every update the document sees back to the server, received ones
    included; JupyterLab's provider sends only the client's own (and so does this)."""

    def __init__(self, number: int, base: str, token: str, probe: bool = True):
        self.number, self.base, self.token, self.probe = number, base, token, probe
        self.sent: list[str] = []
        self.sent_at: dict[str, float] = {}
        self.arrivals: dict[str, float] = {}  # probes: message id -> first frame carrying it
        self.final: list[str] | None = None
        self.deployment: dict | None = None  # the deploy's last state as this client sees it
        self.error: str | None = None
        self.doc: YInfra | None = None
        self.author = ""  # the name the room signs this client's messages with
        self.synced = asyncio.Event()
        self.sending_over = asyncio.Event()  # left the send loop: `sent` is final
        self.joined = False
        self.initial = 0

    def has(self, count: int) -> bool:
        """Holds `count` demo messages and the deploy's final state."""
        return ychat.count(self.doc._ychat) - self.initial >= count and (self.doc._ydeployments.get(JOB) or {}).get("state") == "succeeded"

    async def _receive(self, websocket) -> None:
        while True:
            message = await websocket.receive_bytes()
            if message[0] != YMessageType.SYNC:
                continue  # awareness: not part of this demo
            if self.probe and self.joined:
                now = time.monotonic()
                for found in MESSAGE_ID.finditer(message):
                    self.arrivals.setdefault(found.group().decode(), now)
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
                self.author = author_of((await http.get(f"{self.base}/api/me")).json()["identity"])
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
                self.initial = ychat.count(doc._ychat)  # the design's own chat, before the demo
                self.joined = True
                await all_joined.wait()
                next_at = time.monotonic() + rng.uniform(0, 1)
                while True:  # one a second on a fixed cadence (a slow send does not stretch it)
                    await asyncio.sleep(max(0.0, next_at - time.monotonic()))
                    if stop.is_set():
                        break
                    message = {"id": f"c{self.number}-{len(self.sent)}", "author": self.author,
                               "text": f"hello {len(self.sent)}", "time": time.time()}
                    sent = time.monotonic()
                    await self.write(lambda doc, message=message: ychat.append(doc._ychat, [message]))
                    self.sent.append(message["id"])
                    self.sent_at[message["id"]] = sent
                    next_at += 1
                self.sending_over.set()
                await done.wait()
                self.final = [m["id"] for m in ychat.messages(doc._ychat) if isinstance(m, dict) and DEMO_ID.match(str(m.get("id")))]
                self.deployment = doc._ydeployments.to_py().get(JOB)
        except Exception as exc:  # the websocket closed or failed: a disconnect
            self.error = repr(exc)
        finally:
            self.sending_over.set()


async def deploy_events(base: str, token: str, stop: asyncio.Event, per_second: float = 5) -> int:
    """A deploy-like job's record, updated through the server's job route while the chat runs."""
    count = 0
    key = hashlib.sha256(os.urandom(32)).hexdigest()  # the job's write key
    async with httpx.AsyncClient(headers={"Authorization": f"token {token}"}, timeout=60) as http:
        async def record(**fields) -> None:
            response = await http.post(f"{base}/isshoni/api/designs/{DESIGN}/jobs",
                                       json={"record": {"id": JOB, "kind": "deploy", **fields}, "key": key})
            response.raise_for_status()

        while not stop.is_set():
            await record(state="running", events_total=count + 1, summary=f"resource {count}")
            count += 1
            await asyncio.sleep(1 / per_second)
        await record(state="succeeded", events_total=count, summary="stack")
    return count


# ------------------------------------------------------------------ worker processes
async def _worker(numbers: list[int], bases: list[str], token: str, probe_every: int, conn) -> None:
    """Some of the clients, in one process, driven by the coordinator's commands over `conn`:
    report joined, chat from "go" to "stop", report what was sent, wait for "expected" (every
    message sent by anyone) to arrive, then report each client's final chat, compactly."""
    loop = asyncio.get_running_loop()

    async def command():
        return await loop.run_in_executor(None, conn.recv)

    rng = random.Random(numbers[0] if numbers else 0)
    users = [Client(n, bases[n % len(bases)], token, probe=n % probe_every == 0) for n in numbers]
    joining, all_joined, stop, done = asyncio.Semaphore(4), asyncio.Event(), asyncio.Event(), asyncio.Event()
    tasks = [asyncio.create_task(user.run(joining, all_joined, stop, done, rng)) for user in users]
    while sum(user.joined or user.error is not None for user in users) < len(users):
        await asyncio.sleep(0.05)
    conn.send(("joined", [user.error for user in users if user.error]))
    assert await command() == "go"
    cpu_at_go = time.process_time()
    all_joined.set()
    assert await command() == "stop"
    stop.set()
    for user in users:
        await user.sending_over.wait()
    conn.send(("sent", [message for user in users for message in user.sent]))
    kind, expected, deadline = await command()
    assert kind == "expected"
    while time.monotonic() < deadline and not all(user.has(len(expected)) for user in users if user.error is None):
        await asyncio.sleep(0.2)
    conn.send(("settled", (time.monotonic(), time.process_time() - cpu_at_go)))
    assert await command() == "done"
    done.set()
    await asyncio.gather(*tasks)
    expected = set(expected)
    finals = [user.final for user in users if user.final is not None]
    conn.send(("result", {
        "errors": [user.error for user in users if user.error],
        "finals": len(finals),
        "lost": sum(len(expected - set(final)) for final in finals),
        "duplicated": sum(len(final) - len(set(final)) for final in finals),
        "orders": sorted({hashlib.sha256("\n".join(final).encode()).hexdigest() for final in finals}),
        "deployments": [user.deployment for user in users if user.final is not None],
        "sent_at": {k: v for user in users for k, v in user.sent_at.items()},
        "arrivals": [(user.number, user.arrivals) for user in users if user.probe],
    }))


def _worker_main(numbers, bases, token, probe_every, conn) -> None:
    asyncio.run(_worker(numbers, bases, token, probe_every, conn))


class Workers:
    """Worker processes (spawned: no event loop or sockets inherited), one pipe each."""

    def __init__(self, clients: int, processes: int, bases: list[str], token: str, probe_every: int):
        context = multiprocessing.get_context("spawn")
        self.pipes, self.processes = [], []
        for k in range(max(1, min(processes, clients))):
            ours, theirs = context.Pipe()
            numbers = list(range(k, clients, max(1, min(processes, clients))))
            process = context.Process(target=_worker_main, args=(numbers, bases, token, probe_every, theirs),
                                      daemon=True, name=f"fanout-clients-{k}")
            process.start()
            self.pipes.append(ours)
            self.processes.append(process)

    async def gather(self, kind: str, timeout: float = 600) -> list:
        """Every worker's next report, which must be of `kind`."""
        loop = asyncio.get_running_loop()

        async def one(pipe, process):
            while not await loop.run_in_executor(None, pipe.poll, 1.0):
                if not process.is_alive():
                    raise RuntimeError(f"{process.name} exited with {process.exitcode}")
            got, value = pipe.recv()
            if got != kind:
                raise RuntimeError(f"{process.name} reported {got!r}, expected {kind!r}")
            return value

        return await asyncio.wait_for(asyncio.gather(*(one(p, q) for p, q in zip(self.pipes, self.processes, strict=True))), timeout)

    def tell(self, message) -> None:
        for pipe in self.pipes:
            pipe.send(message)

    def stop(self) -> None:
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()


def _server_processes(bases: list[str]) -> list[psutil.Process]:
    """The Jupyter servers behind `bases` (children of this process, found by their port)."""
    ports = {f"--ServerApp.port={base.rsplit(':', 1)[1].strip('/')}" for base in bases}
    return [child for child in psutil.Process().children(recursive=True)
            if ports.intersection(child.cmdline())]


def _cpu_seconds(processes: list[psutil.Process]) -> float:
    """User + system CPU time of the processes so far."""
    return sum(sum(process.cpu_times()[:2]) for process in processes)


async def demo(bases: list[str], token: str, clients: int, seconds: float, probe_every: int = 1,
               settle: float = 60, processes: int = 4) -> dict:
    async with httpx.AsyncClient(headers={"Authorization": f"token {token}"}) as http:
        for base in bases:  # index the file once, server by server: two servers indexing one new file at
            await room_url(http, base, DESIGN)  # once in their shared file-id database, one gets a 500
    workers = Workers(clients, processes, bases, token, probe_every)
    try:
        started = time.monotonic()
        join_errors = [error for errors in await workers.gather("joined") for error in errors]
        join_s = time.monotonic() - started
        stop = asyncio.Event()
        servers = _server_processes(bases)
        servers_cpu = _cpu_seconds(servers)
        workers.tell("go")
        deploying = asyncio.create_task(deploy_events(bases[0], token, stop))
        await asyncio.sleep(seconds)
        workers.tell("stop")
        stop.set()
        events = await deploying
        last_send = time.monotonic()
        expected = [message for sent in await workers.gather("sent") for message in sent]
        workers.tell(("expected", expected, time.monotonic() + settle))
        settled = await workers.gather("settled")
        settle_s = max(at for at, _cpu in settled) - last_send
        clients_cpu = sum(cpu for _at, cpu in settled)
        servers_cpu = _cpu_seconds(servers) - servers_cpu
        workers.tell("done")
        results = await workers.gather("result")
    finally:
        workers.stop()
    errors = join_errors + [error for result in results for error in result["errors"] if error not in join_errors]
    orders = {order for result in results for order in result["orders"]}
    sent_at = {k: v for result in results for k, v in result["sent_at"].items()}
    timed = [(sent_at[message], (arrived - sent_at[message]) * 1000) for result in results
             for number, arrivals in result["arrivals"] for message, arrived in arrivals.items()
             if message in sent_at and not message.startswith(f"c{number}-")]
    latencies = [ms for _sent, ms in timed]
    first = min(sent_at.values(), default=0.0)
    minutes: dict[int, list[float]] = {}
    for sent, ms in timed:
        minutes.setdefault(int((sent - first) // 60), []).append(ms)
    final_state = {"state": "succeeded", "events_total": events, "summary": "stack"}
    return {
        "clients": clients, "processes": len(workers.processes), "seconds": seconds, "join_s": join_s,
        "settle_s": settle_s, "messages": len(set(expected)), "deploy_events": events,
        "disconnects": sum(len(result["errors"]) for result in results),
        "errors": errors[:5],
        "lost": sum(result["lost"] for result in results),
        "duplicated": sum(result["duplicated"] for result in results) + len(expected) - len(set(expected)),
        "identical": sum(result["finals"] for result in results) == clients and len(orders) == 1,
        "deploy_seen": sum(bool(state) and final_state.items() <= state.items()
                           for result in results for state in result["deployments"]),
        "deliveries": len(latencies), "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99),
        "servers_cpu_s": servers_cpu, "clients_cpu_s": clients_cpu,
        "by_minute": [(minute, percentile(samples, 50), percentile(samples, 99))
                      for minute, samples in sorted(minutes.items())],
    }


def run(clients: int, seconds: float, workdir: Path | None = None, probe_every: int = 1, processes: int = 4) -> dict:
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
        return asyncio.run(demo([base1, base2], token, clients, seconds, probe_every, processes=processes))


def _per_delivery(result: dict, key: str) -> float:
    """Microseconds of CPU per (message, receiving client) pair."""
    return 1e6 * result[key] / max(1, result["messages"] * (result["clients"] - 1))


def report(result: dict) -> str:
    return (
        f"{result['clients']} clients ({result['processes']} processes) on 2 servers, {result['seconds']:.0f} s "
        f"(joined in {result['join_s']:.1f} s, settled {result['settle_s']:.1f} s after the last send): "
        f"{result['messages']} chat messages, {result['deploy_events']} deploy events "
        f"(final state on {result['deploy_seen']} clients); "
        f"disconnects {result['disconnects']}, lost {result['lost']}, duplicated {result['duplicated']}, "
        f"identical chat on every client: {result['identical']}; "
        f"fan-out latency over {result['deliveries']} timed deliveries p50 {result['p50_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms; CPU from the first message to the last arrival: "
        f"servers {result['servers_cpu_s']:.1f} s, clients {result['clients_cpu_s']:.1f} s, "
        f"per delivery {_per_delivery(result, 'servers_cpu_s'):.0f} / {_per_delivery(result, 'clients_cpu_s'):.0f} us"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--probe-every", type=int, default=10, help="time arrivals on every Nth client")
    parser.add_argument("--processes", type=int, default=4, help="worker processes hosting the clients")
    args = parser.parse_args()
    result = run(args.clients, args.seconds, probe_every=args.probe_every, processes=args.processes)
    print(report(result))
    print("fan-out latency by minute of sending (p50 / p99 ms):",
          ", ".join(f"{m}: {p50:.0f} / {p99:.0f}" for m, p50, p99 in result["by_minute"]))
    if result["errors"]:
        print("first errors:", *result["errors"], sep="\n  ")


if __name__ == "__main__":
    main()
