"""Per-node progress of a deploy or destroy: what each canvas node shows while the job runs.

Engines report AWS resources by their own names (a CloudFormation logical id, a Terraform
address); a canvas draws design resources.  `follow` maps the job's events back to the
design resource each AWS resource came from and keeps `job.nodes` (design id -> status)
current, so the job's record in the design's `deployments` carries it to every canvas.
"""

from __future__ import annotations

from ..compiler.model import Resolved
from .jobs import Job

STATUSES = ("pending", "creating", "done", "failed", "deleting", "deleted", "skipped")
PHASE_START = {"deploy": "creating", "destroy": "deleting"}
PHASE_END = {"deploy": "done", "destroy": "deleted"}


def _part_status(kind: str, status: str) -> str | None:
    """An engine's resource status (CREATE_COMPLETE, IN_PROGRESS ...) as a node status."""
    status = status.upper()
    if status.endswith("FAILED"):
        return "failed"
    deleting = kind == "destroy" or status.startswith("DELETE")
    if status.endswith("IN_PROGRESS"):
        return "deleting" if deleting else "creating"
    if status.endswith("COMPLETE"):
        return "deleted" if deleting else "done"
    return None


def node_status(parts: list[str]) -> str:
    """One status for a design resource made of several AWS resources."""
    seen = set(parts)
    for busy in ("failed", "creating", "deleting"):
        if busy in seen:
            return busy
    real = seen - {"skipped"}
    if not real:
        return "skipped"
    if real == {"pending"}:
        return "pending"
    if real <= {"done"}:
        return "done"
    if real <= {"deleted"}:
        return "deleted"
    return "deleting" if "deleted" in real else "creating"


class NodeProgress:
    """A job listener: engine events in, `job.nodes` out (flushed at once when a phase starts or ends)."""

    def __init__(self, job: Job, resolved: Resolved, kind: str, skipped: dict[str, str] | None = None):
        self.job, self.kind = job, "destroy" if kind == "destroy" else "deploy"
        self.node_of: dict[str, str] = {}
        self.parts: dict[str, str] = {}
        terraform = job.engine == "terraform"
        for part in resolved.parts:
            if not (part.tf_type if terraform else part.cfn_type):  # what this engine makes
                continue
            for name in (part.lid, part.cfn_name, f"{part.tf_type}.{part.tf_name}" if part.tf_type else None):
                if name:
                    self.node_of[name] = part.lid
            self.parts[part.lid] = "pending"
        self.source = {part.lid: part.source for part in resolved.parts}
        for lid, source in (skipped or {}).items():  # what the sandbox does not emulate
            self.parts[lid], self.source[lid] = "skipped", source
        self._publish()

    def __call__(self, event: dict) -> None:
        kind, resource = event.get("type"), event.get("resource")
        changed = False
        if kind == "stack" and str(event.get("message", "")).startswith(("creating stack", "deleting stack")):
            changed = any([self._all(s, PHASE_START[self.kind]) for s in ("pending", "done")])
        elif kind == "sandbox" and resource in self.parts:
            changed = self._set(resource, "skipped")
        elif kind in ("resource", "error") and resource in self.node_of and event.get("status"):
            status = _part_status(self.kind, str(event["status"]))
            changed = status is not None and self._set(self.node_of[resource], status)
        elif kind == "state" and event.get("state") in ("succeeded", "failed", "rolled_back", "cancelled", "interrupted"):
            if event["state"] == "succeeded":
                changed = any([self._all(s, PHASE_END[self.kind]) for s in ("pending", "creating", "deleting", "done")])
            else:
                changed = any([self._all(s, "failed") for s in ("creating", "deleting")])
        if changed:
            self._publish()
            if kind in ("stack", "state"):
                self.job.flush(force=True)

    def _set(self, lid: str, status: str) -> bool:
        if self.parts.get(lid) in (None, status, "skipped"):
            return False
        self.parts[lid] = status
        return True

    def _all(self, was: str, now: str) -> bool:
        hit = [lid for lid, status in self.parts.items() if status == was]
        for lid in hit:
            self.parts[lid] = now
        return bool(hit)

    def _publish(self) -> None:
        grouped: dict[str, list[str]] = {}
        for lid, status in self.parts.items():
            grouped.setdefault(self.source.get(lid, lid), []).append(status)
        self.job.nodes = {node: node_status(statuses) for node, statuses in sorted(grouped.items())}


def follow(job: Job, resolved: Resolved, adapted=None) -> NodeProgress:
    """Start keeping `job.nodes` for this deploy or destroy (`adapted`: what the sandbox leaves out)."""
    skipped = {lid: om.source for lid, om in adapted.omitted.items()} if adapted else None
    progress = NodeProgress(job, resolved, job.kind, skipped)
    job.listeners.append(progress)
    return progress
