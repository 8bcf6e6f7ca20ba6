"""What the Terraform evaluator cannot know is read as what it is (terraform/mirror.py, issue 15 item 2):
the account's own values and what Terraform learns only when it applies (a generated name, an asked
variable) inside a `jsonencode` or a longer text; the value of a public SSM parameter; a password a data
source generates.  Each comes back as the reference, parameter or pseudo parameter CloudFormation writes
for the same thing, never as a value the evaluator made up and never as a null."""

from __future__ import annotations

import json

import pytest

from isshoni.importers import NotImportable
from isshoni.importers.dispatch import import_path
from isshoni.importers.terraform import source as tf_source
from isshoni.importers.terraform.resources import convert


def _read(folder) -> tuple[dict, dict]:
    """address -> properties as the folder reader gives them, and the parameters it read."""
    parsed = tf_source.evaluate(folder)
    raw = tf_source.raw_blocks(folder, tf_source.tf_files(folder))
    resources, parameters = convert(parsed, raw, tf_source.evaluate_as_text(folder, {}, raw, parsed))
    return {r.address: r for r in resources}, parameters


def test_the_accounts_values_inside_a_structure_are_its_pseudo_parameters(tmp_path):
    (tmp_path / "main.tf").write_text("""
data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "here" {}
resource "aws_sqs_queue" "q" {
  policy = jsonencode({
    Statement = [{
      Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
      Condition = { StringEquals = { "aws:RequestedRegion" = data.aws_region.here.name } }
    }]
  })
}
""")
    read, _ = _read(tmp_path)
    statement = read["aws_sqs_queue.q"].properties["policy"]["Statement"][0]
    assert statement["Principal"] == {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}
    assert statement["Condition"]["StringEquals"]["aws:RequestedRegion"] == {"Ref": "AWS::Region"}
    assert read["aws_sqs_queue.q"].problem == ""


def test_a_function_of_the_accounts_values_is_still_refused_with_its_name(tmp_path):
    (tmp_path / "main.tf").write_text("""
data "aws_region" "current" {}
resource "aws_sqs_queue" "q" {
  name = upper(data.aws_region.current.name)
}
""")
    read, _ = _read(tmp_path)
    assert read["aws_sqs_queue.q"].problem == ("attribute name: reads data.aws_region through upper() the static reader "
                                               "cannot evaluate (known only when Terraform runs): import a plan JSON")


def test_what_terraform_learns_when_it_applies_stays_a_reference(tmp_path):
    """A log group without a name (Terraform makes one) inside a task definition's jsonencode made the whole
    value unknown; a text naming two resources whose names the evaluator knew was written as the names."""
    (tmp_path / "main.tf").write_text("""
resource "aws_cloudwatch_log_group" "logs" {
  retention_in_days = 7
}
resource "aws_ecs_cluster" "c" {
  name = "shop"
}
resource "aws_ecs_task_definition" "t" {
  family = "t"
  container_definitions = jsonencode([{
    name  = "app"
    image = "nginx"
    logConfiguration = { logDriver = "awslogs", options = { awslogs-group = aws_cloudwatch_log_group.logs.name } }
  }])
}
resource "aws_sns_topic" "n" {
  display_name = "cluster/${aws_ecs_cluster.c.name}/${aws_cloudwatch_log_group.logs.arn}"
}
""")
    read, _ = _read(tmp_path)
    container = read["aws_ecs_task_definition.t"].properties["container_definitions"][0]
    assert container["logConfiguration"]["options"] == {"awslogs-group": {"Ref": "logs"}}
    assert read["aws_sns_topic.n"].properties["display_name"] == {"Fn::Sub": "cluster/${c}/${logs.Arn}"}


def test_a_variable_asked_at_deploy_time_inside_a_structure_is_a_design_parameter(tmp_path):
    (tmp_path / "main.tf").write_text("""
variable "domain" {
  type        = string
  description = "Domain to send from"
}
resource "aws_cloudcontrolapi_resource" "ses" {
  type_name     = "AWS::SES::EmailIdentity"
  desired_state = jsonencode({ EmailIdentity = var.domain, DkimSigningAttributes = { NextSigningKeyLength = "RSA_2048_BIT" } })
}
""")
    imported = import_path(tmp_path)
    assert imported.report.not_understood == []
    assert imported.design.resources["ses"] == {"type": "cfn:AWS::SES::EmailIdentity", "properties": {
        "EmailIdentity": {"param": "domain"}, "DkimSigningAttributes": {"NextSigningKeyLength": "RSA_2048_BIT"}}}
    assert imported.design.meta["parameters"] == {"domain": {"type": "String", "description": "Domain to send from"}}


