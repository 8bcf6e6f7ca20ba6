"""One typed API for a design in a notebook, live (a collaboration room) or offline (a file).

Every edit is the model's own operation (`isshoni.design.model.Design`, name
for name, same validation): it runs on a fresh snapshot of the design and
the result is written back as a minimal diff.  For a `LiveDesign` that is the
synced `YInfra` of the room (as the REST API does), so every open canvas sees
the change at once and a collaborator's concurrent edit of another property
survives; for an `OfflineDesign` it is the file, saved at once.  Neither
keeps a private copy: reads come from the document or the file each time.
"""

from __future__ import annotations

import functools
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

from pycrdt import Array

from .. import ychat
from ..checks import TOOLS
from ..checks import check as run_checks
from ..compiler import generate as compile_design
from ..deploy import canary as canary_mod
from ..deploy import runner
from ..deploy.sink import FileJobSink, JobSink
from ..design.history import author_of
from ..design.model import Design
from . import diagram
from .connection import Connection
from .jobs import DeployJob, LiveJobSink
from .results import Code, Findings

_ANSWERING = ("thinking", "streaming")  # an assistant message still being written
EDIT_ATTEMPTS = 5  # an edit made again on newer content (someone edited meanwhile) at most this often
_FIRST_REPLY_S = 30.0  # the server's assistant posts its message at once; silence means none is running
HISTORY = ("deployments",)  # roots a kernel's edit never writes (add_message appends to the chat: it is written)


def _reply_to(doc, message_id: str) -> dict | None:
    """The assistant's message answering `message_id`, read from the room's chat (on its loop)."""
    for message in ychat.messages(doc.ydoc.get("chat", type=Array)):
        if isinstance(message, dict) and message.get("reply_to") == message_id:
            return dict(message)
    return None


# the model's editing operations, mirrored name for name
EDITS = ("add", "connect", "set", "set_label", "set_notes", "set_meta", "move", "move_into", "remove", "add_message",
         "name_version", "restore_version")


def _mirror(name: str):
    original = getattr(Design, name)

    @functools.wraps(original)
    def method(self, *args, **kwargs):
        return self._edit(lambda design: getattr(design, name)(*args, **kwargs))

    return method


