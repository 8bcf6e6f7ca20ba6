"""SQLite vs Redis stores side by side (issue 7).

For IsshoniSQLiteYStore (the default) and RedisYStore (a real redis-server,
AOF with `appendfsync everysec`, and again with `always`):

- writes/s for one document: the updates of 10,000 edits of a 100-node design,
  written one by one and awaited (as a room does);
- load time of that document afterwards (the store read back into a YInfra,
  median of 5);
- stored bytes: the SQLite database file; for Redis the Yjs bytes held
  (snapshot + stream after compaction) and Redis's own MEMORY USAGE;
- edit latency between two clients, one-way, sequential edits: on one server
  for both stores, and across two servers sharing Redis (scale-out) for
  RedisYStore only: SQLite has no cross-server path.

    python benchmarks/bench_stores.py [--updates 10000] [--edits 300]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from pycrdt import Doc
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the test helpers start servers and join rooms

from bench_latency import DesignSlots, one_way, percentile  # noqa: E402
from isshoni import templates  # noqa: E402
from isshoni.stores import IsshoniSQLiteYStore, RedisYStore  # noqa: E402
from isshoni.yinfra import YInfra  # noqa: E402
from redis_server import redis_server  # noqa: E402
from rooms import isshoni_server, joined  # noqa: E402
from ydocs import design_data, random_edits  # noqa: E402

DESIGN = "bench.infra.json"
REDIS_STORE = "--YDocExtension.ystore_class=isshoni.stores.RedisYStore"


def edit_updates(edits: int, nodes: int = 100) -> tuple[list[bytes], YInfra]:
    """The Yjs updates of a `nodes`-node design being built and then edited `edits` times."""
    updates: list[bytes] = []
    doc = YInfra()
    doc.ydoc.observe(lambda event: updates.append(event.update))
    doc.apply(design_data(nodes))
    for _ in random_edits(doc, edits):
        pass
    return updates, doc


async def store_figures(store, updates: list[bytes], expected: str, size) -> dict:
    asyncio.ensure_future(store.start())
    await store.started.wait()
    started = time.perf_counter()
    for update in updates:
        await store.write(update)
    write_s = time.perf_counter() - started
    if getattr(store, "_compacting", None):
        await store._compacting
    loads = []
    for _ in range(5):
        t0 = time.perf_counter()
        loaded = YInfra()
        await store.apply_updates(loaded.ydoc)
        loads.append((time.perf_counter() - t0) * 1000)
        assert loaded.get() == expected, "the store did not give the document back"
    stored = await size(store)
    await store.stop()
    return {"writes_s": len(updates) / write_s, "load_ms": statistics.median(loads), "stored": stored}


def sqlite_figures(tmp: Path, updates, expected) -> dict:
    db = tmp / "ystore.db"
    store = IsshoniSQLiteYStore(path=".infra:bench.y", config=Config({"SQLiteYStore": {"db_path": str(db)}}))

    async def size(_store):
        return sum(p.stat().st_size for p in tmp.glob("ystore.db*"))

    return asyncio.run(store_figures(store, updates, expected, size))


def redis_figures(tmp: Path, updates, expected, fsync: str) -> dict:
    with redis_server(tmp / f"redis-{fsync}", fsync=fsync) as server:
        store = RedisYStore(path=".infra:bench.y", config=Config({"RedisYStore": {"redis_url": server.url}}))

        async def size(store):
            return f"{await store.stored_bytes()} Yjs / {await store.memory_usage()} in Redis"

        return asyncio.run(store_figures(store, updates, expected, size))


def latency(tmp: Path, edits: int, store: str, servers: int) -> list[float]:
    """One-way edit latency between clients on `servers` Jupyter servers sharing one root."""
    root = tmp / f"root-{store}-{servers}"
    root.mkdir()
    templates.load("chat_canary").save(root / DESIGN)
    with ExitStack() as stack:
        extra: tuple[str, ...] = ()
        if store == "redis":
            server = stack.enter_context(redis_server(tmp / f"redis-latency-{servers}", fsync="everysec"))
            os.environ["ISSHONI_REDIS_URL"] = server.url
            extra = (REDIS_STORE,)
        bases = [stack.enter_context(isshoni_server(root, tmp, *extra)) for _ in range(servers)]

        async def measure():
            (base_a, token), (base_b, _) = bases[0], bases[-1]
            async with joined(base_a, token, DESIGN) as a, joined(base_b, token, DESIGN) as b:
                return await one_way(DesignSlots(a), DesignSlots(b), edits)

        return asyncio.run(measure())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=10_000, help="edits written to each store")
    parser.add_argument("--edits", type=int, default=300, help="one-way edits timed per latency run")
    args = parser.parse_args(argv)
    updates, doc = edit_updates(args.updates)
    plain = Doc()
    plain.apply_update(doc.ydoc.get_update())
    expected = doc.get()
    print(f"{len(updates)} updates ({sum(map(len, updates))} B) of a 100-node design; "
          f"compacted document {len(plain.get_update())} B", flush=True)
    with tempfile.TemporaryDirectory(prefix="isshoni-stores-") as folder:
        tmp = Path(folder)
        rows = {"IsshoniSQLiteYStore": sqlite_figures(tmp, updates, expected)}
        for fsync in ("everysec", "always"):
            rows[f"RedisYStore (AOF {fsync})"] = redis_figures(tmp, updates, expected, fsync)
        lat = {
            "IsshoniSQLiteYStore": (latency(tmp, args.edits, "sqlite", 1), None),
            "RedisYStore (AOF everysec)": (latency(tmp, args.edits, "redis", 1), latency(tmp, args.edits, "redis", 2)),
        }
    print(f"{'store':<28} {'writes/s':>9} {'load ms':>8}  {'stored bytes':<32} {'same-server p50/p99 ms':>23} "
          f"{'cross-server p50/p99 ms':>24}")
    for name, row in rows.items():
        same, cross = lat.get(name, (None, None))
        same_s = f"{percentile(same, 50):.1f} / {percentile(same, 99):.1f}" if same else "-"
        cross_s = f"{percentile(cross, 50):.1f} / {percentile(cross, 99):.1f}" if cross else (
            "n/a (one server)" if name.startswith("IsshoniSQLite") else "-")
        print(f"{name:<28} {row['writes_s']:>9.0f} {row['load_ms']:>8.1f}  {row['stored']!s:<32} {same_s:>23} {cross_s:>24}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
