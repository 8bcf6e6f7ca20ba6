"""A server's memory: idle, after its first call, idle again, and per open design room.

Starts real JupyterLab servers (loopback, the page extensions on, as a user runs them) and
sums the memory of each server's process tree (the server and its worker processes):

- a stock JupyterLab server (Isshoni's server extension off), idle: the peer;
- an Isshoni server just started (no worker pool runs until the first call);
- the same after one edit (which starts the edit pool and warms the generating and checking
  pools beside it: what a canvas's first open does);
- the same once the pools have been idle for `ISSHONI_WORKER_IDLE_S` (`--idle-s`, 10 here)
  and stopped;
- what `--rooms` open rooms add: design rooms of a 100-resource design against text rooms
  of the same size, on the same server, each joined by a pycrdt client in this process.

Two sums are printed: RSS (each process counted whole: shared pages counted in every
process) and PSS (shared pages split between the processes sharing them: what the tree
costs the machine).  The issue's budget: an idle server under 250 MiB, workers included.

    python benchmarks/bench_memory.py [--rooms 50] [--idle-s 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the test helpers start servers and join rooms

from isshoni.design.model import Design  # noqa: E402
from rooms import isshoni_server, joined, joined_text  # noqa: E402
from servers import jupyter  # noqa: E402
from ydocs import design_data  # noqa: E402

MiB = 1 << 20
SETTLE_S = 3.0


def server_pid(tmp: Path) -> int:
    return json.loads(next((tmp / "runtime").glob("jpserver-*.json")).read_text())["pid"]


def tree(pid: int) -> list[psutil.Process]:
    parent = psutil.Process(pid)
    return [parent, *parent.children(recursive=True)]


def memory(pid: int) -> dict[str, float]:
    """RSS and PSS summed over the server's process tree, in MiB, and how many processes."""
    rss = pss = 0
    processes = tree(pid)
    for process in processes:
        try:
            info = process.memory_full_info()
        except psutil.NoSuchProcess:
            continue
        rss += info.rss
        pss += info.pss
    return {"rss": rss / MiB, "pss": pss / MiB, "processes": len(processes)}


def workers_of(pid: int) -> int:
    return sum("spawn_main" in " ".join(p.cmdline()) for p in tree(pid)[1:])


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.25)


def line(name: str, figures: dict[str, float], peer: dict[str, float] | None = None) -> str:
    ratio = f"  ({figures['pss'] / peer['pss']:.2f}x the stock server's PSS)" if peer else ""
    return (f"  {name:<44} RSS {figures['rss']:7.1f} MiB   PSS {figures['pss']:7.1f} MiB   "
            f"{figures['processes']} process(es){ratio}")


async def open_rooms(base: str, token: str, paths: list[str], kind: str) -> AsyncExitStack:
    stack = AsyncExitStack()
    join = joined if kind == "design" else joined_text
    for path in paths:
        await stack.enter_async_context(join(base, token, path, timeout=60))
    return stack


def rooms_added(base: str, token: str, pid: int, paths: list[str], kind: str) -> float:
    """PSS the server tree gains while `paths` are open as rooms (MiB)."""

    async def scenario() -> float:
        before = memory(pid)["pss"]
        stack = await open_rooms(base, token, paths, kind)
        try:
            await asyncio.sleep(SETTLE_S)
            return memory(pid)["pss"] - before
        finally:
            await stack.aclose()

    return asyncio.run(scenario())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rooms", type=int, default=50, help="rooms opened of each kind (0 skips)")
    parser.add_argument("--idle-s", type=float, default=10.0, help="ISSHONI_WORKER_IDLE_S for the Isshoni server")
    args = parser.parse_args(argv)
    os.environ["ISSHONI_WORKER_IDLE_S"] = str(args.idle_s)  # the servers inherit it

    with tempfile.TemporaryDirectory(prefix="isshoni-bench-") as folder:
        tmp = Path(folder)
        stock_root, root = tmp / "stock" / "work", tmp / "isshoni" / "work"
        for path in (stock_root, root):
            path.mkdir(parents=True)
        Design(design_data(100)).save(root / "first.infra.json")
        text = json.dumps(design_data(100), indent=1, sort_keys=True)
        for n in range(args.rooms):
            Design(design_data(100)).save(root / f"d{n}.infra.json")
            (root / f"t{n}.txt").write_text(text)

        print("memory of each server's process tree (server + worker processes)")
        with jupyter(stock_root, tmp / "stock", "--ServerApp.jpserver_extensions=isshoni=False", lab=True):
            time.sleep(SETTLE_S)
            stock = memory(server_pid(tmp / "stock"))
        print(line("stock JupyterLab, idle", stock))

        with isshoni_server(root, tmp / "isshoni", lab=True) as (base, token):
            pid = server_pid(tmp / "isshoni")
            time.sleep(SETTLE_S)
            fresh = memory(pid)
            print(line("Isshoni, idle after start", fresh, stock), f"workers: {workers_of(pid)}")
            with httpx.Client(base_url=base, headers={"Authorization": f"token {token}"}, timeout=120) as client:
                started = time.monotonic()
                response = client.post("/isshoni/api/designs/first.infra.json/canvas",
                                       json={"ops": [{"op": "set_notes", "id": "n0", "notes": "first call"}]})
                response.raise_for_status()
                first_call_s = time.monotonic() - started
            wait_for(lambda: workers_of(pid) >= 4, 120, "the worker pools")
            time.sleep(SETTLE_S + 5)  # the warming pools finish their imports
            print(line("Isshoni, after its first call (an edit)", memory(pid), stock),
                  f"workers: {workers_of(pid)}; the call took {first_call_s:.2f} s with its pool's start")
            wait_for(lambda: workers_of(pid) == 0, args.idle_s + 60, "the idle pools to stop")
            time.sleep(SETTLE_S)
            idle = memory(pid)
            print(line(f"Isshoni, pools idle {args.idle_s:g} s and stopped", idle, stock), f"workers: {workers_of(pid)}")
            if args.rooms:
                text_mib = rooms_added(base, token, pid, [f"t{n}.txt" for n in range(args.rooms)], "text")
                design_mib = rooms_added(base, token, pid, [f"d{n}.infra.json" for n in range(args.rooms)], "design")
                print(f"  {args.rooms} open rooms add (PSS): text rooms {text_mib:.1f} MiB, "
                      f"design rooms of 100 resources {design_mib:.1f} MiB ({design_mib / max(text_mib, 0.1):.2f}x)")
        worst = max(fresh["pss"], idle["pss"])
        print(f"budget: idle server under 250 MiB with its workers: {'met' if worst < 250 else 'NOT met'} "
              f"(PSS {worst:.1f} MiB, the larger of just started and idle again)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
