"""Stores for jupyter-collaboration: the default SQLite one and Redis, both "newer wins" (see rooms.py).

Select with `c.YDocExtension.ystore_class = "isshoni.stores.IsshoniSQLiteYStore"` or
`"isshoni.stores.RedisYStore"` (`isshoni lab` sets it; `--redis URL` picks Redis).
"""

from .redis import RedisYStore
from .sqlite import IsshoniSQLiteYStore

__all__ = ["IsshoniSQLiteYStore", "RedisYStore"]
