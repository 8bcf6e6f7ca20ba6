"""resolved model -> CloudFormation template (YAML or JSON).

Intrinsics are written in their long form (`Ref`, `Fn::GetAtt`, `Fn::Join`),
which reads the same in YAML and JSON; every user string goes through the
YAML/JSON serialisers, which quote and escape it.
"""

from __future__ import annotations

import io

import orjson
import yaml

from . import expr as e
from .model import Resolved
from .names import cfn_identifier

PSEUDO = {
    "region": "AWS::Region",
    "account_id": "AWS::AccountId",
    "partition": "AWS::Partition",
    "name_prefix": "AWS::StackName",
}
# The stack name without its dashes, for names of letters and digits only.
PREFIX_ALNUM = {"Fn::Join": ["", {"Fn::Split": ["-", {"Ref": "AWS::StackName"}]}]}
NAMING = "Physical names start with the stack name: use at most 20 lowercase letters, digits and dashes"
PARAM_TYPES = {"string": "String", "integer": "Number", "number": "Number", "boolean": "String"}


class _Translator:
    def __init__(self, resolved: Resolved):
        self.names = {p.lid: p.cfn_name for p in resolved.parts}

    def value(self, v):
        """A property value with every expression turned into its intrinsic (plain data)."""
        kind = type(v)
        if kind is str or kind is int or kind is bool or kind is float or v is None:
            return v
        if kind is dict:
            value = self.value
            return {k: x if type(x) is str else value(x) for k, x in v.items()}
        if kind is list:
            value = self.value
            return [x if type(x) is str else value(x) for x in v]
        if kind in _EXPRESSIONS:
            return self.value(self.intrinsic(v))
        return v

    def intrinsic(self, v):
        """One expression as its intrinsic; what it holds (parts, a JSON value) is left as is.

        orjson calls this for each expression it meets (`default=`), so a JSON template
        is written without first copying every property into plain dicts."""
        kind = type(v)
        if kind is e.Ref:
            return {"Ref": self.names[v.lid]}
        if kind is e.Attr:
            return {"Fn::GetAtt": [self.names[v.lid], v.cfn]}
        if kind is e.Var:
            return {"Ref": cfn_identifier(v.name)}
        if kind is e.Pseudo:
            return PREFIX_ALNUM if v.name == "name_prefix_alnum" else {"Ref": PSEUDO[v.name]}
        if kind is e.Join:
            return self.sub(v)
        if kind is e.JsonEncode:
            return v.value
        if kind is e.Delimited:
            return {"Fn::Join": [v.sep, v.value]}
        if kind is e.Block or kind is e.Data or kind is e.TfText:
            raise TypeError(f"a Terraform {kind.__name__.lower()} reached the CloudFormation emitter")
        raise TypeError(f"cannot write {kind.__name__} in a CloudFormation template")


    def sub(self, join: e.Join) -> dict:
        """A join as `Fn::Sub` (what cfn-lint prefers to a `Fn::Join` on ''): references inline as
        `${Name}` / `${Name.Attribute}`, literal `${` escaped as `${!`, and anything that has no
        inline form (the dashless stack name) passed in the variables map as `${_0}`, `${_1}` ..."""
        text: list[str] = []
        variables: dict = {}
        names = self.names
        for part in join.parts:
            kind = type(part)
            if kind is str:
                text.append(part.replace("${", "${!"))
            elif kind is e.Ref:
                text.append("${" + names[part.lid] + "}")
            elif kind is e.Attr:
                text.append("${" + names[part.lid] + "." + part.cfn + "}")
            elif kind is e.Var:
                text.append("${" + cfn_identifier(part.name) + "}")
            elif kind is e.Pseudo and part.name in PSEUDO:
                text.append("${" + PSEUDO[part.name] + "}")
            else:  # `_` cannot start a logical id, so these names never shadow one
                name = f"_{len(variables)}"
                variables[name] = part
                text.append("${" + name + "}")
        body = "".join(text)
        return {"Fn::Sub": [body, variables] if variables else body}


_EXPRESSIONS = frozenset({e.Ref, e.Attr, e.Var, e.Pseudo, e.Join, e.JsonEncode, e.Block, e.Data, e.TfText, e.Delimited})


def template(resolved: Resolved, *, plain: bool = True, translator: _Translator | None = None) -> dict:
    """The template as a plain dict, in the conventional section order.

    With `plain=False` property and output values keep their expressions (for a
    serialiser that translates them itself, as `to_json` does)."""
    tr = translator or _Translator(resolved)
    value = tr.value if plain else _unchanged
    out: dict = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": (resolved.description or f"Isshoni design {resolved.name}")[:1024],
        "Metadata": {"Isshoni": {"Design": resolved.name, "Region": resolved.region, "Naming": NAMING}},
    }
    if resolved.variables:
        params = {}
        for var in resolved.variables:
            param: dict = {"Type": var.cfn_type or PARAM_TYPES.get(var.type, "String"), "Description": var.description[:4000]}
            default = var.default
            if var.type == "boolean":
                default = "true" if default else "false"
                param["AllowedValues"] = ["true", "false"]
            if default is not None:  # none: the stack cannot be created without a value
                param["Default"] = default
            if var.pattern:
                param["AllowedPattern"] = var.pattern
            if var.allowed:
                param["AllowedValues"] = list(var.allowed)
            if var.minimum is not None:
                param["MinValue"] = var.minimum
            if var.maximum is not None:
                param["MaxValue"] = var.maximum
            params[cfn_identifier(var.name)] = param
        out["Parameters"] = params
    resources = {}
    names = tr.names
    index = resolved._index()
    for part in resolved.parts:
        if not part.cfn_type:
            continue
        body: dict = {"Type": part.cfn_type}
        cfn_depends = [names[d] for d in part.depends_on if index[d].cfn_type]
        if cfn_depends:
            body["DependsOn"] = cfn_depends
        if part.cfn_skips:
            body["Metadata"] = {"checkov": {"skip": [{"id": check, "comment": reason} for check, reason in part.cfn_skips]}}
        if part.policy:
            body["DeletionPolicy"] = body["UpdateReplacePolicy"] = part.policy
        if part.cfn:
            body["Properties"] = value(part.cfn)
        resources[part.cfn_name] = body
    out["Resources"] = resources
    if resolved.outputs:
        out["Outputs"] = {
            cfn_identifier(o.name): {"Description": o.description[:1024], "Value": value(o.cfn)} for o in resolved.outputs
        }
    return out


