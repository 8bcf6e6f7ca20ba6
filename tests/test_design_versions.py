"""Named versions of a design (issue 20, item 3): kept in the design document, so every collaborator sees
them and they are saved with the file; named, listed and restored from the model, the kernel helpers and
`isshoni versions`; `FILE@NAME` is a side of `isshoni diff`.  A design without versions keeps its text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from isshoni import Design
from isshoni.design import DesignError
from isshoni.yinfra import YInfra

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "kernels_helpers")}


def _design() -> Design:
    d = Design(name="shop")
    d.add("sqs_queue", "jobs", properties={"visibility_timeout": 30})
    d.add("lambda_function", "worker")
    d.connect("jobs", "worker", id="feed")
    return d


def test_name_list_and_restore_keep_history_and_versions():
    d = _design()
    d.add_message("alice", "hello")
    summary = d.name_version("before canary", note="blue only", author="alice")
    assert summary["resources"] == 2 and summary["connections"] == 1 and summary["note"] == "blue only"
    d.set("jobs", visibility_timeout=90)
    d.remove("worker")
    d.name_version("v2")
    d.restore_version("before canary")
    assert d.resources["jobs"]["properties"]["visibility_timeout"] == 30 and "worker" in d.resources
    assert d.connections["feed"]["target"] == "worker"
    assert [m["text"] for m in d.chat] == ["hello"] and sorted(d.versions) == ["before canary", "v2"]
    d.validate()
    # a version is a copy: editing the design never changes what a version holds
    d.set("jobs", visibility_timeout=45)
    assert d.versions["before canary"]["design"]["resources"]["jobs"]["properties"]["visibility_timeout"] == 30
    assert d.diff({**d.versions["v2"]["design"], "version": 1}).counts()["resources_added"] == 1  # worker is back


@pytest.mark.parametrize(("name", "said"), [("", "a version name is"), ("-x", "a version name is"), ("a" * 65, "a version name is"),
                                            ("v1", "there is already a version named 'v1'")])
def test_bad_or_taken_names_are_refused_and_change_nothing(name, said):
    d = _design()
    d.name_version("v1")
    before = json.dumps(d.data, sort_keys=True)
    with pytest.raises(DesignError, match=said):
        d.name_version(name)
    assert json.dumps(d.data, sort_keys=True) == before


def test_restoring_an_unknown_or_invalid_version_changes_nothing():
    d = _design()
    with pytest.raises(DesignError, match="no version named 'nope'"):
        d.restore_version("nope")
    d.name_version("broken")
    d.data["versions"]["broken"]["design"]["resources"]["jobs"]["type"] = "no_such_type"
    before = json.dumps(d.data, sort_keys=True)
    with pytest.raises(DesignError):
        d.restore_version("broken")
    assert json.dumps(d.data, sort_keys=True) == before


def test_a_design_without_versions_keeps_its_text_and_one_with_them_round_trips(tmp_path):
    plain = _design()
    assert '"versions"' not in plain.dumps()
    template = next((ROOT / "templates").glob("*.infra.json"))
    assert Design.load(template).dumps() == template.read_text()
    d = _design()
    d.name_version("v1")
    d.save(tmp_path / "shop.infra.json")
    again = Design.load(tmp_path / "shop.infra.json")
    assert again.versions == d.versions
    doc = YInfra()  # the shared document holds them too, and writes them back the same
    doc.set(d.dumps())
    assert doc.get() == d.dumps()


def test_naming_through_the_shared_document_is_one_write_of_the_versions():
    """A kernel or the server names a version by computing the new content from what it read and
    writing it if unchanged (YInfra.replace_if): the versions root is written, nothing else."""
    doc = YInfra()
    doc.set(_design().dumps())
    before = doc.to_dict(without=("deployments",))
    design = Design.adopt(json.loads(json.dumps(before)))
    design.name_version("v1")
    assert doc.replace_if(before, design.data)
    assert sorted(doc.to_dict()["versions"]) == ["v1"] and doc.design().resources == _design().resources


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "isshoni", *args], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=120)


def test_cli_names_lists_restores_and_diffs_a_version(tmp_path):
    _design().save(tmp_path / "shop.infra.json")
    assert "no versions" in _cli("versions", "shop.infra.json", cwd=tmp_path).stdout
    done = _cli("versions", "shop.infra.json", "name", "before canary", "--note", "blue only", cwd=tmp_path)
    assert done.returncode == 0 and "named before canary: 2 nodes, 1 connections" in done.stdout, done.stderr
    edited = Design.load(tmp_path / "shop.infra.json")
    edited.set("jobs", visibility_timeout=90)
    edited.save(tmp_path / "shop.infra.json")
    listed = json.loads(_cli("versions", "shop.infra.json", "--json", cwd=tmp_path).stdout)
    assert [(v["name"], v["note"]) for v in listed] == [("before canary", "blue only")]
    diffed = _cli("diff", "shop.infra.json@before canary", "shop.infra.json", cwd=tmp_path).stdout
    assert "/properties/visibility_timeout: 30 -> 90" in diffed
    assert _cli("versions", "shop.infra.json", "restore", "before canary", cwd=tmp_path).returncode == 0
    assert Design.load(tmp_path / "shop.infra.json").resources["jobs"]["properties"]["visibility_timeout"] == 30
    taken = _cli("versions", "shop.infra.json", "name", "before canary", cwd=tmp_path)
    assert taken.returncode == 2 and "already a version named" in taken.stderr
    missing = _cli("versions", "shop.infra.json", "restore", cwd=tmp_path)
    assert missing.returncode == 2 and "needs the version's NAME" in missing.stderr
