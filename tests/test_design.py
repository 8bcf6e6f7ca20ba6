"""The design document: loading, saving, editing and every kind of bad input."""

from __future__ import annotations

import json

import pytest

from isshoni import Design, DesignError
from isshoni.design import dumps
from isshoni.design.validate import schema


def small() -> Design:
    d = Design(name="small", region="us-east-1")
    d.add("vpc", "vpc")
    d.add("subnet", "a", parent="vpc", properties={"cidr": "10.0.1.0/24", "tier": "public"})
    d.add("dynamodb_table", "table")
    return d


def test_save_is_sorted_stable_and_round_trips(tmp_path):
    d = small()
    path = d.save(tmp_path / "small.infra.json")
    text = path.read_text()
    assert text == dumps(json.loads(text))
    assert text.endswith("\n") and '  "connections"' in text
    again = Design.load(path)
    again.save(tmp_path / "again.infra.json")
    assert (tmp_path / "again.infra.json").read_text() == text
    assert list(json.loads(text)) == sorted(json.loads(text))


def test_schema_is_shipped_and_strict():
    s = schema()
    assert s["properties"]["resources"]["additionalProperties"]["$ref"] == "#/$defs/resource"


def test_malformed_json_names_line_and_column():
    with pytest.raises(DesignError) as info:
        Design.loads('{"version": 1, "meta": ', "bad.infra.json")
    assert "not valid JSON" in str(info.value) and "line 1" in str(info.value)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(DesignError, match="file not found"):
        Design.load(tmp_path / "nope.infra.json")


def test_every_structural_problem_is_reported_with_its_path():
    data = {
        "version": 1,
        "meta": {"name": "x", "region": "mars-1", "colour": "red"},
        "resources": {"1bad": {"type": "vpc"}, "ok": {"label": 5}},
        "connections": {},
    }
    with pytest.raises(DesignError) as info:
        Design.loads(json.dumps(data))
    paths = {p.path for p in info.value.problems}
    assert "$.meta.region" in paths
    assert "$.meta" in paths  # unknown field colour
    assert "$.resources.ok" in paths  # missing type
    assert "$.resources.ok.label" in paths
    assert any("1bad" in p.message or "1bad" in p.path for p in info.value.problems)
    assert len(info.value.problems) >= 5


def _design(resources, connections=None):
    return json.dumps({"version": 1, "meta": {"name": "t", "region": "us-east-1"}, "resources": resources, "connections": connections or {}})


def _problems(text):
    with pytest.raises(DesignError) as info:
        Design.loads(text)
    return info.value.problems


def test_unknown_type_names_the_resource():
    (p,) = _problems(_design({"db": {"type": "oracle_exadata"}}))
    assert p.resource == "db" and "unknown resource type 'oracle_exadata'" in p.message and p.path == "$.resources.db.type"


def test_dangling_connection():
    problems = _problems(_design({"t": {"type": "dynamodb_table"}}, {"c1": {"source": "ghost", "target": "t"}}))
    assert problems[0].resource == "c1" and "ghost" in problems[0].message and "dangling" in problems[0].message


def test_connection_the_catalog_forbids():
    problems = _problems(_design({"t": {"type": "dynamodb_table"}, "v": {"type": "vpc"}}, {"c1": {"source": "t", "target": "v"}}))
    assert problems[0].resource == "c1" and "cannot connect" in problems[0].message


def test_cycle_in_containers():
    problems = _problems(
        _design({"v": {"type": "vpc", "parent": "s"}, "s": {"type": "subnet", "parent": "v"}})
    )
    messages = " ".join(p.message for p in problems)
    assert "cycle" in messages
    assert {p.resource for p in problems} >= {"v", "s"}


def test_invalid_cidr_and_overlapping_subnets_and_outside_vpc():
    problems = _problems(
        _design(
            {
                "v": {"type": "vpc", "properties": {"cidr": "10.0.0.0/16"}},
                "bad": {"type": "vpc", "properties": {"cidr": "10.0.0.1/16"}},
                "a": {"type": "subnet", "parent": "v", "properties": {"cidr": "10.0.1.0/24"}},
                "b": {"type": "subnet", "parent": "v", "properties": {"cidr": "10.0.1.128/25"}},
                "c": {"type": "subnet", "parent": "v", "properties": {"cidr": "192.168.0.0/24"}},
            }
        )
    )
    by_resource = {p.resource: p.message for p in problems}
    assert "invalid CIDR" in by_resource["bad"]
    assert "overlaps subnet 'a'" in by_resource["b"]
    assert "outside its VPC" in by_resource["c"]


def test_bad_property_value_and_unknown_property():
    problems = _problems(_design({"r": {"type": "elasticache_redis", "parent": None, "properties": {"nodes": 9, "colour": 1}}}))
    messages = [p.message for p in problems if p.resource == "r"]
    assert any("9 is greater than the maximum" in m for m in messages)
    assert any("colour" in m for m in messages)
    assert any("must be placed in" in m for m in messages)


def test_wrong_container_type():
    problems = _problems(_design({"t": {"type": "dynamodb_table"}, "s": {"type": "subnet", "parent": "t"}}))
    assert any(p.resource == "s" and "cannot be placed in a dynamodb_table" in p.message for p in problems)


def test_operations_edit_and_refuse_without_damage():
    d = small()
    d.set("table", hash_key="pk")
    assert d.resource("table")["properties"]["hash_key"] == "pk"
    with pytest.raises(DesignError):
        d.set("table", hash_key_type="X")
    assert "hash_key_type" not in d.resource("table")["properties"]
    with pytest.raises(DesignError):
        d.add("subnet", "loose")  # needs a VPC
    assert "loose" not in d.resources
    with pytest.raises(DesignError):
        d.add("vpc", "vpc")  # duplicate id
    d.add("subnet", "b", parent="vpc", properties={"cidr": "10.0.2.0/24"})
    with pytest.raises(DesignError):
        d.move_into("b", "table")
    assert d.resource("b")["parent"] == "vpc"
    d.add("internet_gateway", "igw", parent="vpc")
    removed = d.remove("vpc")
    assert removed == ["vpc"] and d.resource("a")["parent"] is None
    message = d.add_message("ana", "hello")
    assert d.chat[-1] == message and message["author"] == "ana"


def test_ids_are_generated_when_missing():
    d = Design(name="x")
    first, second = d.add("dynamodb_table"), d.add("dynamodb_table")
    assert first == "dynamodb_table" and second == "dynamodb_table2"


def test_loading_valid_designs_imports_neither_jsonschema_nor_cfnlint(tmp_path):
    """Both take seconds to import; a valid design needs neither (fastjsonschema checks it,
    region availability comes from the table cached per cfn-lint version after the first
    run), so every CLI command stays quick."""
    import os
    import subprocess
    import sys

    code = (
        "import sys; from isshoni import templates; templates.describe(); "
        "print(sorted(m for m in ('jsonschema', 'cfnlint') if m in sys.modules))"
    )
    env = {**os.environ, "ISSHONI_CACHE_DIR": str(tmp_path)}
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert first.strip() == "['cfnlint']"  # the first run ever works the region table out
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.strip() == "[]"