def test_a_public_ssm_parameter_is_an_ssm_typed_parameter_at_its_name(tmp_path):
    """What CloudFormation writes as a parameter of type AWS::SSM::Parameter::Value<...> whose default is the
    parameter's name (the AMI behind /aws/service/...); a secure one (decrypted) is never read."""
    (tmp_path / "main.tf").write_text("""
variable "ami_parameter" {
  default = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}
data "aws_ssm_parameter" "ami" {
  name = var.ami_parameter
}
data "aws_ssm_parameter" "secret" {
  name            = "/app/password"
  with_decryption = true
}
resource "aws_instance" "i" {
  ami           = data.aws_ssm_parameter.ami.insecure_value
  instance_type = "t3.micro"
}
resource "aws_sns_topic" "t" {
  display_name = data.aws_ssm_parameter.secret.value
}
""")
    read, parameters = _read(tmp_path)
    assert read["aws_instance.i"].properties["ami"] == {"Ref": "SsmAmi"}
    assert parameters == {"SsmAmi": {"Type": "AWS::SSM::Parameter::Value<String>", "Description": (
        "the value of the SSM parameter data.aws_ssm_parameter.ami reads"), "Default": (
        "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64")}}
    assert "reads the data source data.aws_ssm_parameter.secret.value" in read["aws_sns_topic.t"].problem


def test_a_generated_password_is_kept_as_what_it_is_and_never_as_a_value(tmp_path):
    (tmp_path / "main.tf").write_text("""
data "aws_secretsmanager_random_password" "p" {
  password_length     = 32
  exclude_punctuation = true
}
resource "aws_secretsmanager_secret" "s" {
  name = "s"
}
resource "aws_secretsmanager_secret_version" "v" {
  secret_id     = aws_secretsmanager_secret.s.id
  secret_string = data.aws_secretsmanager_random_password.p.random_password
}
""")
    read, _ = _read(tmp_path)
    value = read["aws_secretsmanager_secret_version.v"].properties["secret_string"]
    assert value.raw == {"Terraform::Data": ["aws_secretsmanager_random_password", "random_password",
                                             {"exclude_punctuation": True, "password_length": 32}]}
    entry = next(e for e in import_path(tmp_path).report.not_understood if e.source_id == "aws_secretsmanager_secret_version.v")
    assert "no catalog" in entry.reason or "made by Terraform when it runs" in entry.reason


def test_the_mirror_keeps_files_modules_and_the_places_errors_name(tmp_path):
    """The folder is evaluated from a copy where the account's reads are locals: file() still reads the
    user's files, a local module reads its own, and an error names the user's file, not the copy."""
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "queue.json").write_text('{"Statement": []}')
    (tmp_path / "modules" / "q").mkdir(parents=True)
    (tmp_path / "modules" / "q" / "main.tf").write_text("""
data "aws_region" "current" {}
resource "aws_sqs_queue" "inner" {
  name = "inner-${data.aws_region.current.name}"
}
""")
    (tmp_path / "main.tf").write_text("""
data "aws_partition" "current" {}
module "q" {
  source = "./modules/q"
}
resource "aws_sqs_queue" "q" {
  policy = file("${path.module}/policies/queue.json")
  name   = "q-${data.aws_partition.current.partition}"
}
""")
    read, _ = _read(tmp_path)
    assert read["aws_sqs_queue.q"].properties == {"policy": '{"Statement": []}', "name": {"Fn::Sub": "q-${AWS::Partition}"}}
    assert read["module.q.aws_sqs_queue.inner"].properties == {"name": {"Fn::Sub": "inner-${AWS::Region}"}}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["main.tf", "modules", "policies"]  # nothing written into it
    assert (tmp_path / "policies" / "queue.json").read_text() == '{"Statement": []}'  # the mirror's links removed, not followed
    (tmp_path / "main.tf").write_text((tmp_path / "main.tf").read_text() + '\nresource "aws_sqs_queue" "broken" {\n  name = \n}\n')
    with pytest.raises(NotImportable) as refused:
        tf_source.evaluate(tmp_path)
    assert refused.value.where.startswith(f"{tmp_path}/main.tf:") and "isshoni-tfvars" not in str(refused.value)
    assert json.dumps(str(refused.value)).count("main.tf") == 1
