"""Terraform attributes -> CloudFormation properties, as far as the catalog itself says how.

Every catalog part is written in both languages (`Emit.cfn` and `Emit.tf`, with the same
placeholders), so where one Terraform attribute and one CloudFormation property hold the
same placeholder (`visibility_timeout_seconds: P("visibility_timeout")` beside
`VisibilityTimeout: P("visibility_timeout")`) they mean the same setting.  Those pairs,
gathered over every part of a (Terraform type, CloudFormation type), are the only
correspondence used: a Terraform resource no catalog entry reproduces can still be kept as a
generic resource when each of its attributes has such a pair; otherwise it is not
understood, naming the attributes without one.  No per-type table is written by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from ...catalog import CATALOG
from ...catalog import spec as s
from ...compiler.expr import Block, JsonEncode
from ...generic import CFN_TYPE


@dataclass(frozen=True)
class Pair:
    cfn_key: str
    json: bool = False  # Terraform writes jsonencode(...) of what CloudFormation holds structured
    tags: str = ""  # a Tags placeholder: CloudFormation's style ("list" of Key/Value or "map")


class NoCounterpart(ValueError):
    """A Terraform resource the catalog's pairs cannot write as CloudFormation."""


@lru_cache(maxsize=1)
def cfn_types() -> dict[str, tuple]:
    """Terraform type -> the CloudFormation types catalog parts emit beside it."""
    out: dict[str, set] = {}
    for entry in CATALOG.values():
        for emit in entry.emits:
            if emit.tf_type and emit.cfn_type:
                out.setdefault(emit.tf_type, set()).add(emit.cfn_type)
    return {k: tuple(sorted(v)) for k, v in out.items()}


@lru_cache(maxsize=512)
def pairs(tf_type: str, cfn_type: str) -> dict[str, Pair]:
    """Terraform attribute -> its CloudFormation property, from every catalog part of these two types
    (an attribute two parts pair differently is left out: ambiguous)."""
    found: dict[str, set] = {}
    for entry in CATALOG.values():
        for emit in entry.emits:
            if emit.tf_type == tf_type and emit.cfn_type == cfn_type:
                for tf_key, pair in _emit_pairs(emit).items():
                    found.setdefault(tf_key, set()).add(pair)
    return {k: next(iter(v)) for k, v in found.items() if len(v) == 1}


def _emit_pairs(emit: s.Emit) -> dict[str, Pair]:
    out = {}
    cfn_items = [(k, _shape(v)) for k, v in emit.cfn.items()]
    for tf_key, tf_value in emit.tf.items():
        shape = _shape(tf_value)
        if not _placeholder(shape):
            continue  # a literal pairs with any literal of the same value: no meaning
        same = [k for k, v in cfn_items if v == shape]
        if len(same) == 1:
            tags = emit.cfn[same[0]].style if isinstance(emit.cfn[same[0]], s.Tags) else ""
            out[tf_key] = Pair(same[0], json=_is_json(tf_value), tags=tags)
    return out


def _shape(value):
    """The value with Terraform's own wrappers taken off (what CloudFormation holds)."""
    if isinstance(value, JsonEncode):
        return _shape(value.value)
    if isinstance(value, Block):
        return {k: _shape(v) for k, v in value.body.items()}
    if isinstance(value, s.If):
        return s.If(value.prop, value.equals, _shape(value.then), _shape(value.otherwise))
    if isinstance(value, s.Tags):
        return s.Tags()  # the style differs by language, the meaning does not
    if isinstance(value, dict):
        return tuple(sorted((k, _shape(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_shape(v) for v in value)
    return value


def _is_json(value) -> bool:
    if isinstance(value, s.If):
        return _is_json(value.then) or _is_json(value.otherwise)
    return isinstance(value, JsonEncode)


def _placeholder(shape) -> bool:
    if isinstance(shape, tuple):
        return any(_placeholder(v) for v in shape)
    return hasattr(shape, "__dataclass_fields__")


CLOUD_CONTROL = "aws_cloudcontrolapi_resource"


def to_cfn(tf_type: str, attributes: dict) -> tuple[str, dict]:
    """(CloudFormation type, properties) for a Terraform resource's attributes; raises NoCounterpart."""
    if tf_type == CLOUD_CONTROL:
        return _cloud_control(attributes)
    types = cfn_types().get(tf_type, ())
    if not types:
        raise NoCounterpart(f"no catalog part pairs {tf_type} with a CloudFormation type, so its attributes cannot be "
                            "written as CloudFormation properties (a generic resource needs them) without a "
                            "hand-written per-type table")
    reasons = []
    for cfn_type in types:
        table = pairs(tf_type, cfn_type)
        missing = sorted(set(attributes) - set(table))
        if missing:
            reasons.append(f"as {cfn_type}: the catalog pairs no CloudFormation property with "
                           f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}")
            continue
        try:
            return cfn_type, {table[k].cfn_key: _converted(v, table[k]) for k, v in attributes.items()}
        except NoCounterpart as exc:
            reasons.append(f"as {cfn_type}: {exc}")
    raise NoCounterpart("; ".join(reasons) + " (without a hand-written per-type table nothing else says how)")


def _cloud_control(attributes: dict) -> tuple[str, dict]:
    """A Cloud Control resource is a registry type with its CloudFormation properties already
    (`type_name`, `desired_state = jsonencode({...})`: what generic resources compile to)."""
    name, state = attributes.get("type_name"), attributes.get("desired_state", "{}")
    if not isinstance(name, str) or not CFN_TYPE.match(name):
        raise NoCounterpart(f"its type_name {name!r} is not a CloudFormation type name")
    others = sorted(set(attributes) - {"type_name", "desired_state", "schema", "role_arn"})
    if others:
        raise NoCounterpart(f"{', '.join(others)} has no CloudFormation counterpart")
    if isinstance(state, str):
        try:
            state = json.loads(state)
        except ValueError:
            raise NoCounterpart("its desired_state is not JSON") from None
    if not isinstance(state, dict):
        raise NoCounterpart("its desired_state is not an object of properties")
    unknown = _first_null(state)
    if unknown is not None:
        raise NoCounterpart(f"desired_state.{unknown} is a value the static reader cannot evaluate (known only when "
                            "Terraform runs): import a plan's JSON")
    return name, state


def _first_null(value, path: str = "") -> str | None:
    """The path of the first null in a decoded desired_state (what an unknown value became)."""
    if value is None:
        return path or "(all)"
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _first_null(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def _converted(value, pair: Pair):
    if pair.json and isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise NoCounterpart(f"{pair.cfn_key} is jsonencode(...) in the catalog, the source's text is not JSON") from None
    if pair.tags:
        if not isinstance(value, dict):
            raise NoCounterpart("tags that are not a map")
        if pair.tags == "list":
            return [{"Key": k, "Value": v} for k, v in value.items()]
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict) and not pair.tags:
        return value[0]  # a nested block, read as a list of one
    return value


__all__ = ["NoCounterpart", "Pair", "cfn_types", "pairs", "to_cfn"]
