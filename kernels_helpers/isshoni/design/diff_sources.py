"""Where each side of `isshoni diff` comes from: a design file, or the file as git has it.

`shop.infra.json` is the file on disk; `shop.infra.json@v1.2` a version named in the design
(design/versions.py); otherwise `@HEAD` (or any revision git names: `@HEAD~1`, a tag, `@main`)
is the same file at that revision, read with `git show` (the design is stable JSON, so a
repository holds its history).  The revision is checked before git sees it
(letters, digits and `._/~^-`, never a leading `-`, so it cannot be read as an option); git runs
with a deadline, no prompt and no pager.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from ..checks import deadline
from . import versions
from .errors import DesignError, Problem
from .model import Design

GIT_TIMEOUT = 20.0  # seconds
MAX_BYTES = 20 * 1024 * 1024  # a design file past this is not a design
_REVISION = re.compile(r"^[A-Za-z0-9._/~^][A-Za-z0-9._/~^-]{0,199}$")


def read(spec: str) -> tuple[dict, str]:
    """(the design's JSON, a label for it) for `PATH` or `PATH@REVISION`; DesignError saying why not."""
    path, revision = Path(spec), None
    if not path.is_file() and "@" in spec:
        head, _, revision = spec.rpartition("@")
        path = Path(head)
    if not path.is_file():
        raise DesignError([Problem("$", "no such design file")], str(path))
    if revision is None:
        if path.stat().st_size > MAX_BYTES:
            raise DesignError([Problem("$", f"larger than {MAX_BYTES // 1024 // 1024} MB: not a design file")], str(path))
        return Design.load(path, validate=False).data, str(path)
    current = Design.load(path, validate=False).data
    if revision in (current.get("versions") or {}):  # a version named in the design comes before git
        return versions.content(current, revision), f"{path}@{revision}"
    text = from_git(path, revision)
    return Design.loads(text, f"{path}@{revision}", validate=False).data, f"{path}@{revision}"


def from_git(path: Path, revision: str) -> str:
    where = f"{path}@{revision}"
    if not _REVISION.match(revision) or ".." in revision:
        raise DesignError([Problem("$", "not a git revision this command reads (HEAD, HEAD~1, a tag, a branch or a commit)")], where)
    folder = path.resolve().parent
    top = _git(["rev-parse", "--show-toplevel"], folder, where)
    relative = path.resolve().relative_to(Path(top.strip()).resolve()).as_posix()
    return _git(["show", f"{revision}:{relative}"], folder, where)


def _git(args: list[str], folder: Path, where: str) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "PAGER": "cat", "LC_ALL": "C"}
    try:
        done = deadline.run(["git", "--no-pager", "-C", str(folder), *args], timeout=GIT_TIMEOUT, env=env)
    except FileNotFoundError:
        raise DesignError([Problem("$", "git is not installed, so a revision of the file cannot be read")], where) from None
    except subprocess.TimeoutExpired:
        raise DesignError([Problem("$", f"git did not answer within {GIT_TIMEOUT:g} s")], where) from None
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["git failed"])[-1][:300]
        if "not a git repository" in said:
            said = "the design's folder is not in a git repository"
        raise DesignError([Problem("$", said)], where)
    if len(done.stdout) > MAX_BYTES:
        raise DesignError([Problem("$", f"larger than {MAX_BYTES // 1024 // 1024} MB: not a design file")], where)
    return done.stdout


__all__ = ["read"]
