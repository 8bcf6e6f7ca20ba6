"""The sandbox: a real moto server on loopback that stands in for AWS.

It runs as its own process (`python -m moto.server`), so it outlives the CLI
command that started it and every later command, notebook cell or Jupyter
server finds it through a small state file (PID, port).  Credentials are
dummies that exist only in the environment of the clients and subprocesses
talking to it; every client is built with the loopback endpoint, and a URL
that is not loopback is refused, so a sandbox session can never reach a real
AWS account.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from . import paths
from .jobs import pid_alive
from .locks import locked

# Dummies: moto accepts any key.  They are not secrets, but they never go into a design,
# a log or a fixture: only into the environment of the processes talking to the sandbox.
ACCESS_KEY = "ISSHONISANDBOXDUMMY0"
SECRET_KEY = "isshoni-sandbox-dummy-secret-key-0000000"
ACCOUNT_ID = "123456789012"  # moto's default account
CERT_DOMAIN = "*.sandbox.isshoni.test"
PREPARED_TAG = "isshoni:sandbox"
DEAD_PROXY = "http://127.0.0.1:9"  # discard port: anything not loopback fails at once


class SandboxError(Exception):
    """The sandbox cannot be started, reached or trusted."""


@dataclass
class Sandbox:
    pid: int
    port: int
    started: float
    moto_version: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


# ---------------------------------------------------------------- safety


def check_loopback(url: str) -> str:
    """Return `url` if its host is a loopback address; raise otherwise."""
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        ok = ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = host == "localhost"
    if not ok:
        raise SandboxError(f"refusing sandbox endpoint {url!r}: the sandbox is only ever on loopback")
    return url


def client(sandbox: Sandbox, service: str, region: str):
    """A boto3 client bound to the sandbox (dummy credentials, loopback endpoint).  Clients are shared
    per (endpoint, service, region) and built from one session per region: building one costs up to
    0.7 s on a loaded machine, and a destroy's sweep asks some twenty services (boto3's clients are
    safe to share between threads; building them is not, hence the lock)."""
    key = (check_loopback(sandbox.url), service, region)
    with _CLIENTS_LOCK:
        if key not in _CLIENTS:
            from botocore.config import Config

            config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=10, read_timeout=120)
            _CLIENTS[key] = session(region).client(service, endpoint_url=key[0], config=config)
        return _CLIENTS[key]


_CLIENTS: dict[tuple[str, str, str], object] = {}
_CLIENTS_LOCK = threading.Lock()


@functools.cache
def session(region: str):
    import boto3

    return boto3.session.Session(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=region)


def environment(base: dict | None = None) -> dict[str, str]:
    """Environment for a subprocess (terraform) that must talk to the sandbox and nothing else:
    the user's AWS settings removed, dummy keys set, and a dead proxy for every host
    that is not loopback."""
    env = {k: v for k, v in (base if base is not None else os.environ).items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        HTTP_PROXY=DEAD_PROXY,
        HTTPS_PROXY=DEAD_PROXY,
        http_proxy=DEAD_PROXY,
        https_proxy=DEAD_PROXY,
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    return env


# ---------------------------------------------------------------- state


def _state_file() -> Path:
    return paths.state_dir() / "sandbox.json"


def _log_file() -> Path:
    return paths.state_dir() / "sandbox.log"


def _read_state() -> Sandbox | None:
    try:
        return Sandbox(**json.loads(_state_file().read_text()))
    except (OSError, ValueError, TypeError):
        return None


def _alive(pid: int) -> bool:
    """The sandbox's process is still there (and is still a moto server)."""
    if not pid_alive(pid):
        return False
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():  # Linux: make sure the PID was not reused by something else
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            return False
        return "moto.server" in text or "moto_server" in text
    return True


def _responds(port: int, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=timeout) as resp:
            return resp.status == 200
    except (OSError, urllib.error.URLError):
        return False


def running() -> Sandbox | None:
    """The sandbox if its process is alive and answering; None otherwise."""
    state = _read_state()
    if state and _alive(state.pid) and _responds(state.port):
        return state
    return None


