"""The sample design compiled to CloudFormation and imported back (issue 15, items 1 and 7): the load
balancer -> service connections (target group, listener rule, ingress rule) come back as connections,
the VPC's routing folds into the VPC even though a gateway endpoint names its route tables, and the
regenerated template is the source's.  Figures are printed (-s)."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml

from isshoni import generate, templates
from isshoni.compiler.names import cfn_identifier, tf_identifier
from isshoni.importers.dispatch import import_text
from isshoni.importers.roundtrip import differences


@pytest.fixture(scope="module")
def sample():
    design = templates.load("chat_canary")
    template = generate(design, "cloudformation")["template.yaml"]
    return design, template, import_text(template, source="chat_canary.yaml")


def _pairs(design, rename=lambda rid: rid) -> set:
    return {(rename(c["source"]), rename(c["target"])) for c in design.connections.values()}


def test_the_load_balancer_reaches_both_services_as_connections(sample):
    design, _template, imported = sample
    got, want = _pairs(imported.design), _pairs(design, cfn_identifier)
    print(f"\nchat_canary, CloudFormation -> design: {imported.report.counts()}; "
          f"{len(got)} of {len(want)} connections ({sorted(want - got)} not recovered)")
    assert {("Alb", "Blue"), ("Alb", "Green"), ("Blue", "Redis"), ("Errors5xx", "Alb"), ("LatencyP95", "Alb"), ("Cdn", "Frontend")} <= got
    assert got <= want  # nothing invented
    assert len(got) >= 18  # measured: the certificate's two are left (its domain is a template parameter without a default)
    canary = {c["target"]: c["properties"] for c in imported.design.connections.values() if c["source"] == "Alb"}
    assert {canary["Blue"].get("weight", 90), canary["Green"].get("weight")} != {None}


def test_what_sits_in_the_vpc_is_typed_as_it_was(sample):
    design, _template, imported = sample
    types = {rid: r["type"] for rid, r in imported.design.resources.items()}
    for rid, resource in design.resources.items():
        if resource["type"] in ("subnet", "vpc_endpoint", "ecs_service", "elasticache_redis", "alb", "nat_gateway",
                                "cloudwatch_alarm", "internet_gateway"):
            assert types.get(cfn_identifier(rid)) == resource["type"], rid
            parent, again = resource.get("parent"), imported.design.resources[cfn_identifier(rid)].get("parent")
            if parent and design.resources[parent]["type"] == "subnet":  # spread over a tier: any subnet of it
                tier = lambda d, s: d.resources[s]["properties"].get("tier", "private")  # noqa: E731
                assert tier(imported.design, again) == tier(design, parent), rid
            else:
                assert again == (cfn_identifier(parent) if parent else None), rid
    assert not imported.report.not_understood
    # the compiler's own route tables, routes and associations fold into the VPC and subnets
    folded = {e.source_id: e.design_id for e in imported.report.folded}
    assert folded["VpcPrivateRoutes"] == "Vpc" and folded["PrivateARouteAssociation"] == "PrivateA"


def test_generating_again_gives_the_source_back(sample):
    design, template, imported = sample
    report = imported.report
    kept = {e.source_id for e in report.typed + report.generic}
    assert differences(yaml.safe_load(template), yaml.safe_load(generate(imported.design)["template.yaml"]), kept) == []
    assert imported.design.region == design.region  # read from the template's metadata: the ELB log account is the region's
    # a percentile alarm keeps its statistic; a name with digits after a word keeps its words (errors_5xx)
    assert imported.design.resources["LatencyP95"]["properties"]["statistic"] == "p95"
    assert tf_identifier("Errors5xx") == "errors_5xx" and tf_identifier("SampleS3Bucket") == "sample_s3_bucket"


def test_a_region_given_wins_over_the_templates_metadata(sample):
    _design, template, _imported = sample
    assert import_text(template, source="chat_canary.yaml", region="eu-west-1").design.region == "eu-west-1"


def test_a_generic_resource_naming_a_node_that_waits_for_a_connection_is_not_a_crash(sample):
    """A certificate with a literal domain is typed, but makes nothing until its zone connection is found;
    the listener that names it stays generic: the certificate is made generic too, with the reason."""
    _design, template, _imported = sample
    literal = template.replace("Fn::Sub: chat.${ZoneDomain}", "chat.example.com").replace("Ref: ZoneDomain", "example.com")
    assert literal != template
    imported = import_text(literal, source="literal.yaml")
    reasons = {e.source_id: e.reason for e in imported.report.generic}
    assert "makes nothing until a connection is found" in reasons["Certificate"]
    assert not imported.report.not_understood
    assert Counter(r["type"] for r in imported.design.resources.values())["ecs_service"] == 2
