"""Advisory file locks (fcntl): the kernel drops them when a process dies, even by SIGKILL,
so a killed deploy never leaves a lock behind."""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path


class Busy(Exception):
    """Someone else holds the lock."""


@contextmanager
def locked(path: Path, *, wait: float | None = 30.0, what: str = "file"):
    """Hold an exclusive lock on `path` (created if missing); wait up to `wait` seconds
    (None: forever, 0: fail at once with Busy)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = None if wait is None else time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    holder = _read(path)
                    raise Busy(f"{what} is locked{f' by {holder}' if holder else ''}") from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}".encode())
        yield
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""
