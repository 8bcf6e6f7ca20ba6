"""Template expressions in a design (issue 15: parameters, mappings, conditions and intrinsic
functions kept as expressions, not flattened): validated, compiled to CloudFormation and
Terraform that mean the same, and kept by the CloudFormation importer."""

from __future__ import annotations

import json
import textwrap

import pytest
import yaml
from cfnlint.decode import decode_str

from gaps import assert_lints_clean, assert_terraform_validates
from isshoni import Design, DesignError, generate
from isshoni.importers.dispatch import import_text
from isshoni.importers.roundtrip import differences
from isshoni.yinfra import YInfra


def expressive() -> Design:
    d = Design(name="exprs")
    d.data["meta"]["parameters"] = {
        "Env": {"type": "String", "default": "dev", "allowed_values": ["dev", "prod"], "description": "Environment"},
        "Zones": {"type": "CommaDelimitedList", "default": "a,b"},
        "Unused": {"type": "Number", "default": 3},
    }
    d.data["meta"]["mappings"] = {"Sizes": {"dev": {"Days": 3}, "prod": {"Days": 30}}, "Spare": {"x": {"y": 1}}}
    d.data["meta"]["conditions"] = {
        "IsProd": {"equals": [{"param": "Env"}, "prod"]},
        "ProdHere": {"and": [{"condition": "IsProd"}, {"equals": [{"pseudo": "region"}, "us-east-1"]}]},
        "Never": {"not": [{"condition": "IsProd"}]},
    }
    d.add("cfn:AWS::SQS::Queue", "queue", properties={
        "QueueName": {"join": ["", [{"pseudo": "stack_name"}, "-", {"param": "Env"}, "-jobs"]]},
        "MessageRetentionPeriod": {"if": ["IsProd", 1209600, 345600]},
        "DelaySeconds": {"if": ["IsProd", 0, {"pseudo": "no_value"}]},
    })
    d.add("cfn:AWS::Logs::LogGroup", "logs", properties={
        "RetentionInDays": {"find_in_map": ["Sizes", {"param": "Env"}, "Days"]},
        "LogGroupName": {"join": ["/", ["app", {"select": [0, {"param": "Zones"}]}, {"ref": "queue", "attribute": "QueueName"}]]},
    })
    d.add("cfn:AWS::SSM::Parameter", "zones", properties={
        "Type": "String",
        "Value": {"base64": {"join": [",", {"get_azs": ""}]}},
        "Description": {"if": ["ProdHere", "prod", {"join": ["", ["suffix ", {"pseudo": "url_suffix"}]]}]},
    })
    return d


def test_cloudformation_declares_what_the_values_read_and_keeps_the_functions():
    template = yaml.safe_load(generate(expressive())["template.yaml"])
    assert template["Parameters"]["Env"] == {"Type": "String", "Description": "Environment", "Default": "dev", "AllowedValues": ["dev", "prod"]}
    assert template["Parameters"]["Zones"]["Default"] == "a,b"
    assert "Unused" not in template["Parameters"]  # only what a value reads (cfn-lint warns on the rest)
    assert template["Mappings"] == {"Sizes": {"dev": {"Days": 3}, "prod": {"Days": 30}}}
    assert template["Conditions"] == {
        "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
        "ProdHere": {"Fn::And": [{"Condition": "IsProd"}, {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}]},
    }
    queue = template["Resources"]["Queue"]["Properties"]
    assert queue["QueueName"] == {"Fn::Sub": "${AWS::StackName}-${Env}-jobs"}
    assert queue["MessageRetentionPeriod"] == {"Fn::If": ["IsProd", 1209600, 345600]}
    assert queue["DelaySeconds"] == {"Fn::If": ["IsProd", 0, {"Ref": "AWS::NoValue"}]}
    assert "Zones2" in template["Resources"]  # the resource `zones` makes way for the parameter Zones (E3007)
    logs = template["Resources"]["Logs"]["Properties"]
    assert logs["RetentionInDays"] == {"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Days"]}
    assert logs["LogGroupName"] == {"Fn::Join": ["/", ["app", {"Fn::Select": [0, {"Ref": "Zones"}]}, {"Fn::GetAtt": ["Queue", "QueueName"]}]]}
    assert template["Resources"]["Zones2"]["Properties"]["Value"] == {"Fn::Base64": {"Fn::Join": [",", {"Fn::GetAZs": ""}]}}
    assert json.loads(generate(expressive(), "cloudformation-json")["template.json"]) == template


