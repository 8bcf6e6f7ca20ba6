"""A folder made a git repository with a file committed (the design as git HEAD has it), with a
fixed identity and no user configuration read."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(root), "PATH": "/usr/bin:/bin"})


def committed(root: Path, name: str, message: str = "the design as committed") -> None:
    git(root, "init", "-q")
    git(root, "add", name)
    git(root, "commit", "-q", "-m", message)
