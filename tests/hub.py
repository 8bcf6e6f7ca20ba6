"""A real JupyterHub for team tests: the `jupyterhub` package, its real proxy
(configurable-http-proxy, scripts/ensure_proxy.sh), DummyAuthenticator and the local process
spawner, every port on 127.0.0.1; single-user servers run this checkout's Isshoni.  Stopped by
PID (the Hub stops its proxy and the servers it spawned)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from servers import free_port, stop

ROOT = Path(__file__).resolve().parents[1]
SERVICE_TOKEN = "hub-test-service-token-not-a-secret"  # noqa: S105 - a test Hub's own service, loopback only


def proxy_command() -> str:
    """configurable-http-proxy, installed by the test command (or here, when a test runs alone)."""
    given = os.environ.get("ISSHONI_CHP")
    if given and Path(given).exists():
        return given
    done = subprocess.run(["bash", str(ROOT / "scripts" / "ensure_proxy.sh")], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"configurable-http-proxy could not be installed: {done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


CONFIG = """
import sys
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {proxy_pid!r}
c.JupyterHub.db_url = "sqlite:///{db}"
c.JupyterHub.cookie_secret_file = {secret!r}
c.JupyterHub.pid_file = {pid!r}
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = {users!r}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.args = {args!r}
c.Spawner.environment = {environment!r}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.JupyterHub.load_groups = {groups!r}
c.JupyterHub.load_roles = [
    {{"name": "user", "scopes": ["self", "shares!user"]}},
    {{"name": "tester", "scopes": ["admin:users", "admin:servers", "shares", "tokens", "read:hub", "admin:groups"],
      "services": ["tester"]}},
]
c.JupyterHub.services = [{{"name": "tester", "api_token": {service_token!r}}}]
"""


class Hub:
    def __init__(self, url: str, folder: Path):
        self.url, self.folder = url, folder

    def api(self, method: str, path: str, body=None, token: str = SERVICE_TOKEN, timeout: float = 60):
        """A Hub REST call; (status, JSON answer or None)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}/hub/api{path}", data=data, method=method,
                                         headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return answer.status, _json(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, _json(error.read())

    def start_server(self, user: str, timeout: float = 240) -> None:
        status, answer = self.api("POST", f"/users/{user}/server")
        if status not in (201, 202, 400):  # 400: already running
            raise RuntimeError(f"could not start {user}'s server: {status} {answer}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            _, model = self.api("GET", f"/users/{user}")
            server = (model or {}).get("servers", {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(0.5)
        raise RuntimeError(f"{user}'s server did not become ready: {self.log()[-3000:]}")

    def share(self, owner: str, user: str) -> None:
        status, answer = self.api("POST", f"/shares/{owner}/", {"user": user})
        if status not in (200, 201):
            raise RuntimeError(f"could not share {owner}'s server with {user}: {status} {answer}")

    def token_for(self, user: str, scopes: list[str]) -> str:
        status, answer = self.api("POST", f"/users/{user}/tokens", {"scopes": scopes, "note": "isshoni team test"})
        if status not in (200, 201):
            raise RuntimeError(f"no token for {user}: {status} {answer}")
        return answer["token"]

    def log(self) -> str:
        return (self.folder / "hub.log").read_text(errors="replace")


def _json(text: bytes):
    try:
        return json.loads(text) if text else None
    except ValueError:
        return text.decode(errors="replace")  # the proxy's own "Not Found" while the Hub starts


@contextmanager
def jupyterhub(tmp: Path, users: list[str], groups: dict[str, list[str]], single_user_args: list[str], environment: dict[str, str]):
    """A running Hub; yields a `Hub`.  Each user's home (the root of their server) is
    `tmp/homes/<user>` (made here, so a test can put files in it before starting a server)."""
    folder = tmp / "hub"
    folder.mkdir(parents=True, exist_ok=True)
    homes = tmp / "homes"
    for user in users:
        (homes / user).mkdir(parents=True, exist_ok=True)
    port, hub_port = free_port(), free_port()
    config = CONFIG.format(
        port=port, hub_port=hub_port, api_port=free_port(), proxy=proxy_command(), proxy_pid=str(folder / "proxy.pid"),
        db=folder / "hub.sqlite", secret=str(folder / "cookie_secret"), pid=str(folder / "hub.pid"), users=set(users),
        homes=str(homes), args=list(single_user_args), environment=dict(environment),
        groups={name: {"users": members} for name, members in groups.items()}, service_token=SERVICE_TOKEN,
    )
    (folder / "jupyterhub_config.py").write_text(config)
    log = open(folder / "hub.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(folder / "jupyterhub_config.py")], cwd=folder,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    hub = Hub(f"http://127.0.0.1:{port}", folder)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if hub.api("GET", "/", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"JupyterHub did not start: {hub.log()[-3000:]}")
            time.sleep(0.3)
        yield hub
    finally:
        stop(proc, grace=30)  # the Hub stops the servers it spawned and its proxy (cleanup_servers)...
        stop_left_over(f"http://127.0.0.1:{hub_port}/hub/api", folder / "proxy.pid")  # ...unless it had to be killed
        log.close()


def stop_left_over(api_url: str, proxy_pid_file: Path, grace: float = 10) -> None:
    """Stop what a Hub that was killed could not: its single-user servers (found by the Hub API
    address in their environment, so only this Hub's) and its proxy (by its PID file)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                environ = (entry / "environ").read_bytes().split(b"\0")
            except OSError:  # gone, or not ours to read
                continue
            if f"JUPYTERHUB_API_URL={api_url}".encode() in environ:
                pids.append(int(entry.name))
    try:
        proxy = int(proxy_pid_file.read_text().strip())
        if b"configurable-http-proxy" in Path(f"/proc/{proxy}/cmdline").read_bytes():  # not a PID reused since
            pids.append(proxy)
    except (OSError, ValueError):
        pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        alive = []
        for pid in pids:
            try:
                os.kill(pid, sig)
                alive.append(pid)
            except (ProcessLookupError, PermissionError):
                pass
        if not alive:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() and not _zombie(pid) for pid in alive):
            time.sleep(0.1)
        pids = [pid for pid in alive if Path(f"/proc/{pid}").exists() and not _zombie(pid)]


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False
