"""Import of a Terraform folder (issue 15, item 2): variables, locals, count, for_each, a local module;
regenerating keeps every resource; bad input names the place."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from isshoni.compiler import resolve, terraform
from isshoni.importers import NotImportable
from isshoni.importers.dispatch import detect, import_path, import_text
from isshoni.importers.terraform import source as tf_source
from isshoni.importers.terraform.resources import convert
from isshoni.importers.terraform.roundtrip import differences

FIXTURES = Path(__file__).parent / "fixtures" / "terraform"
EXPANDED = FIXTURES / "expanded"
GIVEN = {"env": "prod"}


@pytest.fixture(scope="module")
def imported():
    return import_path(EXPANDED, variables=GIVEN)


def _kept(report) -> dict[str, str]:
    return {e.source_id: e.design_id for e in report.typed + report.generic}


def test_count_for_each_and_the_local_module_expand_to_one_node_per_instance(imported):
    report = imported.report
    assert report.format == "terraform" and report.total == 8 and report.not_understood == []
    assert _kept(report) == {
        "aws_sqs_queue.work[0]": "work_0", "aws_sqs_queue.work[1]": "work_1",
        'aws_sns_topic.events["alerts"]': "events_alerts", 'aws_sns_topic.events["audit"]': "events_audit",
        "module.network.aws_vpc.main": "network_main", "aws_sqs_queue.named": "named",
        'aws_subnet.app["a"]': "app_a", 'aws_subnet.app["b"]': "app_b",
    }
    resources = imported.design.resources
    # values from a local, a variable's default list indexed by count.index, each.key/each.value
    assert resources["work_0"] == {"type": "sqs_queue", "properties": {"visibility_timeout": 45}, "label": "shop-prod-orders"}
    assert resources["work_1"]["label"] == "shop-prod-emails"
    assert resources["events_audit"]["label"] == "audit-2"
    # the module's variables given by its call (a local made of the variable given by the caller)
    assert resources["network_main"]["type"] == "vpc" and resources["network_main"]["label"] == "shop-prod"
    assert resources["network_main"]["properties"]["cidr"] == "10.20.0.0/16"
    # cidrsubnet(), index(), sort() evaluated; the module output traced to aws_vpc.main.id: a reference
    assert resources["app_b"]["properties"]["CidrBlock"] == "10.20.1.0/24"
    assert resources["app_a"]["properties"]["VpcId"] == {"ref": "network_main"}
    assert resources["app_a"]["type"] == "cfn:AWS::EC2::Subnet"  # the catalog's subnet would add routing
    assert resources["named"] == {"type": "cfn:AWS::SQS::Queue", "properties": {
        "MessageRetentionPeriod": 86400, "QueueName": "shop-prod-named", "VisibilityTimeout": 30}}
    assert "variables given: env" in report.notes
    entry = next(e for e in report.typed if e.design_id == "network_main")
    assert (entry.file, entry.line) == ("modules/network/main.tf", 9)


def test_a_variable_without_a_value_makes_what_uses_it_not_understood_never_guessed():
    report = import_path(EXPANDED).report
    assert report.counts()["not_understood"] == 6 and report.counts()["typed"] == 2  # the topics do not use env
    named = next(e for e in report.not_understood if e.source_id == "aws_sqs_queue.named")
    assert named.where == "main.tf:45" and "attribute name" in named.reason and "--var" in named.reason


def test_regenerating_keeps_every_resource_and_value(imported):
    source, _ = convert(tf_source.evaluate(EXPANDED, GIVEN), tf_source.raw_blocks(EXPANDED, tf_source.tf_files(EXPANDED)))
    files = terraform.files(resolve(imported.design))
    assert differences(source, _kept(imported.report), files) == []
    # and the comparison sees a change: a visibility timeout and a generic property edited in the design
    imported.design.data["resources"]["work_0"]["properties"]["visibility_timeout"] = 50
    imported.design.data["resources"]["named"]["properties"]["VisibilityTimeout"] = 31
    try:
        changed = differences(source, _kept(imported.report), terraform.files(resolve(imported.design)))
    finally:
        imported.design.data["resources"]["work_0"]["properties"]["visibility_timeout"] = 45
        imported.design.data["resources"]["named"]["properties"]["VisibilityTimeout"] = 30
    assert changed == ["aws_sqs_queue.named.VisibilityTimeout: 30 became 31",
                       "aws_sqs_queue.work[0].visibility_timeout_seconds: 45 became 50"]


@pytest.mark.slow
def test_regenerated_terraform_validates_and_cloudformation_lints(imported):
    from iac import lint_errors, terraform_errors

    assert terraform_errors(imported.design) == []
    assert lint_errors(imported.design) == []


def test_a_remote_module_is_reported_with_its_place_and_never_fetched():
    report = import_path(FIXTURES / "remote_module").report
    assert report.counts() == {"typed": 1, "generic": 0, "external": 0, "folded": 0, "not_understood": 2}
    modules = {e.source_id: e for e in report.not_understood}
    assert modules["module.vpc"].where == "main.tf:5" and modules["module.vpc"].source_type == "module (registry)"
    assert "'terraform-aws-modules/vpc/aws' is a registry module; it is never fetched" in modules["module.vpc"].reason
    assert modules["module.shared"].where == "main.tf:11" and modules["module.shared"].source_type == "module (git)"
    assert "(main.tf:5)" in report.text()
    assert not (FIXTURES / "remote_module" / ".terraform").exists()


def test_a_syntax_error_names_file_line_and_column():
    with pytest.raises(NotImportable, match=r"syntax_error/main\.tf:1:33: not readable Terraform: Unclosed configuration block"):
        import_path(FIXTURES / "syntax_error")
    text = (FIXTURES / "syntax_error" / "main.tf").read_text()
    assert detect(text, "broken.tf") == "terraform"
    with pytest.raises(NotImportable, match=r"^broken\.tf:1:33: not readable Terraform"):
        import_text(text, source="broken.tf")


def test_a_folder_without_terraform_and_a_folder_given_another_format(tmp_path):
    with pytest.raises(NotImportable, match="no .tf files in this folder"):
        import_path(tmp_path)
    with pytest.raises(NotImportable, match="a folder is read as Terraform"):
        import_path(EXPANDED, "mermaid")


def test_references_name_the_attribute_read_and_refuse_what_cannot_be_told(tmp_path):
    (tmp_path / "main.tf").write_text("""
