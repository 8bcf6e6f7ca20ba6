"""No user string can inject syntax into any emitted language."""

from __future__ import annotations

import json

import pytest
import yaml

from isshoni import Design
from isshoni.checks import hcl_parser
from isshoni.compiler import cloudformation, resolve, terraform
from isshoni.compiler.hcl import escape

ATTACKS = [
    'quote " and backslash \\ ',
    "${file(\"/etc/passwd\")}",
    "%{ for x in y }boom%{ endfor }",
    "line\nbreak\r\n} resource \"x\" \"y\" {",
    "yaml: !!python/object:os.system ['ls']",
    "- [ ] & * ! | > ' % @ `",
    "unicode: 한국어 日本語 🚀 \u2028 \u0000 \u001b[31m",
    "Ref: AWS::AccountId",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_hcl_strings_escape_everything(attack):
    text = f"x = \"{escape(attack)}\"\n"
    parsed = hcl_parser.loads(text)  # HashiCorp's parser, the one Terraform uses
    assert "${" not in escape(attack).replace("$${", "")
    assert "\n" not in escape(attack)
    assert parsed == {"x": attack}  # one attribute, holding exactly the text


def design_with(attack: str) -> Design:
    d = Design(name=f"inject {attack}", region="us-east-1")
    d.set_meta(description=attack, notes=attack)
    d.add("vpc", "vpc", label=attack, notes=attack)
    d.add("subnet", "a", label=attack, parent="vpc", properties={"cidr": "10.0.1.0/24", "tier": "private", "az": "a"})
    d.add("subnet", "b", label=attack, parent="vpc", properties={"cidr": "10.0.2.0/24", "tier": "private", "az": "b"})
    d.add("ecs_service", "svc", label=attack, parent="a")
    d.add("dynamodb_table", "t", label=attack)
    d.connect("svc", "t", label=attack)
    return d


@pytest.mark.parametrize("attack", ATTACKS)
def test_every_user_string_is_data_in_every_language(attack):
    resolved = resolve(design_with(attack))
    template = yaml.safe_load(cloudformation.to_yaml(resolved))
    assert template == json.loads(cloudformation.to_json(resolved))
    assert template["Description"] == cloudformation.prose(attack, 1024)  # `${` written `$ {` (E1029), else verbatim
    assert set(template) == {"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Resources", "Outputs"}
    for name, body in template["Resources"].items():
        assert name.isalnum()
        assert set(body) <= {"Type", "Properties", "DependsOn", "Metadata", "DeletionPolicy", "UpdateReplacePolicy"}
        assert body.get("DeletionPolicy", "Retain") in ("Retain", "Snapshot", "Delete")
        for skip in body.get("Metadata", {"checkov": {"skip": []}})["checkov"]["skip"]:  # suppressions only, from the catalog
            assert set(skip) == {"id", "comment"} and skip["id"].startswith(("CKV_AWS_", "CKV2_AWS_")) and attack not in skip["comment"]
    for text in terraform.files(resolved).values():
        parsed = hcl_parser.loads(text)
        for rtype, named in parsed.get("resource", {}).items():
            assert rtype.startswith("aws_")
            for name in named:
                assert name.replace("_", "").isalnum()
    variables = terraform.files(resolved)["variables.tf"]
    assert "${" not in variables.replace("$${", "")


def test_text_that_looks_like_a_parameter_in_descriptions_lints_clean():
    """A label or description holding `${AWS::Region}` lands in output, parameter and template
    descriptions: cfn-lint reads it as a parameter outside Fn::Sub (E1029) unless it is written `$ {`."""
    from isshoni.checks import cfnlint_check

    design = Design(name="dollar")
    design.data["meta"]["description"] = "serves ${AWS::Region} and ${Env}"
    design.add("sqs_queue", "q", label="queue in ${AWS::Region}")
    design.add("lambda_function", "fn", label="${AWS::AccountId} worker")
    design.connect("q", "fn")
    resolved = resolve(design)
    assert [str(f) for f in cfnlint_check.run(resolved)] == []
    template = yaml.safe_load(cloudformation.to_yaml(resolved))
    assert template["Description"] == "serves $ {AWS::Region} and $ {Env}"
    assert any("queue in $ {AWS::Region}" in o["Description"] for o in template["Outputs"].values())
