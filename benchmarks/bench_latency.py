"""Edit latency between two collaborators: a design room against a text room, and Nagle's cost.

Starts real Jupyter servers (loopback) and measures, with two pycrdt clients in this process
(one clock times both ends; like JupyterLab's, they send the room only their own updates):

- one-way A -> B: A makes sequential single edits, each carrying its send time;
  B timestamps each when its update arrives.
- round trip A -> B -> A: A pings, B answers as soon as it sees the ping, A
  waits for the answer (request/response: the pattern where Nagle's algorithm
  meets delayed ACKs and adds ~40 ms).
- a busy room: ten editors at 5 edits a second each, seen by an observer (`--busy-room`
  seconds, 10 by default).

in three rooms, interleaved round by round (medians of the rounds' percentiles):

- the design room (chat_canary, a resource's `notes` edited) on an Isshoni server;
- a text file room of the same size (a line of its `source` edited) on the same server;
- the same text room on a stock server (Isshoni's server extension off).

A design room stores each update before it relays it (durability, docs/redis.md); a text room
stores and relays at once.  The ratios say what that order costs.  `--busy-disk` runs a writer
that fsyncs a file in a loop beside the measurement (what made commits slow, issue 21);
`--nagle` adds the design room with `--IsshoniExtension.tcp_nodelay=False`.

    python benchmarks/bench_latency.py [--edits 500] [--round-trips 200] [--busy-room 10] [--rounds 3] [--busy-disk] [--nagle]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import AsyncExitStack, ExitStack, contextmanager, nullcontext
from pathlib import Path

from pycrdt import Text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the test helpers start servers and join rooms

from isshoni import templates  # noqa: E402
from rooms import isshoni_server, joined, joined_text  # noqa: E402
from servers import jupyter  # noqa: E402

WARMUP = 20
DESIGN = "bench.infra.json"
TEXT = "bench.txt"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


EDITORS = 10  # the busy-room pattern: this many editors, each EDIT_RATE edits a second, one observer
EDIT_RATE = 5.0
SLOTS = EDITORS + 2


class DesignSlots:
    """Editable strings of a design room: resources' notes (the first ones in id order)."""

    def __init__(self, doc):
        self.doc = doc
        self.ids = sorted(doc._yresources.keys())[:SLOTS]

    def get(self, slot: int) -> str:
        return self.doc._yresources[self.ids[slot]].get("notes", "")

    def set(self, slot: int, value: str) -> None:
        self.doc._yresources[self.ids[slot]]["notes"] = value

    def observe(self, callback):
        return self.doc._yresources.observe_deep(callback)

    def unobserve(self, subscription) -> None:
        self.doc._yresources.unobserve(subscription)


class TextSlots:
    """Editable lines at the top of a text room's `source` (fixed width: each edit replaces one)."""

    WIDTH = 60

    def __init__(self, doc):
        self.text = doc.get("source", type=Text)

    def get(self, slot: int) -> str:
        start = slot * (self.WIDTH + 1)
        return str(self.text)[start:start + self.WIDTH].rstrip()

    def set(self, slot: int, value: str) -> None:
        start = slot * (self.WIDTH + 1)
        with self.text.doc.transaction():
            del self.text[start:start + self.WIDTH]
            self.text.insert(start, value.ljust(self.WIDTH)[: self.WIDTH])

    def observe(self, callback):
        return self.text.observe(callback)

    def unobserve(self, subscription) -> None:
        self.text.unobserve(subscription)


async def one_way(a, b, edits: int) -> list[float]:
    """Sequential edits from A, each carrying its send time; ms until B has it."""
    samples: list[float] = []
    arrived = asyncio.Event()

    def on_b(events) -> None:
        notes = b.get(0)
        if notes.startswith("edit "):
            _, n, sent = notes.split()
            if int(n) >= WARMUP:
                samples.append((time.perf_counter() - float(sent)) * 1000)
            arrived.set()

    subscription = b.observe(on_b)
    try:
        for n in range(edits + WARMUP):
            arrived.clear()
            a.set(0, f"edit {n} {time.perf_counter()!r}")
            await asyncio.wait_for(arrived.wait(), 10)
    finally:
        b.unobserve(subscription)
    return samples


