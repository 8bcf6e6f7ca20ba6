"""resolved model -> CloudFormation template (YAML or JSON).

Intrinsics are written in their long form (`Ref`, `Fn::GetAtt`, `Fn::Join`),
which reads the same in YAML and JSON; every user string goes through the
YAML/JSON serialisers, which quote and escape it.
"""

from __future__ import annotations

import orjson
import yaml

from . import expr as e
from .model import Resolved
from .names import cfn_identifier

PSEUDO = {"region": "AWS::Region", "account_id": "AWS::AccountId", "partition": "AWS::Partition"}
PARAM_TYPES = {"string": "String", "integer": "Number", "number": "Number", "boolean": "String"}


class _Translator:
    def __init__(self, resolved: Resolved):
        self.names = {p.lid: p.cfn_name for p in resolved.parts}

    def value(self, v):
        kind = type(v)
        if kind is str or kind is int or kind is bool or kind is float or v is None:
            return v
        if kind is dict:
            value = self.value
            return {k: value(x) for k, x in v.items()}
        if kind is list:
            value = self.value
            return [value(x) for x in v]
        if kind is e.Ref:
            return {"Ref": self.names[v.lid]}
        if kind is e.Attr:
            return {"Fn::GetAtt": [self.names[v.lid], v.cfn]}
        if kind is e.Var:
            return {"Ref": cfn_identifier(v.name)}
        if kind is e.Pseudo:
            return {"Ref": PSEUDO[v.name]}
        if kind is e.Join:
            return {"Fn::Join": ["", [self.value(p) for p in v.parts]]}
        if kind is e.JsonEncode:
            return self.value(v.value)
        if kind is e.Block:
            raise TypeError("a Terraform block reached the CloudFormation emitter")
        return v


def template(resolved: Resolved) -> dict:
    """The template as a plain dict, in the conventional section order."""
    tr = _Translator(resolved)
    out: dict = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": (resolved.description or f"Isshoni design {resolved.name}")[:1024],
        "Metadata": {"Isshoni": {"Design": resolved.name, "Region": resolved.region}},
    }
    if resolved.variables:
        params = {}
        for var in resolved.variables:
            param: dict = {"Type": PARAM_TYPES.get(var.type, "String"), "Description": var.description[:4000]}
            default = var.default
            if var.type == "boolean":
                default = "true" if default else "false"
                param["AllowedValues"] = ["true", "false"]
            param["Default"] = default
            if var.allowed:
                param["AllowedValues"] = list(var.allowed)
            if var.minimum is not None:
                param["MinValue"] = var.minimum
            if var.maximum is not None:
                param["MaxValue"] = var.maximum
            params[cfn_identifier(var.name)] = param
        out["Parameters"] = params
    resources = {}
    for part in resolved.parts:
        if not part.cfn_type:
            continue
        body: dict = {"Type": part.cfn_type}
        cfn_depends = [tr.names[d] for d in part.depends_on if resolved.part(d).cfn_type]
        if cfn_depends:
            body["DependsOn"] = cfn_depends
        if part.cfn:
            body["Properties"] = tr.value(part.cfn)
        resources[part.cfn_name] = body
    out["Resources"] = resources
    if resolved.outputs:
        out["Outputs"] = {
            cfn_identifier(o.name): {"Description": o.description[:1024], "Value": tr.value(o.cfn)} for o in resolved.outputs
        }
    return out


_Base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present: same output, ~10x faster
_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


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

    def represent_data(self, data):
        kind = type(data)
        if kind is str:
            # Multi-line text reads best as a literal block; libyaml falls back to a
            # quoted style by itself whenever a block cannot represent the string.
            return yaml.ScalarNode(_STR, data, style="|" if "\n" in data else None)
        if kind is dict:
            rep = self.represent_data
            return yaml.MappingNode(_MAP, [(rep(k), rep(v)) for k, v in data.items()], flow_style=False)
        if kind is list:
            rep = self.represent_data
            return yaml.SequenceNode(_SEQ, [rep(x) for x in data], flow_style=False)
        return super().represent_data(data)

    def resolve(self, kind, value, implicit):
        # libyaml asks twice per scalar: would its plain form read back as a string
        # (implicit (True, False): looked up once per distinct value), and its tag
        # when no implicit resolution applies (always the default string tag).
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR
            tag = _RESOLVED.get(value)
            if tag is None:
                tag = _RESOLVED[value] = super().resolve(kind, value, implicit)
            return tag
        return super().resolve(kind, value, implicit)


_RESOLVED: dict = {}  # plain scalar text -> the tag it resolves to; the implicit resolvers are fixed, so this never goes stale


def to_yaml(resolved: Resolved) -> str:
    text = yaml.dump(template(resolved), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096, default_flow_style=False)
    if len(_RESOLVED) > 200_000:  # bounded: a long-lived server compiles many designs
        _RESOLVED.clear()
    return text


def to_json(resolved: Resolved) -> str:
    # orjson's two-space indent gives the same bytes as json.dumps(indent=2, ensure_ascii=False),
    # 25x faster (the standard encoder falls back to pure Python whenever it indents)
    return orjson.dumps(template(resolved), option=orjson.OPT_INDENT_2).decode() + "\n"
