"""Every problem of a generic resource, each with its JSON path: the type, its place, its
references and its properties (read-only ones refused, required ones required, the rest
checked against the type's registry schema for the design's region)."""

from __future__ import annotations

import difflib

from ..design import expressions
from ..design.errors import Problem, json_path
from . import CFN_TYPE, cfn_type, is_generic, references, registry, schema_check
from .catalog_targets import primary, ref_problem


def resource_problems(rid: str, data: dict, catalog: dict) -> list[Problem]:
    resources, region = data["resources"], data["meta"]["region"]
    res = resources[rid]
    base = ["resources", rid]
    name = cfn_type(res["type"])
    try:
        found = _type_problem(name, region)
        if found:
            return [Problem(json_path([*base, "type"]), found, rid)]
        profile = registry.profile(region, name)
    except registry.RegistryUnavailable as exc:
        return [Problem(json_path([*base, "type"]), f"{name} cannot be checked: {exc}", rid)]
    out = []
    if res.get("parent") is not None:
        out.append(Problem(json_path([*base, "parent"]), "a generic resource sits at the top level: refer to a VPC "
                           'or subnet in its properties instead ({"ref": "<id>"})', rid))
    props = res.get("properties", {})
    where = [*base, "properties"]
    for ref in references.find(props):
        message = _reference_problem(ref, rid, resources, region, catalog)
        if message:
            out.append(Problem(json_path([*where, *ref.path]), message, rid))
    # intrinsics pasted from a template (Ref, Fn::GetAtt ...) are refused for every resource by design/portable.py
    for pointer in profile.read_only:
        for path in _present(props, pointer.split("/")[2:]):
            attribute = ".".join(str(p) for p in path if not isinstance(p, int))
            out.append(Problem(json_path([*where, *path]), f"{attribute} is read-only: AWS sets it (read it elsewhere with "
                               f'{{"ref": "{rid}", "attribute": "{attribute}"}})', rid))
    for path, message in expressions.value_problems(props, [], data["meta"]):
        out.append(Problem(json_path([*where, *path]), message, rid))
    checked = schema_check.placeholders(props)
    for path, message in schema_check.problems((profile.region, name), profile.schema, checked):
        out.append(Problem(json_path([*where, *path]), message, rid))
    return out


def _type_problem(name: str, region: str) -> str | None:
    if not CFN_TYPE.match(name):
        return f"{name!r} is not a CloudFormation type name (like AWS::SQS::Queue)"
    if name.startswith(registry.EXCLUDED_PREFIXES):
        return f"{name} is a SAM type: it needs the template's Transform, which designs do not add"
    if name in registry.type_set(region):
        return None
    if registry.known(name):
        return f"{name} is not available in {region}"
    near = difflib.get_close_matches(name, registry.types(registry.BASE_REGION), n=3, cutoff=0.75)
    hint = f" (did you mean {', '.join(near)}?)" if near else "; `isshoni catalog --cfn-types WORDS` searches the registry"
    return f"unknown CloudFormation type {name}{hint}"


def _reference_problem(ref: references.Reference, rid: str, resources: dict, region: str, catalog: dict) -> str | None:
    if not ref.well_formed:
        return references.SHAPE
    if ref.target == rid:
        return "a resource cannot refer to itself"
    if ref.target not in resources:
        return f"refers to {ref.target!r}, which is not in the design"
    ttype = resources[ref.target]["type"]
    if is_generic(ttype):
        if ref.attribute is None or _type_problem(cfn_type(ttype), region):
            return None  # a bad target type is reported on the target
        return _attribute_problem(ref, cfn_type(ttype), region)
    entry = catalog.get(ttype)
    if entry is None:
        return None  # reported on the target
    if ref.attribute is None:
        return ref_problem(entry)
    part = primary(entry)
    if part is None:
        return ref_problem(entry)
    return _attribute_problem(ref, part.cfn_type, region)


def _attribute_problem(ref: references.Reference, target_type: str, region: str) -> str | None:
    attributes = registry.profile(region, target_type).attributes
    if ref.attribute in attributes:
        return None
    near = difflib.get_close_matches(ref.attribute, attributes, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(near)}?" if near else f"it has: {', '.join(attributes[:30]) or 'none'}"
    return f"{ref.target!r} ({target_type}) has no attribute {ref.attribute!r}; {hint}"


def _present(value, pointer: list[str], path: tuple = ()):
    """Paths in `value` that a registry JSON pointer (`*` for any list item) reaches."""
    if not pointer:
        yield path
        return
    head, rest = pointer[0], pointer[1:]
    if head == "*" and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _present(item, rest, (*path, index))
    elif isinstance(value, dict) and head in value:
        yield from _present(value[head], rest, (*path, head))


__all__ = ["resource_problems"]
