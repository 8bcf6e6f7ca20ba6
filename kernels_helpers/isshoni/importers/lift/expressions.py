"""CloudFormation intrinsics -> design expressions, for the resources kept as generic ones.

A typed node is matched on values (lift.values reads parameter defaults and the region), but
a generic resource keeps what the template wrote: `Ref` of a parameter stays `{"param": P}`,
`Fn::If` stays `{"if": [...]}` on a condition the design declares, `Fn::Sub` becomes a join
of text and references (so its references are connections on the canvas), and so on
(design/expressions.py lists the shapes).  What no design expression means the same in
Terraform (`Fn::ImportValue`, `Fn::Cidr`, a macro, a dynamic reference, the stack's id or
notification ARNs) is refused with the path and line, as before.  `template_meta` then
declares, from the template, the parameters, mappings and conditions the kept values read.
"""

from __future__ import annotations

import re

from ...design.expressions import names_used
from .values import KNOWN_FUNCTIONS, Opaque, Template, Unrepresentable, _getatt, _line, _plain

PSEUDO = {"AWS::StackName": "stack_name", "AWS::Region": "region", "AWS::AccountId": "account_id",
          "AWS::Partition": "partition", "AWS::URLSuffix": "url_suffix", "AWS::NoValue": "no_value"}
_FUNCTIONS = {"Fn::Join": "join", "Fn::Select": "select", "Fn::Split": "split", "Fn::Base64": "base64"}
_CONDITIONS = {"Fn::Equals": "equals", "Fn::And": "and", "Fn::Or": "or", "Fn::Not": "not"}
_WHY = "no design expression means the same in Terraform"
_VAR = re.compile(r"\$\{([^}]*)\}")
_DYNAMIC = re.compile(r"\{\{resolve:[A-Za-z-]*:", re.IGNORECASE)


def to_design(value, template: Template, path: tuple = (), line: int | None = None):
    """A raw CloudFormation value as a design value; raises Unrepresentable."""
    if isinstance(value, dict):
        line = _line(value, line)
        if len(value) == 1:
            (key, arg), = value.items()
            key = str(key)
            if key == "Ref" or key.startswith("Fn::"):
                return _function(key, arg, template, path, line)
        return {str(k): to_design(v, template, (*path, k), line) for k, v in value.items()}
    if isinstance(value, list):
        return [to_design(v, template, (*path, i), line) for i, v in enumerate(value)]
    if isinstance(value, str):
        if _DYNAMIC.search(value):
            raise Unrepresentable(f"a dynamic reference ({{{{resolve:...}}}}) is read by CloudFormation at deploy time; {_WHY}", path, line)
        return str(value)
    return value


def _function(key: str, arg, template: Template, path, line):
    if key not in KNOWN_FUNCTIONS:
        raise Unrepresentable(f"{key} is not a CloudFormation intrinsic function", path, line)
    if key == "Ref":
        return _ref(str(arg), template, path, line)
    if key == "Fn::GetAtt":
        target, attribute = _getatt(arg)
        if target is None or target not in template.resources:
            raise Unrepresentable(f"Fn::GetAtt of {arg!r}, which is not a resource of the template", path, line)
        return {"ref": target, "attribute": attribute}
    if key == "Fn::Sub":
        return _sub(arg, template, path, line)
    if key == "Fn::If" and isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str):
        return {"if": [str(arg[0]), to_design(arg[1], template, path, line), to_design(arg[2], template, path, line)]}
    if key == "Fn::FindInMap" and isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str):
        if not _mapping_ok(template.mappings.get(str(arg[0]))):
            raise Unrepresentable(f"Fn::FindInMap reads the mapping {arg[0]!r}, which is not a table of text and numbers", path, line)
        return {"find_in_map": [str(arg[0]), *(to_design(a, template, path, line) for a in arg[1:])]}
    if key == "Fn::GetAZs":
        if arg in ("", {"Ref": "AWS::Region"}):
            return {"get_azs": ""}
        raise Unrepresentable(f"Fn::GetAZs of another region ({arg!r}): Terraform reads the zones of its own region only", path, line)
    if key in _FUNCTIONS:
        name = _FUNCTIONS[key]
        if name == "base64":
            return {name: to_design(arg, template, path, line)}
        if isinstance(arg, list) and len(arg) == 2 and (name != "join" and name != "split" or isinstance(arg[0], str)):
            first = arg[0]
            if name == "select" and isinstance(first, str) and first.isdigit():
                first = int(first)
            elif name == "select":
                first = to_design(first, template, path, line)
            second = to_design(arg[1], template, path, line)
            if name == "join" and first == "" and isinstance(second, list):
                return _joined(second)
            return {name: [str(first) if isinstance(first, str) else first, second]}
        raise Unrepresentable(f"{key} with arguments {_plain(arg)!r} is not well formed", path, line)
    raise Unrepresentable(f"{key} is evaluated by CloudFormation; {_WHY}", path, line)