resource "aws_sqs_queue" "dlq" {
  message_retention_seconds = 60  # not what the catalog writes for a dead-letter queue: kept apart, referred to by its ARN
}
resource "aws_sqs_queue" "main" {
  redrive_policy = jsonencode({ deadLetterTargetArn = aws_sqs_queue.dlq.arn, maxReceiveCount = 3 })
}
resource "aws_sqs_queue_policy" "p" {
  queue_url = aws_sqs_queue.main.id
  policy    = jsonencode({ Statement = [{ Resource = aws_sqs_queue.main.arn, Effect = "Allow" }] })
}
resource "aws_sns_topic" "t" {
  display_name = "x-${aws_sqs_queue.dlq.id}"
}
data "aws_caller_identity" "me" {}
resource "aws_sns_topic" "u" {
  display_name = data.aws_ami.p.id
}
data "aws_ami" "p" {
  most_recent = true
}
resource "aws_sqs_queue" "v" {
  name = "${data.aws_caller_identity.me.account_id}-${aws_sqs_queue.dlq.arn}-${data.aws_partition.p.partition}"
  delay_seconds = data.aws_caller_identity.me.account_id
}
resource "random_id" "r" {
  byte_length = 4
}
""")
    imported = import_path(tmp_path)
    resources, report = imported.design.resources, imported.report
    assert resources["main"]["properties"]["RedrivePolicy"] == {"deadLetterTargetArn": {"ref": "dlq", "attribute": "Arn"},
                                                                "maxReceiveCount": 3}
    reasons = {e.source_id: e.reason for e in report.not_understood}
    assert "reads the data source data.aws_ami.p, known only when Terraform runs" in reasons["aws_sns_topic.u"]
    assert "not a resource of the AWS provider" in reasons["random_id.r"]
    assert "the catalog pairs no CloudFormation property with queue_url" in reasons["aws_sqs_queue_policy.p"]
    assert any("2 data source(s) not imported" in n for n in report.notes)
    assert report.total == 7
    # a reference inside a longer text, and the account's own values (the data sources the compiler reads them
    # from), are the Fn::Sub and pseudo parameters CloudFormation writes for the same values: read as the lifter
    # reads a template's (the text keeps the queue's name; a generic resource cannot hold an expression)
    read = {r.address: r.properties for r in convert(tf_source.evaluate(tmp_path), tf_source.raw_blocks(tmp_path, tf_source.tf_files(tmp_path)))[0]}
    assert read["aws_sns_topic.t"]["display_name"] == {"Fn::Sub": "x-${dlq}"}
    assert read["aws_sqs_queue.v"] == {"name": {"Fn::Sub": "${AWS::AccountId}-${dlq.Arn}-${AWS::Partition}"},
                                       "delay_seconds": {"Ref": "AWS::AccountId"}}
    assert "aws_sqs_queue.v" in reasons  # a value known only at deploy time is never written in as text


def test_cli_reads_a_folder_with_variables(tmp_path):
    import os

    done = subprocess.run([sys.executable, "-m", "isshoni", "import", str(EXPANDED), "--var", "env=prod", "--json",
                           "-o", str(tmp_path / "shop")], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "kernels_helpers")})
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["report"]["counts"]["not_understood"] == 0 and answer["report"]["total"] == 8
    assert json.loads((tmp_path / "shop.infra.json").read_text())["resources"]["work_1"]["type"] == "sqs_queue"


def test_an_arn_that_is_also_the_id_reads_as_the_resources_ref():
    """The compiler writes `.arn` where CloudFormation writes `Ref` for resources whose provider id is their ARN
    (a listener's load balancer, an alarm's topic); read back, it is that Ref, not an unknown attribute."""
    from isshoni.importers.terraform.addresses import reference

    assert reference("alerts", "aws_sns_topic", "arn") == {"Ref": "alerts"}
    assert reference("alb", "aws_lb", "arn") == {"Ref": "alb"} == reference("alb", "aws_lb", "id")
    assert reference("logs", "aws_cloudwatch_log_group", "arn") == {"Fn::GetAtt": ["logs", "Arn"]}  # its id is its name


def test_the_evaluators_stand_ins_for_the_accounts_values_are_never_read_as_values(tmp_path):
    """tfparse writes "current-region" for the region's name and null for a partition read alone: an
    attribute reading them is the pseudo parameter (or its text with the region read again), never a
    made-up value or a null."""
    (tmp_path / "main.tf").write_text("""
