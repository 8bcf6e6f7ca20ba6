"""Real servers for end-to-end tests: loopback only, free ports, stopped by PID."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(proc: subprocess.Popen, grace: float = 10) -> None:
    """SIGTERM, then SIGKILL after a grace period (servers can hang after 'Deleting all rooms')."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(grace)


# Server extensions only the JupyterLab page (and Voila's page) need; a server for Python
# clients starts a quarter faster without them.
PAGE_EXTENSIONS = ("jupyterlab", "jupyter_lsp", "voila.server_extension", "jupyter_server_terminals", "notebook_shim")


def _no_news_question(config: Path) -> None:
    """JupyterLab asks on a profile's first page whether to fetch news, in a toast over the page's
    bottom right (the chat input); the user settings answer it before the server starts."""
    folder = config / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    folder.mkdir(parents=True, exist_ok=True)
    settings = folder / "notification.jupyterlab-settings"
    if not settings.exists():
        settings.write_text(json.dumps({"fetchNews": "false"}))


@contextmanager
def jupyter(root: Path, tmp: Path, *extra: str, token: str = "test-token-not-a-secret", port: int | None = None,
            lab: bool | None = None):
    """A real Jupyter server with collaboration on 127.0.0.1; yields (base_url, token).

    `lab=True` serves the JupyterLab page (browser tests; implied by any `--LabApp.` option);
    otherwise the server has what Python clients use (collaboration, Isshoni, kernels, contents).  Pass `port` to start a server again
    where pages already point (a restart)."""
    port = port or free_port()
    if lab is None:
        lab = any(arg.startswith("--LabApp.") for arg in extra)
    if not lab:
        extra = (*extra, *(f"--ServerApp.jpserver_extensions={name}=False" for name in PAGE_EXTENSIONS))
    env = dict(os.environ, JUPYTER_DATA_DIR=str(tmp / "data"), JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"))
    (tmp / "data").mkdir(parents=True, exist_ok=True)  # the file-id database is made there; nothing else makes the folder
    if lab:
        _no_news_question(tmp / "config")
    log = open(tmp / f"jupyter-{port}.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", f"--ServerApp.root_dir={root}", f"--ServerApp.port={port}",
         "--ServerApp.ip=127.0.0.1", "--ServerApp.open_browser=False", "--ServerApp.allow_root=True",
         f"--IdentityProvider.token={token}", *extra],
        env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as resp:
                    json.load(resp)
                break
            except (OSError, urllib.error.URLError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Jupyter did not start: {(tmp / f'jupyter-{port}.log').read_text()[-2000:]}") from None
                time.sleep(0.05)  # a start is seen within 50 ms (benchmarks time from it)
        yield base, token
    finally:
        stop(proc)
        log.close()
