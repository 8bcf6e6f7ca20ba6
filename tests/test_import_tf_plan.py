"""Import of `terraform show -json` (issue 15, item 2): the plan of the `expanded` fixture after a
sandbox deploy (committed; scripts/make_tfplan_fixture.py regenerates it, and one slow test does)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from isshoni.compiler import resolve, terraform
from isshoni.importers import NotImportable
from isshoni.importers.dispatch import detect, import_path, import_text
from isshoni.importers.terraform.roundtrip import differences
from isshoni.importers.tfplan import source_resources

FIXTURES = Path(__file__).parent / "fixtures" / "terraform"
PLAN = FIXTURES / "expanded.plan.json"


def _kept(report) -> dict[str, str]:
    return {e.source_id: e.design_id for e in report.typed + report.generic}


def _check_plan(path: Path) -> None:
    text = path.read_text()
    assert detect(text, path.name) == "tfplan"
    imported = import_path(path)
    report = imported.report
    assert report.format == "tfplan" and report.total == 8 and report.not_understood == []
    # the same design the folder gives: every module and instance expanded, the same ids and values
    folder = import_path(FIXTURES / "expanded", variables={"env": "prod"})
    assert imported.design.resources == folder.design.resources
    assert _kept(report) == _kept(folder.report)
    # a reference known by value: the subnet's vpc_id is the VPC's id, and the configuration says it refers to it
    assert imported.design.resources["app_a"]["properties"]["VpcId"] == {"ref": "network_main"}
    source, _ = source_resources(text)
    assert differences(source, _kept(report), terraform.files(resolve(imported.design))) == []


def test_the_plan_of_a_sandbox_deploy_imports_as_the_folder_does():
    _check_plan(PLAN)


@pytest.mark.slow
def test_the_committed_plan_regenerates_from_a_sandbox_deploy(tmp_path):
    sys.path.insert(0, str(Path(__file__).parents[1] / "scripts"))
    try:
        import make_tfplan_fixture
    finally:
        sys.path.pop(0)
    fresh = make_tfplan_fixture.make(tmp_path / "plan.json")
    _check_plan(fresh)


@pytest.mark.slow
def test_the_plans_design_validates_in_terraform():
    from iac import lint_errors, terraform_errors

    design = import_path(PLAN).design
    assert terraform_errors(design) == []
    assert lint_errors(design) == []


def _plan(resources, *, configuration=None, changes=None) -> str:
    doc = {"format_version": "1.2", "planned_values": {"root_module": {"resources": resources}}}
    if configuration is not None:
        doc["configuration"] = {"root_module": {"resources": configuration}}
    if changes is not None:
        doc["resource_changes"] = changes
    return json.dumps(doc)


def test_values_known_only_after_apply_are_not_understood_never_guessed():
    text = _plan(
        [{"address": "aws_vpc.v", "mode": "managed", "type": "aws_vpc", "name": "v", "values": {"cidr_block": "10.0.0.0/16"}},
         {"address": "aws_subnet.s", "mode": "managed", "type": "aws_subnet", "name": "s",
          "values": {"cidr_block": "10.0.1.0/24"}}],
        configuration=[
            {"address": "aws_vpc.v", "mode": "managed", "type": "aws_vpc", "name": "v",
             "expressions": {"cidr_block": {"constant_value": "10.0.0.0/16"}}},
            {"address": "aws_subnet.s", "mode": "managed", "type": "aws_subnet", "name": "s",
             "expressions": {"cidr_block": {"constant_value": "10.0.1.0/24"},
                             "vpc_id": {"references": ["aws_vpc.v.id", "aws_vpc.v"]}}}],
        changes=[{"address": "aws_subnet.s", "change": {"after_unknown": {"vpc_id": True, "id": True}}}])
    report = import_text(text, source="fresh.json").report
    assert [e.source_id for e in report.typed] == ["aws_vpc.v"]
    (entry,) = report.not_understood
    assert entry.source_id == "aws_subnet.s" and "attribute vpc_id: known only after apply" in entry.reason


def test_a_state_reads_the_attributes_the_catalog_writes_and_ids_as_references():
    text = json.dumps({"format_version": "1.0", "values": {"root_module": {"resources": [
        {"address": "aws_vpc.v", "mode": "managed", "type": "aws_vpc", "name": "v",
         "values": {"id": "vpc-0abc1234", "arn": "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0abc1234",
                    "cidr_block": "10.0.0.0/16", "enable_dns_hostnames": True, "enable_dns_support": True,
                    "owner_id": "123456789012", "tags": None}},
        {"address": "aws_subnet.s", "mode": "managed", "type": "aws_subnet", "name": "s",
         "values": {"id": "subnet-0def5678", "vpc_id": "vpc-0abc1234", "cidr_block": "10.0.1.0/24",
                    "availability_zone": "us-east-1a", "map_public_ip_on_launch": False}},
        {"address": "data.aws_region.here", "mode": "data", "type": "aws_region", "name": "here", "values": {}},
    ]}}})
    imported = import_text(text, source="state.json")
    assert imported.report.counts()["not_understood"] == 0 and imported.report.total == 2
    assert imported.design.resources["v"]["properties"]["cidr"] == "10.0.0.0/16"
    assert imported.design.resources["s"]["properties"]["VpcId"] == {"ref": "v"}
    assert any("1 data source(s) not imported" in n for n in imported.report.notes)


@pytest.mark.parametrize(("text", "message"), [
    ('{"format_version": "1.2", "planned_values": {\n  "root_module": [}', r"plan\.json:2:19: not JSON"),
    ('{"format_version": "1.2", "planned_values": []}', "it has no planned_values or values"),
    ('{"planned_values": {}}', "no format_version"),
])
def test_bad_plans_name_the_place(text, message):
    with pytest.raises(NotImportable, match=message):
        import_text(text, "tfplan", source="plan.json")
