"""The default SQLite store, plus the record of what the room last saved to disk ("newer wins").

A design room stores each batch of updates before it relays it (see rooms.py), so a commit sits in
front of every relay.  In SQLite's default rollback journal a commit is two fsyncs: about 10 ms
when other jobs use the disk, which made a design room ten times slower than a text room.  In WAL
mode with `synchronous=NORMAL` a commit is one append to the write-ahead log and no fsync: it
survives the server being killed (the log is in the kernel's page cache and is replayed on the
next open), and only a crash of the whole machine can take the last commits with it.  That is what
"acknowledged" means for the default store (docs/redis.md); `synchronous = "FULL"` buys
power-loss durability back at one fsync per commit.
"""

from __future__ import annotations

import os
import sqlite3
import time

from anyio import to_thread
from jupyter_server_ydoc.stores import SQLiteYStore
from traitlets import Enum, Int, default

from . import sqlite_writes


class IsshoniSQLiteYStore(SQLiteYStore):
    """jupyter-collaboration's SQLiteYStore with `get_saved`/`set_saved` in a table of the same database."""

    synchronous = Enum(
        ["NORMAL", "FULL"],
        default_value="NORMAL",
        config=True,
        help="SQLite's synchronous setting in WAL mode: NORMAL survives the server being killed, FULL also power loss (one fsync per commit).",
    )

    compact_after = Int(
        500,
        config=True,
        help="Merge a document's stored history into one update once it holds this many (0: never). "
        "Applies when no squash or size clean-up setting of SQLiteYStore is configured (those keep their own way).",
    )

    _count: int | None = None  # this document's stored updates, once known

    def _plain(self) -> bool:
        """No setting that pycrdt-store's own write must apply (history squashing, size clean-up,
        compression), and the connection has the parts the one-hop write uses."""
        return (
            self.squash_after_inactivity_of is None
            and self.document_ttl is None
            and self.squash_history_older_than is None
            and not self.cleanup_when_db_size_above
            and self._compress is None
            and hasattr(self._db, "_real_connection")
            and hasattr(self._db, "_limiter")
        )

    async def write(self, data: bytes) -> None:
        """Store an update, committed before this returns, in one worker-thread hop (sqlite_writes)."""
        if self.db_initialized is None:
            raise RuntimeError("YStore not started")
        await self.db_initialized.wait()
        if not self._plain():
            return await super().write(data)
        metadata = await self.get_metadata()
        async with self.lock:
            self._count = await to_thread.run_sync(
                sqlite_writes.write, self._db._real_connection, self.path, data, metadata, time.time(),
                self.compact_after, self._count, limiter=self._db._limiter,
            )

    async def _init_db(self) -> None:
        await super()._init_db()
        # WAL is a property of the database file (kept once set), synchronous one of the connection.
        # Writers may start as soon as the database is initialized: the store's lock waits for theirs
        # to commit (neither setting may change inside a transaction).
        async with self.lock:
            cursor = await self._db.cursor()
            await cursor.execute(f"PRAGMA synchronous={self.synchronous}")
            # the log is copied into the database every 256 pages (1 MiB) and cut back to 1 MiB after:
            # the files stay near the (compacted) history instead of keeping a 4 MiB log
            await cursor.execute("PRAGMA wal_autocheckpoint=256")
            await cursor.execute("PRAGMA journal_size_limit=1048576")
            try:
                await cursor.execute("PRAGMA journal_mode=WAL")
                mode = (await cursor.fetchone() or ("?",))[0]
            except sqlite3.OperationalError as exc:  # another connection is writing: it stays as it is
                mode = f"unchanged ({exc})"
            if mode != "wal":
                self.log.warning("isshoni store %s: journal mode %s, not WAL: each commit waits for the disk", self.db_path, mode)

    @default("db_path")
    def _db_path_default(self) -> str:
        """`isshoni lab` keeps the database in Jupyter's data folder; the server also builds stores
        without its config (`get_document(create=True)`), so the path comes through the environment."""
        return os.environ.get("ISSHONI_YSTORE_DB") or ".jupyter_ystore.db"

    async def _saved_table(self, cursor) -> None:
        await cursor.execute(
            "CREATE TABLE IF NOT EXISTS isshoni_saved (path TEXT PRIMARY KEY, hash TEXT NOT NULL, sv BLOB NOT NULL)"
        )

    async def get_saved(self) -> tuple[str, bytes] | None:
        await self.db_initialized.wait()
        async with self.lock:
            async with self._db:
                cursor = await self._db.cursor()
                await self._saved_table(cursor)
                await cursor.execute("SELECT hash, sv FROM isshoni_saved WHERE path = ?", (self.path,))
                row = await cursor.fetchone()
        return (row[0], bytes(row[1])) if row else None

    async def set_saved(self, file_hash: str, state_vector: bytes) -> None:
        await self.db_initialized.wait()
        async with self.lock:
            async with self._db:
                cursor = await self._db.cursor()
                await self._saved_table(cursor)
                await cursor.execute(
                    "INSERT OR REPLACE INTO isshoni_saved (path, hash, sv) VALUES (?, ?, ?)",
                    (self.path, file_hash, state_vector),
                )