def _unchanged(v):
    return v


_Base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present: same output, ~10x faster
_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_SCALAR, _MAPPING, _SEQUENCE = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode
_INT, _BOOL, _NULL = "tag:yaml.org,2002:int", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"


def _text(value: str) -> yaml.ScalarNode:
    # Multi-line text reads best as a literal block; libyaml falls back to a
    # quoted style by itself whenever a block cannot represent the string.
    return _SCALAR(_STR, value, None, None, "|" if "\n" in value else None)  # (tag, value, marks, style)


class _Dumper(_Base):
    """Block style, no aliases (a template must not depend on YAML anchors).

    A template holds only dicts, lists, strings, numbers, booleans and null, so
    nodes are built straight from those types: PyYAML's generic representer
    (alias bookkeeping, a lookup through each value's type hierarchy) cost more
    than libyaml's emitting. Whether a plain scalar would read back as a string
    is asked of the resolver once per distinct value: templates repeat most of theirs.
    """

    def ignore_aliases(self, data):
        return True

    # The serializer calls these two hooks around every node for path resolvers,
    # which this dumper never registers, so they have nothing to do. Two C
    # callables that take the same arguments and do nothing spare ~300,000
    # Python calls for 1,000 design resources.
    descend_resolver = slice  # (parent, index) -> a discarded slice
    ascend_resolver = tuple  # () -> a discarded empty tuple

    intrinsic = None  # `_Translator.intrinsic` of the template being dumped, set by to_yaml

    def represent_data(self, data):
        kind = type(data)
        if kind is str:
            return _text(data)
        if kind is dict:
            rep = self.represent_data
            return yaml.MappingNode(
                _MAP,
                [(_text(k) if type(k) is str else rep(k), _text(v) if type(v) is str else rep(v)) for k, v in data.items()],
                flow_style=False,
            )
        if kind is list:
            rep = self.represent_data
            return yaml.SequenceNode(_SEQ, [_text(x) if type(x) is str else rep(x) for x in data], flow_style=False)
        if kind in _EXPRESSIONS:
            return self.represent_data(self.intrinsic(data))
        if kind is int:  # SafeRepresenter's forms, without its lookup through the type's bases
            return yaml.ScalarNode(_INT, str(data))
        if kind is bool:
            return yaml.ScalarNode(_BOOL, "true" if data else "false")
        if data is None:
            return yaml.ScalarNode(_NULL, "null")
        return super().represent_data(data)

    def resolve(self, kind, value, implicit):
        # libyaml asks twice per scalar: would its plain form read back as a string
        # (implicit (True, False): looked up once per distinct value), and its tag
        # when no implicit resolution applies (always the default string tag).
        # Collections: with no path resolvers, their default tags.
        if kind is _SCALAR:
            if not implicit[0]:
                return _STR
            tag = _RESOLVED.get(value)
            if tag is None:
                tag = _RESOLVED[value] = super().resolve(kind, value, implicit)
            return tag
        if kind is _MAPPING:
            return _MAP
        if kind is _SEQUENCE:
            return _SEQ
        return super().resolve(kind, value, implicit)


_RESOLVED: dict = {}  # plain scalar text -> the tag it resolves to; the implicit resolvers are fixed, so this never goes stale


def to_yaml(resolved: Resolved) -> str:
    tr = _Translator(resolved)
    stream = io.StringIO()
    dumper = _Dumper(stream, sort_keys=False, allow_unicode=True, width=4096, default_flow_style=False)
    dumper.intrinsic = tr.intrinsic  # expressions become nodes as they are met, not copied into a plain template first
    try:
        dumper.open()
        dumper.represent(template(resolved, plain=False, translator=tr))
        dumper.close()
    finally:
        dumper.dispose()
    text = stream.getvalue()
    if len(_RESOLVED) > 200_000:  # bounded: a long-lived server compiles many designs
        _RESOLVED.clear()
    return text


def to_json(resolved: Resolved) -> str:
    # orjson's two-space indent gives the same bytes as json.dumps(indent=2, ensure_ascii=False),
    # 25x faster (the standard encoder falls back to pure Python whenever it indents)
    # Expressions reach orjson as they are (dataclasses passed through to `default`).
    tr = _Translator(resolved)
    body = template(resolved, plain=False, translator=tr)
    return orjson.dumps(body, default=tr.intrinsic, option=orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATACLASS).decode() + "\n"
