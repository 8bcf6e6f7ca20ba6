"""Generic resources over the REST API on a real Jupyter server: the registry search and a type's
schema (what the palette and the inspector use), and canvas ops that add and wire them."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from isshoni import Design, cli
from rooms import ops_seen_in_room, rest_server

API = "/isshoni/api"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with rest_server(tmp_path_factory.mktemp("generic-rest")) as started:
        yield started


def test_search_finds_registry_types_as_the_cli_does(server):
    response = server["client"].get(f"{API}/cfn-types", params={"q": "sqs queue", "region": "eu-west-1"})
    assert response.status_code == 200, response.text
    found = response.json()
    assert found["types"][0] == {
        "type": "cfn:AWS::SQS::Queue", "cfn_type": "AWS::SQS::Queue", "label": "SQS Queue",
        "description": "The AWS::SQS::Queue resource creates an SQS standard or FIFO queue.",
        "terraform": "aws_cloudcontrolapi_resource"}
    legacy = next(t for t in found["types"] if t["cfn_type"] == "AWS::SQS::QueuePolicy")
    assert legacy["terraform"] is None  # CloudFormation only: said, not hidden
    assert found["total"] == len(found["types"])
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert cli.main(["catalog", "--cfn-types", "sqs queue", "--region", "eu-west-1", "--json"]) == 0
    assert json.loads(printed.getvalue()) == found["types"]
    limited = server["client"].get(f"{API}/cfn-types", params={"q": "ec2", "limit": "3"}).json()
    assert len(limited["types"]) == 3 and limited["total"] > 50


def test_a_type_describes_its_schema_attributes_and_counterpart(server):
    for name in ("AWS::SQS::Queue", "cfn:AWS::SQS::Queue"):
        described = server["client"].get(f"{API}/cfn-types/{name}").json()
        assert described["type"] == "cfn:AWS::SQS::Queue" and described["region"] == "us-east-1"
        assert "DelaySeconds" in described["schema"]["properties"] and "Arn" in described["attributes"]
        assert described["read_only"] == ["QueueUrl", "Arn"] and described["terraform"] == "aws_cloudcontrolapi_resource"
    missing = server["client"].get(f"{API}/cfn-types/AWS::Nope::Nothing")
    assert missing.status_code == 404 and "no CloudFormation type AWS::Nope::Nothing" in missing.json()["message"]
    for bad in ({"region": "moon-1"}, {"limit": "many"}):
        response = server["client"].get(f"{API}/cfn-types", params={"q": "x", **bad})
        assert response.status_code == 400 and response.json()["message"]


def test_canvas_ops_add_and_wire_generic_resources(server):
    name = "generic.infra.json"
    Design(name="generic").save(server["root"] / name)
    ops = [
        {"op": "add", "type": "sqs_queue", "id": "curated"},
        {"op": "add", "type": "cfn:AWS::SNS::Topic", "id": "alerts", "properties": {"DisplayName": "Alerts"}},
        {"op": "add", "type": "cfn:AWS::SNS::Subscription", "id": "to_queue", "properties": {
            "TopicArn": {"ref": "alerts"}, "Protocol": "sqs", "Endpoint": {"ref": "curated", "attribute": "Arn"}}},
    ]

    _, design = ops_seen_in_room(server, name, ops, lambda design: "to_queue" in design.resources)
    seen = design.resources["to_queue"]
    assert seen["type"] == "cfn:AWS::SNS::Subscription" and seen["properties"]["TopicArn"] == {"ref": "alerts"}
    refused = server["client"].post(f"{API}/designs/{name}/canvas", json={"ops": [
        {"op": "set", "id": "to_queue", "properties": {"Protocol": 5, "Endpoint": {"ref": "gone"}}}]})
    assert refused.status_code == 400
    assert sorted((p["path"], p["resource"]) for p in refused.json()["problems"]) == [
        ("$.resources.to_queue.properties.Endpoint", "to_queue"), ("$.resources.to_queue.properties.Protocol", "to_queue")]
    files = server["client"].post(f"{API}/designs/{name}/generate", json={"format": "terraform"}).json()["files"]
    assert "Endpoint = aws_sqs_queue.curated.arn" in files["main.tf"]
    assert 'resource "aws_cloudcontrolapi_resource" "to_queue"' in files["main.tf"]
