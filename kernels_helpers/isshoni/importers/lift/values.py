"""CloudFormation property values -> design values.

A design property holds plain JSON and design references (`{"ref": id}` where CloudFormation
writes `Ref`, `{"ref": id, "attribute": A}` for `Fn::GetAtt`): design/portable.py refuses raw
intrinsics, because Terraform would keep them as text.  So `Ref`/`Fn::GetAtt` of a resource
(and `Fn::Sub` of exactly one of them) become references; every other intrinsic (a parameter,
a pseudo parameter, `Fn::If`, `Fn::FindInMap`, a dynamic reference ...) is refused with
`Unrepresentable`, naming the function, the property path and the line, so the importer
reports the resource as not understood instead of flattening the value silently.
"""

from __future__ import annotations

import re

KNOWN_FUNCTIONS = frozenset({
    "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::If", "Fn::Equals", "Fn::Not",
    "Fn::And", "Fn::Or", "Fn::FindInMap", "Fn::GetAZs", "Fn::ImportValue", "Fn::Base64", "Fn::Cidr",
    "Fn::Transform", "Fn::Length", "Fn::ToJsonString", "Fn::ForEach", "Condition",
})
PSEUDO = frozenset({"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region",
                    "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"})
_SUB_ONE = re.compile(r"^\$\{([A-Za-z0-9]+)(?:\.([A-Za-z0-9.]+))?\}$")
_DYNAMIC = re.compile(r"\{\{resolve:[A-Za-z-]*:", re.IGNORECASE)
_WHY = "the design holds plain values and references only (Terraform could not read CloudFormation functions)"


class Unrepresentable(ValueError):
    """A value the design cannot hold: `reason` says what, `path` where, `line` on which source line."""

    def __init__(self, reason: str, path: tuple, line: int | None):
        self.reason, self.path, self.line = reason, path, line
        super().__init__(f"{'.'.join(map(str, path)) or 'value'}: {reason}")


def _line(node, fallback):
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else fallback


def convert(value, resources, parameters, path: tuple = (), line: int | None = None):
    """`value` with references made design references; raises Unrepresentable.

    `resources` is the set of logical ids, `parameters` the template's parameter names."""
    if isinstance(value, dict):
        line = _line(value, line)
        if len(value) == 1:
            (key, arg), = value.items()
            if key == "Ref" or key.startswith("Fn::") or key == "Condition" and not isinstance(arg, dict):
                return _function(key, arg, resources, parameters, path, line)
        return {str(k): convert(v, resources, parameters, (*path, k), line) for k, v in value.items()}
    if isinstance(value, list):
        return [convert(v, resources, parameters, (*path, i), line) for i, v in enumerate(value)]
    if isinstance(value, str):
        if _DYNAMIC.search(value):
            raise Unrepresentable(f"a dynamic reference ({{{{resolve:...}}}}) is read by CloudFormation at deploy time; {_WHY}", path, line)
        return str(value)
    return value


def _function(key, arg, resources, parameters, path, line):
    if key not in KNOWN_FUNCTIONS:
        raise Unrepresentable(f"{key} is not a CloudFormation intrinsic function", path, line)
    if key == "Ref":
        if isinstance(arg, str) and arg in resources:
            return {"ref": arg}
        if isinstance(arg, str) and arg in parameters:
            raise Unrepresentable(f"Ref to the parameter {arg}: the design has no template parameters for this property; {_WHY}", path, line)
        if isinstance(arg, str) and arg in PSEUDO:
            raise Unrepresentable(f"Ref to the pseudo parameter {arg}; {_WHY}", path, line)
        raise Unrepresentable(f"Ref to {arg!r}, which is neither a resource nor a parameter of the template", path, line)
    if key == "Fn::GetAtt":
        target, attribute = _getatt(arg)
        if target is None:
            raise Unrepresentable(f"Fn::GetAtt needs [resource, attribute], not {arg!r}", path, line)
        if target not in resources:
            raise Unrepresentable(f"Fn::GetAtt of {target!r}, which is not a resource of the template", path, line)
        return {"ref": target, "attribute": attribute}
    if key == "Fn::Sub" and isinstance(arg, str):
        one = _SUB_ONE.match(arg)
        if one and one.group(1) in resources:
            return {"ref": one.group(1), **({"attribute": one.group(2)} if one.group(2) else {})}
    raise Unrepresentable(f"{key} is evaluated by CloudFormation; {_WHY}", path, line)


def _getatt(arg) -> tuple:
    if isinstance(arg, str) and "." in arg:
        target, _, attribute = arg.partition(".")
        return str(target), str(attribute)
    if isinstance(arg, list) and len(arg) == 2 and all(isinstance(a, str) for a in arg):
        return str(arg[0]), str(arg[1])
    return None, None


def references(value) -> set[str]:
    """The logical ids a raw CloudFormation value refers to (Ref, GetAtt, ${X} in Sub), for ordering."""
    found: set[str] = set()
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, arg in node.items():
                if key == "Ref" and isinstance(arg, str):
                    found.add(arg)
                elif key == "Fn::GetAtt":
                    target, _ = _getatt(arg)
                    if target:
                        found.add(target)
                elif key == "Fn::Sub":
                    text = arg[0] if isinstance(arg, list) and arg else arg
                    if isinstance(text, str):
                        found.update(m.split(".")[0] for m in re.findall(r"\$\{([^!}][^}]*)\}", text))
                stack.append(arg)
        elif isinstance(node, list):
            stack.extend(node)
    return found


__all__ = ["KNOWN_FUNCTIONS", "PSEUDO", "Unrepresentable", "convert", "references"]
