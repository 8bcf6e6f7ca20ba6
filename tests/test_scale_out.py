"""Scale-out (issue 7): two real Jupyter servers on one real Redis share a live design.

Both servers serve the same root and file-id database (as two servers of one
user on one host do, or a shared volume behind a load balancer); a Python
client on each edits the same node concurrently.  Both converge within 1 s,
the file on disk matches, each side sees both users' presence, exactly one
server holds the save lease and no server ever took the other's save for an
outside edit.
"""

from __future__ import annotations

import asyncio
import json
import time

import redis

from rooms import joined_with_presence, servers_on_one_redis, until

DESIGN = "shared.infra.json"


def _node(doc):
    return doc._yresources[sorted(doc._yresources.keys())[0]]["properties"]


def _names(awareness) -> set[str]:
    return {state.get("user", {}).get("name") for state in awareness.states.values() if state} - {None}


def _on_disk(path):
    """The file's JSON, or None while a server is in the middle of writing it."""
    try:
        return json.loads(path.read_text())
    except ValueError:
        return None


async def _edit(doc, who: str, count: int) -> None:
    props = _node(doc)
    for i in range(count):
        props[f"{who}{i}"] = i
        await asyncio.sleep(0.005)


def test_two_servers_share_one_live_design(tmp_path, monkeypatch):
    root = tmp_path / "root"
    with servers_on_one_redis(tmp_path, monkeypatch, DESIGN) as (server, base1, base2, token):

        async def run():
            async with joined_with_presence(base1, token, DESIGN, "alice") as (a, a_seen), \
                    joined_with_presence(base2, token, DESIGN, "bob") as (b, b_seen):
                await asyncio.gather(_edit(a, "a", 60), _edit(b, "b", 60))
                start = time.monotonic()
                expected = {f"a{i}" for i in range(60)} | {f"b{i}" for i in range(60)}
                converged = await until(
                    lambda: expected <= set(_node(a)) and a.to_dict() == b.to_dict(), timeout=10, step=0.005
                )
                converge_s = time.monotonic() - start
                assert converged, f"no convergence: a lacks {expected - set(_node(a))}, b lacks {expected - set(_node(b))}"
                assert converge_s < 1.0, f"converged after {converge_s:.3f} s"
                assert await until(lambda: _names(a_seen) == {"alice", "bob"} == _names(b_seen), timeout=5), (
                    f"presence: alice sees {_names(a_seen)}, bob sees {_names(b_seen)}"
                )
                final = a.to_dict()
                on_disk = await until(lambda: _on_disk(root / DESIGN) == final, timeout=15)
                assert on_disk, "the file on disk never matched the live design"
                print(f"\nconverged {converge_s * 1000:.1f} ms after the last of 120 concurrent edits")
                return final

        final = asyncio.run(run())
        client = redis.Redis.from_url(server.url)
        owners = [key for key in client.scan_iter("isshoni:ydoc:*:owner")]
        assert len(owners) == 1, owners
    logs = [path.read_text() for path in tmp_path.glob("jupyter-*.log")]
    assert len(logs) == 2
    assert not any("Out-of-band changes" in log for log in logs), "a server took a peer's save for an outside edit"
    assert json.loads((root / DESIGN).read_text()) == final
