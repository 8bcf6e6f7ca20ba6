"""Where job records go: the design's `deployments`, so every collaborator sees them.

The interface is two methods on purpose: the live-room implementation (writing
through the Yjs document when a Jupyter server has the design open) only has
to provide the same two.  The file implementation does load-modify-save under
a lock, so two processes writing records never lose each other's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol

from ..design.model import dumps
from . import paths
from .locks import locked

FULL_RECORDS = 5  # the newest jobs keep events and results in the design
MAX_RECORDS = 200  # older ones keep a one-line summary; beyond this they leave the design (logs stay)
COMPACT_KEYS = ("id", "kind", "design", "state", "target", "engine", "region", "created", "started", "finished",
                "duration_s", "summary", "error", "log", "by")  # by: who started it, as the server signed it


class JobSink(Protocol):
    def write(self, record: dict) -> None: ...

    def read_all(self) -> dict[str, dict]: ...


class FileJobSink:
    """Job records in a design file on disk (`deployments[job_id] = record`)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.lock = paths.locks_dir() / f"design-{paths.design_key(self.path)}.lock"

    def write(self, record: dict) -> None:
        with locked(self.lock, what=f"design file {self.path}"):
            data = json.loads(self.path.read_text(encoding="utf-8"))
            deployments = data.setdefault("deployments", {})
            deployments[record["id"]] = record
            _trim(deployments)
            tmp = self.path.with_name(self.path.name + ".deploy.tmp")
            tmp.write_text(dumps(data), encoding="utf-8")
            tmp.replace(self.path)

    def read_all(self) -> dict[str, dict]:
        with locked(self.lock, what=f"design file {self.path}"):
            data = json.loads(self.path.read_text(encoding="utf-8"))
        return dict(data.get("deployments") or {})


class MemoryJobSink:
    """Records in a dict (a design held in memory, tests)."""

    def __init__(self, records: dict | None = None):
        self.records = records if records is not None else {}

    def write(self, record: dict) -> None:
        self.records[record["id"]] = json.loads(json.dumps(record))
        _trim(self.records)

    def read_all(self) -> dict[str, dict]:
        return dict(self.records)


def _trim(deployments: dict) -> None:
    """Keep the design small: old finished records are compacted, the oldest dropped."""
    finished = sorted(
        (r.get("created", ""), k) for k, r in deployments.items() if r.get("state") not in ("queued", "running")
    )
    for _, key in finished[: max(0, len(finished) - FULL_RECORDS)]:
        deployments[key] = {k: v for k, v in deployments[key].items() if k in COMPACT_KEYS}
    for _, key in finished[: max(0, len(deployments) - MAX_RECORDS)]:
        del deployments[key]
