"""Build (or reuse) the test suite's own virtual environment, and print its path.

The test command must see exactly what a new user sees, whatever Python is
active on the machine: so it never installs into that Python.  It keeps a
venv in the checkout (`.venv-test`, gitignored), installed from the committed
lock (`requirements/test.lock`) with uv, and reuses it while the lock, the
project's metadata and the Python version are unchanged; the JupyterLab
extension is rebuilt when its sources change.  `ISSHONI_LATEST=1` uses a
second venv (`.venv-test-latest`) resolved afresh against the newest
releases, to find upstream breaks on purpose.

Standard library only: it runs before any environment exists.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "test.lock"
# the built extension, notebook widget bundle and Mermaid flowchart parser, each with the file that
# shows the build finished
BUILT = {
    ROOT / "kernels_helpers/isshoni/labextension": "static/style.js",
    ROOT / "kernels_helpers/isshoni/widget/static": "widget.js",
    ROOT / "kernels_helpers/isshoni/importers/mermaid/static": "mermaid-flowchart.mjs",
}
# what the built extension was built from (gitignored, beside the build it describes)
EXTENSION_KEY = ROOT / "kernels_helpers/isshoni/.extension-build-key"
EXTENSION_SKIP = {"node_modules", "lib", ".yarn", "tsconfig.tsbuildinfo"}


def say(message: str) -> None:
    print(f"test env: {message}", file=sys.stderr, flush=True)


def run(*args: str | os.PathLike, quiet: bool = True) -> None:
    """Run a step; on failure show its whole output and stop with the step named."""
    started = time.monotonic()
    done = subprocess.run([str(a) for a in args], capture_output=quiet, text=True, cwd=ROOT)
    if done.returncode != 0:
        if quiet:
            sys.stderr.write(done.stdout + done.stderr)
        sys.exit(f"test env: this step failed ({done.returncode}): {' '.join(map(str, args))}")
    say(f"{Path(str(args[0])).name} {' '.join(str(a) for a in args[1:4])} ... {time.monotonic() - started:.1f} s")


def digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def extension_sources() -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(ROOT / "extension"):
        dirnames[:] = [d for d in dirnames if d not in EXTENSION_SKIP]
        out += [Path(dirpath, f) for f in filenames if f not in EXTENSION_SKIP]
    return out


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def create(venv: Path) -> None:
    if venv.exists():
        shutil.rmtree(venv)
    run(sys.executable, "-m", "venv", venv)
    uv_pin = next((line.split(";")[0].strip() for line in LOCK.read_text().splitlines() if line.startswith("uv==")), "uv")
    run(venv_python(venv), "-m", "pip", "install", "--quiet", uv_pin)


def uv(venv: Path, *args: str) -> None:
    run(venv / "bin" / "uv", "pip", *args, "--python", venv_python(venv))


def main() -> None:
    if sys.version_info < (3, 10):  # noqa: UP036 - any python3 on the machine may run this
        sys.exit(f"test env: Python 3.10 or newer is needed, this is {sys.version.split()[0]}")
    latest = os.environ.get("ISSHONI_LATEST", "") not in ("", "0")
    venv = ROOT / (".venv-test-latest" if latest else ".venv-test")
    python_id = f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}"
    env_key = digest([LOCK, ROOT / "pyproject.toml"]) + python_id + ("-latest" if latest else "")
    env_stamp = venv / ".isshoni-env-key"
    ext_key = digest(extension_sources())
    stale_build = not EXTENSION_KEY.exists() or EXTENSION_KEY.read_text() != ext_key
    fresh = not venv_python(venv).exists() or not env_stamp.exists() or not (venv / "bin" / "uv").exists()
    if fresh:
        say(f"creating {venv.name} with {sys.executable} ({python_id})")
        create(venv)
    if stale_build:
        say("building the JupyterLab extension from extension/ (sources new or changed)")
        for built in BUILT:
            shutil.rmtree(built, ignore_errors=True)
    if latest:
        say("ISSHONI_LATEST=1: resolving the newest release of every dependency (no lock)")
        uv(venv, "install", "--quiet", "--upgrade", "--reinstall-package", "isshoni", "--editable", ".[test]")
    elif fresh or env_stamp.read_text() != env_key:
        say(f"installing the locked test environment ({LOCK.relative_to(ROOT)})")
        uv(venv, "sync", "--quiet", str(LOCK))
        uv(venv, "install", "--quiet", "--no-deps", "--reinstall-package", "isshoni", "--editable", ".")
    elif stale_build:
        uv(venv, "install", "--quiet", "--no-deps", "--reinstall-package", "isshoni", "--editable", ".")
    if not all((folder / marker).exists() for folder, marker in BUILT.items()):
        sys.exit("test env: the JupyterLab extension was not built (see the output above)")
    EXTENSION_KEY.write_text(ext_key)
    env_stamp.write_text(env_key)
    print(venv)


if __name__ == "__main__":
    main()
