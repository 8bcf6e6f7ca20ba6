"""Where deploy state lives: one per-user folder, never inside the design's folder.

Terraform working directories, job logs, the sandbox's PID file and locks are
machine state, not design content: they must not land in git next to the
design.  ISSHONI_STATE_DIR moves the whole folder (tests use temp dirs).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path


def state_dir() -> Path:
    explicit = os.environ.get("ISSHONI_STATE_DIR")
    if explicit:
        root = Path(explicit).expanduser()
    else:
        base = os.environ.get("XDG_STATE_HOME") or "~/.local/state"
        root = Path(base).expanduser() / "isshoni"
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    return root


def sub(*parts: str) -> Path:
    folder = state_dir().joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def safe(text: str, limit: int = 64) -> str:
    """A file-name-safe, stable spelling of a design name or region."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.") or "design"
    return cleaned[:limit]


def deployment_dir(target: str, region: str, design_name: str) -> Path:
    """One folder per (target, region, design name): the same name is the same deployment,
    exactly as a CloudFormation stack name is."""
    return sub("deployments", safe(target), safe(region), safe(design_name))


def design_key(path: str | Path) -> str:
    """A short key for a design file (locks are per file, wherever it lives)."""
    return hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:16]


def jobs_dir() -> Path:
    return sub("jobs")


def locks_dir() -> Path:
    return sub("locks")


def deploy_lock(target: str, region: str, design_name: str) -> Path:
    """The lock every job on one deployment holds (deploy, destroy, canary, a preview): one at a time."""
    return locks_dir() / f"deploy-{safe(target)}-{safe(region)}-{safe(design_name)}.lock"