async def round_trip(a, b, rounds: int) -> list[float]:
    """A pings (one edit), B answers with an edit of its own when the ping arrives; ms until A sees it."""
    loop = asyncio.get_running_loop()
    samples: list[float] = []
    answered = asyncio.Event()

    last_ping = ""

    def answer(n: str) -> None:
        b.set(1, f"pong {n}")

    def on_b(events) -> None:
        nonlocal last_ping
        notes = b.get(0)
        if notes.startswith("ping ") and notes != last_ping:  # B's own answer fires this too
            last_ping = notes
            loop.call_soon(answer, notes.split()[1])  # a new transaction, outside this callback

    expected = ""

    def on_a(events) -> None:
        if a.get(1) == expected:
            answered.set()

    subscriptions = (b.observe(on_b), a.observe(on_a))
    try:
        for n in range(rounds + WARMUP):
            expected = f"pong {n}"
            answered.clear()
            started = time.perf_counter()
            a.set(0, f"ping {n}")
            await asyncio.wait_for(answered.wait(), 10)
            if n >= WARMUP:
                samples.append((time.perf_counter() - started) * 1000)
    finally:
        b.unobserve(subscriptions[0])
        a.unobserve(subscriptions[1])
    return samples


async def busy_room(editors: list, observer, seconds: float) -> list[float]:
    """Each editor edits its own slot EDIT_RATE times a second (spread out); ms until the observer has each."""
    samples: list[float] = []
    seen: dict[int, str] = {}
    start = time.perf_counter()  # slots still hold an earlier round's last edits: not this round's

    def on_observer(events) -> None:
        now = time.perf_counter()
        for slot in range(len(editors)):
            value = observer.get(slot)
            if value.startswith("edit ") and seen.get(slot) != value:
                seen[slot] = value
                sent = float(value.split()[2])
                if sent >= start:
                    samples.append((now - sent) * 1000)

    async def edit(slot: int, slots) -> None:
        await asyncio.sleep(slot / (EDIT_RATE * len(editors)))  # staggered starts
        for n in range(int(seconds * EDIT_RATE)):
            slots.set(slot, f"edit {n} {time.perf_counter()!r}")
            await asyncio.sleep(1 / EDIT_RATE)

    subscription = observer.observe(on_observer)
    try:
        await asyncio.gather(*(edit(slot, slots) for slot, slots in enumerate(editors)))
        await asyncio.sleep(0.5)  # the last edits arrive
    finally:
        observer.unobserve(subscription)
    return samples


async def measure(base: str, token: str, room: str, edits: int, rounds: int, busy_s: float) -> dict[str, list[float]]:
    join, path, wrap = (joined, DESIGN, DesignSlots) if room == "design" else (joined_text, TEXT, TextSlots)
    async with AsyncExitStack() as stack:
        # clients that send only their own updates, as JupyterLab's do (pycrdt's Provider echoes all)
        a = wrap(await stack.enter_async_context(join(base, token, path, own_updates=True)))
        b = wrap(await stack.enter_async_context(join(base, token, path, own_updates=True)))
        result = {"one-way A->B": await one_way(a, b, edits), "round trip A->B->A": await round_trip(a, b, rounds)}
        if busy_s:
            others = [wrap(await stack.enter_async_context(join(base, token, path, own_updates=True))) for _ in range(EDITORS - 1)]
            result[f"{EDITORS} editors, observer"] = await busy_room([a, *others], b, busy_s)
        return result


