"""Does generating CloudFormation again give back what was imported? (issue 15, item 7)

For every resource the import kept (typed or generic): the regenerated template has the
same logical id, the same type, and every property the source set with the same value
(`Ref`/`Fn::GetAtt` in any spelling compare equal; numbers and booleans written as strings
compare by value; the standard tags the catalog adds may join the source's).  What the
catalog adds where the source was silent (a name, encryption, tags) is not a difference:
the import report lists it.  Shared by every importer's tests and by `isshoni import --check`.
"""

from __future__ import annotations

from .lift.expressions import to_design
from .lift.match import same_scalar
from .lift.values import Template, Unrepresentable, convert


def folded_names(design, report) -> dict[str, str]:
    """Source logical id -> the logical id the compiler gives it, for each resource folded into a typed node
    (a part the catalog entry makes: the compiler names it after the node, `NatGateway1EIP` -> `NatGateway1Eip`)."""
    from ..compiler import resolve

    by_owner: dict[tuple, list[str]] = {}
    for part in resolve(design).parts:
        if part.cfn_type and part.cfn_name != part.source:
            by_owner.setdefault((part.source, part.cfn_type), []).append(part.cfn_name)
    out = {}
    for entry in report.folded:
        names = by_owner.get((entry.design_id or "@design", entry.source_type), [])
        name = entry.source_id if entry.source_id in names else names[0] if names else None
        if name:
            names.remove(name)
            out[entry.source_id] = name
    return out


def differences(source: dict, generated: dict, kept: set[str], region: str = "us-east-1", renamed: dict | None = None) -> list[str]:
    """What the regenerated template lost or changed of the kept source resources (empty when none).

    Both sides are read as the import reads them (parameter defaults, mappings and the region's
    pseudo parameters filled in, as the report says), so what is compared is what deploys; a reference
    to a folded resource (`renamed`: folded_names) compares equal to one to the part it became."""
    from .cfn_source import plain
    from .cloudformation import parameter_defaults

    if renamed:
        source = {**source, "Resources": {rid: _renamed(res, renamed) for rid, res in source["Resources"].items()}}
    before = Template({*source["Resources"], *(renamed or {}).values()}, parameter_defaults(source), plain(source.get("Mappings") or {}), region)
    after = Template((generated.get("Resources") or {}).keys(), parameter_defaults(generated), plain(generated.get("Mappings") or {}), region)
    out = []
    theirs = generated.get("Resources") or {}
    for rid in sorted(kept):
        mine = source["Resources"][rid]
        other = theirs.get(rid)
        if other is None:
            out.append(f"{rid}: missing from the generated template")
            continue
        if other.get("Type") != mine.get("Type"):
            out.append(f"{rid}: type {mine.get('Type')} became {other.get('Type')}")
            continue
        props, again = mine.get("Properties") or {}, other.get("Properties") or {}
        for key in sorted(props):
            if key not in again:
                out.append(f"{rid}.{key}: missing")
            elif not same(_read(props[key], before), _read(again[key], after), tags=key == "Tags"):
                out.append(f"{rid}.{key}: {_short(props[key])} became {_short(again[key])}")
    return out


def same(a, b, tags: bool = False) -> bool:
    a, b = _canonical(a), _canonical(b)
    if tags and isinstance(a, list) and isinstance(b, list):
        return all(any(same(x, y) for y in b) for x in a)  # the source's tags are all still there
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return False
    return same_scalar(a, b)


def _read(value, template: Template):
    try:
        return convert(value, template)
    except Unrepresentable:
        pass
    try:  # an expression a generic resource keeps: compared as the design holds it (Fn::Join on '' = Fn::Sub)
        return to_design(value, template)
    except Unrepresentable:
        return value  # compared as written


def _canonical(value):
    if isinstance(value, dict) and len(value) == 1:
        (key, arg), = value.items()
        if key == "Fn::GetAtt" and isinstance(arg, str) and "." in arg:
            return {"Fn::GetAtt": arg.split(".", 1)}
        if key == "Fn::Sub" and isinstance(arg, str) and arg.startswith("${") and arg.endswith("}") and arg.count("${") == 1:
            inner = arg[2:-1]
            return {"Fn::GetAtt": inner.split(".", 1)} if "." in inner else {"Ref": inner}
    return value


def _renamed(value, names: dict):
    if isinstance(value, dict):
        if len(value) == 1:
            (key, arg), = value.items()
            if key == "Ref" and arg in names:
                return {"Ref": names[arg]}
            if key == "Fn::GetAtt":
                target, attribute = (arg.split(".", 1) if isinstance(arg, str) else (list(arg) + [None])[:2])
                if target in names:
                    return {"Fn::GetAtt": [names[target], attribute]}
        return {k: _renamed(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, names) for v in value]
    return value


def _short(value, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


__all__ = ["differences", "folded_names", "same"]
