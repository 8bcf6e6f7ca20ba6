"""`isshoni diff` and `Design.diff` (issue 20, item 4): what changed between two designs, as text, as a
pull request's Markdown table and as JSON; a side may be the file as git has it (`FILE@HEAD`); every
string from a design is hostile in every rendering."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from isshoni import Design
from isshoni.design.diff import ABSENT, diff
from isshoni.design.diff_render import markdown, text

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "kernels_helpers"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
       "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull}


def _pair() -> tuple[Design, Design]:
    old = Design(name="shop")
    old.add("sqs_queue", "jobs", properties={"visibility_timeout": 30}, position={"x": 0, "y": 0})
    old.add("lambda_function", "worker", position={"x": 200, "y": 0})
    old.add("s3_bucket", "archive")
    old.connect("jobs", "worker", id="jobs_to_worker", properties={"batch_size": 5})
    new = old.copy()
    new.set("jobs", visibility_timeout=60)
    new.move("worker", 300, 40)
    new.remove("archive")
    new.add("dynamodb_table", "orders")
    new.connect("worker", "orders", id="worker_to_orders")
    new.set_meta(description="the shop")
    return old, new


def test_nodes_connections_and_settings_added_removed_changed_and_moves_apart():
    old, new = _pair()
    found = diff(old.data, new.data)
    assert found.counts() == {"resources_added": 1, "resources_removed": 1, "resources_changed": 1, "connections_added": 1,
                              "connections_removed": 0, "connections_changed": 0, "settings_changed": 1, "moved": 1}
    changed = next(i for i in found.resources if i.kind == "changed")
    assert (changed.id, changed.summary) == ("jobs", "sqs_queue")
    assert [(c.path, c.old, c.new) for c in changed.changes] == [("/properties/visibility_timeout", 30, 60)]
    assert found.moved == ["worker"]  # a drag is not a change to the infrastructure
    assert [(c.path, c.old, c.new) for c in found.meta] == [("/description", "", "the shop")]
    assert next(i for i in found.connections).summary == "worker -> orders"
    assert diff(old.data, old.copy().data).empty


def test_json_types_are_told_apart_and_lists_are_one_value():
    found = diff({"meta": {"name": "a"}, "resources": {"q": {"type": "t", "properties": {"on": True, "n": 1, "ports": [80]}}}},
                 {"meta": {"name": "a"}, "resources": {"q": {"type": "t", "properties": {"on": 1, "n": 1.0, "ports": [80, 443]}}}})
    got = {c.path: (c.old, c.new) for c in found.resources[0].changes}
    assert got == {"/properties/on": (True, 1), "/properties/n": (1, 1.0), "/properties/ports": ([80], [80, 443])}
    removed = diff({"meta": {}, "resources": {"q": {"type": "t", "properties": {"a~b/c": 1}}}},
                   {"meta": {}, "resources": {"q": {"type": "t", "properties": {}}}})
    change = removed.resources[0].changes[0]
    assert change.path == "/properties/a~0b~1c" and change.new is ABSENT  # RFC 6901 escaping


def test_text_and_markdown_read_as_a_review_and_escape_hostile_strings():
    old, new = _pair()
    printed = text(diff(old.data, new.data))
    assert "~ node jobs (sqs_queue)\n    /properties/visibility_timeout: 30 -> 60" in printed
    assert "- node archive (s3_bucket)" in printed and "+ connection worker_to_orders (worker -> orders)" in printed
    assert "moved on the canvas: worker" in printed
    hostile = "x | y`<script>alert(1)</script>\n\x1b[31m[link](http://a)"
    new.set_label("jobs", "safe")
    new.set("jobs", visibility_timeout=61)
    new.set_meta(description=hostile)
    table = markdown(diff(old.data, new.data))
    assert "<script>" not in table and "\x1b" not in table and "x | y" not in table
    assert "&lt;script&gt;" in table and "&#124;" in table
    row = next(line for line in table.splitlines() if "description" in line)
    assert row.count(" | ") == 5  # six cells: the value did not open a seventh
    assert "\x1b" not in text(diff(old.data, new.data))  # control characters written escaped, never raw


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, env=ENV, check=True, capture_output=True, timeout=60)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "isshoni", "diff", *args], cwd=cwd, env=ENV, capture_output=True, text=True,
                          timeout=120)


def test_cli_compares_a_file_with_its_committed_version(tmp_path):
    old, new = _pair()
    _git(tmp_path, "init", "-q")
    old.save(tmp_path / "shop.infra.json")
    _git(tmp_path, "add", "shop.infra.json")
    _git(tmp_path, "commit", "-q", "-m", "first")
    new.save(tmp_path / "shop.infra.json")
    done = _cli("shop.infra.json@HEAD", "shop.infra.json", "--format", "markdown", "--exit-code", cwd=tmp_path)
    assert done.returncode == 1, done.stderr  # they differ
    assert "### Design <code>shop.infra.json@HEAD</code> &rarr; <code>shop.infra.json</code>" in done.stdout
    assert "| ~ | node | <code>jobs</code> (<code>sqs_queue</code>) | <code>/properties/visibility_timeout</code> |" in done.stdout
    as_json = json.loads(_cli("shop.infra.json@HEAD", "shop.infra.json", "--format", "json", cwd=tmp_path).stdout)
    assert as_json["counts"]["resources_added"] == 1 and as_json["resources"][0]["id"] == "archive"
    same = _cli("shop.infra.json@HEAD", "shop.infra.json@HEAD", "--exit-code", cwd=tmp_path)
    assert same.returncode == 0 and "no changes" in same.stdout
    # the kernel helper reads the same sources
    assert Design.load(tmp_path / "shop.infra.json").diff(str(tmp_path / "shop.infra.json@HEAD")).counts()["resources_added"] == 1


def test_cli_code_diff_shows_the_generated_change(tmp_path):
    old, new = _pair()
    old.save(tmp_path / "a.infra.json")
    new.save(tmp_path / "b.infra.json")
    done = _cli("a.infra.json", "b.infra.json", "--code", "terraform", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "--- a.infra.json/main.tf" in done.stdout and "+++ b.infra.json/main.tf" in done.stdout
    assert any(line.startswith("+") and "visibility_timeout_seconds" in line and "60" in line for line in done.stdout.splitlines())
    assert any(line.startswith("-") and 'resource "aws_s3_bucket" "archive"' in line for line in done.stdout.splitlines())
    # for a pull request: a fenced diff block that no line of the code can close
    new.set_meta(description="``` not the end ````")
    new.save(tmp_path / "b.infra.json")
    md = _cli("a.infra.json", "b.infra.json", "--code", "cloudformation", "--format", "markdown", cwd=tmp_path).stdout
    lines = md.splitlines()
    assert lines[0] == "`````diff" and lines[-1] == "`````" and "+Description: '``` not the end ````'" in lines


def test_a_fence_is_longer_than_any_backtick_run():
    from isshoni.design.diff_cli import fenced

    assert fenced("a\n", "diff") == "```diff\na\n```\n"
    assert fenced("x ```` y", "") == "`````\nx ```` y\n`````\n"


@pytest.mark.parametrize(("spec", "said"), [
    ("missing.infra.json", "no such design file"),
    ("a.infra.json@-rf", "not a git revision this command reads"),
    ("a.infra.json@HEAD", "not in a git repository"),
])
def test_cli_bad_sides_say_why(tmp_path, spec, said):
    Design(name="a").save(tmp_path / "a.infra.json")
    done = _cli(spec, "a.infra.json", cwd=tmp_path)
    assert done.returncode == 2 and said in done.stderr and "Traceback" not in done.stderr


def test_a_diff_says_what_the_change_costs():
    from isshoni import templates

    old = templates.load("vpc_basic")
    new = old.copy()
    new.set("nat", data_processed_gb=1015.5555)  # +915.5555 GB x $0.045 = +$41.20
    found = diff(old.data, new.data)
    assert found.cost == {"currency": "USD", "before": 37.35, "after": 78.55, "change": 41.2, "nodes": {"nat": 41.2},
                          "not_priced": {"before": 0, "after": 0}}
    assert "cost: +$41.20/month ($37.35 -> $78.55, list-price estimate)" in text(found)
    assert "cost: +$41.20/month" in markdown(found) and found.to_json()["cost"]["change"] == 41.2
    moved = old.copy()
    moved.move("nat", 999, 999)
    assert diff(old.data, moved.data).cost is None  # only moved: nothing to price
    fewer = old.copy()
    fewer.remove("nat")
    assert "cost: -$37.35/month ($37.35 -> $0.00" in text(diff(old.data, fewer.data))
