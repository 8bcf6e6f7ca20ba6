"""Fuzz cases in worker processes, each under a deadline: hangs and crashes are counted, not suffered.

Each worker runs one case at a time.  A case past its deadline is stopped in
the worker (a timer signal, which also shows where it was stuck) and the
worker is replaced, since the case may have left its state half-changed; a
worker stuck where the signal cannot reach it (native code) is killed when
the grace period ends.  A worker that dies (a segfault, an abort, an exit)
is a crash; a fresh one takes its place and the run goes on.

Accepted cases' Terraform is parsed in batches by the safety parser (one
child process per batch, not per case); texts already parsed are skipped.
"""

from __future__ import annotations

import faulthandler
import hashlib
import multiprocessing
import os
import shutil
import signal
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

import fuzz_oracle
from fuzz_mutate import Case, make

PARSE_DEADLINE = 120.0  # a batch; the parser's own deadline (30 s) ends it first
GENERATE_DEADLINE = 300.0  # a batch of hypothesis designs


@dataclass
class _Worker:
    process: multiprocessing.Process
    conn: object
    job: tuple | None = None
    deadline: float = 0.0


@dataclass
class Finished:
    """A case's final result and the case itself (to save it when it is not clean)."""

    case: Case
    result: fuzz_oracle.Result


