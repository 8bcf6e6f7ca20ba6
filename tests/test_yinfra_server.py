"""A real Jupyter server serves `.infra.json` designs as `infra` rooms: a Python
client joining over the websocket sees the design, and its edits reach the file."""

from __future__ import annotations

import asyncio
import json
import time

from isshoni import Design, templates
from rooms import joined
from servers import jupyter


async def edit_through_room(base: str, token: str, path: str) -> dict:
    async with joined(base, token, path) as doc:
        seen = json.loads(doc.get())
        doc._yresources["alb"]["properties"]["idle_timeout"] = 123
        doc._ymeta["notes"] = "edited from a kernel"
        await asyncio.sleep(2)  # the server saves after document_save_delay
    return seen


def test_design_room_syncs_and_saves(tmp_path):
    root = tmp_path / "work"
    root.mkdir()
    templates.load("chat_canary").save(root / "app.infra.json")
    with jupyter(root, tmp_path, "--YDocExtension.document_save_delay=0.5") as (base, token):
        seen = asyncio.run(edit_through_room(base, token, "app.infra.json"))
        assert seen["resources"]["alb"]["type"] == "alb"
        assert len(seen["resources"]) == len(templates.load("chat_canary").resources)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            saved = Design.load(root / "app.infra.json")
            if saved.resources["alb"]["properties"].get("idle_timeout") == 123:
                break
            time.sleep(0.3)
        assert saved.resources["alb"]["properties"]["idle_timeout"] == 123
        assert saved.meta["notes"] == "edited from a kernel"
        assert (root / "app.infra.json").read_text() == saved.dumps()  # saved in canonical form