class DesignHandle:
    """What live and offline designs share: the model's edits, reads, tools and deploys."""

    live = False

    # ------------------------------------------------------------ to implement
    def _edit(self, fn: Callable[[Design], object]):
        raise NotImplementedError

    def snapshot(self) -> Design:
        """The design as it is now, as an `isshoni.Design` (a copy: editing it changes nothing here)."""
        raise NotImplementedError

    def _job_source(self) -> tuple[str | Path | Design, JobSink]:
        raise NotImplementedError

    # ------------------------------------------------------------ reading
    def to_dict(self) -> dict:
        return self.snapshot().data

    @property
    def name(self) -> str:
        return self.snapshot().name

    @property
    def region(self) -> str:
        return self.snapshot().region

    @property
    def meta(self) -> dict:
        return self.snapshot().meta

    @property
    def resources(self) -> dict:
        return self.snapshot().resources

    @property
    def connections(self) -> dict:
        return self.snapshot().connections

    @property
    def chat(self) -> list:
        return self.snapshot().chat

    @property
    def deployments(self) -> dict:
        return self.snapshot().deployments

    def resource(self, rid: str) -> dict:
        return self.snapshot().resource(rid)

    def children(self, rid: str | None) -> list[str]:
        return self.snapshot().children(rid)

    def connections_of(self, rid: str) -> list[str]:
        return self.snapshot().connections_of(rid)

    @property
    def versions(self) -> dict:
        return self.snapshot().versions

    def problems(self) -> list:
        return self.snapshot().problems()

    # ------------------------------------------------------------ tools
    def generate(self, format: str = "cloudformation") -> Code:
        """Compile the current design: "cloudformation" (YAML), "cloudformation-json" or "terraform"."""
        return Code(format, compile_design(self.snapshot(), format))

    def check(self, tools: Iterable[str] = TOOLS, progress: Callable[[str], None] | None = None) -> Findings:
        """Run the checks (isshoni's graph rules, cfn-lint, terraform validate, checkov) on the current design."""
        return Findings(run_checks(self.snapshot(), tuple(tools), progress=progress))

    def diff(self, since):
        """What changed from `since` (a design file, `"FILE@HEAD"` for the file as committed in git, a
        Design or another handle) to the design as it is now: shown as a review table."""
        return self.snapshot().diff(since.snapshot() if isinstance(since, DesignHandle) else since)

    def cost(self, region: str | None = None):
        """The design's monthly cost estimate (isshoni.cost): per node, by service, and what it does not price."""
        from .. import cost

        return cost.estimate(self.snapshot(), region=region)

    # ------------------------------------------------------------ deploys
    def _job(self, kind: str, wait: bool, progress: bool, start) -> DeployJob:
        source, sink = self._job_source()
        if isinstance(source, Design):
            source.validate(f"{source.name} (live)")  # as a design file is validated on load: refused before any job
        job = DeployJob(kind, lambda listeners, watched: start(source, listeners, watched), sink)
        return job.wait(progress=progress) if wait else job

    @staticmethod
    def _aws_guard(target: str, really_aws: bool) -> None:
        runner.confirm_target(target, really_aws)  # before any job exists

    def deploy(self, target: str = "sandbox", *, engine: str = "cloudformation", wait: bool = True, progress: bool = True,
               profile: str | None = None, really_aws: bool = False, verify: bool = True) -> DeployJob:
        """Deploy (or update) the design; the job's record appears in the design's `deployments` as it runs."""
        self._aws_guard(target, really_aws)
        return self._job("deploy", wait, progress, lambda src, listeners, sink: runner.deploy(
            src, target=target, engine=engine, profile=profile, listeners=listeners, sink=sink, verify_resources=verify,
            really_aws=really_aws))

    def destroy(self, target: str = "sandbox", *, engine: str | None = None, wait: bool = True, progress: bool = True,
                profile: str | None = None, really_aws: bool = False) -> DeployJob:
        """Delete the deployment (in the sandbox, also prove nothing is left)."""
        self._aws_guard(target, really_aws)
        return self._job("destroy", wait, progress, lambda src, listeners, sink: runner.destroy(
            src, target=target, engine=engine, profile=profile, listeners=listeners, sink=sink, really_aws=really_aws))

    def canary(self, green: int | None = None, *, auto: bool = False, rollback: bool = False,
               steps: Iterable[int] = canary_mod.AUTO_STEPS, bake_s: float = 0.0, alb: str | None = None,
               target: str = "sandbox", wait: bool = True, progress: bool = True, profile: str | None = None,
               really_aws: bool = False, accept_unchecked: bool = False) -> DeployJob:
        """Blue/green: one step (`green=50`), the automatic walk (`auto=True`) or `rollback=True` (100% blue at once).
        The walk refuses a step whose health or alarms could not be checked unless `accept_unchecked=True`."""
        self._aws_guard(target, really_aws)
        steps = tuple(steps)
        return self._job("rollback" if rollback else "canary", wait, progress, lambda src, listeners, sink: runner.canary(
            src, green=green, rollback=rollback, auto=auto, steps=steps, bake_s=bake_s, alb=alb, target=target,
            profile=profile, listeners=listeners, sink=sink, really_aws=really_aws, accept_unchecked=accept_unchecked))

    def drift(self, target: str = "sandbox", *, profile: str | None = None, really_aws: bool = False):
        """Does what runs still match the design?  Per node: in sync, drifted (design value vs live
        value), deleted outside, not deployed, not checked; and unmanaged resources.  Shown as a
        table; `report.adopt(node)` writes a node's live values into the design as one edit."""
        from ..deploy.drift import drift
        from ..deploy.drift_report import DriftReport

        self._aws_guard(target, really_aws)
        return DriftReport(drift(self.snapshot(), target=target, profile=profile, really_aws=really_aws), self)

    def outputs(self, target: str = "sandbox") -> dict:
        """The deployment's outputs (live when the target answers)."""
        return runner.outputs(self.snapshot(), target=target)

    def jobs(self) -> list[dict]:
        """The design's job records, newest first."""
        return sorted(self.deployments.values(), key=lambda r: r.get("created") or "", reverse=True)

    # ------------------------------------------------------------ display
    def _repr_svg_(self) -> str:
        return diagram.svg(self.to_dict())

    def __repr__(self) -> str:
        d = self.snapshot()
        return (f"<{type(self).__name__} {d.name!r} region={d.region} resources={len(d.resources)} "
                f"connections={len(d.connections)}{self._state_text()}>")

    def _state_text(self) -> str:
        return ""


for _name in EDITS:
    setattr(DesignHandle, _name, _mirror(_name))


class OfflineDesign(DesignHandle):
    """A design file on disk: every edit is loaded, applied and saved at once."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"{self.path}: no such design file (looked from {Path.cwd()})")
        Design.load(self.path, validate=False)  # fail now on a file that is not a design
        self._listeners: list[Callable] = []

    def snapshot(self) -> Design:
        return Design.load(self.path, validate=False)

    def _edit(self, fn):
        design = self.snapshot()
        result = fn(design)
        design.save(self.path)
        for listener in list(self._listeners):
            listener(self)
        return result

    def _job_source(self):
        return self.path, FileJobSink(self.path)

    def ask(self, prompt: str, **options) -> dict:
        """Ask the design assistant (Claude with a key, else the offline planner) to change the
        design; the answer lands in the file's chat and its edits in the file. Returns its message."""
        from ..assistant import ask

        return self._edit(lambda design: ask(design, prompt, **options))

    def observe(self, callback: Callable[[DesignHandle], None]):
        self._listeners.append(callback)
        return callback

    def unobserve(self, handle) -> None:
        if handle in self._listeners:
            self._listeners.remove(handle)

    def close(self) -> None:
        pass


