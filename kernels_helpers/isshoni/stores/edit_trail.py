"""Who changed what in a design: a room's client edits, per collaborator, as a trail.

Each update a client sends is applied by the room (rooms.py, through the history guard); while it
is applied, observers on the design roots note which nodes, connections and settings it touched.
A collaborator's updates are gathered until QUIET_S seconds pass without one (a drag is dozens of
updates, one edit to a person) and then written once: to the server's log and as a Jupyter event
(`https://isshoni.dev/events/edit/v1`, server/events/edit.yaml) that an operator can send to a
file or a collector with jupyter_events' handlers.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from pycrdt import Doc, Map

EDIT_EVENTS = "https://isshoni.dev/events/edit/v1"
QUIET_S = 3.0
SHOWN = 12  # ids named in a log line (the event has all of them)


@dataclass
class _Burst:
    author: str
    username: str
    updates: int = 0
    resources: set = field(default_factory=set)
    connections: set = field(default_factory=set)
    meta: bool = False
    timer: asyncio.TimerHandle | None = None


class EditTrail:
    def __init__(self, ydoc: Doc, path, log, events=None, quiet: float = QUIET_S):
        self._path, self._log, self._events, self._quiet = path, log, events, quiet
        self._bursts: dict[str, _Burst] = {}
        self._current: _Burst | None = None  # set while a client's update is applied
        self._subscriptions = [
            ydoc.get("resources", type=Map).observe_deep(lambda events: self._touched(events, "resources")),
            ydoc.get("connections", type=Map).observe_deep(lambda events: self._touched(events, "connections")),
            ydoc.get("meta", type=Map).observe(lambda event: self._touched([event], "meta")),
        ]

    def applying(self, author: str, username: str) -> _Burst:
        """The burst the next update belongs to; call `applied()` once it is in."""
        burst = self._bursts.get(username)
        if burst is None:
            burst = self._bursts[username] = _Burst(author, username)
        self._current = burst
        return burst

    def applied(self) -> None:
        burst, self._current = self._current, None
        if burst is None:
            return
        burst.updates += 1
        if burst.timer is not None:
            burst.timer.cancel()
        try:
            burst.timer = asyncio.get_running_loop().call_later(self._quiet, self.flush, burst.username)
        except RuntimeError:  # no loop (a test driving the trail by hand): written when flushed
            burst.timer = None

    def _touched(self, events, root: str) -> None:
        burst = self._current
        if burst is None:
            return
        if root == "meta":
            burst.meta = True
            return
        ids = burst.resources if root == "resources" else burst.connections
        for event in events:
            path = list(getattr(event, "path", []) or [])
            if path:
                ids.add(str(path[0]))
            else:
                ids.update(str(key) for key in (getattr(event, "keys", None) or {}))

    def flush(self, username: str | None = None) -> list[dict]:
        """Write the bursts (one collaborator's, or all); returns what was written."""
        written = []
        for name in [username] if username is not None else list(self._bursts):
            burst = self._bursts.pop(name, None)
            if burst is None:
                continue
            if burst.timer is not None:
                burst.timer.cancel()
            if not (burst.resources or burst.connections or burst.meta):
                continue  # presence-only or chat-only updates: not an edit of the design
            record = {"path": str(self._path), "author": burst.author, "username": burst.username, "updates": burst.updates,
                      "resources": sorted(burst.resources), "connections": sorted(burst.connections), "meta": burst.meta}
            self._write(record)
            written.append(record)
        return written

    def _write(self, record: dict) -> None:
        def named(ids: list) -> str:
            return ", ".join(ids[:SHOWN]) + (f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else "")

        what = [f"{k} {named(record[k])}" for k in ("resources", "connections") if record[k]] + (["settings"] if record["meta"] else [])
        self._log.info("isshoni: %s edited by %s (%s): %s (%d update(s))", record["path"], record["author"], record["username"],
                       "; ".join(what), record["updates"])
        if self._events is not None:
            try:
                self._events.emit(schema_id=EDIT_EVENTS, data=record)
            except Exception:  # an event bus without the schema (a room outside Isshoni's server): the log has it
                self._log.debug("isshoni: edit event not emitted", exc_info=True)