@contextmanager
def servers(nagle: bool):
    """name -> (base, token, room) of every setup; each server has its own root holding both files
    (a room saving the file would otherwise look like an outside edit to the other server)."""
    with tempfile.TemporaryDirectory(prefix="isshoni-bench-") as folder, ExitStack() as stack:
        tmp = Path(folder)

        def root(name: str) -> Path:
            folder = tmp / name / "work"
            folder.mkdir(parents=True)
            templates.load("chat_canary").save(folder / DESIGN)
            # the text room's file: the design's own text (same size), the edit lines on top
            (folder / TEXT).write_text(("." * TextSlots.WIDTH + "\n") * SLOTS + (folder / DESIGN).read_text())
            return folder

        setups = {}
        base, token = stack.enter_context(isshoni_server(root("isshoni"), tmp / "isshoni"))
        setups["design room"] = (base, token, "design")
        setups["text room"] = (base, token, "text")
        base, token = stack.enter_context(jupyter(root("stock"), tmp / "stock", "--ServerApp.jpserver_extensions=isshoni=False"))
        setups["text room, stock server"] = (base, token, "text")
        if nagle:
            base, token = stack.enter_context(isshoni_server(root("nagle"), tmp / "nagle", "--IsshoniExtension.tcp_nodelay=False"))
            setups["design room, Nagle"] = (base, token, "design")
        yield setups


@contextmanager
def busy_disk(folder: Path):
    """A process that writes and fsyncs 64 KB in a loop: commits queue behind its flushes."""
    script = (
        "import os, sys\n"
        "path = sys.argv[1]\n"
        "with open(path, 'wb') as f:\n"
        "    while True:\n"
        "        f.write(os.urandom(65536)); f.flush(); os.fsync(f.fileno())\n"
        "        if f.tell() > 64 << 20: f.seek(0)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(folder / "busy.bin")])
    try:
        yield
    finally:
        proc.kill()
        proc.wait()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=500, help="one-way edits from A per round (after a warm-up of 20)")
    parser.add_argument("--round-trips", type=int, default=200, help="ping/pong rounds A->B->A per round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds over the setups")
    parser.add_argument("--busy-disk", action="store_true", help="fsync a file in a loop beside the measurement")
    parser.add_argument("--nagle", action="store_true", help="also the design room with Nagle's algorithm on")
    parser.add_argument("--busy-room", type=float, default=10.0,
                        help=f"seconds of {EDITORS} editors at {EDIT_RATE:g} edits/s each seen by an observer (0: skip)")
    args = parser.parse_args(argv)

    figures: dict[str, dict[str, list[tuple[float, float]]]] = {}
    with servers(args.nagle) as setups, tempfile.TemporaryDirectory() as scratch, \
            (busy_disk(Path(scratch)) if args.busy_disk else nullcontext()):
        for n in range(args.rounds):
            for name, (base, token, room) in setups.items():
                started = time.perf_counter()
                result = asyncio.run(measure(base, token, room, args.edits, args.round_trips, args.busy_room))
                for pattern, samples in result.items():
                    figures.setdefault(name, {}).setdefault(pattern, []).append((percentile(samples, 50), percentile(samples, 99)))
                print(f"round {n + 1}: {name} in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    load = os.getloadavg()[0]
    print(f"median over {args.rounds} interleaved rounds; disk {'busy (fsync loop)' if args.busy_disk else 'quiet'}; load {load:.1f}")
    patterns = list(next(iter(figures.values())))
    text = {pattern: statistics.median(p50 for p50, _ in figures["text room"][pattern]) for pattern in patterns}
    print(f"{'setup':<26} " + " ".join(f"{pattern + ' p50 / p99':>36}" for pattern in patterns) + "  p50 / text room")
    for name, by_pattern in figures.items():
        cells, ratios = [], []
        for pattern in patterns:
            rows = by_pattern[pattern]
            p50, p99 = statistics.median(p for p, _ in rows), statistics.median(p for _, p in rows)
            cells.append(f"{p50:>25.2f} / {p99:>6.2f} ms")
            ratios.append(f"{p50 / text[pattern]:.2f}x")
        print(f"{name:<26} " + " ".join(cells) + "  " + " ".join(ratios))
    return 0


if __name__ == "__main__":
    sys.exit(main())
