"""Deploy, destroy, canary and rollback jobs the server runs for a live design, previews and drift checks.

Each runs in a child process of its own (deploy/child.py) with a deadline: the event loop,
and with it every open canvas, never waits on AWS, moto or terraform, and a job past its
deadline is stopped with everything it started.  The child sends its job records up a pipe;
a relay thread hands each to the loop, which stores it in the live design through the one
record check (job_records.store) with a write key only this server holds, signed with the
name of the person who started the job.  Every collaborator's canvas sees the records move.

One job per design at a time: a second request while one runs (here, or a kernel's or the
CLI's job holding the deployment's lock) is refused with 409 before anything starts.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import secrets
import signal
import threading
import time
from dataclasses import dataclass, field

from ..deploy import child, paths
from ..deploy.jobs import TERMINAL, now_iso
from ..deploy.locks import Busy, locked
from ..design.model import Design
from .documents import LiveDesigns
from .errors import ApiError
from .job_records import store

DEADLINES = {"deploy": 3600.0, "destroy": 3600.0, "canary": 1800.0, "rollback": 600.0, "preview": 600.0, "drift": 600.0}
EXIT_S = 30.0  # how long a new job waits for the process of one that has just ended
START_S = 120.0  # a child that has not said whether its job started by then is stopped (spawn + imports, loaded machine)


def deadline(kind: str) -> float:
    return float(os.environ.get(f"ISSHONI_{kind.upper()}_DEADLINE_S", "0")) or DEADLINES[kind]


@dataclass
class Running:
    path: str
    kind: str
    key: str
    by: str
    process: multiprocessing.Process
    first: asyncio.Future
    exited: asyncio.Future
    job_id: str | None = None
    last: dict = field(default_factory=dict)
    over: bool = False  # its job has ended (or its preview answered): only the process is still exiting


class DeployJobs:
    """The jobs this server runs, one per design."""

    def __init__(self, designs: LiveDesigns, log) -> None:
        self.designs, self.log = designs, log
        self.running: dict[str, Running] = {}
        self._context = multiprocessing.get_context("spawn")

    def busy(self, path: str) -> Running | None:
        return self.running.get(path)

    async def start(self, settings: dict, path: str, kind: str, options: dict, by: str, design: Design) -> dict:
        """Start `kind` on the design at `path`; returns its first record (or, for a preview, its result)."""
        running = self.running.get(path)
        if running is not None and running.over:  # a job that has just ended: its process is exiting
            try:
                await asyncio.wait_for(asyncio.shield(running.exited), EXIT_S)
            except asyncio.TimeoutError:
                pass
            running = self.running.get(path)
        if running is not None:
            what = f"job {running.job_id}" if running.job_id else f"a {running.kind}"
            raise ApiError(409, f"{what} is running on {path} (started by {running.by}): wait for it to end")
        target = options.get("target", "sandbox")
        try:
            with locked(paths.deploy_lock(target, design.region, design.name), wait=0, what=f"deployment of {design.name!r}"):
                pass
        except Busy as exc:
            raise ApiError(409, f"another job is running on this deployment ({exc}): wait for it to end") from None
        records = design.deployments if kind not in child.ANSWERS else {}
        reader, writer = self._context.Pipe(duplex=False)
        process = self._context.Process(target=child.run, args=(kind, design.data, options, records, writer),
                                        name=f"isshoni-{kind}", daemon=True)
        loop = asyncio.get_running_loop()
        job = Running(path, kind, secrets.token_urlsafe(32), by, process, loop.create_future(), loop.create_future())
        self.running[path] = job
        try:
            process.start()
        except Exception:
            del self.running[path]
            raise
        writer.close()
        threading.Thread(target=self._relay, args=(job, reader, settings, loop), name=f"isshoni-{kind}-relay",
                         daemon=True).start()
        return await job.first

    # ------------------------------------------------------------ the relay thread
    def _relay(self, job: Running, reader, settings: dict, loop: asyncio.AbstractEventLoop) -> None:
        started = time.monotonic()
        limit = deadline(job.kind)
        why = None
        try:
            while True:
                waited = time.monotonic() - started
                if waited > limit or (job.job_id is None and not job.first.done() and waited > START_S):
                    why = f"stopped after {waited:.0f} s: the {job.kind} passed its deadline ({limit:g} s)"
                    self._kill(job.process)
                    break
                try:
                    if not reader.poll(0.5):
                        if not job.process.is_alive() and not reader.poll(0):
                            break
                        continue
                    message = reader.recv()
                except (EOFError, OSError):
                    break
                self._handle(job, message, settings, loop)
        finally:
            reader.close()
            job.process.join(10)
            code = job.process.exitcode
            asyncio.run_coroutine_threadsafe(self._finish(job, settings, why, code), loop).result(60)

    def _handle(self, job: Running, message: dict, settings: dict, loop) -> None:
        if "record" in message:
            record = message["record"]
            job.job_id = job.job_id or record.get("id")
            if record.get("id") == job.job_id:
                job.last = record
                job.over = record.get("state") in TERMINAL
            future = asyncio.run_coroutine_threadsafe(self._store(job, record, settings), loop)
            try:
                future.result(60)
            except Exception as exc:  # noqa: BLE001 - one record not stored: the job goes on, the next one may be
                self.log.warning("isshoni: job record %s not stored: %s", record.get("id"), exc)
        elif "answer" in message:
            job.over = True
            loop.call_soon_threadsafe(_resolve, job.first, message["answer"], None)
        elif "refused" in message:
            job.over = True
            loop.call_soon_threadsafe(_resolve, job.first, None, ApiError(message.get("status", 400), message["refused"]))

    async def _store(self, job: Running, record: dict, settings: dict) -> None:
        ours = record.get("id") == job.job_id
        stored, _ = await store(self.designs, settings, job.path, record, job.key if ours else secrets.token_urlsafe(32), job.by)
        if ours and not job.first.done():
            job.first.set_result(stored)

    async def _finish(self, job: Running, settings: dict, why: str | None, code: int | None) -> None:
        """The child is gone: a job it left unfinished is ended here, saying why; the design is free again."""
        try:
            if job.job_id and job.last.get("state") not in TERMINAL:
                reason = why or f"the job's process ended (exit code {code}) before the job did"
                record = {**job.last, "state": "failed", "outcome": "failed", "finished": now_iso(), "error": reason,
                          "summary": f"{job.kind} failed: {reason}"}
                try:
                    await store(self.designs, settings, job.path, record, job.key, job.by)
                except ApiError as exc:
                    self.log.warning("isshoni: could not end job %s: %s", job.job_id, exc.message)
            if not job.first.done():
                job.first.set_exception(ApiError(504 if why else 500, why or f"the {job.kind} ended before it started "
                                                 f"(exit code {code}); see the server log"))
        finally:
            self.running.pop(job.path, None)
            _resolve(job.exited, code, None)

    @staticmethod
    def _kill(process: multiprocessing.Process) -> None:
        """The child and everything it started (its own process group)."""
        if process.pid is None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.join(5)
            if process.is_alive():
                os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:  # not yet its own group leader (stopped while starting)
            process.kill()

    def stop(self) -> None:
        """The server is stopping: so are its jobs (their records end as interrupted on the next start)."""
        for job in list(self.running.values()):
            self._kill(job.process)


def _resolve(future: asyncio.Future, result, error) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
