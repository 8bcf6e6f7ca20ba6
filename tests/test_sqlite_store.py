"""The default store's database: WAL with synchronous=NORMAL (a commit is an append, no fsync:
durable through a killed server, see docs/redis.md), FULL when configured, updates read back from a
second connection (what a restarted server does), and history compaction (10,000 edits of a
100-node design stay within 3x of the compacted document)."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import anyio
import pytest
from pycrdt import Doc

from isshoni.stores.sqlite import IsshoniSQLiteYStore
from isshoni.yinfra import YInfra
from ydocs import compacted_size, design_doc, random_edits, seeded


async def _pragmas(store: IsshoniSQLiteYStore) -> tuple[str, int]:
    async with store.lock:
        cursor = await store._db.cursor()
        await cursor.execute("PRAGMA journal_mode")
        mode = (await cursor.fetchone())[0]
        await cursor.execute("PRAGMA synchronous")
        return mode, (await cursor.fetchone())[0]


async def _open_write_read(db, **config) -> tuple[str, int, list[bytes]]:
    store = IsshoniSQLiteYStore(path="a.infra.json", db_path=str(db), **config)
    async with anyio.create_task_group() as tg:
        await tg.start(store.start)
        await store.write(b"\x00\x00")  # a writer racing the settings: they wait for its commit
        await store.db_initialized.wait()
        for _ in range(100):  # the settings are applied right after the database opens
            mode, sync = await _pragmas(store)
            if mode == "wal":
                break
            await anyio.sleep(0.01)
        updates = [u async for u, _m, _t in store.read()]
        tg.cancel_scope.cancel()
    return mode, sync, updates


@pytest.mark.parametrize(("config", "level"), [({}, 1), ({"synchronous": "FULL"}, 2)])
def test_the_store_commits_to_a_write_ahead_log(tmp_path, config, level):
    db = tmp_path / "store.db"
    mode, sync, updates = anyio.run(lambda: _open_write_read(db, **config))
    assert (mode, sync) == ("wal", level)  # 1 = NORMAL, 2 = FULL
    assert updates == [b"\x00\x00"]
    # the mode belongs to the file: any later connection (a restarted server) sees it and the update
    with sqlite3.connect(db) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert other.execute("SELECT count(*) FROM yupdates").fetchone()[0] == 1


def test_a_bad_synchronous_setting_is_refused():
    with pytest.raises(Exception, match="synchronous"):
        IsshoniSQLiteYStore(path="a.infra.json", synchronous="OFF")


async def _started(db, **config) -> IsshoniSQLiteYStore:
    store = IsshoniSQLiteYStore(path=".infra:big.y", db_path=str(db), **config)
    asyncio.ensure_future(store.start())
    await store.started.wait()
    await store.db_initialized.wait()
    return store


def _stored_bytes(db) -> int:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT coalesce(sum(length(yupdate)), 0) FROM yupdates").fetchone()[0]
        checkpoints = conn.execute("SELECT coalesce(sum(length(checkpoint)), 0) FROM ycheckpoints").fetchone()[0]
    return rows + checkpoints


def test_10k_edits_of_a_100_node_design_stay_near_the_documents_size(tmp_path):
    """History is merged every `compact_after` updates (default 500): the database stays within 3x of
    the compacted document, and loads to the same document (also from a new store: a restart)."""
    db = tmp_path / "store.db"

    async def run():
        store = await _started(db)
        doc, queue = await seeded(store)
        worst, started = 0.0, time.perf_counter()
        for i in random_edits(doc, 10_000):
            while queue:
                await store.write(queue.pop(0))
            if i % 97 == 96:  # off the compaction rhythm: sizes between merges too
                worst = max(worst, _stored_bytes(db) / compacted_size(doc))
        write_s = time.perf_counter() - started
        loaded = YInfra()
        await store.apply_updates(loaded.ydoc)
        assert loaded.get() == doc.get()
        await store.stop()
        again = await _started(db)  # what a restarted server reads
        reread = YInfra()
        await again.apply_updates(reread.ydoc)
        assert reread.get() == doc.get()
        replayed = Doc()
        async for update, _metadata, _ts in again.read():  # the raw history replays to the same state
            replayed.apply_update(update)
        assert YInfra(replayed).get() == doc.get()
        await again.stop()
        return worst, _stored_bytes(db) / compacted_size(doc), write_s

    worst, final, write_s = asyncio.run(run())
    files = sum(f.stat().st_size for f in tmp_path.glob("store.db*"))
    print(f"\nsqlite compaction: 10000 edits in {write_s:.1f}s ({10000 / write_s:.0f} writes/s), stored / compacted document:"
          f" worst {worst:.2f}x, at the end {final:.2f}x; database files {files} B")
    assert worst <= 3.0, worst


def test_without_compaction_the_history_grows(tmp_path):
    """The same edits with `compact_after = 0` keep every update: what the test above guards against."""
    db = tmp_path / "store.db"

    async def run():
        store = await _started(db, compact_after=0)
        doc = design_doc(20)
        queue: list[bytes] = []
        doc.ydoc.observe(lambda event: queue.append(event.update))
        await store.encode_state_as_update(doc.ydoc)
        for i in range(2_000):
            doc._yresources[f"n{i % 20}"]["properties"]["Tag"] = f"edit-{i}"
            while queue:
                await store.write(queue.pop(0))
        await store.stop()
        return _stored_bytes(db) / compacted_size(doc)

    assert asyncio.run(run()) > 3.0
