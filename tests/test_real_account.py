"""The "real account" checklist, static: what a template a user never edited needs to deploy into a
real AWS account with only credentials, a domain and a region, and to share that account with
another environment of the same design.

- no placeholder values: nothing stands in for a value the user must replace (example.com, a made-up
  account id or AMI, a `my-artifacts` bucket, a moving image tag); values only the user can know
  (the domain, an existing certificate) are asked at deploy time, checked by a pattern;
- every stateful resource is protected (retained or snapshotted, Terraform refuses to destroy it,
  deletion protection on) unless the design is ephemeral, where every one of them goes;
- every physical name is derived from the name prefix (the stack name, `var.name_prefix`);
- tags everywhere: every taggable CloudFormation resource carries the standard tags, and Terraform's
  provider tags every resource with the design and the environment.
"""

from __future__ import annotations

import json
import re

import pytest
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

from isshoni import templates
from isshoni.compiler import cloudformation, protect, resolve, terraform

NAMES = templates.names()
PLACEHOLDERS = re.compile(
    r"example\.(com|org|net)|my-artifacts|123456789012|ami-0123456789abcdef0|nginx:stable|:latest\b|placeholder|\bCHANGE_?ME\b|\bTODO\b|xxx",
    re.I,
)
# Values only the person deploying can know: asked at deploy time (no default), each checked by a pattern.
ASKED = {"_domain": "the domain of a hosted zone", "_arn": "an existing certificate", "artifact_bucket": "where code zips go",
         "_image_tag": "an image tag"}
# Names that live inside another resource, not in the account: a role's inline policy, a record in a
# zone, a stage of an API.
# (A VPC endpoint's service_name names the AWS service it reaches.)
SCOPED = {"aws_iam_role_policy", "aws_route53_record", "aws_apigatewayv2_stage", "aws_api_gateway_stage", "aws_vpc_endpoint"}
# Deletion protection where the service has it, as CloudFormation spells it (property, protected value).
DELETION_PROTECTION = {
    "AWS::RDS::DBInstance": ("DeletionProtection", True),
    "AWS::RDS::DBCluster": ("DeletionProtection", True),
    "AWS::DynamoDB::Table": ("DeletionProtectionEnabled", True),
    "AWS::Cognito::UserPool": ("DeletionProtection", "ACTIVE"),
}


@pytest.fixture(scope="module", params=NAMES)
def compiled(request):
    design = templates.load(request.param)
    resolved = resolve(design)
    return request.param, resolved, cloudformation.template(resolved), terraform.files(resolved)


def test_no_placeholder_values(compiled):
    name, resolved, cfn, tf = compiled
    text = json.dumps(cfn) + "\n".join(tf.values())
    found = sorted({m.group(0) for m in PLACEHOLDERS.finditer(text)})
    assert found == [], f"{name}: placeholders in the generated code: {found}"
    for var in resolved.variables:
        if var.default is None:
            assert any(var.name.endswith(suffix) for suffix in ASKED), f"{name}: {var.name} is asked at deploy time"
            assert var.pattern or var.allowed, f"{name}: {var.name} is asked without a pattern to check it by"
            assert var.sandbox is not None, f"{name}: the sandbox has no value for {var.name}"
        else:
            assert not PLACEHOLDERS.search(str(var.default)), (name, var.name, var.default)


def test_asked_values_are_required_parameters_and_variables(compiled):
    name, resolved, cfn, tf = compiled
    asked = [v for v in resolved.variables if v.default is None]
    for var in asked:
        param = cfn["Parameters"][cloudformation.cfn_identifier(var.name)]
        assert "Default" not in param and param["AllowedPattern"] == var.pattern
        block = re.search(rf'variable "{var.name}" {{(.*?)\n}}', tf["variables.tf"], re.S).group(1)
        assert "default" not in block and "can(regex(" in block


def _stateful(resolved):
    return [p for p in resolved.parts if p.cfn_type in protect.STATEFUL]


