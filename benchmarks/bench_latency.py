"""Edit latency between two collaborators in one design room, with and without TCP_NODELAY.

Starts a real Jupyter server (loopback) twice: with Isshoni's default
(Nagle off on the room websockets) and with `--IsshoniExtension.tcp_nodelay=False`.
Two pycrdt clients join the room of one design and measure:

- one-way A -> B: A makes sequential single edits, each carrying its send time;
  B timestamps each when its update arrives.
- round trip A -> B -> A: A pings, B answers as soon as it sees the ping, A
  waits for the answer (request/response: the pattern where Nagle's algorithm
  meets delayed ACKs and adds ~40 ms).

Both clients live in this process, so one clock times both ends.

    python benchmarks/bench_latency.py [--edits 1000] [--round-trips 500]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the test helpers start servers and join rooms

from isshoni import templates  # noqa: E402
from rooms import isshoni_server, joined  # noqa: E402

WARMUP = 20
DESIGN = "bench.infra.json"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def one_way(a, b, edits: int) -> list[float]:
    """Sequential edits from A, each carrying its send time; ms until B has it."""
    samples: list[float] = []
    arrived = asyncio.Event()

    def on_b(events) -> None:
        notes = b._yresources["alb"]["notes"]
        if notes.startswith("edit "):
            _, n, sent = notes.split()
            if int(n) >= WARMUP:
                samples.append((time.perf_counter() - float(sent)) * 1000)
            arrived.set()

    subscription = b._yresources.observe_deep(on_b)
    try:
        for n in range(edits + WARMUP):
            arrived.clear()
            a._yresources["alb"]["notes"] = f"edit {n} {time.perf_counter()!r}"
            await asyncio.wait_for(arrived.wait(), 10)
    finally:
        b._yresources.unobserve(subscription)
    return samples


async def round_trip(a, b, rounds: int) -> list[float]:
    """A pings (one edit), B answers with an edit of its own when the ping arrives; ms until A sees it."""
    loop = asyncio.get_running_loop()
    samples: list[float] = []
    answered = asyncio.Event()

    last_ping = ""

    def answer(n: str) -> None:
        b._yresources["cdn"]["notes"] = f"pong {n}"

    def on_b(events) -> None:
        nonlocal last_ping
        notes = b._yresources["alb"]["notes"]
        if notes.startswith("ping ") and notes != last_ping:  # B's own answer fires this too
            last_ping = notes
            loop.call_soon(answer, notes.split()[1])  # a new transaction, outside this callback

    expected = ""

    def on_a(events) -> None:
        if a._yresources["cdn"]["notes"] == expected:
            answered.set()

    subscriptions = (b._yresources.observe_deep(on_b), a._yresources.observe_deep(on_a))
    try:
        for n in range(rounds + WARMUP):
            expected = f"pong {n}"
            answered.clear()
            started = time.perf_counter()
            a._yresources["alb"]["notes"] = f"ping {n}"
            await asyncio.wait_for(answered.wait(), 10)
            if n >= WARMUP:
                samples.append((time.perf_counter() - started) * 1000)
    finally:
        b._yresources.unobserve(subscriptions[0])
        a._yresources.unobserve(subscriptions[1])
    return samples


async def measure(base: str, token: str, edits: int, rounds: int) -> dict[str, list[float]]:
    async with joined(base, token, DESIGN) as a, joined(base, token, DESIGN) as b:
        return {"one-way A->B": await one_way(a, b, edits), "round trip A->B->A": await round_trip(a, b, rounds)}


def run_server(nodelay: bool, edits: int, rounds: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory(prefix="isshoni-bench-") as folder:
        tmp = Path(folder)
        root = tmp / "work"
        root.mkdir()
        templates.load("chat_canary").save(root / DESIGN)
        extra = () if nodelay else ("--IsshoniExtension.tcp_nodelay=False",)
        with isshoni_server(root, tmp, *extra) as (base, token):
            return asyncio.run(measure(base, token, edits, rounds))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=1000, help="one-way edits from A (after a warm-up of 20)")
    parser.add_argument("--round-trips", type=int, default=500, help="ping/pong rounds A->B->A")
    args = parser.parse_args(argv)

    results = {}
    for label, nodelay in (("TCP_NODELAY", True), ("Nagle (tcp_nodelay=False)", False)):
        started = time.perf_counter()
        results[label] = run_server(nodelay, args.edits, args.round_trips)
        print(f"{label}: measured in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    fast, slow = results["TCP_NODELAY"], results["Nagle (tcp_nodelay=False)"]
    print(f"{'pattern':<20} {'n':>5} | {'nodelay p50':>11} {'p99':>7} | {'Nagle p50':>9} {'p99':>7} | {'ratio p50':>9} {'p99':>6}")
    for pattern in fast:
        f, s = fast[pattern], slow[pattern]
        f50, f99, s50, s99 = percentile(f, 50), percentile(f, 99), percentile(s, 50), percentile(s, 99)
        print(f"{pattern:<20} {len(f):>5} | {f50:>8.2f} ms {f99:>7.2f} | {s50:>6.2f} ms {s99:>7.2f} | "
              f"{s50 / f50:>8.1f}x {s99 / f99:>5.1f}x")
    print("(ms; ratio = Nagle / nodelay; mean one-way with nodelay "
          f"{statistics.fmean(fast['one-way A->B']):.2f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
