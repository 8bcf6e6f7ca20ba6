"""`isshoni dashboard`: serve the dashboard notebook with Voila on loopback.

Voila 0.5 runs its own JupyterLab 4.2 front end, which cannot load the
Isshoni canvas extension or jupyter-collaboration's document provider (they
need the collaborative drive of a full JupyterLab): both are denied, so the
page loads only what it can run (ipywidgets, anywidget).  The dashboard's
kernel finds its designs in the served folder (`ISSHONI_DASHBOARD_DIR`), and
joins a design's live room when a Jupyter server is reachable (`isshoni.open`).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

# Voila's own JupyterLab cannot run these; it already drops @jupyter/collaboration-extension.
DENIED_EXTENSIONS = ("isshoni", "@jupyter/docprovider-extension", "@jupyter/collaboration-extension")


def notebook() -> Path:
    """The dashboard notebook: packaged in a wheel, `notebooks/` in a source checkout (one copy)."""
    packaged = Path(__file__).resolve().parents[1] / "notebooks" / "dashboard.ipynb"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "notebooks" / "dashboard.ipynb"


def voila_command(*, port: int, no_browser: bool, extra: list[str] | None = None, path: Path | None = None) -> list[str]:
    """The Voila command line for the dashboard (or another notebook: `path`)."""
    cmd = [
        sys.executable, "-m", "voila", str(path or notebook()),
        f"--port={port}", "--Voila.ip=127.0.0.1",
        f"--VoilaConfiguration.extension_denylist={json.dumps(list(DENIED_EXTENSIONS))}",
        # each page load starts a kernel; a closed tab must not leave one behind
        "--VoilaConfiguration.show_tracebacks=True",
        "--MappingKernelManager.cull_idle_timeout=600", "--MappingKernelManager.cull_interval=60",
    ]
    if no_browser:
        cmd.append("--no-browser")
    return cmd + list(extra or [])


def dashboard_env(folder: Path, base: dict | None = None) -> dict:
    env = dict(os.environ if base is None else base)
    env["ISSHONI_DASHBOARD_DIR"] = str(folder)
    return env


def voila_server_config() -> dict:
    """The same deny-list for Voila running inside a Jupyter server (`/voila/render/...`, Binder)."""
    return {"VoilaConfiguration": {"extension_denylist": list(DENIED_EXTENSIONS)}}


def write_server_config(folder: Path) -> Path:
    """Write `isshoni-voila.json` into a `jupyter_server_config.d` folder."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "isshoni-voila.json"
    target.write_text(json.dumps(voila_server_config(), indent=2) + "\n", encoding="utf-8")
    return target


def cmd_dashboard(args, extra: list[str]) -> int:
    try:
        import voila  # noqa: F401
    except ImportError:
        from ..extras import missing

        print(missing("Voila (the dashboard's server)", "dashboard"), file=sys.stderr)
        return 2
    folder = Path(args.dir).resolve()
    if not folder.is_dir():
        print(f"isshoni dashboard: {folder} is not a folder", file=sys.stderr)
        return 2
    if not notebook().is_file():
        print(f"isshoni dashboard: the dashboard notebook is missing ({notebook()})", file=sys.stderr)
        return 2
    cmd = voila_command(port=args.port, no_browser=args.no_browser, extra=extra)
    print(f"Isshoni dashboard on http://127.0.0.1:{args.port}/ (designs in {folder})", file=sys.stderr)
    os.execve(sys.executable, cmd, dashboard_env(folder))
    return 0  # not reached: execve replaces this process


def add_commands(sub) -> None:
    s = sub.add_parser("dashboard", help="serve the Voila dashboard (template, diagram, code, deploy, canary)")
    s.add_argument("dir", nargs="?", default=".", help="folder holding the designs (default: here)")
    s.add_argument("--port", type=int, default=8866)
    s.add_argument("--no-browser", action="store_true", help="do not open a browser")
    s.set_defaults(fn=None, dashboard=True)


if __name__ == "__main__":  # python -m isshoni.dashboard.serve CONFIG_D_FOLDER (binder/postBuild)
    if len(sys.argv) != 2:
        sys.exit("usage: python -m isshoni.dashboard.serve JUPYTER_SERVER_CONFIG_D_FOLDER")
    print(f"wrote {write_server_config(Path(sys.argv[1]))}")