def test_every_stateful_resource_is_protected(compiled):
    name, resolved, cfn, tf = compiled
    stateful = _stateful(resolved)
    for part in stateful:
        body = cfn["Resources"][part.cfn_name]
        if protect.MEMBER_OF and any(k in (part.cfn or {}) for k in protect.MEMBER_OF):
            continue  # a cluster member or a replica: its cluster (or source) keeps the data
        assert body["DeletionPolicy"] in ("Retain", "Snapshot") and body["UpdateReplacePolicy"] == body["DeletionPolicy"], (name, part.lid)
        block = re.search(rf'resource "{part.tf_type}" "{part.tf_name}" {{.*?\n}}', tf["main.tf"], re.S).group(0)
        assert "prevent_destroy = true" in block, (name, part.lid)
        if part.cfn_type in DELETION_PROTECTION:
            key, value = DELETION_PROTECTION[part.cfn_type]
            assert body["Properties"][key] == value, (name, part.lid, key)
    for body in cfn["Resources"].values():
        if body["Type"] == "AWS::ElasticLoadBalancingV2::LoadBalancer":
            attributes = {a["Key"]: a["Value"] for a in body["Properties"]["LoadBalancerAttributes"]}
            assert attributes["deletion_protection.enabled"] == "true", name


def test_an_ephemeral_design_keeps_nothing(compiled):
    name, _resolved, _cfn, _tf = compiled
    design = templates.load(name)
    design.set_meta(ephemeral=True)
    resolved = resolve(design)
    cfn, tf = cloudformation.template(resolved), terraform.files(resolved)
    for part in _stateful(resolved):
        assert cfn["Resources"][part.cfn_name]["DeletionPolicy"] == "Delete", (name, part.lid)
        if part.cfn_type in DELETION_PROTECTION:
            key, value = DELETION_PROTECTION[part.cfn_type]
            assert cfn["Resources"][part.cfn_name]["Properties"][key] != value, (name, part.lid)
    assert "prevent_destroy" not in tf["main.tf"]


def _physical_name(cfn_type: str, region: str) -> str | None:
    """The property holding a resource's own name, when its type is identified by one (and not by a
    generated id, nor by a name scoped inside another resource)."""
    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, cfn_type).schema
    identifier = schema.get("primaryIdentifier") or []
    if len(identifier) != 1:
        return None
    name = identifier[0].split("/")[-1]
    prop = (schema.get("properties") or {}).get(name) or {}
    return name if prop.get("type") == "string" else None


def _from_stack_name(value) -> bool:
    if not isinstance(value, dict) or "Fn::Sub" not in value:
        return False
    sub = value["Fn::Sub"]
    text, variables = (sub, {}) if isinstance(sub, str) else (sub[0], sub[1])
    return "${AWS::StackName}" in text or any("AWS::StackName" in json.dumps(v) for v in variables.values())


def test_every_name_is_derived_from_the_prefix(compiled):
    name, resolved, cfn, tf = compiled
    for logical, body in cfn["Resources"].items():
        key = _physical_name(body["Type"], resolved.region)
        value = (body.get("Properties") or {}).get(key) if key else None
        if value is None or (isinstance(value, dict) and ("Ref" in value or "Fn::GetAtt" in value)):
            continue  # CloudFormation names it after the stack itself, or it names another resource (a bucket's policy)
        assert _from_stack_name(value), f"{name}: {logical}.{key} = {value!r} is not derived from the stack name"
    # Terraform: every name-like argument of a resource, written as a string, holds var.name_prefix
    for rtype, label, body in re.findall(r'^resource "([^"]+)" "([^"]+)" {\n(.*?)\n}', tf["main.tf"], re.M | re.S):
        if rtype in SCOPED:
            continue
        for key, value in re.findall(r'^  (name|function_name|alarm_name|family|identifier|cluster_identifier|replication_group_id|'
                                     r'dashboard_name|service_name|cluster_id|name_prefix)\s+= "(.*)"$', body, re.M):
            assert "${var.name_prefix}" in value or "${replace(var.name_prefix" in value, (name, rtype, label, key, value)


# Taggable in CloudFormation only since after cfn-lint 1.40, the oldest Isshoni supports: tagged in
# Terraform (and by the stack's tags), not in the template, which must lint clean with 1.40 too.
TAGS_NEWER_THAN_THE_FLOOR = {
    "AWS::ApplicationAutoScaling::ScalableTarget", "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::ElasticLoadBalancingV2::ListenerRule", "AWS::CloudWatch::Dashboard",
}


