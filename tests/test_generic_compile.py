"""Generic resources compiled: CloudFormation's own type with the design's properties; in Terraform
`aws_cloudcontrolapi_resource` or, for a type without a counterpart, nothing and a note saying so.
Design references become Ref / Fn::GetAtt and the Terraform expression that means the same."""

from __future__ import annotations

import json

import pytest
import yaml

import generic_fifty
from iac import every_type
from isshoni import Design, DesignError, generate
from isshoni.catalog import CATALOG
from isshoni.checks import cfnlint_check, graph_rules, terraform_check, toolchain
from isshoni.compiler import resolve
from isshoni.compiler.tf_write import state_path
from isshoni.generic import catalog_targets, registry


def wired() -> Design:
    d = Design(name="wired")
    d.add("sqs_queue", "curated")
    d.add("ecs_cluster", "cluster")
    d.add("cfn:AWS::SQS::Queue", "queue", properties={
        "RedrivePolicy": {"deadLetterTargetArn": {"ref": "curated", "attribute": "Arn"}, "maxReceiveCount": 3}})
    d.add("cfn:AWS::SNS::Topic", "topic")
    d.add("cfn:AWS::SNS::Subscription", "sub", properties={
        "TopicArn": {"ref": "topic"}, "Protocol": "sqs", "Endpoint": {"ref": "queue", "attribute": "Arn"}})
    d.add("cfn:AWS::SSM::Parameter", "cluster_name", properties={"Type": "String", "Value": {"ref": "cluster"}})
    return d


def test_references_become_ref_and_getatt_in_cloudformation():
    template = yaml.safe_load(generate(wired())["template.yaml"])
    resources = template["Resources"]
    assert resources["Queue"] == {"Type": "AWS::SQS::Queue", "Properties": {
        "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["Curated", "Arn"]}, "maxReceiveCount": 3}},
        "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}  # a generic queue keeps its messages like a catalog one
    assert resources["Sub"]["Properties"] == {
        "TopicArn": {"Ref": "Topic"}, "Protocol": "sqs", "Endpoint": {"Fn::GetAtt": ["Queue", "Arn"]}}
    assert resources["ClusterName"]["Properties"]["Value"] == {"Ref": "Cluster"}
    assert resources["Topic"] == {"Type": "AWS::SNS::Topic"}  # no properties, no empty block
    assert json.loads(generate(wired(), "cloudformation-json")["template.json"])["Resources"] == resources


def test_references_become_the_matching_terraform_expressions():
    main = generate(wired(), "terraform")["main.tf"]
    assert 'resource "aws_cloudcontrolapi_resource" "queue" {\n  type_name = "AWS::SQS::Queue"' in main
    assert "deadLetterTargetArn = aws_sqs_queue.curated.arn" in main  # a catalog node: its primary part's attribute
    assert "TopicArn = aws_cloudcontrolapi_resource.topic.id" in main  # Ref of a Cloud Control resource: its identifier
    assert "Endpoint = jsondecode(aws_cloudcontrolapi_resource.queue.properties).Arn" in main
    assert "Value = aws_ecs_cluster.cluster.name" in main  # Ref of an ECS cluster is its name; the provider's id is the ARN
    assert 'desired_state = jsonencode({})' in main  # the topic: no properties
    assert "Not in this module" not in main


def test_nested_attributes_read_through_the_state_path():
    assert state_path("Endpoint.Address") == ".Endpoint.Address"
    assert state_path("Odd-Name.x") == '["Odd-Name"].x'
    d = Design(name="nested")
    d.add("cfn:AWS::Redshift::Cluster", "warehouse", properties={
        "ClusterType": "single-node", "DBName": "dev", "MasterUsername": "admin", "NodeType": "ra3.xlplus",
        "ManageMasterPassword": True})
    d.add("cfn:AWS::SSM::Parameter", "endpoint", properties={
        "Type": "String", "Value": {"ref": "warehouse", "attribute": "Endpoint.Address"}})
    main = generate(d, "terraform")["main.tf"]
    assert "Value = jsondecode(aws_cloudcontrolapi_resource.warehouse.properties).Endpoint.Address" in main


def test_user_strings_cannot_inject_terraform_or_yaml():
    d = Design(name="strings")
    hostile = 'x ${var.region} %{ if true } "quoted" \\ \n: - [a]'
    d.add("cfn:AWS::SSM::Parameter", "p", properties={"Type": "String", "Value": hostile, "Description": "ok"})
    main = generate(d, "terraform")["main.tf"]
    assert 'Value       = "x $${var.region} %%{ if true } \\"quoted\\" \\\\ \\n: - [a]"' in main
    assert yaml.safe_load(generate(d)["template.yaml"])["Resources"]["P"]["Properties"]["Value"] == hostile
    assert terraform_check.parse(generate(d, "terraform")) == []


def test_a_type_without_terraform_counterpart_is_left_out_and_said_so():
    d = Design(name="gaps")
    d.add("cfn:AWS::SQS::Queue", "queue")
    d.add("cfn:AWS::SQS::QueuePolicy", "policy", properties={"Queues": [{"ref": "queue"}], "PolicyDocument": {
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}]}})
    d.add("cfn:AWS::SSM::Parameter", "policy_id", properties={"Type": "String", "Value": {"ref": "policy"}})
    resolved = resolve(d)
    assert sorted(resolved.terraform_gaps) == ["policy", "policy_id"]
    main = generate(d, "terraform")["main.tf"]
    assert "# Not in this module (the CloudFormation template has them):\n" in main
    assert "# - policy: AWS::SQS::QueuePolicy has no Terraform counterpart" in main
    assert "# - policy_id: it refers to policy, which the Terraform module leaves out" in main
    assert 'resource "aws_cloudcontrolapi_resource" "queue"' in main and '"policy' not in main.split("\n\n", 2)[-1]
    assert set(yaml.safe_load(generate(d)["template.yaml"])["Resources"]) == {"Queue", "Policy", "PolicyId"}
    found = [f for f in graph_rules.run(d) if f.rule == "ISS019"]
    assert [(f.severity, f.tool, f.resource) for f in found] == [("warning", "isshoni", "policy"), ("warning", "isshoni", "policy_id")]
    assert "AWS::SQS::QueuePolicy" in found[0].message