class LiveDesign(DesignHandle):
    """A design joined through its collaboration room: edits appear on every open canvas at once."""

    live = True

    def __init__(self, connection: Connection, local_path: Path | None = None):
        self._conn = connection
        self.path = connection.path  # as the server names it
        self.local_path = local_path
        self._observers: dict[int, Callable] = {}

    @property
    def url(self) -> str:
        return self._conn.server.url

    @property
    def status(self) -> str:
        return self._conn.status

    @property
    def last_error(self) -> str | None:
        return self._conn.last_error

    def wait_connected(self, timeout: float | None = None) -> bool:
        return self._conn.wait_connected(timeout)

    def peers(self) -> list[dict]:
        """Who else has the design open (their awareness `user`)."""
        return self._conn.peers()

    def snapshot(self) -> Design:
        return self._conn.call(self._conn.doc.design)

    def _edit(self, fn):
        """`fn` (the model's edit, with its validation) runs here, in the caller's thread, on a
        snapshot: the room's loop keeps syncing meanwhile, however long it takes.  The result is
        written if what it was computed from is unchanged, else computed again on the new content."""
        if self._conn.status != "connected":
            warnings.warn(f"not connected to {self.url} ({self._conn.last_error or self._conn.status}): the change is kept "
                          "here and reaches the room when the server is back", stacklevel=3)
        doc = self._conn.doc
        for _ in range(EDIT_ATTEMPTS):
            before = self._conn.call(doc.to_dict, without=HISTORY)  # job records go through the server
            design = Design(before)
            result = fn(design)
            if self._conn.call(doc.replace_if, before, design.data):
                return result
        raise RuntimeError(f"{self.path} kept changing while this edit was made: try it again")

    def _job_source(self):
        return self.snapshot(), LiveJobSink(self._conn.doc, self._conn.call, self._conn.server, self.path)

    def ask(self, prompt: str, *, mode: str | None = None, timeout: float = 600.0) -> dict:
        """Ask the design assistant, in the design's chat, as the kernel's Jupyter user.

        The question is an `@isshoni` chat message like one typed on a canvas, so the server's
        assistant answers it (with the server's model settings: the kernel needs no API key),
        its answer streams to every open canvas and its edits are one step the chat's Undo
        reverts. `mode='suggest'` asks for a proposal to apply or discard. Waits for the answer
        and returns its chat message (`text`, `status`, `changes`, usage)."""
        if mode not in (None, "apply", "suggest"):
            raise ValueError(f"mode must be 'apply' or 'suggest', not {mode!r}")
        from ..assistant import MENTION  # here: the assistant imports the anthropic SDK (seconds)

        author = author_of(self._conn.identity)  # the name the room signs this kernel's messages with
        changed = threading.Event()  # set by the room on every change: the reply's arrival wakes us at once
        self._conn.on_change(changed.set)
        try:
            question = self.add_message(author, f"{MENTION} {'suggest ' if mode == 'suggest' else ''}{prompt}")
            started = time.monotonic()
            while True:
                changed.clear()  # before reading, so a change landing meanwhile is not missed
                reply = self._conn.call(_reply_to, self._conn.doc, question["id"])
                if reply is not None and reply.get("status") not in _ANSWERING:
                    return reply
                waited = time.monotonic() - started
                if reply is None and waited >= _FIRST_REPLY_S:
                    raise TimeoutError(f"no assistant answered in {_FIRST_REPLY_S:.0f} s: is the isshoni server "
                                       f"extension enabled on {self.url}?")
                if waited >= timeout:
                    raise TimeoutError(f"the assistant's answer took more than {timeout:.0f} s (it goes on in the chat)")
                deadline = min(_FIRST_REPLY_S, timeout) if reply is None else timeout
                changed.wait(deadline - waited)
        finally:
            self._conn.off_change(changed.set)

    def observe(self, callback: Callable[[DesignHandle], None]):
        """`callback(design)` after every change, local or remote (called from the room's thread)."""
        def listener():
            callback(self)

        self._conn.on_change(listener)
        self._observers[id(listener)] = listener
        return id(listener)

    def unobserve(self, handle) -> None:
        listener = self._observers.pop(handle, None)
        if listener is not None:
            self._conn.off_change(listener)

    def close(self) -> None:
        """Leave the room (presence disappears from the canvases)."""
        self._conn.close()

    def _state_text(self) -> str:
        return f" {self.status} to {self.url}"
