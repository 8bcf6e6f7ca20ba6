"""Deploys, updates, canary steps and destroys run as jobs.

A job has an id, a small state machine, timestamps, streamed events and a
log.  Its record (a summary plus the last few events) goes into the design's
`deployments` through a JobSink, so collaborators see progress and history;
the full event stream and log go to side files in the state dir, so the
design file stays small.  Everything a job records is redacted first.
A job whose process died while it ran is found on the next start (its PID
is gone) and marked `interrupted`, never left `running`.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import time
from collections import deque
from datetime import datetime, timezone
from pathlib import Path

from . import paths
from .redact import Redactor
from .sink import JobSink

STATES = ("queued", "running", "succeeded", "failed", "rolled_back", "cancelled", "interrupted")
TERMINAL = frozenset({"succeeded", "failed", "rolled_back", "cancelled", "interrupted"})
ACTIVE = frozenset({"queued", "running"})
_NEXT = {
    "queued": {"running", "cancelled", "interrupted", "failed"},
    "running": {"succeeded", "failed", "rolled_back", "cancelled", "interrupted"},
}
KEEP_EVENTS = 10  # events kept in the design record; all of them are in the side file
RECORD_MESSAGE = 200  # characters of an event message kept in the design record
FLUSH_EVERY_S = 1.0


class JobStateError(Exception):
    pass


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def proc_start(pid: int) -> str | None:
    """The kernel's start time of a process (guards PID checks against PID reuse)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]  # field 22: starttime