def test_a_catalog_node_that_emits_nothing_yet_cannot_be_referred_to_in_the_output():
    d = Design(name="waiting")
    d.add("cloudfront_distribution", "cdn")  # its distribution exists once an origin is connected
    d.add("cfn:AWS::SSM::Parameter", "cdn_id", properties={"Type": "String", "Value": {"ref": "cdn"}})
    with pytest.raises(DesignError, match=r"\$\.resources\.cdn_id\.properties\.Value.*'cdn' emits nothing yet"):
        generate(d)


def test_compiling_is_deterministic():
    assert generate(wired()) == generate(wired())
    assert generate(wired(), "terraform") == generate(wired(), "terraform")


def _real_terraform() -> None:
    tools = toolchain.find()
    if tools.missing or not tools.mirror:
        pytest.skip(f"terraform validate needs a terraform binary and an AWS provider mirror: {tools.missing or 'no mirror'}")


@pytest.mark.slow
def test_fifty_generic_types_across_services_lint_and_validate_clean():
    """The acceptance test: 50+ registry types from 20+ services, many referring to each other,
    give a template cfn-lint passes (0 errors, 0 warnings) and a module `terraform validate` passes."""
    _real_terraform()
    design = generic_fifty.design()
    types = {r["type"] for r in design.resources.values()}
    assert len(types) >= 50 and len({t.split("::")[1] for t in types}) >= 20
    referring = [rid for rid, r in design.resources.items() if "'ref'" in repr(r["properties"])]
    assert len(referring) >= 20
    resolved = resolve(design)
    assert [str(f) for f in cfnlint_check.run(resolved)] == []
    assert sorted(resolved.terraform_gaps) == ["queue_policy_legacy", "wait_handle"]
    findings = terraform_check.validate(resolved)
    assert [str(f) for f in findings if f.severity in ("error", "warning") or f.rule == "skipped"] == []
    tf_types = {p.tf_type for p in resolved.parts if p.tf_type}
    assert tf_types == {"aws_cloudcontrolapi_resource"} and sum(1 for p in resolved.parts if p.tf_type) == len(design.resources) - 2


@pytest.mark.slow
def test_references_to_every_catalog_type_lint_and_validate_clean():
    """A generic parameter holding each catalog node's Ref and (where the type has one) its Arn: the
    Terraform attribute chosen for each must exist on the provider's resource and lint clean."""
    _real_terraform()
    design = every_type()
    for rid in sorted(design.resources):
        entry = CATALOG[design.resources[rid]["type"]]
        part = catalog_targets.primary(entry)
        if part is None or part.when:
            continue
        if catalog_targets.ref_problem(entry) is None:
            design.add("cfn:AWS::SSM::Parameter", f"ref_{rid}", properties={"Type": "String", "Value": {"ref": rid}})
        if "Arn" in registry.profile(design.region, part.cfn_type).attributes:
            design.add("cfn:AWS::SSM::Parameter", f"arn_{rid}", properties={"Type": "String", "Value": {"ref": rid, "attribute": "Arn"}})
    assert sum(1 for r in design.resources if r.startswith(("ref_", "arn_"))) >= 70
    resolved = resolve(design)
    assert [str(f) for f in cfnlint_check.run(resolved) if f.severity == "error" or str(f.resource).startswith(("ref_", "arn_"))] == []
    findings = terraform_check.validate(resolved)
    assert [str(f) for f in findings if f.severity in ("error", "warning") or f.rule == "skipped"] == []
