"""Import of CloudFormation (issue 15): what each resource becomes, and what the report says."""

from __future__ import annotations

import textwrap

import pytest

from isshoni.compiler import generate
from isshoni.design import Design
from isshoni.importers import NotImportable
from isshoni.importers.dispatch import detect, import_text

TEMPLATE = textwrap.dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      Timeout:
        Type: Number
        Default: "60"
      Owner:
        Type: String
    Resources:
      MyVPC:
        Type: AWS::EC2::VPC
        Properties:
          CidrBlock: 10.0.0.0/16
          EnableDnsHostnames: true
          EnableDnsSupport: true
      Queue:
        Type: AWS::SQS::Queue
        Properties:
          VisibilityTimeout: !Ref Timeout
      Topic:
        Type: AWS::SNS::Topic
      ToQueue:
        Type: AWS::SNS::Subscription
        Properties:
          TopicArn: !Ref Topic
          Protocol: sqs
          Endpoint: !GetAtt Queue.Arn
      Owned:
        Type: AWS::SNS::Topic
        Properties:
          DisplayName: !Ref Owner
      OnlyInProd:
        Type: AWS::SQS::Queue
        Condition: IsProd
    """)


@pytest.fixture(scope="module")
def imported():
    return import_text(TEMPLATE, source="stack.yaml")


def _bucket(report, rid):
    for bucket in ("typed", "generic", "external", "folded", "not_understood"):
        for entry in getattr(report, bucket):
            if entry.source_id == rid:
                return bucket, entry
    raise AssertionError(f"{rid} is in no bucket")


def test_every_resource_lands_in_exactly_one_bucket(imported):
    report = imported.report
    assert report.total == 6
    ids = [e.source_id for b in ("typed", "generic", "not_understood") for e in getattr(report, b)]
    assert sorted(ids) == sorted(["MyVPC", "Queue", "Topic", "ToQueue", "Owned", "OnlyInProd"])


def test_catalog_types_become_typed_nodes_with_their_properties(imported):
    resources = imported.design.resources
    assert resources["MyVPC"]["type"] == "vpc"
    assert resources["MyVPC"]["properties"]["cidr"] == "10.0.0.0/16"
    assert resources["MyVPC"]["properties"]["flow_logs"] is False  # the source has no flow log: none is added
    assert resources["Queue"]["type"] == "sqs_queue"
    assert resources["Queue"]["properties"]["visibility_timeout"] == 60  # the parameter's default, as a number
    assert _bucket(imported.report, "Queue")[1].reason.startswith("the catalog adds QueueName")


def test_other_types_are_generic_with_design_references(imported):
    sub = imported.design.resources["ToQueue"]
    assert sub["type"] == "cfn:AWS::SNS::Subscription"
    assert sub["properties"]["TopicArn"] == {"ref": "Topic"}
    assert sub["properties"]["Endpoint"] == {"ref": "Queue", "attribute": "Arn"}
    assert _bucket(imported.report, "ToQueue")[0] == "generic"


def test_what_the_design_cannot_hold_is_not_understood_with_line_and_reason(imported):
    bucket, entry = _bucket(imported.report, "OnlyInProd")
    assert bucket == "not_understood" and entry.line == 31 and "condition IsProd" in entry.reason
    assert "OnlyInProd" not in imported.design.resources


def test_a_generic_resource_keeps_its_parameter_which_the_design_declares(imported):
    """A parameter without a default no longer makes its resource not understood: the generic
    resource refers to it, and the design declares it (its value is given at deploy time)."""
    bucket, _entry = _bucket(imported.report, "Owned")
    assert bucket == "generic"
    assert imported.design.resources["Owned"]["properties"] == {"DisplayName": {"param": "Owner"}}
    assert imported.design.meta["parameters"] == {"Owner": {"type": "String"}}  # only what a value reads
    template = generate(imported.design, "cloudformation-json")["template.json"]
    assert '"Owner": {\n      "Type": "String"' in template.replace("\r", "")


def test_parameter_defaults_used_are_said_in_the_report(imported):
    text = imported.report.text()
    assert "parameter Timeout = 60: written into Queue" in text
    assert "line 31" in text


def test_imported_design_validates_and_has_no_positions(imported):
    again = Design.loads(imported.design.dumps())
    assert all("position" not in r for r in again.resources.values())  # the canvas lays them out


def test_regenerated_template_keeps_logical_ids(imported):
    template = generate(imported.design, "cloudformation-json")["template.json"]
    for rid in ("MyVPC", "Queue", "Topic", "ToQueue"):
        assert f'"{rid}": {{' in template


def test_a_resource_id_written_as_a_logical_id_is_its_logical_id():
    """Before the import, the compiler lowered inner capitals: MyBucket became Mybucket."""
    design = Design(name="d")
    design.add("cfn:AWS::SQS::Queue", "MyQueue")
    design.add("sqs_queue", "orders_queue")
    text = generate(design, "cloudformation-json")["template.json"]
    assert '"MyQueue": {' in text and '"OrdersQueue": {' in text


def test_subnets_stay_generic_where_the_catalog_would_add_routing():
    text = textwrap.dedent("""\
        Resources:
          Net:
            Type: AWS::EC2::VPC
            Properties: {CidrBlock: 10.1.0.0/16}
          SubnetA:
            Type: AWS::EC2::Subnet
            Properties: {VpcId: !Ref Net, CidrBlock: 10.1.1.0/24, AvailabilityZone: us-east-1a}
        """)
    imported = import_text(text, source="net.yaml")
    assert imported.design.resources["SubnetA"]["type"] == "cfn:AWS::EC2::Subnet"
    assert "RouteTableAssociation" in _bucket(imported.report, "SubnetA")[1].reason
    assert imported.design.resources["Net"]["type"] == "vpc"


def test_sam_is_expanded_by_the_sam_translator():
    text = textwrap.dedent("""\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              Handler: index.handler
              InlineCode: "def handler(event, context): return 1"
        """)
    assert detect(text) == "sam"
    imported = import_text(text, source="sam.yaml")
    assert imported.report.format == "sam"
    types = {r["type"] for r in imported.design.resources.values()}
    assert "cfn:AWS::Lambda::Function" in types and "cfn:AWS::IAM::Role" in types
    role = next(e for e in imported.report.generic + imported.report.not_understood if e.source_type == "AWS::IAM::Role")
    assert role.line == 3  # a generated resource carries its SAM resource's line


def test_sam_refused_with_the_translators_reason():
    text = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {}\n"
    with pytest.raises(NotImportable, match="SAM translator"):
        import_text(text, source="bad-sam.yaml")
