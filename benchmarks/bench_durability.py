"""Durability at length: 100 SIGKILLs of a Jupyter server mid-edit, per store (issue 7).

The same rounds as tests/test_durability.py (which runs 20 per store in CI):
two pycrdt clients on one design, a burst of edits each acknowledged when the
second client has it, a SIGKILL of the server at a random moment (mostly
before its 1 s autosave), a restart, and a check that every acknowledged edit
is there.  With RedisYStore, Redis itself is SIGKILLed and restarted (AOF on)
mid-burst every fourth round.  Prints, per store: acknowledged edits, kills,
kills that came before autosave, Redis kills, and the time taken.  Any lost
edit stops the run with the round and the edits that went missing.

    python benchmarks/bench_durability.py [--rounds 100] [--store default|redis|both]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the rounds and the server helpers are the test's own

from redis_server import redis_server  # noqa: E402
from test_durability import _rounds  # noqa: E402

REDIS_STORE = "--YDocExtension.ystore_class=isshoni.stores.RedisYStore"


def run(store: str, rounds: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"isshoni-durability-{store}-"))
    started = time.monotonic()
    with ExitStack() as stack:
        if store == "redis":
            server = stack.enter_context(redis_server(tmp / "redis"))
            previous = os.environ.get("ISSHONI_REDIS_URL")
            stack.callback(lambda: os.environ.pop("ISSHONI_REDIS_URL", None) if previous is None
                           else os.environ.__setitem__("ISSHONI_REDIS_URL", previous))
            os.environ["ISSHONI_REDIS_URL"] = server.url  # the Jupyter servers inherit it
            result = _rounds(tmp, [REDIS_STORE], redis=server, rounds=rounds)
        else:
            result = _rounds(tmp, [], rounds=rounds)
    return {**result, "store": store, "seconds": time.monotonic() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--store", choices=("default", "redis", "both"), default="both")
    args = parser.parse_args()
    for store in ("default", "redis") if args.store == "both" else (args.store,):
        r = run(store, args.rounds)
        print(f"{store}: {r['acknowledged']} acknowledged edits, {r['kills']} server SIGKILLs "
              f"({r['before_autosave']} before autosave), {r['redis_kills']} Redis SIGKILLs: none lost "
              f"({r['seconds']:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