def pid_alive(pid: int | None, started: str | None = None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    if started:
        current = proc_start(pid)
        if current is not None and current != started:
            return False  # the PID now belongs to another process
    return True


class Job:
    def __init__(
        self,
        kind: str,
        *,
        design: str,
        target: str,
        engine: str,
        region: str,
        sink: JobSink,
        redactor: Redactor | None = None,
        listeners: list | None = None,
    ):
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        self.id = f"{kind}-{stamp}-{secrets.token_hex(3)}"
        self.kind, self.design, self.target, self.engine, self.region = kind, design, target, engine, region
        self.sink = sink
        self.redactor = redactor or Redactor()
        self.listeners = list(listeners or [])
        self.state = "queued"
        self.created, self.started, self.finished = now_iso(), None, None
        self._t0 = time.monotonic()
        self.pid, self.host, self.proc_start = os.getpid(), socket.gethostname(), proc_start(os.getpid())
        self.summary, self.error = "", None
        self.details = ""  # what follows the summary and its wall time ("deployed ... in 26.0 s: <details>")
        self.warnings: list[str] = []  # anything missing, dropped or unchecked: "succeeded with warnings"
        self._ended: float | None = None
        self.result: dict = {}
        self.nodes: dict[str, str] = {}  # design resource id -> status, while a deploy or destroy runs (progress.py)
        self.events: deque = deque(maxlen=KEEP_EVENTS)
        self.events_total = 0
        folder = paths.jobs_dir()
        self.log_path = folder / f"{self.id}.log"
        self.events_path = folder / f"{self.id}.events.jsonl"
        self._last_flush = 0.0
        self.flush(force=True)

    # ------------------------------------------------------------ recording
    def record(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "design": self.design,
            "state": self.state,
            "target": self.target,
            "engine": self.engine,
            "region": self.region,
            "created": self.created,
            "started": self.started,
            "finished": self.finished,
            "duration_s": round(self.elapsed(), 2) if self.started else None,
            "pid": self.pid,
            "host": self.host,
            "proc_start": self.proc_start,
            "summary": self.summary,
            "outcome": self.outcome,
            "warnings": list(self.warnings),
            "error": self.error,
            "events": [_short_event(e) for e in self.events],
            "events_total": self.events_total,
            "log": str(self.log_path),
            "result": self.result,
            **({"nodes": dict(self.nodes)} if self.nodes else {}),
        }

    def flush(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last_flush >= FLUSH_EVERY_S:
            self._last_flush = now
            self.sink.write(self.redactor.data(self.record()))

    def emit(self, type_: str, message: str, *, record: bool = True, **fields) -> dict:
        """One event: side file, log, listeners, and (throttled) the design record.
        `record=False` keeps bulky detail (per-part checks, plan lines) out of the design record."""
        event = {"t": round(time.monotonic() - self._t0, 2), "at": now_iso(), "type": type_, "message": self.redactor.text(message)}
        event.update(self.redactor.data({k: v for k, v in fields.items() if v is not None}))
        if record:
            self.events.append(event)
        self.events_total += 1
        with open(self.events_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(event, default=str) + "\n")
        self._log_line(f"[{event['at']}] {type_}: {event['message']}")
        for listener in self.listeners:
            listener(event)
        self.flush(force=type_ in ("error", "state"))
        return event

    def log(self, line: str) -> None:
        """Verbose tool output: the log side file only (redacted)."""
        self._log_line(self.redactor.text(line.rstrip("\n")))

    def _log_line(self, line: str) -> None:
        with open(self.log_path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")

    # ------------------------------------------------------------ state machine
    def transition(self, state: str, *, error: str | None = None, summary: str | None = None) -> None:
        if state not in STATES:
            raise JobStateError(f"unknown job state {state!r}")
        if state not in _NEXT.get(self.state, set()):
            raise JobStateError(f"job {self.id}: cannot go from {self.state} to {state}")
        self.state = state
        if state == "running":
            self.started = now_iso()
        if error is not None:
            error = self.redactor.text(error)
            self.error = error if len(error) <= 1000 else error[:997] + "..."
        if summary is not None:
            self.summary = self.redactor.text(summary)
        if state in TERMINAL:
            self.finished = now_iso()
            self._ended = time.monotonic()
            head = self.summary or f"{self.kind} {state.replace('_', ' ')}"
            self.summary = self.redactor.text(f"{head} in {self.elapsed():.1f} s" + (f": {self.details}" if self.details else ""))
        self.emit("state", f"{self.kind} {state}" + (f": {self.error}" if state in ("failed", "rolled_back") and self.error else ""), state=state)

    @property
    def done(self) -> bool:
        return self.state in TERMINAL

    def elapsed(self) -> float:
        """The job's wall time: from its creation to its end (or to now, while it runs)."""
        return (self._ended or time.monotonic()) - self._t0

    @property
    def outcome(self) -> str:
        """The state as a person reads it: `succeeded with warnings` when anything is missing, dropped or unchecked."""
        return "succeeded with warnings" if self.state == "succeeded" and self.warnings else self.state.replace("_", " ")


def _short_event(event: dict) -> dict:
    if len(event.get("message", "")) <= RECORD_MESSAGE:
        return event
    return {**event, "message": event["message"][: RECORD_MESSAGE - 3] + "..."}


def recover(sink: JobSink) -> list[str]:
    """Mark jobs of this host whose process is gone as `interrupted`; returns their ids."""
    host = socket.gethostname()
    recovered = []
    for job_id, record in sink.read_all().items():
        if record.get("state") not in ACTIVE or record.get("host") != host:
            continue
        if pid_alive(record.get("pid"), record.get("proc_start")):
            continue
        record = dict(record)
        record["state"] = record["outcome"] = "interrupted"
        record["finished"] = now_iso()
        record["error"] = f"the process running this job (pid {record.get('pid')}) ended while it ran"
        child = (record.get("result") or {}).get("terraform_pid")
        if child and pid_alive(child):
            record["error"] += f"; terraform (pid {child}) is still finishing in the background, the next job waits for it"
        events = list(record.get("events") or [])
        events.append({"t": None, "at": record["finished"], "type": "state", "message": f"{record.get('kind', 'job')} interrupted", "state": "interrupted"})
        record["events"] = events[-KEEP_EVENTS:]
        record["events_total"] = (record.get("events_total") or 0) + 1
        sink.write(record)
        recovered.append(job_id)
    return recovered


def read_events(record: dict) -> list[dict]:
    """Every event of a job (from its side file when this machine has it)."""
    path = Path(record.get("log", "")).with_suffix(".events.jsonl") if record.get("log") else None
    if path and path.name.endswith(".events.jsonl") and path.exists():
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return list(record.get("events") or [])


class NullJob:
    """Stands in for a job when reading (outputs): logs nowhere."""

    id = "read"

    def __init__(self):
        self.events: list = []
        self.result: dict = {}

    def flush(self, force: bool = False) -> None:
        pass

    def emit(self, *args, **kwargs) -> dict:
        return {}

    def log(self, line: str) -> None:
        pass
