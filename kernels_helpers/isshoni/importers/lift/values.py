"""CloudFormation property values -> design values.

A design property holds plain JSON and design references (`{"ref": id}` where CloudFormation
writes `Ref`, `{"ref": id, "attribute": A}` for `Fn::GetAtt`): design/portable.py refuses raw
intrinsics, because Terraform would keep them as text.  So `Ref`/`Fn::GetAtt` of a resource
(and `Fn::Sub` of exactly one of them) become references; every other intrinsic (a parameter,
a pseudo parameter, `Fn::If`, `Fn::FindInMap`, a dynamic reference ...) is refused with
`Unrepresentable`, naming the function, the property path and the line, so the importer
reports the resource as not understood instead of flattening the value silently.  What the
template itself fixes is read, and said: a parameter's default, a mapping entry, the
region's pseudo parameters (and text made of them by Fn::Sub/Fn::Join).
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


class Opaque:
    """A value the design cannot hold as written, kept (not refused) while matching: a catalog
    entry may make exactly this value itself (a physical name from the stack's name, an ARN with
    the account id), and then nothing is lost.  Anything else still refuses it (`problem`)."""

    __slots__ = ("raw", "error")

    def __init__(self, raw, error: Unrepresentable):
        self.raw, self.error = raw, error

    def __eq__(self, other):
        return isinstance(other, Opaque) and self.raw == other.raw

    __hash__ = None

    def __repr__(self):
        return f"Opaque({self.raw!r})"


def first_opaque(value) -> Opaque | None:
    """The first value kept as an Opaque in converted properties (a generic resource cannot hold it)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if type(node) is Opaque:
            return node
        if isinstance(node, dict):
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    return None


def _line(node, fallback):
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else fallback


_NONE = NO_DEFAULT = object()  # a parameter without a default


class Template:
    """What values may read besides resources: parameter defaults, mappings, the region.

    A parameter with a default is read as that default and the pseudo parameters the region
    decides (AWS::Region, AWS::Partition, AWS::URLSuffix) as their values; `used` records each
    such reading so the report says where a value was fixed (never silently)."""

    def __init__(self, resources=(), parameters=None, mappings=None, region: str = "us-east-1"):
        self.resources = frozenset(resources)
        self.parameters = parameters or {}  # name -> default (or _NONE)
        self.mappings = mappings or {}
        partition = "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"
        self.pseudo = {"AWS::Region": region, "AWS::Partition": partition,
                       "AWS::URLSuffix": "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"}
        self.used: dict[str, set] = {}  # parameter, pseudo parameter or mapping -> resources that read it
        self.owner = ""
        self.lenient = False  # keep what the design cannot hold as Opaque values (for the matcher) instead of refusing it

    def read(self, name: str, path, line):
        if name in self.parameters:
            default = self.parameters[name]
            if default is _NONE:
                raise Unrepresentable(f"Ref to the parameter {name}, which has no default; the design has no template parameters", path, line)
            self.used.setdefault(f"parameter {name} = {default!r}", set()).add(self.owner)
            return default
        if name in self.pseudo:
            self.used.setdefault(f"{name} = {self.pseudo[name]!r}", set()).add(self.owner)
            return self.pseudo[name]
        if name in PSEUDO:
            raise Unrepresentable(f"Ref to the pseudo parameter {name}, known only when the stack deploys; {_WHY}", path, line)
        raise Unrepresentable(f"Ref to {name!r}, which is neither a resource nor a parameter of the template", path, line)


def convert(value, template: Template, path: tuple = (), line: int | None = None):
    """`value` with references made design references and what the template fixes filled in;
    raises Unrepresentable."""
    if isinstance(value, dict):
        line = _line(value, line)
        if len(value) == 1:
            (key, arg), = value.items()
            if key == "Ref" or key.startswith("Fn::") or key == "Condition" and not isinstance(arg, dict):
                if not template.lenient:
                    return _function(key, arg, template, path, line)
                try:
                    return _function(key, arg, template, path, line)
                except Unrepresentable as exc:
                    return Opaque(_plain(value), exc)
        return {str(k): convert(v, template, (*path, k), line) for k, v in value.items()}
    if isinstance(value, list):
        return [convert(v, template, (*path, i), line) for i, v in enumerate(value)]
    if isinstance(value, str):
        if _DYNAMIC.search(value):
            raise Unrepresentable(f"a dynamic reference ({{{{resolve:...}}}}) is read by CloudFormation at deploy time; {_WHY}", path, line)
        return str(value)
    return value


