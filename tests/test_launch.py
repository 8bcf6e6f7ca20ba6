"""`isshoni lab` starts a real JupyterLab with collaboration and a sample design."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from isshoni import Design
from isshoni.launch import ensure_sample
from servers import free_port, stop


def test_sample_is_added_once_and_never_overwrites(tmp_path):
    first = ensure_sample(tmp_path)
    assert first.name == "chat_canary.infra.json" and Design.load(first).resources
    first.write_text(first.read_text().replace('"chat_canary"', '"mine"', 1))
    assert ensure_sample(tmp_path) == first
    assert Design.load(first).name == "mine"


def test_lab_serves_the_folder_with_collaboration_and_leaves_a_checkout_clean(tmp_path):
    """The quick start runs `isshoni lab` inside a git checkout: the server's state (collaboration
    store, session records) goes to Jupyter's data folder, so the only new file is the sample design."""
    port, token = free_port(), "test-token-not-a-secret"
    data = tmp_path / "data"
    env = dict(os.environ, JUPYTER_DATA_DIR=str(data), JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    for name in ("ISSHONI_YSTORE_DB", "ISSHONI_REDIS_URL"):
        env.pop(name, None)
    root = tmp_path / "work"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "isshoni", "lab", "--no-browser", "--port", str(port), "--token", token,
         "--ServerApp.ip=127.0.0.1", "--YDocExtension.document_save_delay=0.3"],
        env=env,
        cwd=root,  # the folder served is the working directory, as in the quick start
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline, listing = time.monotonic() + 120, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"{base}/api/contents?token={token}", timeout=2) as resp:
                    listing = json.load(resp)
                break
            except OSError:
                time.sleep(0.5)
        assert listing is not None, "JupyterLab did not answer"
        assert "chat_canary.infra.json" in {item["name"] for item in listing["content"]}
        asyncio.run(_edit_in_the_room(base, token, "chat_canary.infra.json"))
        try:
            urllib.request.urlopen(f"{base}/api/contents?token=wrong", timeout=5)
            raise AssertionError("a wrong token was accepted")
        except urllib.error.HTTPError as exc:
            assert exc.code == 403
    finally:
        stop(proc)
    assert Design.load(root / "chat_canary.infra.json").meta["notes"] == "edited in the room"
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=root, capture_output=True, text=True)
    assert status.stdout.splitlines() == ["?? chat_canary.infra.json"]
    (store,) = data.glob("isshoni/servers/*/ystore.db")
    assert store.stat().st_size > 0 and list(data.glob("isshoni/servers/*/collaboration_sessions.json"))


async def _edit_in_the_room(base: str, token: str, path: str) -> None:
    from rooms import joined

    async with joined(base, token, path) as doc:
        doc._ymeta["notes"] = "edited in the room"
        await asyncio.sleep(1.5)  # the server saves after document_save_delay


def test_a_missing_extra_names_the_exact_install_command():
    """`isshoni dashboard` without Voila: the line it prints installs the dashboard extra into
    this very environment, from the checkout this copy was installed from (not an index)."""
    code = (
        "import sys; sys.modules['voila'] = None\n"  # as if the dashboard extra were not installed
        "from isshoni.cli import main\n"
        "sys.exit(main(['dashboard', '--no-browser']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    root = str(Path(__file__).resolve().parents[1])
    expected = f"{shlex.quote(sys.executable)} -m pip install -e {shlex.quote(root + '[dashboard]')}"
    assert done.stderr.strip().splitlines()[-1].strip() == expected
