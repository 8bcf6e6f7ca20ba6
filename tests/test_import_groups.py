"""Typed matching of multi-part catalog entries (issue 15 follow-up, item 1).

A template Isshoni compiled is read back: each catalog entry's group of AWS resources (the
primary part and the helper parts its `emits` declare: a cache's secret, subnet group and
security group, an API's log group ...) becomes one typed node, the helpers folded into it,
and what the compiler makes for the design as a whole (a VPC's routing) is recognised instead
of kept a second time.  Before this, such templates re-imported as generic resources.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from isshoni.compiler import generate, resolve
from isshoni.design import Design
from isshoni.importers.dispatch import import_text

TYPED = {"Api": "api_gateway_http", "Cache": "elasticache_redis", "Files": "s3_bucket", "Jobs": "sqs_queue",
         "Vpc": "vpc", "PublicA": "subnet", "Igw": "internet_gateway"}
DESIGN = {"version": 1, "meta": {"name": "groups", "region": "us-east-1"}, "connections": {}, "resources": {
    "Api": {"type": "api_gateway_http", "properties": {"log_retention_days": 90}},
    "Files": {"type": "s3_bucket"}, "Jobs": {"type": "sqs_queue"}, "Vpc": {"type": "vpc", "properties": {"flow_logs": False}},
    "PublicA": {"type": "subnet", "parent": "Vpc", "properties": {"tier": "public", "az": "a", "cidr": "10.0.1.0/24"}},
    "Igw": {"type": "internet_gateway", "parent": "Vpc"}, "Cache": {"type": "elasticache_redis", "parent": "PublicA"}}}


@pytest.fixture(scope="module")
def imported():
    return import_text(generate(Design(DESIGN))["template.yaml"], source="groups.yaml")


def test_each_group_of_parts_is_one_typed_node(imported):
    assert {rid: node["type"] for rid, node in imported.design.resources.items()} == TYPED
    assert imported.design.resources["Cache"]["parent"] == "PublicA" and imported.design.resources["PublicA"]["parent"] == "Vpc"


def test_helper_and_implied_parts_are_folded_not_kept_generic(imported):
    report = imported.report
    assert not report.generic and not report.not_understood, (report.generic, report.not_understood)
    folded = {e.source_id: e for e in report.folded}
    assert folded["CacheAuth"].design_id == "Cache" and "auth part of the elasticache_redis Cache" in folded["CacheAuth"].reason
    assert {e.source_type for e in report.folded if e.design_id == "Cache"} >= {
        "AWS::SecretsManager::Secret", "AWS::ElastiCache::SubnetGroup", "AWS::EC2::SecurityGroup"}
    # routing the compiler implies for the subnet and the VPC: recognised, not a second copy
    assert {e.source_type for e in report.folded if e.design_id in ("Vpc", "PublicA")} >= {
        "AWS::EC2::RouteTable", "AWS::EC2::SubnetRouteTableAssociation"}


def test_a_value_of_a_helper_part_becomes_a_property(imported):
    """The API's log retention is written in its log group, a helper part: read back as the API's property."""
    assert imported.design.resources["Api"]["properties"]["log_retention_days"] == 90


def test_regenerating_gives_the_same_aws_types(imported):
    def made(design):
        return Counter(p.cfn_type for p in resolve(design).parts if p.cfn_type)

    assert made(imported.design) == made(Design(DESIGN))
    json.loads(generate(imported.design, "cloudformation-json")["template.json"])  # ids are plain text (orjson refused a loader's str)


def test_a_compiled_template_is_no_longer_all_generic():
    design = Design(json.loads((__import__("pathlib").Path(__file__).resolve().parent.parent / "templates/chat_canary.infra.json").read_text()))
    counts = import_text(generate(design)["template.yaml"], source="chat_canary.yaml").report.counts()
    assert counts["typed"] >= 10 and counts["folded"] >= 1, counts  # was 0 typed: every part was a separate resource


def test_terraform_a_queue_and_its_dead_letter_queue_are_one_sqs_queue(tmp_path):
    """The same group matching on Terraform's side: the dead-letter queue is the queue's `dlq` part."""
    from isshoni.importers.dispatch import import_path

    (tmp_path / "main.tf").write_text("""
resource "aws_sqs_queue" "dlq" {}
resource "aws_sqs_queue" "main" {
  redrive_policy = jsonencode({ deadLetterTargetArn = aws_sqs_queue.dlq.arn, maxReceiveCount = 3 })
}
""")
    imported = import_path(tmp_path)
    assert imported.design.resources == {"main": {"type": "sqs_queue", "properties": {"dead_letter": True, "max_receive_count": 3}}}
    (folded,) = imported.report.folded
    assert folded.source_id == "aws_sqs_queue.dlq" and folded.design_id == "main" and "dlq part" in folded.reason


@pytest.mark.parametrize("known", [{"port": 8080}, {}])
def test_text_joined_from_two_placeholders_splits_where_the_values_do(known):
    """`wget ... http://localhost:<port><path> || exit 1` (an ECS container's health check): a port the
    match knows already is read as itself, and an integer placeholder ends where its digits do, so
    the path is `/health`, not `080/health` with a port of 8."""
    from isshoni.catalog import CATALOG
    from isshoni.catalog import spec as s
    from isshoni.importers.lift import match

    binding = match.Binding()
    binding.values.update(known)
    template = s.J("wget -q -O /dev/null http://localhost:", s.P("port"), s.P("health_check_path"), " || exit 1")
    match._join(CATALOG["ecs_service"], template, "wget -q -O /dev/null http://localhost:8080/health || exit 1", binding)
    assert binding.values == {"port": 8080, "health_check_path": "/health"}
