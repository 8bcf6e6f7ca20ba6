"""A kernel started by the Jupyter server itself (as JupyterLab starts one for a notebook) finds that
server with no url or token given: its parent PID is in the server's runtime listing."""

from __future__ import annotations

import asyncio
import json
import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path

import httpx
from httpx_ws import connect_ws

from rooms import isshoni_server, joined, until

ROOT = Path(__file__).resolve().parents[1]


def _execute(base: str, token: str, kernel_id: str, code: str, timeout: float = 120) -> tuple[str, dict]:
    """Run `code` in the kernel over the server's kernel websocket; (stdout text, execute_reply content)."""
    headers = {"Authorization": f"token {token}"}
    session = uuid.uuid4().hex
    msg_id = uuid.uuid4().hex
    message = {
        "header": {"msg_id": msg_id, "username": "test", "session": session, "msg_type": "execute_request",
                   "version": "5.3", "date": datetime.now(timezone.utc).isoformat()},
        "parent_header": {}, "metadata": {}, "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True},
    }
    out, reply = [], None
    url = f"{base.replace('http', 'ws', 1)}/api/kernels/{kernel_id}/channels?session_id={session}"
    with httpx.Client(headers=headers) as client, connect_ws(url, client) as ws:
        ws.send_text(json.dumps(message))
        idle = False
        while reply is None or not idle:
            msg = json.loads(ws.receive_text(timeout=timeout))
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "stream":
                out.append(msg["content"]["text"])
            elif kind == "error":
                out.append("\n".join(msg["content"]["traceback"]))
            elif kind == "execute_reply":
                reply = msg["content"]
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
    return "".join(out), reply


def test_a_kernel_of_the_server_finds_it_and_joins_the_room(tmp_path, monkeypatch):
    for name in ("JPY_PARENT_PID", "ISSHONI_SERVER_URL", "JUPYTER_SERVER_URL", "ISSHONI_SERVER_TOKEN", "JUPYTER_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "root"
    (root / "work").mkdir(parents=True)
    shutil.copy(ROOT / "templates" / "vpc_basic.infra.json", root / "work" / "app.infra.json")
    # the server writes its listing to tmp/runtime; its kernels inherit JUPYTER_RUNTIME_DIR from it
    with isshoni_server(root, tmp_path) as (base, token):
        headers = {"Authorization": f"token {token}"}
        response = httpx.post(f"{base}/api/sessions", headers=headers, timeout=60,
                              json={"path": "work/tutorial.ipynb", "type": "notebook", "name": "", "kernel": {"name": "python3"}})
        response.raise_for_status()
        kernel_id = response.json()["kernel"]["id"]
        try:
            text, reply = _execute(base, token, kernel_id, (
                "import os, isshoni\n"
                "design = isshoni.open('app.infra.json')\n"  # relative to the notebook's folder, as a user writes it
                "design.add('s3_bucket', 'from_kernel', label='Added by the kernel')\n"
                "print(type(design).__name__, design.status, design.url, design.path, os.environ.get('JPY_PARENT_PID'))\n"))
            assert reply["status"] == "ok", text
            name, status, url, path, parent = text.split()
            assert (name, status, url, path) == ("LiveDesign", "connected", base, "work/app.infra.json")
            assert int(parent) != 0

            async def check():
                async with joined(base, token, "work/app.infra.json") as doc:
                    return await until(lambda: "from_kernel" in doc.to_dict()["resources"], timeout=5)

            assert asyncio.run(check())
        finally:
            httpx.delete(f"{base}/api/kernels/{kernel_id}", headers=headers, timeout=30)
