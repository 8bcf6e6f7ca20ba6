"""A design stored before the chat had pages (its messages straight in the `chat` root) opens
on a real server with every message, in order, now in pages, and is saved so."""

from __future__ import annotations

import asyncio
import sqlite3
import time

from pycrdt import Array, Doc

from isshoni import templates, ychat
from isshoni.design.model import Design
from rooms import isshoni_server, joined, until

NAME = "old.infra.json"
OLD = [{"id": f"old{n}", "author": "ana", "text": f"from before pages {n}", "time": 1700000000 + n} for n in range(5)]


def _make_the_store_legacy(db) -> str:
    """Rewrite the stored design's chat as a server before pages held it: loose messages in the
    root.  Written as one more update of the room's history, as that server would have."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT path, yupdate FROM yupdates ORDER BY timestamp").fetchall()
        (path,) = {p for p, _ in rows if "infra" in p}
        doc = Doc()
        for p, update in rows:
            if p == path:
                doc.apply_update(update)
        root = doc.get("chat", type=Array)
        state = doc.get_state()
        with doc.transaction():
            everything = ychat.messages(root)
            root.clear()
            root.extend(everything + OLD)
        conn.execute("INSERT INTO yupdates VALUES (?, ?, ?, ?)", (path, doc.get_update(state), b"", time.time()))
    return path


def test_a_chat_stored_before_pages_opens_whole_in_pages_and_is_saved(tmp_path):
    root = tmp_path / "work"
    root.mkdir()
    templates.load("chat_canary").save(root / NAME)
    before = Design.load(root / NAME).chat
    with isshoni_server(root, tmp_path) as (base, token):
        async def visit():
            async with joined(base, token, NAME) as doc:
                return doc.to_dict()["chat"]
        assert asyncio.run(visit()) == before
    _make_the_store_legacy(tmp_path / ".jupyter_ystore.db")
    with isshoni_server(root, tmp_path) as (base, token):
        async def reopen():
            async with joined(base, token, NAME) as doc:
                root_items = ychat.items(doc._ychat)
                assert root_items and all(isinstance(item, Array) for item in root_items)
                chat = doc.to_dict()["chat"]
                saved = await until(lambda: Design.load(root / NAME).chat == chat, timeout=20)
                return chat, saved
        chat, saved = asyncio.run(reopen())
    assert chat == before + OLD and saved
    log = "".join(p.read_text() for p in tmp_path.glob("jupyter-*.log"))
    assert f"moved the chat's {len(before) + len(OLD)} messages into pages" in log