def test_terraform_says_the_same_with_variables_locals_and_functions():
    module = generate(expressive(), "terraform")
    variables, main = module["variables.tf"], module["main.tf"]
    assert 'variable "Env" {' in variables and 'contains(["dev", "prod"], var.Env)' in variables
    assert 'type        = list(string)\n  default     = ["a", "b"]' in variables  # a list parameter's "a,b"
    assert 'variable "Unused"' not in variables
    assert 'condition_IsProd   = (tostring(var.Env) == "prod")' in main
    assert 'condition_ProdHere = (local.condition_IsProd && (tostring(data.aws_region.current.name) == "us-east-1"))' in main
    assert "condition_Never" not in main and "Spare" not in main
    assert 'QueueName              = "${var.name_prefix}-${var.Env}-jobs"' in main
    assert "MessageRetentionPeriod = (local.condition_IsProd ? 1209600 : 345600)" in main
    assert "DelaySeconds           = (local.condition_IsProd ? 0 : null)" in main
    assert 'RetentionInDays = local.mappings["Sizes"][var.Env]["Days"]' in main
    assert 'element(var.Zones, 0)' in main
    assert 'Value       = base64encode(join(",", data.aws_availability_zones.available.names))' in main
    assert '"suffix ${data.aws_partition.current.dns_suffix}"' in main


def test_both_outputs_lint_and_validate_clean():
    assert_lints_clean(expressive())
    assert_terraform_validates(expressive())


def test_a_no_echo_parameter_is_secret_in_both_and_never_has_a_default_in_the_design():
    d = Design(name="secret")
    d.data["meta"]["parameters"] = {"DbPassword": {"type": "String", "no_echo": True, "description": "Master password"}}
    d.add("cfn:AWS::SSM::Parameter", "p", properties={"Type": "String", "Value": {"param": "DbPassword"}})
    assert yaml.safe_load(generate(d)["template.yaml"])["Parameters"]["DbPassword"]["NoEcho"] is True
    assert "sensitive   = true" in generate(d, "terraform")["variables.tf"]
    d.data["meta"]["parameters"]["DbPassword"]["default"] = "hunter2"
    with pytest.raises(DesignError, match="no_echo parameter has no default"):
        d.validate()


def test_malformed_or_undeclared_expressions_are_refused_with_their_place():
    d = Design(name="bad")
    d.data["meta"]["parameters"] = {"Env": {"type": "String"}}
    d.data["meta"]["conditions"] = {
        "A": {"condition": "B"}, "B": {"not": [{"condition": "A"}]},
        "OnResource": {"equals": [{"ref": "q"}, "x"]}, "Odd": {"bogus": 1},
    }
    d.data["resources"]["q"] = {"type": "cfn:AWS::SQS::Queue", "properties": {
        "QueueName": {"param": "Nope"}, "DelaySeconds": {"if": ["Zed", 1, 2]},
        "VisibilityTimeout": {"select": ["first", []]}, "RedrivePolicy": {"join": [1, []]}}}
    found = {p.path: p.message for p in d.problems()}
    assert "depends on itself" in found["$.meta.conditions.A"] and "depends on itself" in found["$.meta.conditions.B"]
    assert "cannot refer to a resource" in found["$.meta.conditions.OnResource.equals[0]"]
    assert found["$.meta.conditions.Odd"].startswith("a condition is one of")
    assert found["$.resources.q.properties.QueueName.param"] == "parameter 'Nope' is not declared in meta.parameters (declared: Env)"
    assert "condition 'Zed' is not declared" in found["$.resources.q.properties.DelaySeconds.if"]
    assert found["$.resources.q.properties.VisibilityTimeout.select"] == "select takes [index, list]"
    assert found["$.resources.q.properties.RedrivePolicy.join"] == "join takes [separator, [values]]"


def test_a_parameter_named_like_the_compilers_own_is_that_parameter():
    """An import of a template whose parameter both a catalog node and a generic resource read (chat_canary's
    ZoneDomain) gives one CloudFormation parameter, and Terraform reads the compiler's variable."""
    d = Design(name="zone")
    d.add("route53_zone", "zone", properties={"domain": "example.com"})
    d.data["meta"]["parameters"] = {"ZoneDomain": {"type": "String"}}
    d.add("cfn:AWS::SSM::Parameter", "p", properties={"Type": "String", "Value": {"param": "ZoneDomain"}})
    template = yaml.safe_load(generate(d)["template.yaml"])
    assert template["Resources"]["P"]["Properties"]["Value"] == {"Ref": "ZoneDomain"}
    assert list(template["Parameters"]).count("ZoneDomain") == 1
    module = generate(d, "terraform")
    assert "Value = var.zone_domain" in module["main.tf"] and 'variable "ZoneDomain"' not in module["variables.tf"]


