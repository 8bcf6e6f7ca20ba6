"""Cross-format round trip for every catalog type (issue 15, item 7): a design holding one
node of each catalog type, compiled to CloudFormation, imported, compiled to Terraform (which
validates) and imported back from the Terraform folder.  The figures are printed (-s)."""

from __future__ import annotations

import collections

import pytest
import yaml

from gaps import assert_lints_clean, assert_terraform_validates
from iac import every_type
from isshoni import generate
from isshoni.catalog import CATALOG
from isshoni.compiler.names import tf_identifier
from isshoni.importers.dispatch import import_path, import_text
from isshoni.importers.roundtrip import differences


@pytest.fixture(scope="module")
def forward():
    template = generate(every_type(), "cloudformation")["template.yaml"]
    return template, import_text(template, source="every-type.yaml")


@pytest.fixture(scope="module")
def back(forward, tmp_path_factory):
    folder = tmp_path_factory.mktemp("every-type-tf")
    for name, text in generate(forward[1].design, "terraform").items():
        (folder / name).write_text(text)
    return import_path(folder)


def test_every_catalog_type_comes_in_from_cloudformation(forward):
    template, imported = forward
    report = imported.report
    print(f"\nevery catalog type, CloudFormation -> design: {report.counts()}")
    typed = collections.Counter(r["type"] for r in imported.design.resources.values() if r["type"] in CATALOG)
    assert len(typed) >= 50  # distinct catalog types typed (measured; 35 before the VPC's routing folded with a gateway endpoint)
    # the Redis AUTH token's dynamic reference is the typed Redis's own part now that its subnets are typed
    assert report.not_understood == []
    # generating again gives back every kept resource with its logical id, type and values: the physical
    # names the compiler made, its parts' logical ids, the design's name in the tags, the alerts topic
    kept = {e.source_id for e in report.typed + report.generic}
    assert differences(yaml.safe_load(template), yaml.safe_load(generate(imported.design)["template.yaml"]), kept) == []
    assert imported.design.name == "every-type"


def test_a_node_takes_its_own_parts_before_another_nodes(forward):
    """The VPC's flow log and the flow log node both refer to the VPC: each is folded into its own node, so
    nothing is made twice (the duplicate log group cfn-lint refused, E3019)."""
    folded = {e.source_id: e.design_id for e in forward[1].report.folded}
    assert folded["VpcFlowLog"] == "Vpc" and folded["VpcFlowLogLogs"] == "Vpc"
    assert folded["SampleVpcFlowLogLogs"] == "SampleVpcFlowLog" and folded["SampleVpcFlowLogRolePolicy"] == "SampleVpcFlowLog"


@pytest.mark.slow
def test_the_imported_design_lints_and_its_terraform_validates(forward):
    assert_lints_clean(forward[1].design)
    assert_terraform_validates(forward[1].design)


def test_terraform_comes_back_without_a_wrong_type(forward, back):
    """Back from the Terraform folder: what the static reader can evaluate returns with its type (or as the
    generic resource of the same AWS type); the rest is not understood with its reason, never guessed."""
    before, after = forward[1].design.resources, back.design.resources
    same, generic, missing = 0, 0, []
    for rid, resource in before.items():
        again = after.get(tf_identifier(rid))
        if again is None:
            missing.append(rid)
        elif again["type"] == resource["type"]:
            same += 1
        else:  # a catalog node may come back generic, as the AWS type it makes, never as another node
            assert again["type"].startswith("cfn:") and resource["type"] in CATALOG, (rid, resource["type"], again["type"])
            generic += 1
    print(f"\nevery catalog type, Terraform -> design: {back.report.counts()}; of {len(before)} design resources "
          f"{same} back with their type, {generic} as generic resources, {len(missing)} not understood")
    # every catalog type comes back with its type (32 of 66 with a static reader of values alone, 49 with
    # connections and compiler-filled values folded from Terraform too (lift.compiled_tf), all 66 once what
    # the evaluator leaves unknown is read as its own text (terraform/mirror.py), public SSM parameters as
    # SSM-typed parameters and a generated password as what it is)
    assert (same, generic, missing) == (len(before), 0, [])
    assert back.report.not_understood == []
    # a variable without a value is what CloudFormation asks at deploy time: the zone's domain is asked again
    assert after["sample_route53_zone"] == {**after["sample_route53_zone"], "type": "route53_zone"}
    assert after["sample_route53_zone"]["properties"]["domain"] == ""
    back.design.validate()


def test_terraform_comes_back_with_every_value(forward, back):
    """Not only the types: every typed node comes back from its Terraform with the same property values (a
    property left out on one side compared at the catalog's default), its label and its container."""
    before, after = forward[1].design.resources, back.design.resources
    changed = []
    for rid, resource in before.items():
        if resource["type"] not in CATALOG:
            continue
        again = after[tf_identifier(rid)]
        defaults = CATALOG[resource["type"]].defaults()
        if {**defaults, **resource.get("properties", {})} != {**defaults, **again.get("properties", {})}:
            changed.append(rid)
        parent = resource.get("parent")
        # a node without a label shows its id, which Terraform's Name tag then writes
        label = again.get("label") in (resource.get("label"), resource.get("label") or rid)
        if not label or (tf_identifier(parent) if parent else None) != again.get("parent"):
            changed.append(f"{rid} (label or container)")
    assert changed == []


def _routing(template: dict) -> dict:
    """Subnet -> where its route table's default route goes (internet gateway or NAT), by logical id."""
    resources = template["Resources"]
    gateway = {}
    for body in resources.values():
        props = body.get("Properties", {})
        if body["Type"] == "AWS::EC2::Route" and props.get("DestinationCidrBlock") == "0.0.0.0/0":
            gateway[props["RouteTableId"]["Ref"]] = "internet gateway" if "GatewayId" in props else "nat" if "NatGatewayId" in props else "other"
    return {body["Properties"]["SubnetId"]["Ref"]: gateway.get(body["Properties"]["RouteTableId"]["Ref"], "none")
            for body in resources.values() if body["Type"] == "AWS::EC2::SubnetRouteTableAssociation"}


def test_private_subnets_stay_private(forward):
    """A subnet's tier is read from the source's routing: a private subnet (its default route to the NAT) is
    not made public (routed to the internet gateway) because nothing on the subnet itself tells them apart."""
    template, imported = forward
    assert imported.design.resources["PrivateA"]["properties"].get("tier", "private") == "private"
    assert _routing(yaml.safe_load(generate(imported.design)["template.yaml"])) == _routing(yaml.safe_load(template))


@pytest.mark.slow
def test_the_design_back_from_terraform_lints_and_validates(back):
    """CloudFormation in, Terraform out and back: the design read back generates CloudFormation that lints
    clean and Terraform that validates, as the design it came from did."""
    assert_lints_clean(back.design)
    assert_terraform_validates(back.design)
