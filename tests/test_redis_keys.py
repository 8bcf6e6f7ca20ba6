"""The seed's Redis keys (issue 7): `canvas:{id}`, `designs:active`, `chat:{id}` (stores/mirror.py).

Real Jupyter servers with RedisYStore on a real redis-server, Python clients
editing through the room; the keys are read back with a plain Redis client,
as a reader that does not speak Yjs would.
"""

from __future__ import annotations

import asyncio
import json
import time

import redis

from isshoni import templates, ychat
from isshoni.design.history import author_of
from redis_server import redis_server
from rooms import isshoni_server, joined, joined_as, until

DESIGN = "keys.infra.json"
REDIS_STORE = "--YDocExtension.ystore_class=isshoni.stores.RedisYStore"


def _message(n: int, author: str) -> dict:
    return {"id": f"m{n}", "author": author, "text": f"message {n}", "time": 1.0 + n}


def _design_id(client: redis.Redis) -> str:
    ids = [key.decode().split(":", 2)[2] for key in client.scan_iter("isshoni:canvas:*")]
    assert len(ids) == 1, ids
    return ids[0]


def _owner(client: redis.Redis) -> bytes | None:
    """The server id holding the design's save lease now, if any."""
    keys = list(client.scan_iter("isshoni:ydoc:*:owner"))
    return client.get(keys[0]) if keys else None


def _chat(client: redis.Redis, design_id: str) -> list[tuple[int, dict]]:
    return [(int(fields[b"i"]), json.loads(fields[b"m"])) for _id, fields in client.xrange(f"isshoni:chat:{design_id}")]


def test_snapshot_active_set_and_capped_chat(tmp_path, monkeypatch):
    root = tmp_path / "root"
    root.mkdir()
    templates.load("chat_canary").save(root / DESIGN)
    with redis_server(tmp_path / "redis") as server:
        monkeypatch.setenv("ISSHONI_REDIS_URL", server.url)
        client = redis.Redis.from_url(server.url)
        me = [""]
        with isshoni_server(root, tmp_path, REDIS_STORE) as (base, token):
            async def run():
                async with joined_as(base, token, DESIGN) as (doc, identity):
                    me[0] = author_of(identity)  # the room signs messages with the sender's identity
                    assert await until(lambda: list(client.scan_iter("isshoni:canvas:*")), timeout=10)
                    design_id = _design_id(client)
                    doc._ymeta["name"] = "renamed live"
                    ychat.append(doc._ychat, [_message(n, me[0]) for n in range(1000)])
                    for n in range(1000, 1005):
                        ychat.append(doc._ychat, [_message(n, me[0])])
                        await asyncio.sleep(0.01)
                    expected = doc.to_dict(without=("chat",))  # the chat is its own stream

                    def snapshot():
                        raw = client.get(f"isshoni:canvas:{design_id}")
                        return raw is not None and json.loads(raw) == expected

                    assert await until(snapshot, timeout=10), "canvas:{id} never matched the live design"
                    assert await until(lambda: client.xlen(f"isshoni:chat:{design_id}") == 1000
                                       and _chat(client, design_id)[-1][0] == 1004, timeout=10)
                    return design_id

            design_id = asyncio.run(run())
        chat = _chat(client, design_id)
        assert [i for i, _m in chat] == list(range(5, 1005)), "MAXLEN 1000 keeps the newest, in order"
        assert chat[-1][1] == _message(1004, me[0])
        assert int(client.get(f"isshoni:chat:{design_id}:mirrored")) == 1005
        assert 0 < client.ttl(f"isshoni:canvas:{design_id}") <= 86400
        last_change = client.zscore("isshoni:designs:active", design_id)
        assert last_change and abs(last_change / 1000 - time.time()) < 120


def test_chat_mirror_neither_repeats_nor_skips_when_another_server_takes_over(tmp_path, monkeypatch):
    """The server owning the design stops; the other takes the lease over and goes on from where it was."""
    root = tmp_path / "root"
    root.mkdir()
    templates.load("chat_canary").save(root / DESIGN)
    monkeypatch.setenv("ISSHONI_REDIS_SAVE_LEASE", "1")
    with redis_server(tmp_path / "redis") as server:
        monkeypatch.setenv("ISSHONI_REDIS_URL", server.url)
        client = redis.Redis.from_url(server.url)
        names: list[str] = []  # each client's identity: the rooms sign messages with it
        with isshoni_server(root, tmp_path, REDIS_STORE) as (base2, token):
            with isshoni_server(root, tmp_path, REDIS_STORE) as (base1, _):
                async def first():
                    async with joined_as(base1, token, DESIGN) as (a, identity):
                        names.append(author_of(identity))
                        assert await until(lambda: list(client.scan_iter("isshoni:ydoc:*:owner")), timeout=10)
                        async with joined(base2, token, DESIGN) as b:
                            for n in range(3):
                                ychat.append(a._ychat, [_message(n, names[0])])
                            assert await until(lambda: ychat.count(b._ychat) == 3)
                            assert await until(lambda: len(_chat(client, _design_id(client))) == 3, timeout=10)
                            return _owner(client)
                owner = asyncio.run(first())
            # server 1 (the owner) is gone; its lease is released or lapses within 1 s

            async def second():
                async with joined_as(base2, token, DESIGN) as (b, identity):
                    names.append(author_of(identity))
                    for n in range(3, 6):
                        ychat.append(b._ychat, [_message(n, names[1])])
                    design_id = _design_id(client)
                    assert await until(lambda: len(_chat(client, design_id)) >= 6, timeout=15)
                    await asyncio.sleep(1)  # a repeat would show up by now
                    return design_id, _owner(client)
            design_id, new_owner = asyncio.run(second())
        assert owner and new_owner and new_owner != owner, "the second server took the lease over"
        chat = _chat(client, design_id)
        assert [i for i, _m in chat] == list(range(6))
        assert [m for _i, m in chat] == [_message(n, names[0]) for n in range(3)] + [_message(n, names[1]) for n in range(3, 6)]
