"""resolved model -> CloudFormation template (YAML or JSON).

Intrinsics are written in their long form (`Ref`, `Fn::GetAtt`, `Fn::Join`),
which reads the same in YAML and JSON; every user string goes through the
YAML/JSON serialisers, which quote and escape it.
"""

from __future__ import annotations

import orjson

from . import expr as e
from . import yaml_out
from .gcpause import paused_gc
from .model import Resolved
from .names import cfn_identifier

PSEUDO = {
    "region": "AWS::Region",
    "account_id": "AWS::AccountId",
    "partition": "AWS::Partition",
    "name_prefix": "AWS::StackName",
    "url_suffix": "AWS::URLSuffix",
    "no_value": "AWS::NoValue",
}
INLINE_PSEUDO = frozenset(PSEUDO) - {"no_value"}  # what Fn::Sub may name (AWS::NoValue is no text)
FUNCTIONS = {  # design expression -> intrinsic (compiler/design_expr.py)
    "select": "Fn::Select", "split": "Fn::Split", "base64": "Fn::Base64", "get_azs": "Fn::GetAZs",
    "find_in_map": "Fn::FindInMap", "if": "Fn::If", "equals": "Fn::Equals", "and": "Fn::And", "or": "Fn::Or", "not": "Fn::Not",
}
_ONE_ARGUMENT = frozenset({"base64", "get_azs"})
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
        if kind is e.Attr or kind is e.StateAttr:
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
        if kind is e.Fn:
            if v.name == "condition":
                return {"Condition": v.args[0]}
            return {FUNCTIONS[v.name]: v.args[0] if v.name in _ONE_ARGUMENT else list(v.args)}
        if kind is e.Block or kind is e.Data or kind is e.TfText:
            raise TypeError(f"a Terraform {kind.__name__.lower()} reached the CloudFormation emitter")
        raise TypeError(f"cannot write {kind.__name__} in a CloudFormation template")

    def sub(self, join: e.Join) -> dict:
        """A join as `Fn::Sub` (what cfn-lint prefers to a `Fn::Join` on ''): references inline as
        `${Name}` / `${Name.Attribute}`, literal `${` escaped as `${!`, and anything that has no
        inline form (the dashless stack name) passed in the variables map as `${_0}`, `${_1}` ..."""
        parts = join.parts
        if len(parts) == 2 and parts[0] is e.NAME_PREFIX and type(parts[1]) is str:  # a physical name: the commonest join
            return {"Fn::Sub": "${AWS::StackName}" + parts[1].replace("${", "${!")}
        text: list[str] = []
        variables: dict = {}
        names = self.names
        for part in parts:
            kind = type(part)
            if kind is str:
                text.append(part.replace("${", "${!"))
            elif kind is e.Ref:
                text.append("${" + names[part.lid] + "}")
            elif kind is e.Attr:
                text.append("${" + names[part.lid] + "." + part.cfn + "}")
            elif kind is e.Var:
                text.append("${" + cfn_identifier(part.name) + "}")
            elif kind is e.Pseudo and part.name in INLINE_PSEUDO:
                text.append("${" + PSEUDO[part.name] + "}")
            else:  # `_` cannot start a logical id, so these names never shadow one
                name = f"_{len(variables)}"
                variables[name] = part
                text.append("${" + name + "}")
        body = "".join(text)
        return {"Fn::Sub": [body, variables] if variables else body}


_EXPRESSIONS = frozenset({e.Ref, e.Attr, e.StateAttr, e.Var, e.Pseudo, e.Join, e.JsonEncode, e.Block, e.Data, e.TfText, e.Delimited, e.Fn})


def prose(text: str, limit: int) -> str:
    """A description (the design's, a label's) as CloudFormation holds it: never evaluated, but
    `${...}` in it reads as a parameter outside Fn::Sub to cfn-lint (E1029) and to a reader;
    written `$ {...}`.  Cut to the field's limit."""
    return text.replace("${", "$ {")[:limit]


def template(resolved: Resolved, *, plain: bool = True, translator: _Translator | None = None) -> dict:
    """The template as a plain dict, in the conventional section order.

    With `plain=False` property and output values keep their expressions (for a
    serialiser that translates them itself, as `to_json` does)."""
    tr = translator or _Translator(resolved)
    value = tr.value if plain else _unchanged
    out: dict = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": prose(resolved.description or f"Isshoni design {resolved.name}", 1024),
        "Metadata": {"Isshoni": {"Design": resolved.name, "Region": resolved.region, "Naming": NAMING}},
    }
    if resolved.variables:
        params = {}
        for var in resolved.variables:
            param: dict = {"Type": var.cfn_type or PARAM_TYPES.get(var.type, "String"), "Description": prose(var.description, 4000)}
            default = var.default
            if var.type == "boolean":
                default = "true" if default else "false"
                param["AllowedValues"] = ["true", "false"]
            if isinstance(default, list):  # a list parameter's default is one comma-separated text
                default = ",".join(map(str, default))
            if default is not None:  # none: the stack cannot be created without a value
                param["Default"] = default
            if var.secret:
                param["NoEcho"] = True
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
    if resolved.mappings:
        out["Mappings"] = resolved.mappings
    if resolved.conditions:
        out["Conditions"] = {name: value(body) for name, body in resolved.conditions.items()}
    resources = {}
    names = tr.names
    index = resolved._index()
    metadata: dict[int, dict] = {}  # parts share their skip tuples (risks.apply): one Metadata each
    for part in resolved.parts:
        if not part.cfn_type:
            continue
        body: dict = {"Type": part.cfn_type}
        if part.condition:
            body["Condition"] = part.condition
        if part.depends_on:
            cfn_depends = [names[d] for d in part.depends_on if index[d].cfn_type]
            if cfn_depends:
                body["DependsOn"] = cfn_depends
        skips = part.cfn_skips
        if skips:
            found = metadata.get(id(skips))
            if found is None:
                found = metadata[id(skips)] = {"checkov": {"skip": [{"id": check, "comment": reason} for check, reason in skips]}}
            body["Metadata"] = found
        if part.policy:
            body["DeletionPolicy"] = body["UpdateReplacePolicy"] = part.policy
        if part.cfn:
            body["Properties"] = value(part.cfn)
        resources[part.cfn_name] = body
    out["Resources"] = resources
    if resolved.outputs:
        out["Outputs"] = {
            cfn_identifier(o.name): {"Description": prose(o.description, 1024), "Value": value(o.cfn)} for o in resolved.outputs
        }
    return out


def _unchanged(v):
    return v


@paused_gc
def to_yaml(resolved: Resolved) -> str:
    tr = _Translator(resolved)
    # expressions become intrinsics as the writer meets them, not copied into a plain template first
    return yaml_out.dump(template(resolved, plain=False, translator=tr), tr.intrinsic)


@paused_gc
def to_json(resolved: Resolved) -> str:
    # orjson's two-space indent gives the same bytes as json.dumps(indent=2, ensure_ascii=False),
    # 25x faster (the standard encoder falls back to pure Python whenever it indents)
    # Expressions reach orjson as they are (dataclasses passed through to `default`).
    tr = _Translator(resolved)
    body = template(resolved, plain=False, translator=tr)
    return orjson.dumps(body, default=tr.intrinsic, option=orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATACLASS).decode() + "\n"
