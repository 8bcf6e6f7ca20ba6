"""Compiling, checking and validating edits run in worker processes, each with a deadline.

cfn-lint, the compiler and checkov are pure-Python CPU work: in a thread they
hold the GIL for seconds and starve the server's event loop, which also
relays every collaboration websocket (measured: a property edit took 1.4 s
to reach the other canvas while a check ran in a thread).  Three small pools
of spawned processes keep the loop free: one for generating code (fast, so it
never waits behind a slow check), one for checks, and one that validates
REST and assistant edits (two workers: one slow edit leaves the other free).

Every call has a deadline (`ISSHONI_<KIND>_DEADLINE_S` overrides the default):
a worker still busy when it passes is stopped and replaced (pebble's process
pool does both), and the caller gets `Overdue`, so nothing any design holds can
keep a worker, and every request queued behind it, forever.  Each worker warms
up (imports, cfn-lint's region data) before it takes a call, so no call's
deadline pays for that (pebble starts a deadline when its worker takes the call).  What the workers run is in `isshoni.tasks`, which imports neither the
server extension nor the assistant's SDK.

Pools are not kept for nothing.  None starts with the server: the first call of
any kind starts its pool and warms the others in the background (a canvas that
asked for code asks for checks next), and a pool with no call for
`ISSHONI_WORKER_IDLE_S` seconds (default 300; 0 keeps them) is stopped
(`reap_idle`, run by the server extension) and starts again on its next call.
An idle server is the server alone (cfn-lint and checkov live only in the
workers).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import multiprocessing
import os
import time
from collections import OrderedDict
from concurrent.futures import Future

from pebble import ProcessExpired, ProcessPool

from ..design.jsonvalues import MAX_DEPTH, nested_deeper_than
from ..tasks import (
    check,
    compare,
    edit,
    generate,
    generate_mapped,
    import_source,
    ready,
    save_design,
    start_worker,
)

__all__ = ["Overdue", "WorkerDied", "check", "compare", "edit", "generate", "generate_mapped", "import_source", "pool", "reap_idle", "retire_idle",
           "run", "running", "save_design", "shutdown", "warm"]

SIZES = {"generate": 1, "check": 1, "edit": 2, "import": 1}
# seconds; generous: a check runs cfn-lint, terraform and checkov on a loaded machine
DEADLINES = {"generate": 120.0, "check": 600.0, "edit": 30.0, "import": 120.0}  # import: started on first use
WARM_TOGETHER = ("generate", "check", "edit")  # the first call of any starts all three
MAX_ARGS_DEPTH = MAX_DEPTH + 20  # pickle recurses: far deeper arguments would kill pebble's scheduler thread
_pools: dict[str, ProcessPool] = {}
# Every open canvas asks for code and fast checks after each edit: N collaborators would
# compile the same design N times.  Compiling and checking are deterministic, so identical
# calls share one run (in flight or recently finished).
RESULTS_KEPT = 64
_results: OrderedDict[str, asyncio.Future] = OrderedDict()
IDLE_S = 300.0
_busy: dict[str, int] = {}  # calls in flight per pool
_last_used: dict[str, float] = {}  # monotonic time a pool last started or finished a call
_warming: dict[str, list[Future]] = {}  # a pool's warm-up calls (workers.warm)


class Overdue(TimeoutError):
    """A call passed its deadline: its worker was stopped and replaced."""


class WorkerDied(RuntimeError):
    """A worker ended in the middle of a call (killed from outside, out of memory)."""


def size(kind: str) -> int:
    return int(os.environ.get(f"ISSHONI_{kind.upper()}_WORKERS", "0")) or SIZES[kind]


def deadline(kind: str) -> float:
    return float(os.environ.get(f"ISSHONI_{kind.upper()}_DEADLINE_S", "0")) or DEADLINES[kind]


def idle_after() -> float:
    return float(os.environ.get("ISSHONI_WORKER_IDLE_S", IDLE_S))


def pool(kind: str) -> ProcessPool:
    _last_used[kind] = time.monotonic()
    if kind not in _pools or not _pools[kind].active:
        _pools[kind] = ProcessPool(
            max_workers=size(kind),
            initializer=start_worker,
            initargs=(os.getpid(), kind),
            context=multiprocessing.get_context("spawn"),
        )
    return _pools[kind]


def pids(kind: str) -> list[int]:
    """The worker processes of a pool now (tests, diagnostics)."""
    return sorted(_pools[kind]._pool_manager.worker_manager.workers) if kind in _pools else []


async def run(kind: str, fn, *args):
    """`fn(*args)` in a worker of pool `kind` (picklable module functions and plain data only),
    within the pool's deadline.

    Identical calls (same function, same arguments) share one run.  Failures are not kept,
    except a passed deadline: the same input would only take as long again."""
    if nested_deeper_than(args, MAX_ARGS_DEPTH):  # pickling it would fail inside the pool's own thread
        raise ValueError(f"nested too deeply to hand to a worker (more than {MAX_ARGS_DEPTH} levels)")
    key = hashlib.sha256(json.dumps([fn.__name__, args], sort_keys=True, default=str).encode()).hexdigest()
    future = _results.get(key)
    if future is None or (future.done() and (future.cancelled() or _retry(future.exception()))):
        future = asyncio.ensure_future(_call(kind, fn, args))
        _results[key] = future
        while len(_results) > RESULTS_KEPT:
            _results.popitem(last=False)
    _results.move_to_end(key)
    return await asyncio.shield(future)


def _retry(error: BaseException | None) -> bool:
    return error is not None and not isinstance(error, Overdue)


async def _call(kind: str, fn, args):
    limit = deadline(kind)
    _busy[kind] = _busy.get(kind, 0) + 1
    if kind in WARM_TOGETHER:
        warm(k for k in WARM_TOGETHER if k != kind and not running(k))
    try:
        return await asyncio.wrap_future(pool(kind).schedule(fn, args=args, timeout=limit))
    except TimeoutError as exc:
        if exc.args[:1] != ("Task timeout",):  # pebble's; any other is the call's own error
            raise
        raise Overdue(f"{_WHAT.get(kind, kind)} took longer than {limit:g} s and was stopped "
                      "(its worker was replaced; other requests are not affected)") from None
    except ProcessExpired as exc:
        raise WorkerDied(f"the worker {_WHAT.get(kind, kind)} ended unexpectedly (exit code {exc.exitcode}); "
                         "try again") from None
    finally:
        _busy[kind] -= 1
        _last_used[kind] = time.monotonic()


_WHAT = {"generate": "generating the code", "check": "checking the design", "edit": "validating the edit",
         "import": "importing the template"}


def running(kind: str) -> bool:
    return kind in _pools and _pools[kind].active


def warm(kinds=WARM_TOGETHER) -> list[Future]:
    """Start every worker of these pools, in the background (each warms up as it starts).  A
    pool counts as used until its workers are warm: it is not stopped half-way through warming."""
    started = []
    for kind in kinds:
        _warming[kind] = [pool(kind).schedule(ready) for _ in range(size(kind))]
        for future in _warming[kind]:  # warm counts as used (set from pebble's thread: one dict store)
            future.add_done_callback(lambda _, kind=kind: _last_used.__setitem__(kind, time.monotonic()))
        started += _warming[kind]
    return started


def _in_use(kind: str, now: float, limit: float) -> bool:
    if _busy.get(kind) or not all(f.done() for f in _warming.get(kind, ())):
        return True
    return now - _last_used.get(kind, now) < limit


def retire_idle(now: float | None = None) -> dict[str, ProcessPool]:
    """Stop the pools that had no call in flight for `idle_after()` seconds and forget them; returns
    them by kind, for the caller to `join` (which ends their processes: it blocks, so off the event
    loop).  Their next call starts them again, and pays the warm-up."""
    limit = idle_after()
    if limit <= 0:
        return {}
    now = time.monotonic() if now is None else now
    idle = [kind for kind in _pools if not _in_use(kind, now, limit)]
    stopped = {kind: _pools.pop(kind) for kind in idle}
    for executor in stopped.values():
        executor.stop()
    return stopped


async def reap_idle(log=None) -> None:
    """Run for the server's life: retire idle pools, checking a few times per idle period."""
    while True:
        await asyncio.sleep(max(1.0, min(30.0, idle_after() / 4 or 30.0)))
        stopped = retire_idle()
        for executor in stopped.values():
            await asyncio.to_thread(executor.join, 10)
        if stopped and log is not None:
            log.info("isshoni: stopped idle worker pools %s (they start again on their next call)", ", ".join(stopped))


def shutdown() -> None:
    """Stop every worker now, busy or not: a server must exit promptly on SIGTERM, and the
    interpreter waits at exit for worker processes that are still running."""
    _results.clear()
    _warming.clear()
    pools = list(_pools.values())
    _pools.clear()
    for executor in pools:
        executor.stop()
    for executor in pools:
        executor.join(timeout=10)
