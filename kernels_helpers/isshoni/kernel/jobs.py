"""Deploy jobs started from a notebook: live progress in the cell, records in the live document.

`isshoni.deploy.runner` runs the job and reports every event to listeners;
`DeployJob` runs it in a background thread, keeps the events, and shows a
progress bar (tqdm, which renders as a widget in notebooks).  For a live
design the job records go through `LiveJobSink` into the shared document's
`deployments` map, so every open canvas sees the job move; the design file
is written by the room's autosave, never behind its back.
"""

from __future__ import annotations

import html
import logging
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable

import httpx

from ..deploy.jobs import TERMINAL
from ..deploy.sink import JobSink
from ..yinfra import YInfra, _plain
from .discovery import Server

log = logging.getLogger("isshoni.kernel")


class LiveJobSink:
    """Job records of a live design, written by the server: the room takes back any change a
    client makes to `deployments`, so each record goes to `POST .../jobs` with this job's write
    key (deploy/records.py), and comes back through the room like any other change.  A record
    the server cannot take (it is gone, it refuses) is logged: the job itself goes on."""

    def __init__(self, doc: YInfra, call: Callable, server: Server, path: str, timeout: float = 10):
        self.doc, self.call, self.server, self.timeout = doc, call, server, timeout
        self.url = f"{server.url}/isshoni/api/designs/{urllib.parse.quote(path)}/jobs"
        self.key = secrets.token_urlsafe(32)  # only this job holds it: only this job may update its record

    def write(self, record: dict) -> None:
        try:
            response = httpx.post(self.url, json={"record": record, "key": self.key}, headers=self.server.headers,
                                  timeout=self.timeout)
        except httpx.HTTPError as exc:
            log.warning("isshoni: job record %s not written (%s is unreachable: %s)", record.get("id"), self.server.url, exc)
            return
        if response.status_code >= 400:
            log.warning("isshoni: the server refused job record %s (%s): %s", record.get("id"), response.status_code,
                        response.text[:300])
        elif record.get("state") in TERMINAL:
            self._until_here(record["id"], record["state"])

    def _until_here(self, job_id: str, state: str, wait: float = 5.0) -> None:
        """The job's end is in this kernel's copy before the job reports it (readers expect it there);
        a room that is gone meanwhile only ends the wait."""
        deadline = time.monotonic() + wait
        try:
            while (self.read_all().get(job_id) or {}).get("state") != state and time.monotonic() < deadline:
                time.sleep(0.02)
        except Exception as exc:  # noqa: BLE001 - the connection closed: the record is on the server
            log.debug("isshoni: not waiting for job record %s here: %s", job_id, exc)

    def read_all(self) -> dict[str, dict]:
        return self.call(lambda: {k: _plain(v) for k, v in self.doc._ydeployments.items()})


class _Watch:
    """A sink wrapper that keeps the newest record (the job's id and state while it runs)."""

    def __init__(self, inner: JobSink, job: DeployJob):
        self.inner, self.job = inner, job

    def write(self, record: dict) -> None:
        self.job._record = record
        self.inner.write(record)

    def read_all(self) -> dict[str, dict]:
        return self.inner.read_all()


class DeployJob:
    """A deploy, destroy or canary job started from Python; `wait()` for the end."""

    def __init__(self, kind: str, start: Callable[[list, JobSink], object], sink: JobSink):
        self.kind = kind
        self.events: list[dict] = []
        self.progress: tuple[int, int] | None = None
        self.error: BaseException | None = None
        self.job = None  # the finished isshoni.deploy.jobs.Job
        self._record: dict = {}
        self._subscribers: list[Callable[[dict], None]] = []
        self._done = threading.Event()
        self._sink = _Watch(sink, self)
        self._start = start
        self._thread = threading.Thread(target=self._run, name=f"isshoni-{kind}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self.job = self._start([self._on_event], self._sink)
        except BaseException as exc:  # preconditions (not deployed, no canary): kept for wait()
            self.error = exc
        finally:
            self._done.set()
            for subscriber in list(self._subscribers):
                subscriber({"type": "done", "message": self.summary, "state": self.state})

    def _on_event(self, event: dict) -> None:
        self.events.append(event)
        if event.get("progress"):
            done, total = event["progress"]
            self.progress = (int(done), int(total))
        for subscriber in list(self._subscribers):
            subscriber(event)

    # ------------------------------------------------------------ reading
    @property
    def id(self) -> str | None:
        return self._record.get("id")

    @property
    def state(self) -> str:
        if self.error is not None:
            return "failed"
        return self.job.state if self.job is not None else self._record.get("state", "queued")

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def ok(self) -> bool:
        return self.state == "succeeded"

    @property
    def summary(self) -> str:
        if self.error is not None:
            return str(self.error)
        if self.job is not None:
            return self.job.summary or (self.job.error or "")
        return self._record.get("summary", "")

    @property
    def warnings(self) -> list[str]:
        """Anything missing, dropped or unchecked (then the job "succeeded with warnings")."""
        return list(self.job.warnings) if self.job is not None else list(self._record.get("warnings") or [])

    @property
    def outcome(self) -> str:
        if self.error is not None:
            return "failed"
        return self.job.outcome if self.job is not None else self._record.get("outcome") or self.state

    @property
    def result(self) -> dict:
        return dict(self.job.result) if self.job is not None else {}

    def record(self) -> dict:
        return self.job.record() if self.job is not None else dict(self._record)

    def subscribe(self, callback: Callable[[dict], None]) -> None:
        """`callback(event)` for every later event, then once `{"type": "done"}` (from the job's thread)."""
        self._subscribers.append(callback)
        if self.done:
            callback({"type": "done", "message": self.summary, "state": self.state})

    def wait(self, timeout: float | None = None, *, progress: bool = True, raise_error: bool = True) -> DeployJob:
        """Block until the job ends, with a progress bar; re-raise a precondition error."""
        bar = None
        if progress and not self.done:
            from tqdm.auto import tqdm

            bar = tqdm(total=self.progress[1] if self.progress else None, desc=self.kind, unit="res", leave=True)
            seen = 0

            def show(event: dict) -> None:
                nonlocal seen
                if self.progress and bar.total != self.progress[1]:
                    bar.total = self.progress[1]
                if self.progress and self.progress[0] > seen:
                    bar.update(self.progress[0] - seen)
                    seen = self.progress[0]
                bar.set_postfix_str(str(event.get("message", ""))[:60], refresh=True)

            self.subscribe(show)
        finished = self._done.wait(timeout)
        if bar is not None:
            bar.close()
        if not finished:
            raise TimeoutError(f"{self.kind} still {self.state} after {timeout} s")
        if self.error is not None and raise_error:
            raise self.error
        return self

    def __repr__(self) -> str:
        return f"<DeployJob {self.kind} {self.id or ''} {self.outcome}: {self.summary}>"

    def _repr_html_(self) -> str:
        colour = {"succeeded": "#2e7d32", "failed": "#c62828", "rolled_back": "#8e24aa"}.get(self.state, "#1565c0")
        rows = "".join(
            f"<tr><td>{html.escape(str(e.get('t', '')))}</td><td>{html.escape(str(e.get('type', '')))}</td>"
            f"<td>{html.escape(str(e.get('message', '')))}</td></tr>" for e in self.events[-12:])
        return (f"<div><b>{html.escape(self.kind)}</b> <code>{html.escape(self.id or '')}</code> "
                f"<span style='color:{colour}'>{html.escape(self.outcome)}</span> {html.escape(self.summary)}"
                f"<table><tr><th>t (s)</th><th>type</th><th>message</th></tr>{rows}</table></div>")
