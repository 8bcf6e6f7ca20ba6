"""`isshoni lab`: start JupyterLab on a folder with a sample design, collaboration on.

Options it does not know pass through to `jupyter lab`.  The token comes
from --token or ISSHONI_TOKEN; without either Jupyter makes one and prints it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SAMPLE = "chat_canary"


def ensure_sample(folder: Path) -> Path:
    """Put a sample design into an empty-of-designs folder so the first screen is not blank."""
    from . import templates
    from .design.model import SUFFIX

    existing = sorted(folder.glob(f"*{SUFFIX}"))
    if existing:
        return existing[0]
    design = templates.load(SAMPLE)
    path = folder / f"{SAMPLE}{SUFFIX}"
    design.save(path)
    return path


def lab_command(args, extra: list[str]) -> list[str]:
    folder = Path(args.dir).resolve()
    sample = ensure_sample(folder)
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}", f"--port={args.port}"]
    token = args.token or os.environ.get("ISSHONI_TOKEN")
    if token:
        cmd.append(f"--IdentityProvider.token={token}")
    if args.no_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # Jupyter refuses root otherwise (containers, Binder-like hosts)
    cmd.append(f"--LabApp.default_url=/lab/tree/{sample.name}")
    cmd += store_options(getattr(args, "redis", None) or os.environ.get("ISSHONI_REDIS_URL"))
    # Offline by default: no announcements feed or update check fetched from the internet.
    cmd += ["--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    return cmd + extra


def store_options(redis_url: str | None) -> list[str]:
    """The collaboration store: Redis when a URL is given, else Isshoni's SQLite store (both "newer wins")."""
    if not redis_url:
        return ["--YDocExtension.ystore_class=isshoni.stores.IsshoniSQLiteYStore"]
    # The env var reaches stores the server builds without config (get_document(create=True)).
    os.environ["ISSHONI_REDIS_URL"] = redis_url
    return ["--YDocExtension.ystore_class=isshoni.stores.RedisYStore", f"--RedisYStore.redis_url={redis_url}"]


def cmd_lab(args, extra: list[str]) -> int:
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        print("JupyterLab is not installed: pip install 'isshoni[lab]'", file=sys.stderr)
        return 2
    cmd = lab_command(args, extra)
    def shown(c: str) -> str:
        if "token" in c:
            return "--IdentityProvider.token=***"
        return "--RedisYStore.redis_url=***" if c.startswith("--RedisYStore.redis_url=") else c  # may hold a password

    print("Starting:", " ".join(shown(c) for c in cmd), file=sys.stderr)
    os.execv(sys.executable, cmd)
    return 0  # not reached: execv replaces this process


def add_commands(sub) -> None:
    s = sub.add_parser(
        "lab",
        help="start JupyterLab with Isshoni and a sample design (other options pass to jupyter lab)",
    )
    s.add_argument("dir", nargs="?", default=".", help="folder to serve (a sample design is added if it has none)")
    s.add_argument("--port", type=int, default=8888)
    s.add_argument("--no-browser", action="store_true", help="do not open a browser")
    s.add_argument("--token", help="access token (default: $ISSHONI_TOKEN, or one Jupyter makes)")
    s.add_argument(
        "--redis",
        metavar="URL",
        help="keep collaboration history in Redis (redis://host:port/db; default: $ISSHONI_REDIS_URL, else SQLite)",
    )
    s.set_defaults(fn=None, lab=True)
