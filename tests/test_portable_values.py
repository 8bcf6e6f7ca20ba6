"""Values CloudFormation would evaluate and Terraform would keep as text are refused (issue 14,
defect 5): intrinsic functions (`Fn::Sub`, `Fn::ImportValue`, `Fn::Transform`/`AWS::Include`,
`Ref`) and `{{resolve:...}}` dynamic references, in policy documents, event patterns, state
machine definitions, descriptions, and every other free-form property the catalog has."""

from __future__ import annotations

import copy

import pytest

from isshoni import Design
from isshoni.catalog import CATALOG
from isshoni.catalog.security import READ_ONLY_POLICY
from isshoni.design.errors import json_path
from isshoni.design.portable import value_problems
from isshoni.design.validate import problems

SSM = "{{resolve:ssm:/isshoni/bucket}}"
SECRET = "{{resolve:secretsmanager:prod/db:SecretString:password}}"


def _design(rtype: str, properties: dict, parent: bool = False) -> dict:
    d = Design(name="portable")
    if parent:
        d.add("vpc", "vpc")
        d.add("subnet", "subnet", parent="vpc", properties={"cidr": "10.0.1.0/24"})
    d.data["resources"]["it"] = {"type": rtype, "label": "it", "properties": properties,
                                 "parent": "subnet" if parent else None, "position": {"x": 0, "y": 0}, "notes": ""}
    return d.data


def _policy(statement_changes: dict) -> dict:
    document = copy.deepcopy(READ_ONLY_POLICY)
    document["Statement"][0].update(statement_changes)
    return document


CASES = {
    "Fn::Sub in a policy resource": (
        "iam_policy", {"document": _policy({"Resource": {"Fn::Sub": "arn:aws:s3:::${AWS::StackName}-data/*"}})},
        ["document", "Statement", 0, "Resource", "Fn::Sub"], "Fn::Sub"),
    "Fn::ImportValue in a policy resource": (
        "iam_policy", {"document": _policy({"Resource": {"Fn::ImportValue": "shared-bucket-arn"}})},
        ["document", "Statement", 0, "Resource", "Fn::ImportValue"], "another stack"),
    "Fn::Transform AWS::Include in a statement": (
        "iam_policy", {"document": _policy({"Fn::Transform": {"Name": "AWS::Include",
                                                              "Parameters": {"Location": "s3://x/y.yaml"}}})},
        ["document", "Statement", 0, "Fn::Transform"], "AWS::Include"),
    "Ref as a policy resource": (
        "iam_policy", {"document": _policy({"Resource": {"Ref": "AWS::AccountId"}})},
        ["document", "Statement", 0, "Resource", "Ref"], "Ref"),
    "ssm reference in a policy resource": (
        "iam_policy", {"document": _policy({"Resource": SSM})},
        ["document", "Statement", 0, "Resource"], "SSM Parameter Store"),
    "secretsmanager reference in a policy condition": (
        "iam_policy", {"document": _policy({"Condition": {"StringEquals": {"aws:PrincipalTag/team": SECRET}}})},
        ["document", "Statement", 0, "Condition", "StringEquals", "aws:PrincipalTag/team"], "Secrets Manager"),
    "ssm reference in an event pattern": (
        "eventbridge_rule", {"event_pattern": {"source": ["isshoni.app"], "detail": {"bucket": [SSM]}}},
        ["event_pattern", "detail", "bucket", 0], "SSM Parameter Store"),
    "secretsmanager reference in a state machine definition": (
        "step_function", {"definition": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": SECRET, "End": True}}}},
        ["definition", "States", "P", "Result"], "Secrets Manager"),
    "ssm reference in a security group description": (
        "security_group", {"description": f"web {SSM}"}, ["description"], "SSM Parameter Store"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_cloudformation_only_values_are_refused_with_path_resource_and_why(case):
    rtype, properties, where, says = CASES[case]
    found = problems(_design(rtype, properties, parent=CATALOG[rtype].needs_container))
    path = json_path(["resources", "it", "properties", *where])
    mine = [p for p in found if p.path == path and "Terraform would keep" in p.message]
    assert mine, f"{case}: nothing said at {path}: {found}"
    assert mine[0].resource == "it" and says in mine[0].message and "CloudFormation" in mine[0].message


def _free_form():
    """Every property the catalog leaves open enough to hold text or a document."""
    for rtype, entry in sorted(CATALOG.items()):
        for name, schema in sorted(entry.properties.items()):
            if schema.get("type") in ("string", "object") and "enum" not in schema:
                yield rtype, name, schema["type"]


@pytest.mark.parametrize(("rtype", "name", "kind"), list(_free_form()))
def test_every_free_form_property_of_the_catalog_is_covered(rtype, name, kind):
    value = f"x {SSM}" if kind == "string" else {"Fn::Sub": "${AWS::Region}"}
    found = problems(_design(rtype, {name: value}, parent=CATALOG[rtype].needs_container))
    where = ["resources", "it", "properties", name] + ([] if kind == "string" else ["Fn::Sub"])
    assert any(p.path == json_path(where) and "CloudFormation" in p.message and p.resource == "it" for p in found), found


def test_connection_properties_are_covered_too():
    d = Design(name="portable")
    d.add("lambda_function", "fn")
    d.add("dynamodb_table", "orders")
    d.connect("fn", "orders", id="use")
    d.data["connections"]["use"]["properties"]["access"] = {"Fn::Sub": "read"}
    found = problems(d.data)
    assert any(p.resource == "use" and p.path == "$.connections.use.properties.access['Fn::Sub']" for p in found), found


def test_iam_policy_variables_conditions_and_plain_text_stay_valid():
    """`${aws:username}` is IAM's own variable (not Fn::Sub) and `Condition` is policy grammar."""
    document = _policy({"Resource": "arn:aws:s3:::home/${aws:username}/*",
                        "Condition": {"Bool": {"aws:SecureTransport": "true"}}})
    assert problems(_design("iam_policy", {"document": document, "description": "Reads home folders"})) == []


def test_the_walk_itself_does_not_recurse():
    """Deep nesting as such is refused elsewhere (the schema checks); this walk must not add a limit."""
    deep: dict = {"Fn::Sub": "x"}
    for _ in range(5000):
        deep = {"k": deep}
    found = value_problems(deep, ["resources", "it", "properties", "p"], "it")
    assert len(found) == 1 and found[0].path.endswith("['Fn::Sub']")
