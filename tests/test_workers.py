"""The server's worker processes die with it, even when it is SIGKILLed (no orphans holding
cfn-lint's memory pile up across crashes and restarts)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

PARENT = """
import sys, time
from isshoni.server import workers
workers.pool("generate").schedule(workers.generate, args=({"version": 1, "meta": {"name": "t", "region": "us-east-1"},
    "resources": {}, "connections": {}}, "terraform")).result(60)
print(" ".join(str(p) for p in workers.pids("generate")), flush=True)
time.sleep(600)
"""


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] == "Z"  # exited, waiting to be reaped by init
    except FileNotFoundError:
        return True


def test_workers_exit_when_the_server_is_killed():
    proc = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        workers = [int(p) for p in proc.stdout.readline().split()]
        assert workers and all(not _gone(p) for p in workers)
        os.kill(proc.pid, signal.SIGKILL)  # only the parent: a crash, no chance to shut the pool down
        proc.wait(10)
        deadline = time.monotonic() + 30
        while not all(_gone(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert all(_gone(p) for p in workers), "worker processes outlived their server"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_identical_calls_share_one_run():
    """Several canvases asking for the same design's code start one compile, not one each."""
    import asyncio

    from isshoni import templates
    from isshoni.server import workers

    data = templates.load("vpc_basic").data

    async def three_canvases():
        calls = [workers.run("generate", workers.generate, data, "terraform") for _ in range(3)]
        results = await asyncio.gather(*calls)
        other = await workers.run("generate", workers.generate, data, "cloudformation")
        return results, other

    try:
        results, other = asyncio.run(three_canvases())
        assert results[0] is results[1] is results[2] and "main.tf" in results[0]
        assert "template.yaml" in other
        assert len(workers._results) == 2
    finally:
        workers.shutdown()


def test_a_worker_past_its_deadline_is_stopped_replaced_and_the_caller_told(monkeypatch):
    """Compiling 8,000 buckets takes seconds (a genuinely slow input): with a 0.5 s deadline the
    caller gets Overdue at once, the worker is replaced, and the next call succeeds."""
    import asyncio

    import pytest

    from isshoni import templates
    from isshoni.server import workers

    monkeypatch.setenv("ISSHONI_GENERATE_DEADLINE_S", "0.5")
    big = {"version": 1, "meta": {"name": "big", "region": "us-east-1"}, "connections": {},
           "resources": {f"b{i}": {"type": "s3_bucket"} for i in range(8000)}}
    small = templates.load("vpc_basic").data

    async def scenario():
        await asyncio.wrap_future(workers.warm(("generate",))[0])
        first = workers.pids("generate")
        with pytest.raises(workers.Overdue, match="generating the code took longer than 0.5 s"):
            await workers.run("generate", workers.generate, big, "terraform")
        monkeypatch.setenv("ISSHONI_GENERATE_DEADLINE_S", "120")  # the replacement warms up first
        files = await workers.run("generate", workers.generate, small, "terraform")
        return first, workers.pids("generate"), files

    try:
        first, after, files = asyncio.run(scenario())
        assert first and after and not set(first) & set(after)  # stopped and replaced
        assert "main.tf" in files
    finally:
        workers.shutdown()


def test_an_idle_pool_is_stopped_and_starts_again_on_its_next_call(monkeypatch):
    """No call for ISSHONI_WORKER_IDLE_S: the pool's processes end (an idle server is the server
    alone); the next call starts a new worker and succeeds.  A pool with a call in flight stays."""
    import asyncio

    from isshoni import templates
    from isshoni.server import workers

    monkeypatch.setenv("ISSHONI_WORKER_IDLE_S", "0.5")
    small = templates.load("vpc_basic").data

    async def scenario():
        await workers.run("generate", workers.generate, small, "terraform")
        first = workers.pids("generate")
        assert "generate" not in workers.retire_idle()  # just used
        await asyncio.sleep(0.6)
        stopped = workers.retire_idle()
        assert "generate" in stopped  # (with the pools the call warmed beside it, as idle)
        for executor in stopped.values():
            await asyncio.to_thread(executor.join, 10)
        gone = workers.pids("generate")
        files = await workers.run("generate", workers.generate, small, "cloudformation")
        return first, gone, workers.pids("generate"), files

    try:
        first, gone, again, files = asyncio.run(scenario())
        assert first and not gone and again and not set(first) & set(again)
        assert all(not _alive(p) for p in first)
        assert "template.yaml" in files
    finally:
        workers.shutdown()


def test_a_pool_with_a_call_in_flight_is_not_stopped(monkeypatch):
    import asyncio

    from isshoni.server import workers

    monkeypatch.setenv("ISSHONI_WORKER_IDLE_S", "0.2")
    big = {"version": 1, "meta": {"name": "big", "region": "us-east-1"}, "connections": {},
           "resources": {f"b{i}": {"type": "s3_bucket"} for i in range(3000)}}

    async def scenario():
        call = asyncio.ensure_future(workers.run("generate", workers.generate, big, "terraform"))
        await asyncio.sleep(0.5)  # past the idle time, the compile still running
        kept = workers.retire_idle(time.monotonic() + 60)
        files = await call
        return kept, files

    try:
        kept, files = asyncio.run(scenario())
        assert "generate" not in kept and "main.tf" in files  # (the pools it warmed had no call: stopped)
    finally:
        workers.shutdown()


def _alive(pid: int) -> bool:
    return not _gone(pid)


def test_the_server_process_imports_no_checker():
    """cfn-lint, checkov and the compilers' heavy parts live in the workers only: loading the server
    extension, its handlers and its rooms imports none of them (an idle server stays small)."""
    code = ("import sys, isshoni.server.app, isshoni.server.handlers, isshoni.stores.rooms; "
            "print(' '.join(m for m in ('cfnlint', 'checkov', 'samtranslator', 'hcl2', 'moto', 'anthropic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True).stdout.split()
    assert out == [], out


def test_a_server_starts_its_worker_pools_on_the_first_call_not_before(tmp_path):
    """A server nobody uses is the server alone; the first call (an edit) starts its own pool and
    warms the generating and checking pools beside it, as a canvas asks for code and checks next."""
    import json

    import psutil

    from isshoni import templates
    from isshoni.server import workers
    from rooms import rest_server

    def spawned(server) -> set[int]:
        info = json.loads(next((server["tmp"] / "runtime").glob("jpserver-*.json")).read_text())
        return {c.pid for c in psutil.Process(info["pid"]).children() if "spawn_main" in " ".join(c.cmdline())}

    with rest_server(tmp_path) as server:
        templates.load("chat_canary").save(server["root"] / "a.infra.json")
        assert server["client"].get("/api/status").status_code == 200
        time.sleep(2)  # long enough for a pool started with the server to show its processes
        assert spawned(server) == set()
        response = server["client"].post("/isshoni/api/designs/a.infra.json/canvas",
                                         json={"ops": [{"op": "set_notes", "id": "vpc", "notes": "first"}]})
        assert response.status_code == 200, response.text
        expected = sum(workers.size(kind) for kind in workers.WARM_TOGETHER)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(spawned(server)) < expected:
            time.sleep(0.2)
        assert len(spawned(server)) == expected
