"""One store write of the default SQLite store as one synchronous unit, run in one worker-thread hop.

pycrdt-store's `SQLiteYStore.write` awaits a worker thread for each statement (cursor, the checkpoint
bookkeeping, the insert, the commit): four or five hops, each a wake-up of a thread and of the event
loop, all in front of the relay of a design room's edit.  Here the same work is one function the
room's write runs in a single hop.  It also compacts, as the Redis store does: once a document's
history holds `compact_after` updates, they are merged into one (the same document, history
squashed) in the same transaction, so the database stays near the document's size instead of
growing with every edit, and a kill at any moment leaves either the old rows or the new one.
"""

from __future__ import annotations

import sqlite3

from pycrdt import Doc


def write(conn: sqlite3.Connection, path: str, update: bytes, metadata: bytes, now: float, compact_after: int,
          count: int | None) -> int:
    """Store `update` for `path` (committed when this returns); returns how many updates the path's
    history holds now.  `count` is that number before the write when known (None: counted here)."""
    try:
        cursor = conn.cursor()
        if count is None:
            count = cursor.execute("SELECT count(*) FROM yupdates WHERE path = ?", (path,)).fetchone()[0]
        cursor.execute("INSERT INTO yupdates VALUES (?, ?, ?, ?)", (path, update, metadata, now))
        count += 1
        compacted = bool(compact_after) and count >= compact_after
        if compacted:
            count = _compact(cursor, path, metadata, now)
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    if compacted:  # the merged history is in the log: move it into the database and empty the log
        try:  # the write is committed already: a checkpoint that cannot run now is left to the next one
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.OperationalError:
            pass
    return count


def _compact(cursor: sqlite3.Cursor, path: str, metadata: bytes, now: float) -> int:
    """Replace a path's history by one update holding the same document; its checkpoint (pycrdt-store's
    faster load) goes too, as it would only repeat that one update."""
    doc = Doc()
    for (update,) in cursor.execute("SELECT yupdate FROM yupdates WHERE path = ? ORDER BY timestamp ASC", (path,)):
        doc.apply_update(update)
    cursor.execute("DELETE FROM yupdates WHERE path = ?", (path,))
    cursor.execute("INSERT INTO yupdates VALUES (?, ?, ?, ?)", (path, doc.get_update(), metadata, now))
    cursor.execute("DELETE FROM ycheckpoints WHERE path = ?", (path,))
    return 1