def _ref(name: str, template: Template, path, line):
    if name in template.resources:
        return {"ref": name}
    if name in template.parameters:
        return {"param": name}
    if name in PSEUDO:
        return {"pseudo": PSEUDO[name]}
    raise Unrepresentable(f"Ref to {name!r}: {'a pseudo parameter ' + _WHY if name.startswith('AWS::') else 'neither a resource nor a parameter of the template'}", path, line)


def _sub(arg, template: Template, path, line):
    text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1]) if (
        isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict)) else (None, None)
    if text is None:
        raise Unrepresentable(f"Fn::Sub needs a string or [string, variables], not {_plain(arg)!r}", path, line)
    parts: list = []
    at = 0
    for found in _VAR.finditer(text):
        parts.append(text[at:found.start()])
        at = found.end()
        name = found.group(1).strip()
        if name.startswith("!"):
            parts.append("${" + name[1:] + "}")
        elif name in variables:
            parts.append(to_design(variables[name], template, path, line))
        elif "." in name:
            target, _, attribute = name.partition(".")
            if target not in template.resources:
                raise Unrepresentable(f"Fn::Sub names {name!r}, which is not a resource attribute of the template", path, line)
            parts.append({"ref": target, "attribute": attribute})
        else:
            parts.append(_ref(name, template, path, line))
    parts.append(text[at:])
    return _joined(parts)


def _joined(parts: list):
    """Text made of parts: adjacent texts as one, a single value as itself, all text as text (so
    `Fn::Join` on '' and `Fn::Sub` of the same text are the same design value)."""
    flat: list = []
    for part in parts:  # text inside text (a Fn::Sub inside a Fn::Join on ''): one text
        inner = part.get("join") if isinstance(part, dict) and len(part) == 1 else None
        flat.extend(inner[1] if isinstance(inner, list) and inner[0] == "" else [part])
    folded: list = []
    for part in flat:
        if isinstance(part, str) and folded and isinstance(folded[-1], str):
            folded[-1] += part
        elif part != "":
            folded.append(part)
    if all(isinstance(p, str) for p in folded):
        return "".join(folded)
    return folded[0] if len(folded) == 1 and not isinstance(folded[0], str) else {"join": ["", folded]}


def opened(value, template: Template | None = None):
    """`value` with each Opaque a Terraform source gave (a name from var.name_prefix, a variable asked
    at deploy time when `template` declares it) as its design expression where it has one; the rest
    stay Opaque (and refuse the resource, with the reason)."""
    if type(value) is Opaque:
        try:
            return to_design(value.raw, template or Template())
        except Unrepresentable:
            return value
    if isinstance(value, dict):
        return {k: opened(v, template) for k, v in value.items()}
    if isinstance(value, list):
        return [opened(v, template) for v in value]
    return value


def _mapping_ok(table) -> bool:
    def scalar(v):
        return isinstance(v, (str, int, float)) and not isinstance(v, bool)

    return isinstance(table, dict) and all(
        isinstance(row, dict) and all(scalar(v) or isinstance(v, list) and all(map(scalar, v)) for v in row.values())
        for row in table.values())


def condition(body, template: Template, name: str):
    """A template condition as a design condition."""
    path = ("Conditions", name)
    if isinstance(body, dict) and len(body) == 1:
        (key, arg), = body.items()
        key = str(key)
        if key == "Condition" and isinstance(arg, str):
            return {"condition": str(arg)}
        if key in _CONDITIONS and isinstance(arg, list):
            if key == "Fn::Equals":
                return {"equals": [to_design(a, template, path) for a in arg]}
            return {_CONDITIONS[key]: [condition(a, template, name) for a in arg]}
    raise Unrepresentable(f"condition {name} is not Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition", path, _line(body, None))


def _parameter_type() -> re.Pattern:
    """The CloudFormation parameter types a design parameter may have: the design schema's own pattern."""
    from ...design.validate import schema

    parameters = schema()["properties"]["meta"]["properties"]["parameters"]
    return re.compile(parameters["additionalProperties"]["properties"]["type"]["pattern"])


