"""The seed's demo, short (issue 7): clients chatting on one design split across two servers on one
Redis while deploy-like events stream into the design; nothing lost, repeated or disconnected.

benchmarks/bench_chat_fanout.py runs the full version (100 clients, 5 minutes) and prints latency.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from bench_chat_fanout import report, run  # noqa: E402


def test_ten_clients_on_two_servers_chat_for_ten_seconds(tmp_path):
    result = run(clients=10, seconds=10, workdir=tmp_path, processes=2)
    print("\n" + report(result))
    assert result["disconnects"] == 0, result["errors"]
    assert result["messages"] >= 10 * 9  # each client sent about one a second
    assert result["deploy_events"] >= 20
    assert result["lost"] == 0
    assert result["duplicated"] == 0
    assert result["identical"]
    assert result["deploy_seen"] == 10
