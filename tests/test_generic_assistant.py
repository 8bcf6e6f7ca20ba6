"""The assistant adds generic resources when no catalog type fits: it searches the registry, reads a
type's properties and adds it, through the real SDK against the fake Messages API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json

import pytest

from fake_anthropic import ToolUse, reply, serving
from isshoni.assistant import Assistant, aask
from isshoni.assistant.tools import definitions, summarize
from isshoni.yinfra import YInfra


@pytest.fixture
def api(monkeypatch):
    with serving(monkeypatch) as fake:
        yield fake


def test_the_model_finds_describes_and_adds_a_registry_type(api):
    api.add(
        reply("No catalog type is an SES configuration set; searching the registry.",
              ToolUse("find_cfn_types", {"query": "ses configuration set"}),
              ToolUse("describe_cfn_type", {"cfn_type": "AWS::SES::ConfigurationSet"})),
        reply(ToolUse("add_cfn_resource", {"cfn_type": "AWS::SES::ConfigurationSet", "id": "mail",
                                           "properties": {"Nme": "transactional"}})),
        reply(ToolUse("add_cfn_resource", {"cfn_type": "AWS::SES::ConfigurationSet", "id": "mail", "label": "Mail",
                                           "properties": {"Name": "transactional"}}),
              ToolUse("add_cfn_resource", {"cfn_type": "AWS::SSM::Parameter", "id": "mail_set", "properties": {
                  "Type": "String", "Value": {"ref": "mail"}}})),
        reply("Added an SES configuration set and a parameter naming it."),
    )
    doc = YInfra()
    message = asyncio.run(aask(doc, "add an SES configuration set for transactional mail", author="alice",
                               config=Assistant(timeout=5.0, max_retries=1, check_after=False)))
    found, described = (r["content"] for r in api.tool_results(1))
    assert found.splitlines()[0].startswith("- AWS::SES::ConfigurationSet: ")
    assert json.loads(described)["terraform"] == "aws_cloudcontrolapi_resource"
    assert "Name" in json.loads(described)["properties"]
    [typo] = api.tool_results(2)
    assert typo["is_error"] and "unknown property Nme (did you mean Name?)" in typo["content"]
    assert not any(r.get("is_error") for r in api.tool_results(3))
    design = doc.design()
    assert design.resources["mail"]["type"] == "cfn:AWS::SES::ConfigurationSet"
    assert design.resources["mail"]["label"] == "Mail"
    assert design.resources["mail_set"]["properties"]["Value"] == {"ref": "mail"}
    assert [op["type"] for op in message["ops"]] == ["cfn:AWS::SES::ConfigurationSet", "cfn:AWS::SSM::Parameter"]
    assert message["status"] == "done"
    assert summarize(message["ops"][0]) == "added mail (cfn:AWS::SES::ConfigurationSet)"


def test_the_registry_tools_are_offered_with_strict_inputs():
    tools = {t["name"]: t for t in definitions()}
    assert {"find_cfn_types", "describe_cfn_type", "add_cfn_resource"} <= set(tools)
    pattern = tools["add_cfn_resource"]["input_schema"]["properties"]["cfn_type"]["pattern"]
    assert pattern == "^[A-Za-z][A-Za-z0-9]*::[A-Za-z0-9]+::[A-Za-z0-9]+$"