PARAMETER_TYPE = _parameter_type()


def conditions_read(value, template: Template, raw: dict, own: set = frozenset()) -> dict:
    """Name -> design condition of every template condition `value` reads with Fn::If, with `own`
    (resources' own conditions), and of those each of them names; raises Unrepresentable for one
    the template does not declare or the design cannot hold."""
    found: dict = {}
    stack = sorted(names_used(value, "if") | set(own))
    while stack:
        name = stack.pop()
        if name in found:
            continue
        body = (raw.get("Conditions") or {}).get(name)
        if body is None:
            what = "made only when the condition" if name in own and name not in names_used(value, "if") else "Fn::If on the condition"
            raise Unrepresentable(f"{what} {name}, which the template does not declare", ("Conditions",), None)
        found[name] = condition(body, template, name)
        stack.extend(names_used(found[name], "condition"))
    return found


def kept(res, template: Template, raw: dict):
    """A resource's properties as a generic resource keeps them, or the Unrepresentable saying why
    not: every condition they read (and those it reads) must be one the design can hold, and
    every parameter one of a type it can declare."""
    try:
        value = to_design(res.properties, template, (), res.line)
        reads = [value, *conditions_read(value, template, raw, {res.condition} if res.condition else set()).values()]
        for name in sorted(set().union(*(names_used(v, "param") for v in reads))):
            kind = str(((raw.get("Parameters") or {}).get(name) or {}).get("Type", "String"))
            if not PARAMETER_TYPE.match(kind):
                raise Unrepresentable(f"Ref to the parameter {name} of type {kind}, which a design parameter cannot be", (), res.line)
        return value
    except Unrepresentable as exc:
        return exc if exc.line is not None else Unrepresentable(exc.reason, exc.path, res.line)


_PARAMETER_FIELDS = {"Default": "default", "Description": "description", "AllowedValues": "allowed_values",
                     "AllowedPattern": "allowed_pattern", "MinValue": "min_value", "MaxValue": "max_value"}


def template_meta(resources: dict, raw: dict, template: Template) -> tuple[dict, list[str]]:
    """The `meta` sections (parameters, mappings, conditions) the design's values read, declared
    from the template `raw`, and notes on what was left out of them."""
    notes: list[str] = []
    values = [r.get("properties", {}) for r in resources.values()]
    own = {r["condition"] for r in resources.values() if r.get("condition")}  # resources made on a condition
    found = conditions_read(values, template, raw, own)
    conditions = {name: found[name] for name in sorted(found)}
    reads = [*values, *conditions.values()]
    parameters = {}
    for name in sorted(set().union(*(names_used(v, "param") for v in reads)) if reads else ()):
        body = _plain((raw.get("Parameters") or {}).get(name) or {})
        spec = {"type": str(body.get("Type", "String"))}
        for key, field in _PARAMETER_FIELDS.items():
            if key not in body:
                continue
            value = body[key]
            if field in ("min_value", "max_value"):
                value = _number(value)
            elif field == "allowed_values":
                value = [_scalar(v) for v in value] if isinstance(value, list) else None
            elif field == "default":
                value = _scalar(value) if not isinstance(value, list) else ",".join(map(str, value))
            else:
                value = str(value)
            if value is None:
                notes.append(f"parameter {name}: {key} {body[key]!r} not kept (not what the field holds)")
            else:
                spec[field] = value
        if str(body.get("NoEcho", "")).lower() == "true":
            spec["no_echo"] = True
            if spec.pop("default", None) is not None:
                notes.append(f"parameter {name}: NoEcho, so its default is not written into the design (give it when deploying)")
        for key in sorted(set(body) - set(_PARAMETER_FIELDS) - {"Type", "NoEcho"}):
            notes.append(f"parameter {name}: {key} not kept")
        parameters[name] = spec
    mappings = {name: _plain(template.mappings[name]) for name in sorted(set().union(*(names_used(v, "find_in_map") for v in reads)) if reads else ())}
    meta = {k: v for k, v in (("parameters", parameters), ("mappings", mappings), ("conditions", conditions)) if v}
    return meta, notes


def _scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, (int, float)) else str(value)


def _number(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    try:
        return float(value) if "." in str(value) else int(str(value))
    except ValueError:
        return None


__all__ = ["PARAMETER_TYPE", "condition", "conditions_read", "kept", "opened", "template_meta", "to_design"]
