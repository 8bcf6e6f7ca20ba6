"""A design file that is no design (issue 14, defect 7): every route says so with the line and
column, nothing is served as an empty design, no write is accepted, and the collaboration
store's last good version is offered and can be restored.  Real Jupyter servers; the second
test restarts one on the same store, as a server that was down while the file broke."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import httpx
import pytest

import isshoni
from isshoni import templates
from isshoni.kernel import ConnectionFailed, close_all
from rooms import isshoni_server, joined, until
from servers import free_port

API = "/isshoni/api"
BROKEN = '{"version": 1,\n  "meta": {"name": "x",}\n}\n'  # a trailing comma: line 2, column 24


def _client(base: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"Authorization": f"token {token}"}, timeout=60)


def _refused(response: httpx.Response, line: int | None = 2, column: int | None = 24) -> dict:
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["file"]["valid"] is False and body["file"]["line"] == line and body["file"]["column"] == column
    return body


def test_a_broken_file_is_refused_everywhere_until_it_is_fixed(tmp_path, monkeypatch):
    root = tmp_path / "root"
    root.mkdir()
    (root / "bad.infra.json").write_text(BROKEN)
    (root / "list.infra.json").write_text("[]\n")
    with isshoni_server(root, tmp_path) as (base, token), _client(base, token) as client:
        url = f"{API}/designs/bad.infra.json"
        for _ in range(2):  # the first answer was a 500, the next ones an empty design
            body = _refused(client.get(f"{url}/canvas"))
            assert "not valid JSON" in body["message"] and "line 2 column 24" in body["message"]
            assert body["recoverable"] is False and body["problems"][0]["path"] == "$"
        _refused(client.post(f"{url}/canvas", json={"ops": [{"op": "set_meta", "name": "y"}]}))
        _refused(client.post(f"{url}/chat", json={"text": "hello"}))
        _refused(client.post(f"{url}/generate", json={"format": "terraform"}))
        _refused(client.get(f"{url}/jobs"))
        state = client.get(f"{url}/recovery").json()
        assert state == {"file": {"valid": False, "message": state["file"]["message"], "line": 2, "column": 24},
                         "design": None}
        assert client.post(f"{url}/recovery", json={}).status_code == 404  # the store never had it
        not_object = _refused(client.get(f"{API}/designs/list.infra.json/canvas"), None, None)
        assert "one JSON object, not an array" in not_object["message"]

        # a kernel and a websocket client are refused too, with the same words
        monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "no-runtime"))
        monkeypatch.chdir(root)
        with pytest.raises(ConnectionFailed, match="line 2 column 24"):
            isshoni.open("bad.infra.json", live=True, url=base, token=token)
        close_all()
        time.sleep(1)
        assert (root / "bad.infra.json").read_text() == BROKEN  # nothing was written over it

        fixed = templates.load("vpc_basic").dumps()
        (root / "bad.infra.json").write_text(fixed)
        response = client.get(f"{url}/canvas")
        assert response.status_code == 200, response.text
        assert response.json()["design"]["resources"] == json.loads(fixed)["resources"]
        assert client.get(f"{url}/recovery").json() == {"file": {"valid": True}, "design": None}
        assert client.post(f"{url}/recovery", json={}).status_code == 409  # nothing to restore


def _edit_and_save(base: str, token: str, root: Path) -> None:
    with _client(base, token) as client:
        response = client.post(f"{API}/designs/app.infra.json/canvas",
                               json={"ops": [{"op": "add", "type": "s3_bucket", "id": "kept"}]})
        assert response.status_code == 200, response.text

    def saved():
        try:
            return "kept" in json.loads((root / "app.infra.json").read_text())["resources"]
        except ValueError:
            return False

    assert asyncio.run(until(saved, timeout=20)), "autosave never wrote the edit"


def test_the_stores_last_good_version_is_offered_and_restored(tmp_path):
    """The server is down, the file is broken outside Jupyter: on the next start every route refuses
    it and offers what the store holds (the edit made before), which POST /recovery writes back.
    A file that is only the beginning of the store's content (a save cut short) is repaired alone."""
    root = tmp_path / "root"
    root.mkdir()
    templates.load("vpc_basic").save(root / "app.infra.json")
    port = free_port()
    with isshoni_server(root, tmp_path, port=port) as (base, token):
        _edit_and_save(base, token, root)
    saved = (root / "app.infra.json").read_text()
    (root / "app.infra.json").write_text(saved.replace('"kept": {', '"kept": {,', 1))
    url = f"{API}/designs/app.infra.json"
    with isshoni_server(root, tmp_path, port=port) as (base, token), _client(base, token) as client:
        body = client.get(f"{url}/canvas").json()
        assert body["recoverable"] is True and "restore" in body["message"], body
        state = client.get(f"{url}/recovery").json()
        assert state["file"]["valid"] is False and state["file"]["line"] > 1
        assert "kept" in state["design"]["resources"]

        async def refused_room():  # the canvas's websocket: closed with 4400 before any sync
            try:
                async with joined(base, token, "app.infra.json", timeout=10):
                    return False
            except Exception:  # noqa: BLE001 - the close, as httpx-ws raises it
                return True

        assert asyncio.run(refused_room())
        restored = client.post(f"{url}/recovery", json={})
        assert restored.status_code == 200, restored.text
        assert "kept" in json.loads((root / "app.infra.json").read_text())["resources"]
        response = client.get(f"{url}/canvas")
        assert response.status_code == 200 and "kept" in response.json()["design"]["resources"]
        edited = client.post(f"{url}/canvas", json={"ops": [{"op": "set_meta", "description": "after"}]})
        assert edited.status_code == 200
        assert asyncio.run(until(lambda: '"after"' in (root / "app.infra.json").read_text(), timeout=20))
    text = (root / "app.infra.json").read_text()
    (root / "app.infra.json").write_text(text[: len(text) // 2])  # what a save cut short leaves
    with isshoni_server(root, tmp_path, port=port) as (base, token), _client(base, token) as client:
        response = client.get(f"{url}/canvas")
        assert response.status_code == 200, response.text
        assert response.json()["design"]["meta"]["description"] == "after"

        def whole():
            try:
                return json.loads((root / "app.infra.json").read_text())["meta"]["description"] == "after"
            except ValueError:
                return False

        assert asyncio.run(until(whole, timeout=20)), "the repaired design was not saved again"
