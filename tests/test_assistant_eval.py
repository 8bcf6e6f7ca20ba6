"""`isshoni eval` (issue 17, item 5): the suite of 40 requests against the offline planner, its checks, the CLI.

The score is printed (-s) and held as a floor: a change that makes the planner answer fewer requests
fails here (the issue's goal: 36 of 40).  Ten requests the suite never saw must pass as well."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from isshoni import Design
from isshoni.assistant import Assistant
from isshoni.assistant import evaluation as ev

OFFLINE = Assistant(offline=True, check_after=False)
MEASURED = 40  # requests the offline planner answered fully on 2026-12-06 (the floor; raise it as the planner learns)


def test_the_suite_has_forty_requests_with_the_issues_cases_three_ways_each():
    cases = ev.load()
    assert len(cases) >= 40 and len({c.id for c in cases}) == len(cases)
    by_case: dict = {}
    for c in cases:
        if c.case:
            by_case.setdefault(c.case, set()).add(c.request)
    assert len(by_case) == 4 and all(len(requests) == 3 for requests in by_case.values())


def test_shortfalls_say_each_thing_missing():
    design = Design(name="t")
    design.add("vpc", "vpc")
    design.add("subnet", "private_a", parent="vpc", properties={"cidr": "10.0.11.0/24", "az": "a"})
    design.add("lambda_function", "fn")
    design.add("dynamodb_table", "items")
    design.add("dynamodb_table", "more")
    design.connect("fn", "items")
    case = ev.Case("x", "r", types=["lambda_function", "sqs_queue|sns_topic"], connections=[["lambda_function", "dynamodb_table"],
                   ["dynamodb_table", "lambda_function"]], inside=[["lambda_function", "subnet"], ["subnet", "vpc"]],
                   at_most={"dynamodb_table": 1}, properties={"lambda_function": {"memory_size": 1024}})
    assert ev.shortfalls(case, design) == [
        "no sqs_queue|sns_topic", "no dynamodb_table -> lambda_function connection", "no lambda_function inside a subnet",
        "2 dynamodb_table (at most 1)", "no lambda_function with {'memory_size': 1024}"]


def test_a_suite_file_with_an_unknown_field_is_refused(tmp_path):
    suite = tmp_path / "suite.yaml"
    suite.write_text("- id: a\n  request: a queue\n  typos: [sqs_queue]\n")
    with pytest.raises(ValueError, match="unknown field"):
        ev.load(suite)


@pytest.mark.slow
def test_the_offline_planner_on_the_suite():
    results = ev.run(ev.load(), OFFLINE)
    print("\n" + ev.table(results))
    passed = [r for r in results if r.passed]
    assert len(passed) >= MEASURED
    assert all(r.lint_errors == 0 for r in passed)  # a pass was linted, never assumed
    assert all(r.lint_errors is None for r in results if r.missing)  # not checked is said as such
    assert {r.case.id for r in passed} >= {"redis-for-api-1", "redis-for-api-2", "redis-for-api-3"}


def test_cli_runs_chosen_requests_and_refuses_an_unknown_one(monkeypatch):
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY")}
    done = subprocess.run([sys.executable, "-m", "isshoni", "eval", "--only", "queue-worker", "--json"],
                          capture_output=True, text=True, env=env, timeout=300)
    report = json.loads(done.stdout)
    assert report["engine"] == "the offline planner" and report["total"] == 1 and report["passed"] == 1
    assert report["results"][0]["verdict"] == "pass" and report["results"][0]["lint_errors"] == 0
    assert done.returncode == 0
    done = subprocess.run([sys.executable, "-m", "isshoni", "eval", "--only", "nope"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 2 and "no request nope" in done.stderr


# requests the suite never saw, in other words than its own: the planner must not be tuned to the suite
UNSEEN = [
    ev.Case("u1", "host a Node.js container app behind an Application Load Balancer, data in Aurora PostgreSQL",
            types=["alb", "ecs_service", "aurora_cluster"], connections=[["alb", "ecs_service"], ["ecs_service", "aurora_cluster"]]),
    ev.Case("u2", "I need a cron job that runs a Lambda every 5 minutes", types=["eventbridge_schedule", "lambda_function"],
            connections=[["eventbridge_schedule", "lambda_function"]]),
    ev.Case("u3", "a message queue and a consumer function", types=["sqs_queue", "lambda_function"],
            connections=[["sqs_queue", "lambda_function"]]),
    ev.Case("u4", "page the on-call team by SMS when the API returns errors", types=["sns_topic", "sns_subscriber", "cloudwatch_alarm"],
            connections=[["sns_topic", "sns_subscriber"]], properties={"sns_subscriber": {"protocol": "sms"}}),
    ev.Case("u5", "store user profiles in DynamoDB behind an HTTP API", types=["api_gateway_http", "lambda_function", "dynamodb_table"],
            connections=[["api_gateway_http", "lambda_function"], ["lambda_function", "dynamodb_table"]]),
    ev.Case("u6", "a Redis cache and a Fargate service that uses it", types=["elasticache_redis", "ecs_service"],
            connections=[["ecs_service", "elasticache_redis"]], inside=[["elasticache_redis", "subnet"]]),
    ev.Case("u7", "static assets on S3 with a CDN in front", types=["s3_bucket", "cloudfront_distribution"],
            connections=[["cloudfront_distribution", "s3_bucket"]]),
    ev.Case("u8", "Kinesis data stream consumed by a Lambda", types=["kinesis_stream", "lambda_function"],
            connections=[["kinesis_stream", "lambda_function"]]),
    ev.Case("u9", "an EC2 instance that reads secrets from Secrets Manager", types=["ec2_instance", "secret"],
            connections=[["ec2_instance", "secret"]], inside=[["ec2_instance", "subnet"]]),
    ev.Case("u10", "MySQL for a Lambda-based backend", types=["rds_instance", "lambda_function"],
            connections=[["lambda_function", "rds_instance"]], properties={"rds_instance": {"engine": "mysql"}}),
]


@pytest.mark.slow
def test_requests_the_suite_never_saw():
    results = ev.run(UNSEEN, OFFLINE)
    print("\n" + ev.table(results))
    assert [r.case.id for r in results if not r.passed] == []
