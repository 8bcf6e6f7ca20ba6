"""Import from everywhere a user looks for it (issue 15, item 6): REST and the kernel (the CLI: test_import_cfn_bad_input)."""

from __future__ import annotations

import json

import pytest

import isshoni
from rooms import rest_server

API = "/isshoni/api"
TEMPLATE = "Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n  Alerts:\n    Type: AWS::SNS::Topic\n    Condition: Prod\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with rest_server(tmp_path_factory.mktemp("import")) as started:
        yield started


def test_rest_imports_text_and_returns_the_design_and_report(server):
    response = server["client"].post(f"{API}/import", json={"text": TEMPLATE, "name": "pasted"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["design"]["resources"]["Jobs"]["type"] == "sqs_queue"
    assert answer["design"]["meta"]["name"] == "pasted"
    assert answer["report"]["counts"]["typed"] == 1 and answer["report"]["total"] == 2
    assert answer["report"]["not_understood"][0]["line"] == 4


def test_rest_imports_a_server_file_into_a_design_file(server):
    (server["root"] / "stacks").mkdir()
    (server["root"] / "stacks" / "web.yaml").write_text(TEMPLATE)
    body = {"path": "stacks/web.yaml", "output": "stacks/web.infra.json"}
    response = server["client"].post(f"{API}/import", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["path"] == "stacks/web.infra.json" and "design" not in response.json()
    assert response.json()["report"]["source"] == "web.yaml"  # not the server's folder
    written = json.loads((server["root"] / "stacks" / "web.infra.json").read_text())
    assert written["resources"]["Jobs"]["type"] == "sqs_queue"
    again = server["client"].post(f"{API}/import", json=body)
    assert again.status_code == 409 and "overwrite" in again.json()["message"]
    assert server["client"].post(f"{API}/import", json={**body, "overwrite": True}).status_code == 200


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"text": "Resources:\n  A:\n    Type: [\n"}, 400, "text:4:1: not a readable template"),
    ({"text": TEMPLATE, "format": "terraform"}, 400, "not readable Terraform"),
    ({"text": TEMPLATE, "format": "pulumi"}, 400, "'format' is one of"),
    ({"text": TEMPLATE, "path": "x.yaml"}, 400, "send 'text' or 'path'"),
    ({"text": TEMPLATE, "script": "rm -rf /"}, 400, "unknown: script"),
    ({"path": "../outside.yaml"}, 400, "relative to the server root"),
    ({"path": "missing.yaml"}, 400, "cannot read it"),
    ({"text": TEMPLATE, "output": "../x.infra.json"}, 400, "'..' is not allowed"),
    ({"text": "Resources:\n" + "# pad\n" * 1_000_000}, 413, "more than an import takes"),
    ({"text": "Resources:\n  A:\n    Type: AWS::SQS::Queue\n    DependsOn: B\n  B:\n    Type: AWS::SQS::Queue\n    DependsOn: A\n"},
     400, "circular dependency"),
])
def test_rest_bad_input_is_a_clear_answer(server, body, status, message):
    response = server["client"].post(f"{API}/import", json=body)
    assert response.status_code == status, response.text
    assert message in response.json()["message"]


def test_kernel_import_design_writes_and_opens_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "queue.yaml").write_text(TEMPLATE)
    result = isshoni.import_design("queue.yaml", live=False)
    assert result.path.name == "queue.infra.json" and result.path.exists()
    assert result.design.snapshot().resources["Jobs"]["type"] == "sqs_queue"
    assert "1 typed" in repr(result) and "not understood: Alerts" in repr(result)
    with pytest.raises(FileExistsError):
        isshoni.import_design("queue.yaml", live=False)
    pasted = isshoni.import_design(text=TEMPLATE, path=tmp_path / "pasted", live=False)
    assert pasted.path.name == "pasted.infra.json"