data "aws_region" "current" {}
data "aws_partition" "current" {}
resource "aws_sqs_queue" "q" {
  name              = "a-${data.aws_region.current.name}-b"
  delay_seconds     = data.aws_region.current.name
  redrive_policy    = "${data.aws_partition.current.partition}"
}
resource "aws_sqs_queue" "p" {
  policy = jsonencode({ Resource = "arn:${data.aws_partition.current.partition}:sqs:*:*:x" })
}
""")
    read = {r.address: r for r in convert(tf_source.evaluate(tmp_path), tf_source.raw_blocks(tmp_path, tf_source.tf_files(tmp_path)))[0]}
    assert read["aws_sqs_queue.q"].properties == {"name": {"Fn::Sub": "a-${AWS::Region}-b"}, "delay_seconds": {"Ref": "AWS::Region"},
                                                  "redrive_policy": {"Ref": "AWS::Partition"}}
    assert "current-region" not in json.dumps([r.properties for r in read.values()])
    # inside a structure too (terraform/mirror.py reads them as their own text): once the whole policy was refused
    assert read["aws_sqs_queue.p"].properties == {"policy": {"Resource": {"Fn::Sub": "arn:${AWS::Partition}:sqs:*:*:x"}}}


def test_a_network_read_back_from_its_terraform_is_typed_with_its_routing_folded(tmp_path):
    """The routing the compiler implies (route tables, default routes, subnet associations: Terraform types no
    catalog part writes as CloudFormation, so never generic resources) is recognised as the VPC's and the
    subnets' own parts, so the network comes back as catalog nodes (it came back as 9 generic resources)."""
    from isshoni import Design, generate

    design = Design(name="net")
    design.add("vpc", "net")
    design.add("subnet", "pub", parent="net", properties={"tier": "public", "cidr": "10.0.1.0/24"})
    design.add("subnet", "priv", parent="net", properties={"cidr": "10.0.2.0/24"})
    design.add("internet_gateway", "igw", parent="net")
    design.add("nat_gateway", "nat", parent="pub")
    for name, text in generate(design, "terraform").items():
        (tmp_path / name).write_text(text)
    imported = import_path(tmp_path)
    kinds = {rid: r["type"] for rid, r in imported.design.resources.items()}
    assert {rid: kinds[rid] for rid in design.resources} == {rid: r["type"] for rid, r in design.resources.items()}
    folded = {e.source_id: e.design_id for e in imported.report.folded}
    assert folded["aws_route_table.net_public_routes"] == "net" and folded["aws_route.net_public_default_route"] == "net"
    assert folded["aws_route_table_association.pub_route_association"] == "pub"
    assert imported.design.resources["pub"]["properties"].get("tier") == "public"
    assert all(e.reason for e in imported.report.not_understood)


