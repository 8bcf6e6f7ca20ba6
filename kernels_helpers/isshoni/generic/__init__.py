"""Generic resources: any type of the CloudFormation registry as a design node.

The curated catalog is where smart wiring lives (a connection that means a
security-group rule and an IAM policy).  A generic resource is how nothing is
out of reach: a design resource of type `cfn:<CloudFormation type>`, e.g.
`cfn:AWS::SQS::Queue`, whose `properties` are CloudFormation's own, checked
against the type's registry schema (the one cfn-lint ships).  A property
value may be a design reference, `{"ref": "<id>"}` or `{"ref": "<id>",
"attribute": "Arn"}`, which compiles to `Ref` / `Fn::GetAtt` and to the
matching Terraform expression, and which the canvas draws as a connection.

This package never imports cfn-lint at import time: `registry` reaches it
only when a schema is not in the user's cache yet.
"""

from __future__ import annotations

import re

PREFIX = "cfn:"
CATEGORY = "generic"
ICON = "generic"
# Three `::`-separated names, as every registry resource type has (AWS::SQS::Queue).
CFN_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9]*::[A-Za-z0-9]+::[A-Za-z0-9]+$")


def is_generic(design_type: object) -> bool:
    return isinstance(design_type, str) and design_type.startswith(PREFIX)


def cfn_type(design_type: str) -> str:
    """`cfn:AWS::SQS::Queue` -> `AWS::SQS::Queue`."""
    return design_type[len(PREFIX):]


def design_type(cfn: str) -> str:
    """`AWS::SQS::Queue` -> `cfn:AWS::SQS::Queue` (the prefix is not doubled)."""
    return cfn if cfn.startswith(PREFIX) else PREFIX + cfn


def label(design_type_or_cfn: str) -> str:
    """A readable default label: `cfn:AWS::SQS::Queue` -> `SQS Queue`."""
    parts = design_type_or_cfn.removeprefix(PREFIX).split("::")
    return " ".join(parts[1:]) if len(parts) == 3 else design_type_or_cfn


def id_base(design_type_or_cfn: str) -> str:
    """The base of a new resource id: `cfn:AWS::SQS::Queue` -> `queue`, `...::VPCEndpoint` -> `vpc_endpoint`."""
    name = design_type_or_cfn.removeprefix(PREFIX).split("::")[-1]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower() or "resource"


__all__ = ["CATEGORY", "CFN_TYPE", "ICON", "PREFIX", "cfn_type", "design_type", "id_base", "is_generic", "label"]
