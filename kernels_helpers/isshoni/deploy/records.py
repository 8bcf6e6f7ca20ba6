"""Who may write a job record of a live design: the job that created it, while it runs.

A live design's `deployments` change only through the server (`POST .../jobs`, which calls
`accept`); the room takes back any change a client makes to them directly.  A new record
starts queued or running, and the server signs it: `by` is the name it authenticated, and
`writer` the hash of a write key only the job's process holds (it sends the key with each
write).  An update must present that key and follow the job state machine, and a record
that has ended never changes again.  One exception keeps `jobs.recover` working: a record
whose process is gone (same host as the server, PID dead) may be marked `interrupted` by
anyone, and only its ending fields change.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import socket

from .jobs import _NEXT, ACTIVE, STATES, TERMINAL, pid_alive

JOB_ID = re.compile(r"^[a-z][a-z_]{0,31}-\d{8}T\d{6}-[0-9a-f]{6}$")  # jobs.Job ids: kind-stamp-hex
KEY_LENGTH = (32, 256)
MAX_RECORD = 1_000_000  # bytes of JSON
ENDING = ("state", "finished", "error", "events", "events_total")  # what an interruption writes


class RecordRefused(ValueError):
    """The server does not store this record; `status` is the HTTP answer."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def writer_of(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _check(record, key) -> None:
    if not isinstance(record, dict):
        raise RecordRefused(400, "'record' must be a JSON object (a job record)")
    if not isinstance(record.get("id"), str) or not JOB_ID.match(record["id"]):
        raise RecordRefused(400, "the record's 'id' must be a job id (kind-YYYYMMDDTHHMMSS-hex)")
    if record.get("state") not in STATES:
        raise RecordRefused(400, f"the record's 'state' must be one of {', '.join(STATES)}")
    if not isinstance(key, str) or not KEY_LENGTH[0] <= len(key) <= KEY_LENGTH[1]:
        raise RecordRefused(400, f"'key' must be the job's write key ({KEY_LENGTH[0]} to {KEY_LENGTH[1]} characters)")
    if len(json.dumps(record)) > MAX_RECORD:
        raise RecordRefused(400, f"the record is larger than {MAX_RECORD} bytes")


def _abandoned(existing: dict) -> bool:
    """The record's process is known to be gone: it ran on this host and its PID is dead (or reused)."""
    return existing.get("host") == socket.gethostname() and not pid_alive(existing.get("pid"), existing.get("proc_start"))


def accept(existing: dict | None, record, key, by: str) -> dict:
    """The record to store for `record` sent with `key` by the user named `by`, given the stored
    one (`existing`, None for a new job); raises RecordRefused."""
    _check(record, key)
    job, state = record["id"], record["state"]
    writer = writer_of(key)
    if existing is None:
        if state not in ACTIVE:
            raise RecordRefused(409, f"job {job}: a new record starts queued or running, not {state}")
        return {**record, "by": by, "writer": writer}
    was = existing.get("state")
    if was in TERMINAL or was not in _NEXT:
        raise RecordRefused(409, f"job {job} has ended ({was}): its record cannot change")
    if state != was and state not in _NEXT[was]:
        raise RecordRefused(409, f"job {job}: a record cannot go from {was} to {state}")
    if hmac.compare_digest(str(existing.get("writer") or ""), writer):
        return {**record, "by": existing.get("by"), "writer": existing["writer"]}
    if state == "interrupted" and _abandoned(existing):
        return {**existing, **{k: record[k] for k in ENDING if k in record}}
    raise RecordRefused(403, f"job {job}: only the job that created this record may change it")