def available() -> str | None:
    """None when moto's server can run here, else why not."""
    try:
        import flask  # noqa: F401  (moto[server] extra)
        import moto  # noqa: F401
    except ImportError as exc:
        return f"the sandbox needs moto's server: pip install 'moto[server]' ({exc.name} is missing)"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(timeout: float = 60.0) -> Sandbox:
    """Start the sandbox unless it already runs; return it."""
    missing = available()
    if missing:
        raise SandboxError(missing)
    with locked(paths.locks_dir() / "sandbox.lock", wait=timeout, what="the sandbox"):
        current = running()
        if current:
            return current
        import moto

        last = ""
        for _attempt in range(3):
            port = _free_port()
            # managed policies for roles that attach them; certificates a design requests are issued at once
            env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true", MOTO_ACM_VALIDATION_WAIT="0")
            for key in [k for k in env if k.startswith("AWS_")]:  # the server needs no real settings
                del env[key]
            with open(_log_file(), "w") as log:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    env=env, start_new_session=True, cwd=paths.state_dir(),
                )
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and proc.poll() is None:
                if _responds(port, 1.0):
                    sandbox = Sandbox(proc.pid, port, time.time(), moto.__version__)
                    _warm(sandbox)
                    tmp = _state_file().with_suffix(".tmp")
                    tmp.write_text(json.dumps(asdict(sandbox)))
                    tmp.replace(_state_file())
                    return sandbox
                time.sleep(0.2)
            last = _tail(_log_file())
            if proc.poll() is None:
                _terminate(proc.pid)
        raise SandboxError(f"the sandbox (moto server) did not start: {last}")


def _warm(sandbox: Sandbox) -> None:
    """moto loads its CloudFormation backend (every model) on the first call: take those
    seconds at start, not in the middle of the first deploy."""
    try:
        client(sandbox, "cloudformation", "us-east-1").list_stacks()
    except Exception:  # warming is an optimisation only
        pass


def ensure() -> Sandbox:
    return running() or start()


def stop(timeout: float = 10.0) -> bool:
    """Stop the sandbox by its PID; True if one was running."""
    state = _read_state()
    stopped = False
    if state and _alive(state.pid):
        _terminate(state.pid, timeout)
        stopped = True
    _state_file().unlink(missing_ok=True)
    return stopped


def _terminate(pid: int, timeout: float = 10.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        _reap(pid)
        time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _reap(pid)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)  # only succeeds for our own child; harmless otherwise
    except ChildProcessError:
        pass


def reset(sandbox: Sandbox | None = None) -> None:
    """Wipe every resource in the sandbox (moto's reset API)."""
    sandbox = sandbox or running()
    if not sandbox:
        raise SandboxError("the sandbox is not running (isshoni sandbox start)")
    request = urllib.request.Request(f"{check_loopback(sandbox.url)}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=30) as resp:
        resp.read()


def _tail(path: Path, lines: int = 5) -> str:
    try:
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return "(no log)"


# ---------------------------------------------------------------- preparation


def prepare(sandbox: Sandbox, region: str) -> dict:
    """What deploys expect to find in an account (idempotent, per region).

    - an issued ACM certificate, for HTTPS listeners whose design has no
      certificate the sandbox can create (moto's CloudFormation has no ACM).
    Managed IAM policies (AmazonECSTaskExecutionRolePolicy ...) are loaded by
    the server itself (MOTO_IAM_LOAD_MANAGED_POLICIES=true).
    """
    acm = client(sandbox, "acm", region)
    for summary in acm.list_certificates().get("CertificateSummaryList", []):
        if summary.get("DomainName") == CERT_DOMAIN:
            return {"certificate_arn": summary["CertificateArn"]}
    arn = acm.request_certificate(
        DomainName=CERT_DOMAIN, ValidationMethod="DNS", Tags=[{"Key": PREPARED_TAG, "Value": "prepared"}]
    )["CertificateArn"]
    return {"certificate_arn": arn}


def status() -> dict:
    """A plain summary for `isshoni sandbox status`."""
    state = _read_state()
    sandbox = running()
    return {
        "running": bool(sandbox),
        "url": sandbox.url if sandbox else None,
        "pid": sandbox.pid if sandbox else (state.pid if state else None),
        "uptime_s": round(time.time() - sandbox.started, 1) if sandbox else None,
        "moto_version": sandbox.moto_version if sandbox else None,
        "state_file": str(_state_file()),
        "log": str(_log_file()),
        "stale_state": bool(state and not sandbox),
    }
