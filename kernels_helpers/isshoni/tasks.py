"""The work the server hands to its worker processes (see `isshoni.server.workers`).

Plain functions of plain data, in a module that imports little: a worker
process unpickles these by module name, and this one pulls in neither the
server extension nor the assistant's SDK, so a worker starts (or replaces one
stopped at its deadline) in about a second instead of several.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
import threading
import time


def die_with_parent(parent: int) -> None:
    """A worker never outlives its server: a SIGKILLed server cannot shut its pool down, and
    orphaned workers (each holding cfn-lint, ~280 MB) would pile up.  Linux delivers SIGTERM
    when the parent dies; elsewhere a watchdog thread notices the new parent."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above ran
        os._exit(0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="isshoni-parent-watch").start()


def start_worker(parent: int, kind: str) -> None:
    """A worker's first steps: tie its life to the server's, then warm up, so that a worker,
    the first or one replacing another stopped at its deadline, takes its first request ready
    (a deadline counts from when a worker takes a call: it must not pay for imports)."""
    die_with_parent(parent)
    try:
        warm_up(kind)
    except Exception:  # noqa: BLE001 - warming only saves time; the first call pays instead
        pass


def warm_up(kind: str) -> None:
    """Load what a worker of this kind needs (imports, compiled schemas, cfn-lint's data) before any request."""
    from .templates import load

    design = load("vpc_basic")
    if kind == "check":
        check(design.data, ("isshoni", "cfn-lint"))
    elif kind == "edit":
        edit(design.data, {"ops": [{"op": "set_notes", "id": "vpc", "notes": "warm"}]})
    else:
        generate(design.data, "cloudformation")


def ready() -> bool:
    """Nothing: scheduling it starts a pool's workers."""
    return True


def _design(data: dict, folder: str | None):
    from pathlib import Path

    from .design import Design

    design = Design(data)
    design.folder = Path(folder) if folder else None  # where its Lambda code folders are
    return design


def generate(data: dict, fmt: str, folder: str | None = None) -> dict[str, str]:
    from .compiler import generate as _generate

    return _generate(_design(data, folder), fmt)


def generate_mapped(data: dict, fmt: str, folder: str | None = None) -> dict:
    """`{"files": name -> text, "ranges": name -> design id -> [[first, last] line, ...]}`."""
    from .compiler import generate_mapped as _generate_mapped

    files, ranges = _generate_mapped(_design(data, folder), fmt)
    return {"files": files, "ranges": ranges}


def check(data: dict, tools: tuple[str, ...], folder: str | None = None) -> dict:
    from .checks import check as _check

    return _check(_design(data, folder), tools).to_dict()


def edit(data: dict, request: dict) -> dict:
    """The content after a canvas request, `{"ops": [...]}` or `{"design": {...}}`, validated
    (DesignError, or ValueError naming the op, when refused)."""
    from .design import Design
    from .design.ops import apply_ops

    if "ops" in request:
        return apply_ops(Design.adopt(data), request["ops"]).data  # apply_ops edits a copy of its own
    return Design.loads(json.dumps(request["design"]), source="design").data


def compare(old: dict, old_label: str, new: dict, fmt: str | None) -> dict:
    """What changed from `old` to `new` (the live design): the design diff as JSON, and with `fmt`
    ("terraform" or "cloudformation") the unified diff of the code each generates."""
    from .design.diff import diff
    from .design.diff_cli import code_diff

    found = diff(old, new)
    out = {"diff": found.to_json(), "same": found.empty}  # only moved on the canvas, or nothing
    if fmt:
        out["code"] = code_diff(old, old_label, new, "live", fmt)[0]
    return out


def import_source(text: str | None, path: str | None, fmt: str | None, region: str | None, name: str | None,
                  target: str | None = None) -> dict:
    """A design from a template's text or file, or a scan of the sandbox's or the account's region (`fmt`
    'account', `target` sandbox/aws); importers.NotImportable, a ValueError, when it cannot."""
    from .importers.dispatch import design_name, import_account, import_path, import_text

    if fmt == "account":
        imported = import_account(region, target or "sandbox", name=name)
    elif text is not None:
        imported = import_text(text, fmt, source="text", region=region, name=name or "imported")
    else:
        imported = import_path(path, fmt, region=region, name=name or design_name(path))
        imported.report.source = os.path.basename(path)  # the server's folders are not the client's business
    return {"design": imported.design.data, "report": imported.report.to_dict()}


def save_design(data: dict, path: str) -> bool:
    """Write a (validated) design file."""
    from .design import Design

    Design(data).save(path)
    return True
