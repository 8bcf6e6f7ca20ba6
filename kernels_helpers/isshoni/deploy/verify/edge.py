"""Edge, identity and observability: ACM, CloudFront, IAM, CloudWatch alarms and logs."""

from __future__ import annotations

import json
import urllib.parse

from botocore.exceptions import ClientError

from . import UNKNOWN, Check, NotFound, verifier


@verifier("AWS::CertificateManager::Certificate", "aws_acm_certificate")
def certificate(c: Check) -> None:
    cert = c.client("acm").describe_certificate(CertificateArn=c.id)["Certificate"]
    c.expect_fields(cert, "DomainName")
    if cert.get("Status") != "ISSUED":
        c.note(f"certificate status {cert.get('Status')} (DNS validation records are not created by the design)")


@verifier("AWS::CloudFront::Distribution", "aws_cloudfront_distribution")
def distribution(c: Check) -> None:
    config = c.client("cloudfront").get_distribution(Id=c.id)["Distribution"]["DistributionConfig"]
    wanted = c.value("DistributionConfig", {}) or {}
    if not c.part.cfn_type:
        wanted = {}
    c.expect("Enabled", wanted.get("Enabled", c.value("enabled")), config.get("Enabled"))
    c.expect("Comment", wanted.get("Comment", c.value("comment")), config.get("Comment"))
    c.expect("PriceClass", wanted.get("PriceClass", c.value("price_class")), config.get("PriceClass"))
    origins = config.get("Origins", {}).get("Items", [])
    want_origins = wanted.get("Origins") if wanted else c.value("origin", UNKNOWN)
    if isinstance(want_origins, dict):
        want_origins = [want_origins]
    if isinstance(want_origins, list):
        c.expect("origin count", len(want_origins), len(origins))


@verifier("AWS::CloudFront::OriginAccessControl", "aws_cloudfront_origin_access_control")
def origin_access_control(c: Check) -> None:
    config = c.client("cloudfront").get_origin_access_control(Id=c.id)["OriginAccessControl"]["OriginAccessControlConfig"]
    wanted = (c.value("OriginAccessControlConfig", {}) or {}) if c.part.cfn_type else {"Name": c.value("name")}
    c.expect("Name", wanted.get("Name", UNKNOWN), config.get("Name"))


def _role_name(c: Check, value) -> str:
    if value is UNKNOWN or not value:
        raise NotFound("the role is unknown")
    return value.rsplit("/", 1)[-1] if str(value).startswith("arn:") else value


@verifier("AWS::IAM::Role", "aws_iam_role")
def role(c: Check) -> None:
    iam = c.client("iam")
    name = _role_name(c, c.attrs.get("name") or c.id)
    found = iam.get_role(RoleName=name)["Role"]
    wanted = c.value("AssumeRolePolicyDocument", {})
    doc = found.get("AssumeRolePolicyDocument")
    if isinstance(doc, str):
        doc = json.loads(urllib.parse.unquote(doc))
    if isinstance(wanted, dict) and wanted.get("Statement"):
        c.expect("trusted principals", [s.get("Principal") for s in wanted["Statement"]], [s.get("Principal") for s in (doc or {}).get("Statement", [])])
    managed = c.value("ManagedPolicyArns", [])
    if managed:
        attached = [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]]
        c.expect("ManagedPolicyArns", managed, attached)


@verifier("AWS::IAM::RolePolicy", "aws_iam_role_policy")
def role_policy(c: Check) -> None:
    if c.part.cfn_type:
        role_name, policy = c.value("RoleName"), c.value("PolicyName")
    else:
        role_name, policy = c.value("role"), c.value("name")
    role_name = _role_name(c, role_name)
    try:
        doc = c.client("iam").get_role_policy(RoleName=role_name, PolicyName=policy)["PolicyDocument"]
    except ClientError as exc:
        raise NotFound(f"role {role_name} has no inline policy {policy} ({exc.response.get('Error', {}).get('Code')})") from None
    if isinstance(doc, str):
        doc = json.loads(urllib.parse.unquote(doc))
    wanted = c.value("PolicyDocument", {}) if c.part.cfn_type else c.value("policy", {})
    if isinstance(wanted, dict) and wanted.get("Statement"):
        actions = sorted(a for s in wanted["Statement"] for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]]))
        got = sorted(a for s in doc.get("Statement", []) for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]]))
        c.expect("actions", actions, got)


@verifier("aws_iam_role_policy_attachment")
def role_policy_attachment(c: Check) -> None:
    role_name = _role_name(c, c.value("role"))
    attached = [p["PolicyArn"] for p in c.client("iam").list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]]
    if c.value("policy_arn") not in attached:
        raise NotFound(f"{c.value('policy_arn')} is not attached to {role_name}")
    c.report.checked.append("attached")


@verifier("AWS::CloudWatch::Alarm", "aws_cloudwatch_metric_alarm")
def alarm(c: Check) -> None:
    name = c.attrs.get("alarm_name") or c.id
    found = c.client("cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"]
    if not found:
        raise NotFound(f"alarm {name}")
    got = found[0]
    c.expect_fields(got, "MetricName", "Namespace", "Threshold", "ComparisonOperator", "Period", "EvaluationPeriods", "Statistic",
                    "ExtendedStatistic")
    dims = c.value("Dimensions", [])
    if dims:
        c.expect("Dimensions", dims, got.get("Dimensions", []))
    c.note(f"state {got.get('StateValue')}")


@verifier("AWS::Logs::LogGroup", "aws_cloudwatch_log_group")
def log_group(c: Check) -> None:
    groups = [g for g in c.client("logs").describe_log_groups(logGroupNamePrefix=c.id)["logGroups"] if g["logGroupName"] == c.id]
    if not groups:
        raise NotFound(f"log group {c.id}")
    c.expect_fields(groups[0], {"RetentionInDays": "retentionInDays"})
