"""What the messaging entries share: JSON document properties, resource policies, ARNs."""

from __future__ import annotations

from ..compiler.expr import JsonEncode
from .spec import Emit, SelfAttr, Slot, enum

ACCESS = {"access": enum(("read", "write", "readwrite"), "readwrite", "What the state machine may do with it")}
LAMBDA = ("lambda_function",)

# A user-written JSON document (event pattern, state machine definition) lands
# in CloudFormation as structure, where `Ref` and `Fn::*` keys would be
# evaluated as intrinsics; the schema refuses those keys at any depth.
_NOT_INTRINSIC = {"not": {"pattern": r"^(Ref|Fn::.*)$"}}


def json_document(name: str, default: dict, description: str) -> dict:
    """A JSON-object property whose keys, at any depth, are never CloudFormation intrinsics."""
    return {
        "$id": f"https://isshoni.dev/schemas/json-document/{name}",  # an http(s) base: fastjsonschema resolves `#/$defs` against it
        "type": "object",
        "description": description,
        "default": default,
        # the top level is the value rule spelled out, not a `$ref` beside `$id`:
        # fastjsonschema (draft-07 habits) ignores the siblings of a `$ref`
        "propertyNames": _NOT_INTRINSIC,
        "additionalProperties": {"$ref": "#/$defs/value"},
        "$defs": {
            "value": {"propertyNames": _NOT_INTRINSIC, "additionalProperties": {"$ref": "#/$defs/value"}, "items": {"$ref": "#/$defs/value"}},
        },
    }


def _when(parts: tuple, when: tuple) -> tuple:
    return tuple(Emit(p.key, p.cfn_type, p.cfn, p.tf_type, p.tf, when, p.depends_on) for p in parts)


def _resource_policy(cfn_type: str, cfn_target: dict, tf_type: str, tf_target: dict) -> Emit:
    """A resource policy holding the statements connections put into Slot('policy')."""
    doc = {"Version": "2012-10-17", "Statement": Slot("policy")}
    return Emit(
        "policy", cfn_type, {**cfn_target, "PolicyDocument": doc}, tf_type, {**tf_target, "policy": JsonEncode(doc)}, when=("@slot", "policy")
    )


ARN = SelfAttr("", "Arn", "arn")