def test_tags_everywhere(compiled):
    name, resolved, cfn, tf = compiled
    for logical, body in cfn["Resources"].items():
        if body["Type"] in TAGS_NEWER_THAN_THE_FLOOR:
            continue
        tagging = PROVIDER_SCHEMA_MANAGER.get_resource_schema(resolved.region, body["Type"]).schema.get("tagging") or {}
        if not tagging.get("taggable") or "tagProperty" not in tagging:
            continue
        tags = (body.get("Properties") or {}).get(tagging["tagProperty"].split("/")[-1])
        assert tags, f"{name}: {logical} ({body['Type']}) is taggable but has no tags"
        keys = set(tags) if isinstance(tags, dict) else {t["Key"] for t in tags}
        assert {"Name", "isshoni:design"} <= keys, (name, logical, keys)
    provider = re.search(r'provider "aws" {.*?\n}', tf["versions.tf"], re.S).group(0)
    assert '"isshoni:design" = ' in provider and "environment      = var.environment" in provider
    assert 'variable "name_prefix"' in tf["variables.tf"] and 'variable "environment"' in tf["variables.tf"]


def test_no_arn_names_the_aws_partition(compiled):
    name, _resolved, cfn, tf = compiled
    text = json.dumps(cfn) + "\n".join(tf.values())
    assert "arn:aws:" not in text, name  # ${AWS::Partition} / data.aws_partition: GovCloud and China work too


def test_operational_defaults(compiled):
    """What the review found missing: flow logs, access logs, deployments that roll back, autoscaling,
    health checks, pinned images, a closed default security group, Redis snapshots and AUTH, alarms
    that notify someone, certificates that issue."""
    name, resolved, cfn, tf = compiled
    resources = cfn["Resources"]

    def of(cfn_type):
        return {k: v.get("Properties", {}) for k, v in resources.items() if v["Type"] == cfn_type}

    vpcs = of("AWS::EC2::VPC")
    assert len(of("AWS::EC2::FlowLog")) == len(vpcs), name
    assert tf["main.tf"].count('resource "aws_default_security_group"') == len(vpcs), name
    for stage in of("AWS::ApiGatewayV2::Stage").values():
        assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0
        assert "AccessLogSettings" in stage or stage["StageName"] != "$default", name
    for alb in of("AWS::ElasticLoadBalancingV2::LoadBalancer").values():
        attributes = {a["Key"]: a["Value"] for a in alb["LoadBalancerAttributes"]}
        assert attributes.get("access_logs.s3.enabled") == "true", name
    listeners = of("AWS::ElasticLoadBalancingV2::Listener").values()
    assert all(lsn["Protocol"] == "HTTPS" or lsn["DefaultActions"][0]["Type"] == "redirect" for lsn in listeners), name
    services = of("AWS::ECS::Service")
    for service in services.values():
        assert service["DeploymentConfiguration"]["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    assert len(of("AWS::ApplicationAutoScaling::ScalableTarget")) == len(services), name
    for task in of("AWS::ECS::TaskDefinition").values():
        for container in task["ContainerDefinitions"]:
            assert "@sha256:" in container["Image"] or isinstance(container["Image"], dict), (name, container["Image"])
            assert container["HealthCheck"]["Command"][0] == "CMD-SHELL"
    for redis in of("AWS::ElastiCache::ReplicationGroup").values():
        assert redis["SnapshotRetentionLimit"] > 0 and "resolve:secretsmanager" in redis["AuthToken"]["Fn::Sub"]
    for alarm in of("AWS::CloudWatch::Alarm").values():
        assert alarm["AlarmActions"], name
    for certificate in of("AWS::CertificateManager::Certificate").values():
        assert certificate["DomainValidationOptions"][0]["HostedZoneId"], name
    if of("AWS::CertificateManager::Certificate"):
        assert 'resource "aws_acm_certificate_validation"' in tf["main.tf"], name
    for ami_user in list(of("AWS::EC2::LaunchTemplate").values()):
        image = ami_user["LaunchTemplateData"]["ImageId"]
        assert cfn["Parameters"][image["Ref"]]["Type"] == "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", name
        assert cfn["Parameters"][image["Ref"]]["Default"].startswith("/aws/service/ami-amazon-linux-latest/")
    if of("AWS::EC2::LaunchTemplate"):
        assert 'data "aws_ssm_parameter"' in tf["main.tf"] and ".insecure_value" in tf["main.tf"], name
