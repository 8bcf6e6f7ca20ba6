"""Which design property holds a drifted setting, so "adopt live value" can write it.

The catalog says what each type emits, with its design properties as placeholders
(catalog/spec.py); a drifted setting's path in the part's template (`PointInTimeRecoverySpecification.
PointInTimeRecoveryEnabled`) is walked through that template: a `P(name)` at its end is the
property (the live value converted to the property's type); an `If(prop, equals, then)` on the
way decides a boolean or choice property by whether the live value is there.  A literal, a
name the compiler makes, or a setting of a part the catalog derives is not the design's to
hold: the answer says so, and "re-apply" is the way back.
"""

from __future__ import annotations

from ..catalog import CATALOG
from ..catalog import spec as s
from ..compiler.expr import Block

UNASKED_RULES = "(rules the design does not make)"  # verify/network.py's path for a group's extra rules


def adoption(design, rid: str, difference: dict) -> dict:
    """{"property", "value"} when the design can hold the live value, else {"why"}."""
    if str(difference.get("path", "")).endswith(UNASKED_RULES):
        return {"why": "rules made outside Isshoni: neither engine removes a rule it did not make, so re-apply keeps "
                       "them; revoke them in the account, or add a security group node for them to the design"}
    resource = design.resources.get(rid) or {}
    entry = CATALOG.get(str(resource.get("type", "")))
    if entry is None:
        return {"why": "a generic resource: set the live value in its properties by hand, or re-apply"}
    if difference.get("part") != rid:
        return {"why": f"{difference.get('part')} is made by the catalog from {rid}'s connections and type: re-apply to restore it"}
    primary = next((e for e in entry.emits if e.key == ""), None)
    path = str(difference.get("path") or "")
    if primary is None or not path or " " in path:
        return {"why": "the design has no property for this: re-apply to restore it"}
    template = primary.tf if difference.get("side") == "tf" else primary.cfn
    found = _walk(template, path.split("."))
    if found is None:
        return {"why": f"the catalog's {entry.type} does not set {path}: re-apply to restore it"}
    leaf, condition = found
    live = difference.get("live")
    if isinstance(leaf, s.P):
        return _typed(entry, leaf.name, live)
    if condition is not None and isinstance(condition.equals, bool):
        present = live not in (None, "", [], {}, False)
        return _typed(entry, condition.prop, condition.equals if present else not condition.equals)
    return {"why": f"the catalog's {entry.type} always sets {path} to {_plain(leaf)}: re-apply to restore it"}


def _walk(template, steps: list[str]):
    """(the template's value at `steps`, the innermost If passed on the way), or None."""
    value, condition = template, None
    for step in steps:
        while isinstance(value, s.If):
            condition = value
            value = value.then
        if isinstance(value, Block):
            value = value.body
        if isinstance(value, list) and len(value) == 1:  # a Terraform block as state holds it: [ {...} ]
            value = value[0].body if isinstance(value[0], Block) else value[0]
        if not isinstance(value, dict) or step not in value:
            return None
        value = value[step]
    while isinstance(value, s.If):
        condition, value = value, value.then
    return value, condition


def _typed(entry, name: str, live) -> dict:
    schema = entry.properties.get(name)
    if schema is None or name.startswith("@"):
        return {"why": f"{name} is not one of {entry.type}'s properties: re-apply to restore it"}
    kind = schema.get("type")
    try:
        if kind == "boolean":
            value = live if isinstance(live, bool) else str(live).strip().lower() == "true"
        elif kind == "integer":
            value = int(live)
        elif kind == "number":
            value = float(live)
        elif kind == "string":
            value = "" if live is None else str(live)
        else:
            value = live
    except (TypeError, ValueError):
        return {"why": f"the live value {live!r} is not a {kind} for {name}: re-apply to restore it"}
    allowed = schema.get("enum")
    if allowed and value not in allowed:
        return {"why": f"the live value {value!r} is not one {name} allows ({', '.join(map(str, allowed))}): re-apply"}
    return {"property": name, "value": value}


def _plain(value) -> str:
    return repr(value) if isinstance(value, (str, int, float, bool)) else "a value the compiler makes"