def test_an_app_read_back_from_its_terraform_has_its_connections(tmp_path):
    """Connections are folded from Terraform as from CloudFormation (lift.compiled_tf: the compile read as the
    folder reader reads the source): the queue that triggers the function, its access to the table and the
    topic come back as connections with their properties, the policies and the mapping as their parts."""
    from isshoni import Design, generate

    design = Design(name="app")
    design.add("sqs_queue", "jobs")
    design.add("dynamodb_table", "orders")  # its one key attribute: a repeated block written once
    design.add("sns_topic", "events")
    design.add("lambda_function", "worker")  # its log group named by reference (the evaluator gives the name)
    design.connect("jobs", "worker", properties={"batch_size": 5})
    design.connect("worker", "orders", properties={"access": "read"})
    design.connect("worker", "events")
    for name, text in generate(design, "terraform").items():
        (tmp_path / name).write_text(text)
    imported = import_path(tmp_path)
    assert {rid: r["type"] for rid, r in imported.design.resources.items()} == {rid: r["type"] for rid, r in design.resources.items()}
    got = {(c["source"], c["target"]): c["properties"] for c in imported.design.connections.values()}
    assert got == {("jobs", "worker"): {"batch_size": 5}, ("worker", "orders"): {"access": "read"},
                   ("worker", "events"): {"access": "readwrite"}}
    assert imported.report.not_understood == [] and imported.report.connections == 3
    folded = {e.source_id: e.design_id for e in imported.report.folded}
    assert folded["aws_lambda_event_source_mapping.jobs_to_worker_mapping"] == "jobs_to_worker"


def test_text_made_from_the_name_prefix_is_the_stack_made_text(tmp_path):
    """The compiler writes names and descriptions from var.name_prefix anywhere in the text ("Database subnets of
    ${var.name_prefix}-db"); read with the prefix's value, such text is what the stack's name makes in
    CloudFormation, so a catalog node that makes it again matches."""
    (tmp_path / "main.tf").write_text("""
variable "name_prefix" {
  default = "shop"
}
resource "aws_db_subnet_group" "g" {
  name        = "${var.name_prefix}-db-subnets"
  description = "Database subnets of ${var.name_prefix}-db"
  subnet_ids  = ["subnet-1"]
}
""")
    read = {r.address: r for r in convert(tf_source.evaluate(tmp_path), tf_source.raw_blocks(tmp_path, tf_source.tf_files(tmp_path)))[0]}
    props = read["aws_db_subnet_group.g"].properties
    assert props["name"].raw == {"Fn::Sub": "${AWS::StackName}-db-subnets"}
    assert props["description"].raw == {"Fn::Sub": "Database subnets of ${AWS::StackName}-db"}