def _function(key, arg, template: Template, path, line):
    if key not in KNOWN_FUNCTIONS:
        raise Unrepresentable(f"{key} is not a CloudFormation intrinsic function", path, line)
    if key == "Ref":
        if isinstance(arg, str) and arg in template.resources:
            return {"ref": str(arg)}  # plain text: a YAML loader's string type must not reach the design
        return template.read(str(arg), path, line)
    if key == "Fn::GetAtt":
        target, attribute = _getatt(arg)
        if target is None:
            raise Unrepresentable(f"Fn::GetAtt needs [resource, attribute], not {arg!r}", path, line)
        if target not in template.resources:
            raise Unrepresentable(f"Fn::GetAtt of {target!r}, which is not a resource of the template", path, line)
        return {"ref": str(target), "attribute": str(attribute)}
    if key == "Fn::Sub":
        return _sub(arg, template, path, line)
    if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
        parts = convert(arg[1], template, path, line)
        if isinstance(parts, list) and all(isinstance(p, str) for p in parts):
            return str(arg[0]).join(map(str, parts))
    if key == "Fn::Select" and isinstance(arg, list) and len(arg) == 2:
        index, items = convert(arg[0], template, path, line), convert(arg[1], template, path, line)
        if isinstance(items, list) and str(index).isdigit() and int(index) < len(items):
            return items[int(index)]
    if key == "Fn::Split" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
        text = convert(arg[1], template, path, line)
        if isinstance(text, str):
            return text.split(str(arg[0]))
    if key == "Fn::FindInMap" and isinstance(arg, list) and len(arg) == 3:
        keys = [convert(a, template, path, line) for a in arg]
        if all(isinstance(k, str) for k in keys):
            found = template.mappings.get(keys[0], {}).get(keys[1], {}).get(keys[2], _NONE) if isinstance(template.mappings.get(keys[0]), dict) else _NONE
            if found is not _NONE:
                template.used.setdefault(f"mapping {keys[0]}", set()).add(template.owner)
                return convert(found, template, path, line)
            raise Unrepresentable(f"Fn::FindInMap {'/'.join(keys)} is not in the template's mappings", path, line)
    raise Unrepresentable(f"{key} is evaluated by CloudFormation from values known only at deploy time; {_WHY}", path, line)


_VAR = re.compile(r"\$\{([^}]*)\}")


def _sub(arg, template: Template, path, line):
    text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1]) if (
        isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict)) else (None, None)
    if text is None:
        raise Unrepresentable(f"Fn::Sub needs a string or [string, variables], not {arg!r}", path, line)
    one = _SUB_ONE.match(text)
    if one and one.group(1) in template.resources and one.group(1) not in variables:
        return {"ref": one.group(1), **({"attribute": one.group(2)} if one.group(2) else {})}

    def value(found):
        name = found.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"
        if name in variables:
            got = convert(variables[name], template, path, line)
        elif "." in name or name in template.resources:
            raise Unrepresentable(f"Fn::Sub names the resource {name.split('.')[0]} inside a longer text; the design "
                                  f"can hold a whole reference only ({_WHY})", path, line)
        else:
            got = template.read(name, path, line)
        if not isinstance(got, (str, int, float)) or isinstance(got, bool):
            raise Unrepresentable(f"Fn::Sub variable {name} is not text", path, line)
        return str(got)

    return _VAR.sub(value, text)


def _plain(value):
    """The raw value as plain JSON (the YAML loader's node classes taken off)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, str) else value


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


__all__ = ["KNOWN_FUNCTIONS", "NO_DEFAULT", "PSEUDO", "Opaque", "Template", "Unrepresentable", "convert", "first_opaque", "references"]
