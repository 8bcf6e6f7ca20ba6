"""Kernel helpers: how long `isshoni.open` takes, how fast a cell's edit reaches a collaborator,
and how long a kernel takes to rejoin after the server restarts.

A real Jupyter server (loopback) holds `chat_canary`; `isshoni.open` joins it the
way a kernel does (background thread), a pycrdt client in the same process
watches the room, so one clock times both ends.  Figures:

- open: `isshoni.open` to a synced, announced LiveDesign (the first call; this script has
  already imported isshoni, pycrdt and httpx, so a fresh kernel's first open costs more);
- edit: from the start of `design.set(...)` (snapshot, model validation, minimal
  diff) to the collaborator seeing the value, sequential edits;
- rejoin: from the restarted server answering to the kernel being connected again, over
  several restarts (median and max: the kernel's backoff makes it vary).

    python benchmarks/bench_kernel.py [--edits 200] [--restarts 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the test helpers start servers and join rooms

import isshoni  # noqa: E402
from isshoni import templates  # noqa: E402
from rooms import isshoni_server, joined  # noqa: E402
from servers import free_port  # noqa: E402

DESIGN = "bench.infra.json"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def line(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (f"{name:<34} n={len(ms):<4} median {statistics.median(ms):7.1f} ms   p99 {percentile(ms, 99):7.1f} ms   "
            f"max {max(ms):7.1f} ms")


async def watch_edits(base: str, token: str, design, edits: int) -> list[float]:
    async with joined(base, token, DESIGN) as doc:
        out = []
        for i in range(edits):
            value = i % 500 + 2  # within the catalog's 0..1000, never the value before
            started = time.perf_counter()
            edit = asyncio.ensure_future(asyncio.to_thread(design.set, "blue", desired_count=value))
            while doc._yresources["blue"]["properties"].get("desired_count") != value:
                if edit.done():
                    edit.result()  # an edit the model refused: say so instead of waiting forever
                await asyncio.sleep(0.0005)
            out.append(time.perf_counter() - started)
            await edit
        return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--restarts", type=int, default=5, help="server restarts the kernel rejoins after")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        root = tmp / "root"
        root.mkdir()
        templates.load("chat_canary").save(root / DESIGN)
        port = free_port()
        with isshoni_server(root, tmp, port=port) as (base, token):
            os.chdir(root)
            started = time.perf_counter()
            design = isshoni.open(DESIGN, url=base, token=token)
            open_s = time.perf_counter() - started
            edits = asyncio.run(watch_edits(base, token, design, args.edits))
        rejoins = []
        for _ in range(args.restarts):
            _until(lambda: design.status != "connected", 30)  # the kernel has seen the server go
            with isshoni_server(root, tmp, port=port):
                answered = time.perf_counter()
                if not design.wait_connected(60):
                    raise RuntimeError(f"the kernel did not rejoin within 60 s: {design.status}, {design.last_error}")
                rejoins.append(time.perf_counter() - answered)
        design.close()
    print(f"isshoni.open (first call; isshoni, pycrdt, httpx already imported) {open_s * 1000:7.0f} ms")
    print(line("edit -> collaborator (set)", edits))
    print(line("rejoin after a server restart", rejoins))
    print("  (from the restarted server answering /api/status, polled every 50 ms; the kernel retries with exponential\n"
          "   backoff, 0.2 s doubling up to 2 s plus 0-0.2 s, so it depends on where in that wait the server came back)")


def _until(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError("timed out")
        time.sleep(0.01)


if __name__ == "__main__":
    main()
