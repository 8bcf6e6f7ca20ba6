"""The default store's database: WAL with synchronous=NORMAL (a commit is an append, no fsync:
durable through a killed server, see docs/redis.md), FULL when configured, and updates read back
from a second connection (what a restarted server does)."""

from __future__ import annotations

import sqlite3

import anyio
import pytest

from isshoni.stores.sqlite import IsshoniSQLiteYStore


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