@dataclass
class Runner:
    workers: int = 2
    deadline: float = 5.0  # seconds for one case
    grace: float = 5.0  # after the deadline, for a worker that the timer cannot interrupt
    parse_batch: int = 48  # accepted cases per parser run
    check: Callable = fuzz_oracle.run  # (case, workdir) -> Result, in the worker
    stderr: Path | None = None  # where the workers' stderr goes (native code prints panics there)
    _pool: list = field(default_factory=list, init=False)
    _parsed: set = field(default_factory=set, init=False)  # digests of Terraform texts that parsed
    _queued: set = field(default_factory=set, init=False)  # ids of cases in a parse batch

    def __enter__(self) -> Runner:
        self._tmp = Path(tempfile.mkdtemp(prefix="isshoni-fuzz-"))
        if self.check is fuzz_oracle.run:
            fuzz_oracle.warm_up(self._tmp)
        self._context = multiprocessing.get_context("fork")  # workers start with Isshoni already imported
        self._pool = [self._start(n) for n in range(self.workers)]
        return self

    def __exit__(self, *exc) -> None:
        for worker in self._pool:
            worker.process.kill()
            worker.process.join()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def run_cases(self, cases: Iterable[Case]) -> list[Finished]:
        done: list[Finished] = []
        self.run([("case", case) for case in cases], done.append)
        return done

    def run(self, jobs: Iterable[tuple], on_finished: Callable[[Finished], None]) -> None:
        """Run every job: ("make", kind, seed, index), ("case", Case) or ("generate", seed, count)."""
        plan: Iterator[tuple] = iter(jobs)
        queue: deque = deque()  # jobs made during the run (parse batches, generated cases) go first
        waiting: dict[str, tuple] = {}  # case id -> (case, result) until its Terraform is parsed

        def next_job():
            if queue:
                return queue.popleft()
            job = next(plan, None)
            if job is None and waiting:  # the plan is done: parse what is left
                job = self._parse_job(waiting, force=True)
            return job

        while True:
            for worker in self._pool:
                if worker.job is None:
                    job = next_job()
                    if job is None:
                        break
                    self._send(worker, job)
            busy = [w for w in self._pool if w.job is not None]
            if not busy:
                assert not waiting, f"cases never finished: {sorted(waiting)[:5]}"  # the harness's own bug
                return
            now = time.monotonic()
            wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                 timeout=max(0.0, min(w.deadline for w in busy) - now))
            for index, worker in enumerate(self._pool):
                if worker.job is None:
                    continue
                for message in self._answers(index, worker):
                    self._handle(message, queue, waiting, on_finished)
            job = self._parse_job(waiting, force=False)
            if job is not None:
                queue.append(job)

    # ---------------------------------------------------------------- the parent's side
    def _start(self, n: int) -> _Worker:
        workdir = self._tmp / f"w{n}-{time.monotonic_ns()}"
        workdir.mkdir()
        parent, child = self._context.Pipe()
        stderr = self.stderr or self._tmp / "workers.stderr"
        process = self._context.Process(target=_serve, args=(child, workdir, self.deadline, self.check, stderr), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _send(self, worker: _Worker, job: tuple) -> None:
        limit = {"parse": PARSE_DEADLINE, "generate": GENERATE_DEADLINE}.get(job[0], self.deadline + self.grace)
        worker.job, worker.deadline = job, time.monotonic() + limit
        worker.conn.send(job[:2] if job[0] == "parse" else job)  # the parser needs the texts only

    def _answers(self, index: int, worker: _Worker) -> list[tuple]:
        """What a worker said, or what became of it (a crash, a hang); replaces it if it is gone."""
        job = worker.job
        try:
            if worker.conn.poll():
                message = worker.conn.recv()
                worker.job = None
                if message[0] == "result" and message[1].outcome == "hang":  # it stopped itself: replace it
                    self._replace(index)
                return [(message, job)]
        except (EOFError, OSError):
            pass
        if worker.process.is_alive() and time.monotonic() < worker.deadline:
            return []
        alive = worker.process.is_alive()
        self._replace(index)
        if alive:
            detail = f"no answer within {self.deadline + self.grace:g} s; killed (stuck where the timer cannot reach)"
            return self._lost(job, "hang", detail)
        code = worker.process.exitcode
        how = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit {code}"
        return self._lost(job, "crash", f"the worker died ({how})")

    def _lost(self, job: tuple, outcome: str, detail: str) -> list[tuple]:
        cases = job[2] if job[0] == "parse" else [_case_of(job)] if job[0] in ("make", "case") else []
        return [(("result", fuzz_oracle.Result(c.id, outcome, job[0], detail)), ("case", c)) for c in cases]

    def _replace(self, index: int) -> None:
        old = self._pool[index]
        old.process.kill()
        old.process.join()
        old.conn.close()
        self._pool[index] = self._start(index)

    def _handle(self, answer: tuple, queue: deque, waiting: dict, on_finished) -> None:
        message, job = answer
        if message[0] == "generated":
            queue.extendleft(("case", case) for case in reversed(message[1]))
        elif message[0] == "parsed":
            for case in job[2]:
                self._queued.discard(case.id)
                self._parsed_case(case, waiting.pop(case.id)[1], message[1], on_finished)
        else:
            result, case = message[1], _case_of(job)
            if waiting.pop(case.id, None):  # a parse batch that was lost: its cases end as the batch did
                self._queued.discard(case.id)
            if result.outcome == "accepted" and result.terraform:
                waiting[case.id] = (case, result)
            else:
                on_finished(Finished(case, result))

    def _parsed_case(self, case: Case, result, verdicts: dict, on_finished) -> None:
        errors = []
        for name, text in result.terraform.items():
            digest = _digest(text)
            if verdicts.get(digest):
                errors.append(f"{name}: {verdicts[digest]}")
            elif digest in verdicts:
                self._parsed.add(digest)
        if errors:
            result.outcome, result.detail = "wrong", f"Terraform does not parse: {errors[0]}"[:500]
        result.terraform = {}
        on_finished(Finished(case, result))

    def _parse_job(self, waiting: dict, force: bool) -> tuple | None:
        """A batch of accepted cases whose Terraform is not being parsed yet."""
        ready = [case_id for case_id in waiting if case_id not in self._queued]
        if not ready or (len(ready) < self.parse_batch and not force):
            return None
        self._queued.update(ready)
        texts = {}
        for case_id in ready:
            for text in waiting[case_id][1].terraform.values():
                digest = _digest(text)
                if digest not in self._parsed:
                    texts[digest] = text
        return ("parse", texts, [waiting[case_id][0] for case_id in ready])


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _case_of(job: tuple) -> Case:
    return make(*job[1:]) if job[0] == "make" else job[1]


# -------------------------------------------------------------------- the worker's side
def _serve(conn, workdir: Path, deadline: float, check: Callable, stderr: Path) -> None:
    def stop(signum, frame):
        raise fuzz_oracle.Deadline

    faulthandler.disable()  # pytest's handler would print each deliberate crash into the test's output
    with open(stderr, "ab") as log:
        os.dup2(log.fileno(), 2)
    signal.signal(signal.SIGALRM, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # ^C is the parent's to handle
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        if job[0] == "parse":
            conn.send(("parsed", _parse(job[1])))
        elif job[0] == "generate":
            from fuzz_designs import generate

            conn.send(("generated", generate(*job[1:])))
        else:
            result = _run_one(check, _case_of(job), workdir, deadline)
            conn.send(("result", result))
            if result.outcome == "hang":  # stopped mid-way, its state may be half-changed: the parent replaces it
                os._exit(0)


def _run_one(check: Callable, case: Case, workdir: Path, deadline: float) -> fuzz_oracle.Result:
    signal.setitimer(signal.ITIMER_REAL, deadline)
    try:
        return check(case, workdir)
    except fuzz_oracle.Deadline as stopped:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return fuzz_oracle.Result(case.id, "hang", fuzz_oracle.stage_of(stopped.__traceback__),
                                  f"no answer within {deadline:g} s", fuzz_oracle.where(stopped.__traceback__))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _parse(texts: dict[str, str]) -> dict[str, str]:
    """digest -> the parser's reason for refusing it ('' when it parsed)."""
    from isshoni.checks import hcl_parser

    parsed = hcl_parser.parse_texts(texts)
    return {digest: str(v) if isinstance(v, hcl_parser.CouldNotParse) else "" for digest, v in parsed.items()}
