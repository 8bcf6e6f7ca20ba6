"""`isshoni new NAME --prompt ...` and `isshoni ask DESIGN ...`: offline, and with the real SDK
against the fake Messages API (the text streams to stdout; the design file is saved)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fake_anthropic import FakeAnthropic, Status, ToolUse, reply
from isshoni import Design

ROOT = Path(__file__).resolve().parents[1]


def isshoni(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    environ.update(env, PYTHONPATH=str(ROOT / "kernels_helpers"))
    return subprocess.run([sys.executable, "-m", "isshoni", *args], cwd=cwd, env=environ, capture_output=True, text=True,
                          timeout=180)


def test_new_with_a_prompt_uses_the_offline_planner_without_a_key(tmp_path):
    done = isshoni(tmp_path, "new", "warnings", "--prompt", "an emergency notification service", "-q")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Offline planner") and "Checks: 0 error(s)" in done.stdout
    design = Design.load(tmp_path / "warnings.infra.json")
    assert {"ingest", "alert_topic", "notify_queue"} <= set(design.resources)
    assert design.chat[-1]["author"] == "assistant" and design.chat[-1]["engine"] == "offline-planner"


def test_ask_streams_the_models_answer_and_saves(tmp_path):
    Design(name="shop").save(tmp_path / "shop.infra.json")
    with FakeAnthropic([reply("Adding an order table. ", ToolUse("add_resource", {"type": "dynamodb_table", "id": "orders"})),
                        reply("It keeps orders by id.")]) as api:
        done = isshoni(tmp_path, "ask", "shop", "a table for orders", "-q",
                       ANTHROPIC_API_KEY="test-key-not-a-secret", ANTHROPIC_BASE_URL=api.base_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Adding an order table. \n\nIt keeps orders by id.")  # as it streamed, turn by turn
    assert "• added orders (DynamoDB table)" in done.stdout
    assert "2 request(s)" in done.stderr
    design = Design.load(tmp_path / "shop.infra.json")
    assert design.resources["orders"]["type"] == "dynamodb_table"
    assert design.chat[-1]["usage"]["requests"] == 2 and design.chat[-1]["model"] == "claude-sonnet-5-5"


def test_ask_reports_a_failure_and_leaves_the_file_alone(tmp_path):
    Design(name="shop").save(tmp_path / "shop.infra.json")
    before = (tmp_path / "shop.infra.json").read_text()
    with FakeAnthropic([Status(401, "authentication_error", "invalid x-api-key")]) as api:
        done = isshoni(tmp_path, "ask", "shop.infra.json", "a table", "-q",
                       ANTHROPIC_API_KEY="test-key-not-a-secret", ANTHROPIC_BASE_URL=api.base_url)
    assert done.returncode == 1
    assert "The API key was refused (401)" in done.stdout
    assert (tmp_path / "shop.infra.json").read_text() == before
