"""Checks: graph rules fire on the designs they describe; the real tools report
findings mapped back to design resource ids."""

from __future__ import annotations

import pytest

from iac import network
from isshoni import Design, templates
from isshoni.checks import check, graph_rules, toolchain


def rules_hit(design: Design) -> set[tuple[str, str]]:
    return {(f.rule, f.resource) for f in graph_rules.run(design)}


def test_each_graph_rule_fires_on_its_case():
    d = Design(name="rules", region="us-east-1")
    network(d)
    d.add("elasticache_redis", "cache", parent="public_a", properties={"nodes": 1, "automatic_failover": True})
    d.add("security_group", "open_db", parent="vpc", properties={"port": 5432, "cidr": "0.0.0.0/0"})
    d.add("alb", "lonely", parent="public_a", properties={"https": True})
    d.add("ecs_service", "svc", parent="private_a")
    d.add("alb", "canary", parent="public_a")
    d.connect("canary", "svc", properties={"role": "blue"})
    hits = rules_hit(d)
    assert ("ISS001", "cache") in hits
    assert ("ISS002", "open_db") in hits
    assert ("ISS003", "lonely") in hits
    assert ("ISS005", "lonely") in hits
    assert ("ISS006", "cache") in hits
    assert ("ISS009", "canary") in hits
    assert ("ISS010", "cache") in hits


def test_two_az_and_internet_rules():
    d = Design(name="azs", region="us-east-1")
    d.add("vpc", "vpc")
    d.add("subnet", "only", parent="vpc", properties={"cidr": "10.0.1.0/24", "tier": "public"})
    d.add("subnet", "priv", parent="vpc", properties={"cidr": "10.0.2.0/24", "tier": "private"})
    d.add("alb", "alb", parent="only")
    d.add("ecs_service", "svc", parent="priv")
    hits = rules_hit(d)
    assert ("ISS004", "alb") in hits
    assert ("ISS007", "only") in hits
    assert ("ISS008", "svc") in hits


def test_templates_have_no_graph_errors():
    for name in templates.names():
        errors = [f for f in graph_rules.run(templates.load(name)) if f.severity == "error"]
        assert errors == [], name


@pytest.mark.slow
def test_real_tools_map_findings_to_design_ids():
    tools = toolchain.find()
    design = templates.load("chat_canary")
    report = check(design)
    assert report.ok, [str(f) for f in report.errors]
    by_tool = {f.tool for f in report.findings}
    assert "checkov" in by_tool
    checkov = [f for f in report.findings if f.tool == "checkov"]
    assert any(f.resource == "alb_logs" for f in checkov)
    assert all(f.resource is None or f.resource in design.resources or f.resource in design.connections for f in report.findings)
    if tools.missing:
        assert any(f.tool == "terraform" and f.rule == "skipped" for f in report.findings)


def test_cfn_lint_error_points_at_the_resource():
    from isshoni.checks import cfnlint_check
    from isshoni.compiler import resolve

    d = Design(name="lint", region="us-east-1")
    network(d)
    d.add("rds_instance", "db", parent="private_a", properties={"engine": "postgres", "engine_version": "99.9"})
    findings = cfnlint_check.run(resolve(d))
    errors = [f for f in findings if f.severity == "error"]
    assert errors and {f.resource for f in errors} == {"db"}
    assert any("99.9" in f.message for f in errors)


def dollar_brace_design() -> Design:
    """A label whose escaped form (`$${`) checkov's HCL parser (bc-python-hcl2) backtracks on."""
    d = Design(name="labels", region="us-east-1")
    d.add("s3_bucket", "b", label="x" * 40 + " ${oops")
    return d


@pytest.mark.slow
def test_a_file_checkov_cannot_parse_is_reported_not_checked_never_passed():
    report = check(dollar_brace_design(), ("terraform", "checkov"))
    assert not [f for f in report.findings if f.tool == "terraform" and f.rule == "hcl-parse"]
    not_checked = [f for f in report.findings if f.tool == "checkov" and f.rule == "not-checked"]
    assert not_checked and "could not parse 1 terraform file" in not_checked[0].message
    assert not_checked[0].severity == "warning"


def test_checkov_past_its_deadline_is_reported_not_checked():
    from isshoni.checks import checkov_check
    from isshoni.compiler import resolve

    findings = checkov_check.run(resolve(dollar_brace_design()), timeout=0.5)
    assert [(f.rule, f.severity) for f in findings] == [("not-checked", "warning")]
    assert "did not finish within 0.5 s" in findings[0].message


def test_checkov_findings_are_shown_once_per_resource_with_the_formats_they_came_from():
    """The same check on the same design resource, found in the CloudFormation template and the
    Terraform module (and on two of its AWS resources), is one finding; an accepted one carries its
    reason."""
    from isshoni.checks import checkov_check
    from isshoni.compiler import resolve

    resolved = resolve(templates.load("disaster_notification"))
    result = {"check_id": "CKV_AWS_27", "check_name": "Ensure all data stored in the SQS queue is encrypted"}
    skipped = {"check_id": "CKV_AWS_119", "check_name": "DynamoDB CMK", "check_result": {"suppress_comment": "owned key: no cost"}}
    reports = [
        {"check_type": "cloudformation", "results": {
            "failed_checks": [{**result, "resource": "AWS::SQS::Queue.NotifyQueue"}, {**result, "resource": "AWS::SQS::Queue.NotifyQueueDlq"}],
            "skipped_checks": [{**skipped, "resource": "AWS::DynamoDB::Table.Alerts"}]}},
        {"check_type": "terraform", "results": {
            "failed_checks": [{**result, "resource": "aws_sqs_queue.notify_queue"}],
            "skipped_checks": [{**skipped, "resource": "aws_dynamodb_table.alerts"}]}},
    ]
    findings = checkov_check.findings_from(reports, resolved)
    (queue,) = [f for f in findings if f.rule == "CKV_AWS_27"]
    assert queue.resource == "notify_queue" and queue.message.endswith("(CloudFormation, Terraform)")
    assert queue.location == "AWS::SQS::Queue.NotifyQueue, AWS::SQS::Queue.NotifyQueueDlq, aws_sqs_queue.notify_queue"
    (table,) = [f for f in findings if f.rule == "CKV_AWS_119"]
    assert table.severity == "info" and table.message == "accepted: owned key: no cost [DynamoDB CMK] (CloudFormation, Terraform)"
