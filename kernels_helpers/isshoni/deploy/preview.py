"""What a deploy would change, before it runs: the engine's own plan (a CloudFormation change
set made and deleted unexecuted, `terraform plan`), never a guess of ours.

A preview holds the deployment's lock like a job (a Terraform plan must not run beside an
apply in the same working directory) and records no job: nothing changed.
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timezone

from ..design.model import Design
from . import engines, paths, targets
from .engines import DeployFailed
from .locks import Busy, locked
from .redact import Redactor
from .runner import JobSetup, confirm_target
from .sandbox import ACCESS_KEY, SECRET_KEY
from .state import DeploymentState


class PreviewBusy(Exception):
    """Another job holds the deployment."""


class QuietJob:
    """Stands in for a job while an engine only looks (a preview, a drift check): keeps its
    events, records nothing."""

    def __init__(self) -> None:
        self.id = f"preview-{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"
        self.redactor = Redactor([SECRET_KEY, ACCESS_KEY])
        self.result: dict = {}
        self.events: list[dict] = []
        self.listeners: list = []

    def emit(self, type_: str, message: str, *, record: bool = True, **fields) -> dict:
        event = {"type": type_, "message": self.redactor.text(message)}
        self.events.append(event)
        return event

    def log(self, line: str) -> None:
        pass

    def flush(self, force: bool = False) -> None:
        pass


def never_confirm(plan: str) -> bool:
    """What a look-only run answers when an engine asks to apply a plan: no."""
    return False


def preview(design: Design, *, target: str = "sandbox", engine: str = "cloudformation", profile: str | None = None,
            really_aws: bool = False) -> dict:
    """`{"supported", "target", "engine", "changes": [{"action", "resource", "node", "type", ...}], "diff",
    "notes", "events", "seconds"}`; `supported` is False (with `why`) when the engine cannot plan here."""
    confirm_target(target, really_aws)
    engines.get(engine)
    if target not in targets.TARGETS:
        raise ValueError(f"unknown target {target!r}; choose one of {', '.join(targets.TARGETS)}")
    started = time.monotonic()
    job = QuietJob()
    reply = {"target": target, "engine": engine, "design": design.name}
    previous = DeploymentState(target, design.region, design.name).load()
    if previous.get("status") == "deployed" and previous.get("engine") not in (None, engine):
        raise ValueError(f"{design.name} is deployed to {target} with {previous['engine']}: preview with that engine")
    try:
        with locked(paths.deploy_lock(target, design.region, design.name), wait=0, what=f"deployment of {design.name!r}"):
            setup = JobSetup(None, design, job, target, engine, profile, never_confirm)
            try:
                setup.connect()
            except DeployFailed as exc:
                return {**reply, "supported": False, "why": exc.reason}
            ctx = setup.context()
            try:
                planned = setup.engine.preview(ctx)
            except NotImplementedError as exc:
                return {**reply, "supported": False, "why": str(exc)}
    except Busy as exc:
        raise PreviewBusy(f"another job is running: {exc}") from None
    node_of = {}
    for part in ctx.resolved.parts:
        node_of[part.cfn_name] = node_of[f"{part.tf_type}.{part.tf_name}"] = part.source
    changes = [{**c, "node": node_of.get(c.get("resource"))} for c in planned["changes"]]
    notes = list(planned["notes"])
    if setup.adapted and setup.adapted.omitted:
        left_out = sorted(setup.adapted.omitted)
        notes.append(f"the sandbox does not emulate {len(left_out)} of them, left out: {', '.join(left_out[:8])}"
                     + (f" and {len(left_out) - 8} more" if len(left_out) > 8 else ""))
    return {**reply, "supported": True, "changes": changes, "diff": job.redactor.text(planned["diff"]), "notes": notes,
            "events": job.events[-50:], "seconds": round(time.monotonic() - started, 2)}
