"""The default SQLite store, plus the record of what the room last saved to disk ("newer wins")."""

from __future__ import annotations

import os

from jupyter_server_ydoc.stores import SQLiteYStore
from traitlets import default


class IsshoniSQLiteYStore(SQLiteYStore):
    """jupyter-collaboration's SQLiteYStore with `get_saved`/`set_saved` in a table of the same database."""

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
