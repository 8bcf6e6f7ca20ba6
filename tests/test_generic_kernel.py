"""Generic resources from a notebook: `design.add("cfn:<type>", ...)` on a design handle, the
registry search `isshoni.cfn_types`, and the static diagram drawing references as connections."""

from __future__ import annotations

import base64
import json

import pytest

import isshoni
from isshoni import Design, DesignError


@pytest.fixture
def path(tmp_path):
    return Design(name="notebook").save(tmp_path / "notebook.infra.json")


def test_a_notebook_adds_generic_resources_and_the_file_follows(path):
    design = isshoni.open(path, live=False)
    assert design.add("cfn:AWS::SNS::Topic") == "topic"
    design.add("lambda_function", "worker")
    design.add("cfn:AWS::Lambda::Permission", "invoke", properties={
        "Action": "lambda:InvokeFunction", "FunctionName": {"ref": "worker"}, "Principal": "sns.amazonaws.com",
        "SourceArn": {"ref": "topic"}})
    saved = json.loads(path.read_text())["resources"]
    assert saved["topic"]["type"] == "cfn:AWS::SNS::Topic" and saved["topic"]["label"] == "SNS Topic"
    assert saved["invoke"]["properties"]["FunctionName"] == {"ref": "worker"}
    with pytest.raises(DesignError, match=r"\$\.resources\.invoke\.properties.*'Principal' is a required property"):
        design.set("invoke", Principal=None)
    assert json.loads(path.read_text())["resources"] == saved  # refused edits never reach the file
    svg = design._repr_svg_()
    assert svg.count('class="reference"') == 2 and 'stroke-dasharray="4 3"' in svg
    icons = [base64.b64decode(part.split('"', 1)[0]).decode() for part in svg.split('href="data:image/svg+xml;base64,')[1:]]
    assert any("Arch_AWS-CloudFormation" in icon for icon in icons)  # generic nodes get CloudFormation's icon
    assert "Type: AWS::Lambda::Permission" in isshoni.generate(design.snapshot())["template.yaml"]


def test_cfn_types_searches_the_registry():
    found = isshoni.cfn_types("sqs queue")
    assert found[0]["type"] == "cfn:AWS::SQS::Queue" and found[0]["terraform"] == "aws_cloudcontrolapi_resource"
    assert all("queue" in t["cfn_type"].lower() for t in found)
    assert isshoni.cfn_types("ec2", limit=5) and len(isshoni.cfn_types("ec2", limit=5)) == 5


def test_the_notebook_widget_draws_a_generic_resource_with_the_cloudformation_icon():
    from isshoni.widget import DesignWidget

    design = Design(name="widget")
    design.add("cfn:AWS::SNS::Topic", "alerts")
    widget = DesignWidget(design)
    assert widget.types["cfn:AWS::SNS::Topic"] == {"icon": "generic", "category": "generic", "is_container": False}
