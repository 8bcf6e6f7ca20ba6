"""What a server-started job runs in its own process: the job, its records sent up a pipe.

The Jupyter server starts one child process per job (server/deploy_jobs.py) so no deploy can
hold its event loop, and a job past its deadline can be stopped with everything it started
(the child leads its own process group: terraform goes with it).  The child never writes the
design: each record goes up the pipe, and the server stores it through the same check every
job record passes (deploy/records.py).  Messages up the pipe:
`{"record": {...}}` as the job goes, `{"refused": text, "status": 400|409}` when the job never
started (a precondition a person can fix), `{"answer": {...}}` for a preview or a drift check
(which record no job: their result is the request's answer).
"""

from __future__ import annotations

import os

KINDS = ("deploy", "destroy", "canary", "rollback", "preview", "drift")
ANSWERS = ("preview", "drift")  # kinds whose result is the request's answer, not a job


class PipeSink:
    """A JobSink whose records go up the pipe; `read_all` answers from the design's records as the
    server handed them over (so `jobs.recover` can mark abandoned ones) plus this job's own."""

    def __init__(self, conn, records: dict):
        self.conn, self.records = conn, dict(records)

    def write(self, record: dict) -> None:
        self.records[record["id"]] = record
        self.conn.send({"record": record})

    def read_all(self) -> dict[str, dict]:
        return dict(self.records)


def _status(exc: BaseException) -> int:
    """An invalid design is bad input (400); anything else refused here is the deployment's state
    (not deployed, no canary rule, deployed with another engine, the target unusable): 409."""
    from ..design.errors import DesignError

    return 400 if isinstance(exc, DesignError) else 409


def run(kind: str, data: dict, options: dict, records: dict, conn) -> None:
    """The child's body (a spawned process: everything arrives as plain data)."""
    os.setsid()  # its own process group: a deadline stops terraform along with it
    try:
        from ..design.errors import describe
        from ..design.model import Design
        from . import runner

        try:
            design = Design(data)
            design.validate(f"{design.name} (live)")
            if kind in ANSWERS:
                from .drift import drift
                from .preview import PreviewBusy, preview

                try:
                    conn.send({"answer": (preview if kind == "preview" else drift)(design, **options)})
                except PreviewBusy as exc:
                    conn.send({"refused": str(exc), "status": 409})
                return
            sink = PipeSink(conn, records)
            if kind == "deploy":
                runner.deploy(design, sink=sink, **options)
            elif kind == "destroy":
                runner.destroy(design, sink=sink, **options)
            else:
                runner.canary(design, sink=sink, rollback=kind == "rollback", **options)
        except Exception as exc:  # noqa: BLE001 - raised before any job existed: the request's answer
            conn.send({"refused": describe(exc), "status": _status(exc)})
    finally:
        conn.close()
