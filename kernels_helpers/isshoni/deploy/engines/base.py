"""One interface for every way of deploying (CloudFormation, Terraform).

The runner only speaks this interface: apply (create or update), set
parameters (a canary step), outputs, inventory (physical ids per part),
destroy.  Engines raise DeployFailed with the reason a person needs to read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ...compiler.model import Resolved
from ...design.model import Design
from ..adapt import Adapted
from ..jobs import Job
from ..targets import Target


class DeployFailed(Exception):
    """The engine could not finish; `rolled_back` says whether nothing is left half-made."""

    def __init__(self, reason: str, *, rolled_back: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.rolled_back = rolled_back


class Cancelled(Exception):
    """The person declined the plan or interrupted the job."""


class NotOurs(Exception):
    """A stack or state that Isshoni did not create: never touched."""


@dataclass
class Found:
    """A deployed part: its physical id and whatever attributes the engine knows."""

    id: str | None
    type: str
    attrs: dict = field(default_factory=dict)


@dataclass
class Context:
    design: Design
    resolved: Resolved
    target: Target
    job: Job
    workdir: Path
    adapted: Adapted | None = None
    approve: Callable[[str], bool] = lambda plan: True
    sticky: tuple[str, ...] = ()  # variables whose live value wins over the default (canary weights)

    @property
    def name(self) -> str:
        return self.design.name


class Engine:
    name = ""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}  # seconds per engine step (terraform: init, plan, apply, destroy)

    def unavailable(self, target: Target) -> str | None:
        """None when this engine can deploy to `target` here; else the reason, in words."""
        return None

    def exists(self, ctx: Context) -> bool:
        raise NotImplementedError

    def apply(self, ctx: Context, params: dict | None = None) -> None:
        raise NotImplementedError

    def preview(self, ctx: Context) -> dict:
        """What an apply would change, as the engine itself works it out, changing nothing:
        `{"changes": [{"action", "resource", "type", "replacement"}], "diff": text, "notes": [...]}`
        (`resource` is the engine's own name: a logical id, a Terraform address)."""
        raise NotImplementedError(f"the {self.name} engine cannot preview a change")

    def set_params(self, ctx: Context, params: dict, parts: list[str]) -> None:
        """Change variables only (a canary step); `parts` are the lids that may change."""
        raise NotImplementedError

    def current_params(self, ctx: Context) -> dict:
        raise NotImplementedError

    def outputs(self, ctx: Context) -> dict:
        raise NotImplementedError

    def inventory(self, ctx: Context) -> dict[str, Found]:
        raise NotImplementedError

    def destroy(self, ctx: Context) -> None:
        raise NotImplementedError

    def clean_failed_create(self, ctx: Context) -> None:
        """After a failed first deploy: leave nothing behind (the sandbox does not roll back)."""
