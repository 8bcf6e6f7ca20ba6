"""`isshoni lab` starts a real JupyterLab with collaboration and a sample design."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

from isshoni import Design
from isshoni.launch import ensure_sample
from servers import free_port, stop


def test_sample_is_added_once_and_never_overwrites(tmp_path):
    first = ensure_sample(tmp_path)
    assert first.name == "chat_canary.infra.json" and Design.load(first).resources
    first.write_text(first.read_text().replace('"chat_canary"', '"mine"', 1))
    assert ensure_sample(tmp_path) == first
    assert Design.load(first).name == "mine"


def test_lab_serves_the_folder_with_collaboration(tmp_path):
    port, token = free_port(), "test-token-not-a-secret"
    env = dict(os.environ, JUPYTER_DATA_DIR=str(tmp_path / "data"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    root = tmp_path / "work"
    root.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "isshoni", "lab", str(root), "--no-browser", "--port", str(port), "--token", token,
         "--ServerApp.ip=127.0.0.1"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline, listing = time.monotonic() + 90, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"{base}/api/contents?token={token}", timeout=2) as resp:
                    listing = json.load(resp)
                break
            except OSError:
                time.sleep(0.5)
        assert listing is not None, "JupyterLab did not answer"
        assert "chat_canary.infra.json" in {item["name"] for item in listing["content"]}
        request = urllib.request.Request(
            f"{base}/api/collaboration/session/chat_canary.infra.json?token={token}",
            data=json.dumps({"format": "text", "type": "file"}).encode(),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as resp:
            session = json.load(resp)
        assert session["fileId"] and session["sessionId"]
        try:
            urllib.request.urlopen(f"{base}/api/contents?token=wrong", timeout=5)
            raise AssertionError("a wrong token was accepted")
        except urllib.error.HTTPError as exc:
            assert exc.code == 403
    finally:
        stop(proc)