def test_expressions_survive_the_shared_document():
    room = YInfra()
    room.set(expressive().dumps())
    assert json.loads(room.get())["meta"] == expressive().data["meta"]


TEMPLATE = textwrap.dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      Env:
        Type: String
        Default: dev
        AllowedValues: [dev, prod]
      Password:
        Type: String
        NoEcho: true
        Default: not-in-the-design
      Subnets:
        Type: List<AWS::EC2::Subnet::Id>
    Mappings:
      Sizes:
        dev: {Days: 3}
        prod: {Days: 30}
    Conditions:
      IsProd: !Equals [!Ref Env, prod]
      ProdInUse1: !And [!Condition IsProd, !Equals [!Ref "AWS::Region", us-east-1]]
    Resources:
      Logs:
        Type: AWS::Logs::LogGroup
        Properties:
          LogGroupName: !Join ["", ["/app/", !Ref "AWS::StackName", "/", !Select [0, !GetAZs ""]]]
          RetentionInDays: !FindInMap [Sizes, !Ref Env, Days]
      Alarm:
        Type: AWS::CloudWatch::Alarm
        Properties:
          AlarmName: !Sub "${AWS::StackName}-${Logs}-errors"
          AlarmDescription: !If [ProdInUse1, paging, !Ref "AWS::NoValue"]
          Namespace: App
          MetricName: Errors
          Statistic: Sum
          Period: "60"
          EvaluationPeriods: "1"
          Threshold: 1
          ComparisonOperator: GreaterThanOrEqualToThreshold
      Secret:
        Type: AWS::SSM::Parameter
        Properties:
          Type: String
          Value: !Ref Password
      Where:
        Type: AWS::SSM::Parameter
        Properties:
          Type: StringList
          Value: !Join [",", !Ref Subnets]
      ProdOnly:
        Type: AWS::SNS::Topic
        Condition: IsProd
        Properties:
          DisplayName: !Sub "${Logs}-prod"
    """)


@pytest.fixture(scope="module")
def imported():
    return import_text(TEMPLATE, source="stack.yaml")


def test_import_keeps_parameters_mappings_conditions_and_functions(imported):
    design, report = imported.design, imported.report
    assert {e.source_id for e in report.generic} == {"Logs", "Alarm", "Secret", "Where", "ProdOnly"} and report.not_understood == []
    assert design.resources["ProdOnly"]["condition"] == "IsProd"
    logs, alarm = design.resources["Logs"]["properties"], design.resources["Alarm"]["properties"]
    assert logs["RetentionInDays"] == {"find_in_map": ["Sizes", {"param": "Env"}, "Days"]}
    assert logs["LogGroupName"] == {"join": ["", ["/app/", {"pseudo": "stack_name"}, "/", {"select": [0, {"get_azs": ""}]}]]}
    assert alarm["AlarmName"] == {"join": ["", [{"pseudo": "stack_name"}, "-", {"ref": "Logs"}, "-errors"]]}
    assert alarm["AlarmDescription"] == {"if": ["ProdInUse1", "paging", {"pseudo": "no_value"}]}
    assert alarm["Period"] == 60 and alarm["EvaluationPeriods"] == 1  # text CloudFormation reads as numbers
    meta = design.meta
    assert meta["mappings"] == {"Sizes": {"dev": {"Days": 3}, "prod": {"Days": 30}}}
    assert meta["conditions"] == {"IsProd": {"equals": [{"param": "Env"}, "prod"]},
                                  "ProdInUse1": {"and": [{"condition": "IsProd"}, {"equals": [{"pseudo": "region"}, "us-east-1"]}]}}
    assert meta["parameters"]["Env"] == {"type": "String", "default": "dev", "allowed_values": ["dev", "prod"]}
    assert meta["parameters"]["Subnets"] == {"type": "List<AWS::EC2::Subnet::Id>"}
    assert meta["parameters"]["Password"] == {"type": "String", "no_echo": True}  # its default is no part of a design
    assert "not-in-the-design" not in design.dumps()
    assert any("Password: NoEcho" in note for note in report.notes)


def test_imported_expressions_regenerate_the_same_template_and_lint_clean(imported):
    source = decode_str(TEMPLATE)[0]  # cfn-lint's decoder: short-form intrinsics in their long form
    generated = yaml.safe_load(generate(imported.design)["template.yaml"])
    assert differences(source, generated, {"Logs", "Alarm", "Secret", "Where", "ProdOnly"}) == []
    assert generated["Resources"]["ProdOnly"]["Condition"] == "IsProd"
    assert generated["Conditions"]["ProdInUse1"] == {"Fn::And": [{"Condition": "IsProd"}, {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}]}
    assert generated["Parameters"]["Subnets"]["Type"] == "List<AWS::EC2::Subnet::Id>"
    assert_lints_clean(imported.design)
    assert_terraform_validates(imported.design)


def test_distinct_references_in_unique_lists_are_not_duplicates():
    d = Design(name="nlb")
    d.add("cfn:AWS::EC2::VPC", "vpc", properties={"CidrBlock": "10.0.0.0/16"})
    for name, cidr in (("a", "10.0.1.0/24"), ("b", "10.0.2.0/24")):
        d.add("cfn:AWS::EC2::Subnet", f"subnet_{name}", properties={"VpcId": {"ref": "vpc"}, "CidrBlock": cidr})
        d.add("cfn:AWS::EC2::EIP", f"eip_{name}", properties={"Domain": "vpc"})
    mappings = [{"SubnetId": {"ref": f"subnet_{n}"}, "AllocationId": {"ref": f"eip_{n}", "attribute": "AllocationId"}} for n in "ab"]
    d.add("cfn:AWS::ElasticLoadBalancingV2::LoadBalancer", "nlb", properties={"Type": "network", "SubnetMappings": mappings})
    d.validate()
    d.resources["nlb"]["properties"]["SubnetMappings"] = [mappings[0], mappings[0]]
    with pytest.raises(DesignError, match="non-unique"):
        d.validate()


def conditional() -> Design:
    d = Design(name="cond")
    d.data["meta"]["parameters"] = {"Env": {"type": "String", "default": "dev"}}
    d.data["meta"]["conditions"] = {"IsProd": {"equals": [{"param": "Env"}, "prod"]}}
    d.add("cfn:AWS::SNS::Topic", "pager", properties={"DisplayName": "pager"}, condition="IsProd")
    d.add("cfn:AWS::SSM::Parameter", "p", properties={"Type": "String", "Value": {"if": ["IsProd", {"ref": "pager"}, "none"]}})
    d.add("cfn:AWS::SSM::Parameter", "name", properties={
        "Type": "String", "Value": {"if": ["IsProd", {"ref": "pager", "attribute": "TopicName"}, "none"]}})
    return d


def test_a_generic_resource_made_on_a_condition_is_a_condition_and_a_count():
    template = yaml.safe_load(generate(conditional())["template.yaml"])
    assert template["Resources"]["Pager"]["Condition"] == "IsProd"
    assert template["Resources"]["P"]["Properties"]["Value"] == {"Fn::If": ["IsProd", {"Ref": "Pager"}, "none"]}
    main = generate(conditional(), "terraform")["main.tf"]
    assert "  count     = local.condition_IsProd ? 1 : 0\n  type_name = \"AWS::SNS::Topic\"" in main
    assert "Value = (local.condition_IsProd ? one(aws_cloudcontrolapi_resource.pager[*].id) : \"none\")" in main
    assert "try(jsondecode(one(aws_cloudcontrolapi_resource.pager[*].properties)).TopicName, null)" in main
    assert_lints_clean(conditional())
    assert_terraform_validates(conditional())


def test_a_condition_is_for_generic_resources_and_must_be_declared():
    d = conditional()
    d.resources["pager"]["condition"] = "Nope"
    d.add("sqs_queue", "jobs")
    d.resources["jobs"]["condition"] = "IsProd"
    found = {p.path: p.message for p in d.problems()}
    assert found["$.resources.pager.condition"] == "condition 'Nope' is not declared in meta.conditions"
    assert found["$.resources.jobs.condition"].startswith("only a generic resource (cfn:...) is created on a condition")


def test_a_template_with_hundreds_of_parameters_imports():
    """CloudFormation takes 200 parameters, the compiler's own may be more (a 1,000-resource design gives 500):
    the design holds what the values read, and a refusal never repeats a whole value in its message."""
    params = "\n".join(f"  P{i}:\n    Type: String\n    Default: v{i}" for i in range(250))
    resources = "\n".join(f"  Group{i}:\n    Type: AWS::IAM::Group\n    Properties:\n      GroupName: !Ref P{i}" for i in range(250))
    imported = import_text(f"Parameters:\n{params}\nResources:\n{resources}\n", source="many.yaml")
    assert len(imported.design.meta["parameters"]) == 250 and imported.report.not_understood == []
    d = Design(name="too-many")
    d.data["meta"]["parameters"] = {f"P{i}": {"type": "String"} for i in range(1001)}
    (problem,) = [p for p in d.problems() if p.path == "$.meta.parameters"]
    assert problem.message.endswith(" ... (cut)") and len(problem.message) < 500
