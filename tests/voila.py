"""A real Voila server on loopback for browser tests, started with the same command line
`isshoni dashboard` uses (its extension deny-list), stopped by PID."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from isshoni.dashboard.serve import dashboard_env, voila_command
from servers import free_port, stop


def voila_env(folder: Path, tmp: Path, **extra: str) -> dict:
    """The dashboard's environment with Jupyter's own folders in `tmp` (no server of the machine is found;
    `extra` may name one: ISSHONI_SERVER_URL ...)."""
    env = dashboard_env(folder)
    for name in ("ISSHONI_SERVER_URL", "ISSHONI_SERVER_TOKEN", "JUPYTER_SERVER_URL", "JUPYTER_TOKEN", "JPY_PARENT_PID"):
        env.pop(name, None)
    env.update(JUPYTER_DATA_DIR=str(tmp / "data"), JUPYTER_CONFIG_DIR=str(tmp / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), **extra)
    return env


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except (OSError, urllib.error.URLError):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {log.read_text()[-3000:]}") from None
            time.sleep(0.3)


@contextmanager
def serve(cmd: list[str], env: dict, tmp: Path, port: int):
    """Run a server command (Voila or `isshoni dashboard`) until the block ends; yields its base URL."""
    log_path = tmp / f"voila-{port}.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_http(f"{base}/", proc, log_path)
            yield base
        finally:
            stop(proc)


@contextmanager
def voila(notebook: Path, folder: Path, tmp: Path, **env: str):
    """Voila serving `notebook` as `isshoni dashboard` would."""
    port = free_port()
    with serve(voila_command(port=port, no_browser=True, path=notebook), voila_env(folder, tmp, **env), tmp, port) as base:
        yield base


def page_errors(page) -> list[str]:
    """Collect uncaught page errors on `page.errors` (Voila's offline font fetch is not one)."""
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return page.errors
