"""`isshoni lab`: start JupyterLab on a folder with a sample design, collaboration on.

Options it does not know pass through to `jupyter lab`.  The token comes
from --token or ISSHONI_TOKEN; without either Jupyter makes one and prints it.
"""

from __future__ import annotations

import hashlib
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
    cmd += store_options(getattr(args, "redis", None) or os.environ.get("ISSHONI_REDIS_URL"), folder)
    # Offline by default: no announcements feed or update check fetched from the internet.
    cmd += ["--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    return cmd + extra


def server_state(folder: Path) -> tuple[Path, Path]:
    """Where the server keeps its state for `folder`: the collaboration store and the session
    records, in Jupyter's data folder (one subfolder per served folder), so that serving a git
    checkout leaves nothing untracked in it.  A store already in the folder (older versions put
    `.jupyter_ystore.db` there) keeps being used: its history is the newest copy of the designs."""
    from jupyter_core.paths import jupyter_data_dir

    base = Path(jupyter_data_dir()) / "isshoni" / "servers" / hashlib.sha256(str(folder).encode()).hexdigest()[:16]
    legacy = folder / ".jupyter_ystore.db"
    return (legacy if legacy.exists() else base / "ystore.db"), base / "collaboration_sessions.json"


def store_options(redis_url: str | None, folder: Path) -> list[str]:
    """The collaboration store: Redis when a URL is given, else Isshoni's SQLite store (both "newer wins")."""
    ystore, sessions = server_state(folder)
    sessions.parent.mkdir(parents=True, exist_ok=True)
    options = [f"--YDocExtension.session_store_path={sessions}"]
    if not redis_url:
        # The env var also reaches stores the server builds without config (get_document(create=True)).
        os.environ["ISSHONI_YSTORE_DB"] = str(ystore)
        return options + ["--YDocExtension.ystore_class=isshoni.stores.IsshoniSQLiteYStore", f"--IsshoniSQLiteYStore.db_path={ystore}"]
    os.environ["ISSHONI_REDIS_URL"] = redis_url
    return options + ["--YDocExtension.ystore_class=isshoni.stores.RedisYStore", f"--RedisYStore.redis_url={redis_url}"]


def cmd_lab(args, extra: list[str]) -> int:
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        from .extras import missing

        print(missing("JupyterLab", "lab"), file=sys.stderr)
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
