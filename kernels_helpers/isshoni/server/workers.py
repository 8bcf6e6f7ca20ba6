"""Compiling and checking run in worker processes, not threads.

cfn-lint, the compiler and checkov are pure-Python CPU work: in a thread they
hold the GIL for seconds and starve the server's event loop, which also
relays every collaboration websocket (measured: a property edit took 1.4 s
to reach the other canvas while a check ran in a thread).  Two small pools
of spawned processes keep the loop free: one for generating code (fast, so it
never waits behind a slow check) and one for checks.  Both are warmed when
the server starts, so the first request does not pay for imports and
cfn-lint's region data.
"""

from __future__ import annotations

import asyncio
import ctypes
import hashlib
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor

SIZES = {"generate": 1, "check": 1}
_pools: dict[str, ProcessPoolExecutor] = {}
# Every open canvas asks for code and fast checks after each edit: N collaborators would
# compile the same design N times.  Compiling and checking are deterministic, so identical
# calls share one run (in flight or recently finished).
RESULTS_KEPT = 64
_results: OrderedDict[str, asyncio.Future] = OrderedDict()


def pool(kind: str) -> ProcessPoolExecutor:
    if kind not in _pools:
        size = int(os.environ.get(f"ISSHONI_{kind.upper()}_WORKERS", "0")) or SIZES[kind]
        _pools[kind] = ProcessPoolExecutor(
            max_workers=size,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_die_with_parent,
            initargs=(os.getpid(),),
        )
    return _pools[kind]


async def run(kind: str, fn, *args):
    """`fn(*args)` in a worker of pool `kind` (picklable module functions and plain data only).

    Identical calls (same function, same arguments) share one run; failures are not kept."""
    key = hashlib.sha256(json.dumps([fn.__name__, args], sort_keys=True, default=str).encode()).hexdigest()
    future = _results.get(key)
    if future is None or (future.done() and (future.cancelled() or future.exception() is not None)):
        future = asyncio.ensure_future(asyncio.get_running_loop().run_in_executor(pool(kind), fn, *args))
        _results[key] = future
        while len(_results) > RESULTS_KEPT:
            _results.popitem(last=False)
    _results.move_to_end(key)
    return await asyncio.shield(future)


def warm() -> list[Future]:
    """Start every worker and load what it needs, in the background."""
    return [pool(kind).submit(_warm, kind) for kind, size in SIZES.items() for _ in range(size)]


def shutdown() -> None:
    _results.clear()
    for executor in _pools.values():
        executor.shutdown(wait=False, cancel_futures=True)
    _pools.clear()


def _die_with_parent(parent: int) -> None:
    """A worker never outlives its server: a SIGKILLed server cannot shut its pool down, and
    orphaned workers (each holding cfn-lint, ~280 MB) would pile up.  Linux delivers SIGTERM
    when the parent dies; elsewhere a watchdog thread notices the new parent."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above ran
        os._exit(0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="isshoni-parent-watch").start()


def _warm(kind: str) -> None:
    from ..templates import load

    design = load("vpc_basic")
    if kind == "check":
        check(design.data, ("isshoni", "cfn-lint"))
    else:
        generate(design.data, "cloudformation")


def _design(data: dict, folder: str | None):
    from pathlib import Path

    from ..design import Design

    design = Design(data)
    design.folder = Path(folder) if folder else None  # where its Lambda code folders are
    return design


def generate(data: dict, fmt: str, folder: str | None = None) -> dict[str, str]:
    from ..compiler import generate as _generate

    return _generate(_design(data, folder), fmt)


def check(data: dict, tools: tuple[str, ...], folder: str | None = None) -> dict:
    from ..checks import check as _check

    return _check(_design(data, folder), tools).to_dict()
