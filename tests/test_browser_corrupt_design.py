"""A broken design file in the browser (issue 14, defect 7): the canvas says the file is not
valid JSON, where, and offers the store's last good version, which one click restores.
Real JupyterLab in Debian's chromium; screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from browser import LAB_ARGS, chromium, dismiss_news, screenshot
from isshoni import templates
from rooms import isshoni_server
from servers import free_port

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
BUILT = ROOT / "kernels_helpers" / "isshoni" / "labextension"  # `jlpm build:prod` in extension/
PATH = "app.infra.json"
CY = "document.querySelector('.isshoni-Canvas').cy"


def _this_checkouts_extension(tmp: Path, monkeypatch) -> None:
    """Serve the labextension built from this checkout, when there is one: $JUPYTER_PATH is
    searched before the environment's own copy (which an older install may have left)."""
    if (BUILT / "package.json").is_file():
        target = tmp / "jupyter-path" / "labextensions" / "isshoni"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.symlink_to(BUILT, target_is_directory=True)
        monkeypatch.setenv("JUPYTER_PATH", str(tmp / "jupyter-path"))


def test_a_broken_design_file_says_where_and_offers_the_last_good_version(tmp_path, monkeypatch):
    root = tmp_path / "work"
    root.mkdir()
    templates.load("vpc_basic").save(root / PATH)
    _this_checkouts_extension(tmp_path, monkeypatch)
    port = free_port()
    with isshoni_server(root, tmp_path, port=port) as (base, token):
        with httpx.Client(base_url=base, headers={"Authorization": f"token {token}"}, timeout=60) as client:
            added = client.post(f"/isshoni/api/designs/{PATH}/canvas", json={"ops": [
                {"op": "add", "type": "s3_bucket", "id": "kept", "position": {"x": 400, "y": 80}}]})
            assert added.status_code == 200, added.text
        deadline = time.monotonic() + 20
        while '"kept"' not in (root / PATH).read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
    text = (root / PATH).read_text()
    (root / PATH).write_text(text.replace('"kept": {', '"kept": {,', 1))  # a typo made outside Jupyter
    line = text[: text.index('"kept": {')].count("\n") + 1

    with isshoni_server(root, tmp_path, *LAB_ARGS, port=port) as (base, token), chromium() as browser:
        page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        page.goto(f"{base}/lab/tree/{PATH}?token={token}")
        # JupyterLab says first, in its words, that the room refused the file, and closes the tab
        refused = page.locator(".jp-Dialog", has_text="Bad request")
        refused.wait_for(timeout=90_000)
        dismiss_news(page)
        screenshot(page, "broken-design-file-jupyterlab")
        refused.locator("button").first.click()
        dialog = page.locator(".jp-Dialog", has_text="not a valid design file")
        dialog.wait_for(timeout=30_000)
        shown = dialog.inner_text()
        assert "not valid JSON" in shown and f"at line {line} column" in shown, shown
        assert "last good version (" in shown and page.locator(".isshoni-Canvas").count() == 0
        assert page.locator(".jp-Dialog").count() == 1  # no "taking some time to load" dialog behind it
        screenshot(page, "broken-design-file")
        assert '"kept": {,' in (root / PATH).read_text()  # the file stays as it is until the user acts

        # restored at once (the tab that could not load is gone by then: a restore within JupyterLab's
        # 3 s wait to close it reopened that closing tab, and the design never showed)
        dialog.locator("button", has_text="Restore the last good version").click()
        page.wait_for_selector(".isshoni-Canvas canvas", timeout=90_000)
        page.wait_for_function(f"{CY} && {CY}.getElementById('kept').length === 1", timeout=30_000)
        screenshot(page, "broken-design-file-restored")
        assert "kept" in json.loads((root / PATH).read_text())["resources"]
