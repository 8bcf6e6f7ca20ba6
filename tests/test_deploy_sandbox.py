"""`isshoni sandbox start|status|reset|stop`: a real moto server process on loopback."""

from __future__ import annotations

import json
import os

from sandbox import cli, state_dir


def test_sandbox_lifecycle_through_the_cli(tmp_path):
    with state_dir(tmp_path / "state"):
        result = cli("sandbox", "start", "--json")
        assert result.returncode == 0, result.stderr
        info = json.loads(result.stdout)
        try:
            assert info["running"] and info["url"].startswith("http://127.0.0.1:")
            state = json.loads((tmp_path / "state" / "sandbox.json").read_text())
            assert state["pid"] == info["pid"]
            again = json.loads(cli("sandbox", "start", "--json").stdout)
            assert again["pid"] == info["pid"]  # started once, found afterwards
            status = json.loads(cli("sandbox", "status", "--json").stdout)
            assert status["running"] and status["engines"]["cloudformation"] is None
            assert cli("sandbox", "reset").returncode == 0
        finally:
            result = cli("sandbox", "stop")
        assert result.returncode == 0 and "stopped" in result.stdout
        try:
            os.kill(info["pid"], 0)
            alive = True
        except ProcessLookupError:
            alive = False
        assert not alive
        status = json.loads(cli("sandbox", "status", "--json").stdout)
        assert not status["running"]
