"""Property values that CloudFormation would evaluate and Terraform would keep as text.

A design compiles to both languages, and both must mean the same deployment.  Inside a
property value CloudFormation gives meaning to two things Terraform does not:

- an object key `Ref` or `Fn::...`: an intrinsic function (`Fn::Sub` fills in names,
  `Fn::ImportValue` reads another stack's export, `Fn::Transform` with `AWS::Include`
  pulls in a template snippet);
- `{{resolve:...}}` in a string: a dynamic reference, replaced at deploy time by a value
  from SSM Parameter Store or Secrets Manager.

Terraform writes both as plain text (a policy that literally names `Fn::Sub`).  The walk
covers every property value of every resource and connection, at any depth, so free-form
JSON documents (policies, event patterns, state machine definitions) and free-form strings
(descriptions ...) are all checked, and a new catalog property is covered without a list.
Closed properties (enums, patterns) cannot hold these values anyway.
"""

from __future__ import annotations

import re

from .errors import Problem, json_path

INTRINSIC = re.compile(r"^(Ref|Fn::.*)$")
DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:([A-Za-z-]*)", re.IGNORECASE)

WHY = "so the CloudFormation and Terraform outputs would not mean the same; write the value itself"
_FUNCTIONS = {
    "Fn::Sub": "substitutes names and attributes into the text",
    "Fn::ImportValue": "reads a value another stack exports",
    "Fn::Transform": "runs a macro (AWS::Include pulls in a template snippet)",
    "Ref": "refers to a parameter or resource",
}
_STORES = {"ssm": "SSM Parameter Store", "ssm-secure": "SSM Parameter Store (secure string)",
           "secretsmanager": "Secrets Manager"}


REFER = 'to refer to a resource write {"ref": "<id>"} or {"ref": "<id>", "attribute": "<name>"}'
_REFERRING = ("Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join")  # what a pasted template uses to name another resource


def _intrinsic_message(key: str) -> str:
    does = _FUNCTIONS.get(key, "is evaluated by CloudFormation")
    hint = f"; {REFER}" if key in _REFERRING else ""
    return f"{key!r} is a CloudFormation intrinsic function (it {does}); Terraform would keep it as plain text, {WHY}{hint}"


def _dynamic_message(service: str) -> str:
    store = _STORES.get(service.lower(), "another AWS service")
    return (f"'{{{{resolve:{service}:...}}}}' is a CloudFormation dynamic reference (CloudFormation replaces it "
            f"with a value from {store} at deploy time); Terraform would keep the text, {WHY}")


def value_problems(value, base: list, owner: str) -> list[Problem]:
    """Problems of one property value (`base` is its JSON path as a list).  Iterative: a
    deeply nested document cannot exhaust the stack."""
    if not _suspect(value):
        return []
    out = []
    stack = [(value, base)]
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            found = DYNAMIC_REFERENCE.search(node)
            if found:
                out.append(Problem(json_path(path), _dynamic_message(found.group(1)), owner))
        elif isinstance(node, dict):
            for key, item in node.items():
                if isinstance(key, str) and INTRINSIC.match(key):
                    out.append(Problem(json_path([*path, key]), _intrinsic_message(key), owner))
                stack.append((item, [*path, key]))
        elif isinstance(node, list):
            stack.extend((item, [*path, index]) for index, item in enumerate(node))
    return out


def _suspect(value) -> bool:
    """Whether a value may hold something value_problems reports: the common case, fast (no
    paths built, a string searched only when it holds `{{`).  It may say yes wrongly, never no."""
    stack = [value]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        node = pop()
        kind = type(node)
        if kind is str:
            if "{{" in node:
                return True
        elif kind is dict:
            for key, item in node.items():
                if type(key) is not str or key == "Ref" or key.startswith("Fn::"):
                    return True
                push(item)
        elif kind is list:
            extend(node)
        elif isinstance(node, (str, dict, list)):  # a subclass: the careful walk decides
            return True
    return False


def problems(data: dict) -> list[Problem]:
    """Every CloudFormation-only value in the properties of a design's resources and connections."""
    out = []
    for section in ("resources", "connections"):
        for item_id, item in sorted(data[section].items()):
            properties = item.get("properties") or {}
            if isinstance(properties, dict):
                out.extend(value_problems(properties, [section, item_id, "properties"], item_id))
    return out
