"""Mermaid flowchart -> design (issue 15, item 3): three realistic flowcharts import to designs
that validate and lint clean; boxes outside AWS become external nodes; what the catalog cannot
take is in the report with its line; bad input gives a message naming the place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fake_anthropic import ToolUse, reply, serving
from iac import lint_errors
from isshoni.assistant.config import Assistant
from isshoni.importers import NotImportable
from isshoni.importers.mermaid import read

FIXTURES = Path(__file__).parent / "fixtures" / "mermaid"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Mermaid's parser runs in node")


def imported(name: str, **kw):
    return read((FIXTURES / f"{name}.mmd").read_text(), source=f"{name}.mmd", **kw)


def types(design) -> dict[str, str]:
    return {rid: r["type"] for rid, r in design.resources.items()}


def test_web_app_in_a_vpc_lints_clean_with_subnets_from_its_subgraphs():
    result = imported("web_app")
    d, report = result.design, result.report
    assert d.name == "web_app" and d.problems() == [] and lint_errors(d) == []
    got = types(d)
    assert {k: got[k] for k in ("vpc", "public", "private", "alb", "web", "api", "db", "cache", "assets", "cdn")} == {
        "vpc": "vpc", "public": "subnet", "private": "subnet", "alb": "alb", "web": "ecs_service", "api": "ecs_service",
        "db": "rds_instance", "cache": "elasticache_redis", "assets": "s3_bucket", "cdn": "cloudfront_distribution"}
    assert d.resources["public"]["properties"]["tier"] == "public" and d.resources["private"]["properties"]["tier"] == "private"
    assert d.resources["alb"]["parent"] == "public" and d.resources["db"]["parent"] == "private"
    # <br/> and other HTML in labels become plain text
    assert d.resources["web"]["label"] == "Web service ECS Fargate" and d.resources["users"]["label"] == "Users web browsers"
    assert {e.source_id: e.design_id for e in report.external} == {"users": "users", "stripe": "stripe"}
    # edge labels are the connections' labels; `web & api --> db` is two connections
    labels = {(c["source"], c["target"]): c.get("label", "") for c in d.connections.values()}
    assert labels[("alb", "web")] == "/*" and labels[("api", "stripe")] == "card payments"
    assert ("web", "db") in labels and ("api", "db") in labels
    # what was added to make the VPC deployable is said, and so are the ignored styling lines
    assert any("added public subnet" in n for n in report.notes) and any("NAT gateway" in n for n in report.notes)
    assert any(n.startswith("classDef line(s) ignored") and "line 23" in n for n in report.notes)
    assert report.not_understood == [] and report.connections == len(d.connections) == 9


def test_serverless_pipeline_with_github_and_stripe_lints_clean():
    result = imported("serverless_pipeline")
    d, report = result.design, result.report
    assert d.problems() == [] and lint_errors(d) == []
    assert types(d) == {
        "gh": "external", "ci": "github_deploy_role", "orders_fn": "lambda_function", "client": "external",
        "api": "api_gateway_http", "table": "dynamodb_table", "queue": "sqs_queue", "worker": "lambda_function",
        "stripe": "external", "topic": "sns_topic"}
    # a plain subgraph is not a container: members stay at top level, the report says so with its line
    assert all(r["parent"] is None for r in d.resources.values())
    assert any("subgraph 'Backend' (line 8)" in n and "top level" in n for n in report.notes)
    # dotted edges, labels, external <-> AWS both ways
    labels = {(c["source"], c["target"]): c.get("label", "") for c in d.connections.values()}
    assert labels[("stripe", "api")] == "webhook" and labels[("queue", "worker")] == "batch of 10"
    assert labels[("gh", "ci")] == "push"
    assert report.counts() == {"typed": 7, "generic": 0, "external": 3, "folded": 0, "not_understood": 0}


def test_event_driven_flowchart_lints_clean_and_reports_what_the_catalog_cannot_take():
    result = imported("event_driven")
    d, report = result.design, result.report
    assert d.problems() == [] and lint_errors(d) == []
    got = types(d)
    assert got["bus"] == "eventbridge_bus" and got["sfn"] == "step_function" and got["kinesis"] == "kinesis_stream"
    assert got["nightly"] == "eventbridge_schedule" and got["slack"] == "external" and got["saas"] == "external"
    # 'Orders DB' names RDS, Aurora and DynamoDB: not guessed, without a model it is an external node
    mystery = next(e for e in report.external if e.source_id == "mystery")
    assert "not guessed" in mystery.reason and mystery.line == 24 and got["mystery"] == "external"
    assert any("no model is configured" in n for n in report.notes)
    # DynamoDB -> Lambda is not a catalog connection: named with both boxes, the line and why
    [edge] = report.not_understood
    assert (edge.source_id, edge.source_type, edge.line) == ("ledger --> report_fn", "edge", 22)
    assert "'ledger'" in edge.reason and "'report_fn'" in edge.reason and "other direction" in edge.reason
    assert "ledger --> report_fn [edge] (line 22)" in report.text()
    # S3 -> Lambda is: new objects in the lake run the report function
    assert any((c["source"], c["target"]) == ("lake", "report_fn") for c in d.connections.values())


def test_every_box_is_counted_once():
    for name in ("web_app", "serverless_pipeline", "event_driven"):
        report = imported(name).report
        boxes = [e.source_id for b in ("typed", "external") for e in getattr(report, b) if not e.source_type.startswith("subgraph")]
        assert len(boxes) == len(set(boxes))
        design_ids = [e.design_id for b in ("typed", "external") for e in getattr(report, b)]
        assert len(design_ids) == len(set(design_ids)) and report.total == sum(report.counts().values())


@pytest.mark.parametrize("fixture,where,words", [
    ("sequence", "sequence.mmd:2:1", "not a flowchart"),
    ("syntax_error", "syntax_error.mmd:3:", "Parse error on line 3"),
])
def test_bad_mermaid_is_refused_naming_the_line(fixture, where, words):
    with pytest.raises(NotImportable) as caught:
        imported(fixture)
    assert caught.value.where.startswith(where) and words in str(caught.value)


def test_a_twenty_megabyte_file_is_refused_at_once():
    text = "flowchart TD\n" + "  a --> b\n" * 2_100_000
    with pytest.raises(NotImportable, match="MB is more than a Mermaid diagram may be"):
        read(text, source="huge.mmd")


def test_the_model_types_what_aliases_cannot_in_one_request_checked_against_the_catalog(monkeypatch):
    text = (FIXTURES / "event_driven.mmd").read_text().replace(
        "ledger --> mystery[Orders DB]", "ledger --> mystery[Orders DB]\n    analytics --> warehouse[Warehouse<br/>loader]")
    with serving(monkeypatch) as fake:
        fake.add(reply(ToolUse("classify_boxes", {"boxes": [
            {"id": "mystery", "type": "rds_instance"},
            {"id": "warehouse", "type": "rm -rf /"},  # not a catalog type: ignored
            {"id": "ingest", "type": "sqs_queue"},  # not asked (typed by its alias): ignored
        ]})))
        result = read(text, source="event_driven.mmd", assistant=Assistant())
    [request] = fake.requests
    assert request["tool_choice"] == {"type": "tool", "name": "classify_boxes"}
    asked = request["messages"][0]["content"]
    assert '"id": "mystery"' in asked and '"candidates": ["aurora_cluster", "dynamodb_table", "rds_instance"]' in asked
    assert '"label": "Warehouse loader"' in asked and '"id": "ingest"' not in asked
    got = types(result.design)
    assert got["mystery"] == "rds_instance" and got["warehouse"] == "external" and got["ingest"] == "lambda_function"
    assert any("typed 1 of 2" in n and "2 answer(s) were not catalog types" in n for n in result.report.notes)
    assert result.design.problems() == [] and lint_errors(result.design) == []


def test_a_failing_model_leaves_the_boxes_external_and_says_so(monkeypatch):
    with serving(monkeypatch) as fake:
        fake.add(*[reply("no tool")] * 3)
        result = imported("event_driven", assistant=Assistant(max_retries=0))
    assert types(result.design)["mystery"] == "external"
    assert any("typed 0 of 1" in n for n in result.report.notes)
