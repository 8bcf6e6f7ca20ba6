"""A compiled design seen the way a Terraform source is read: the view lift.compiled gives of
CloudFormation, for Terraform.

Folding connections (and checking what the compiler fills in) compares what the compiler makes
with the source, value by value.  For a Terraform source that is each part's Terraform body,
written in the shape the folder reader gives the source's attributes (terraform/resources.py):
a reference as the `Ref`/`Fn::GetAtt` the provider attribute means (terraform/addresses.py),
text with references or the account's values as the `Fn::Sub` CloudFormation writes, a
variable as its default (what the evaluator reads), a nested block as its body, and what the
reader cannot evaluate (data sources, functions) as a value that matches nothing.  Then each
part's attributes are converted exactly as the source's were (lift.values), so lift.compiled's
`unify` compares the two sides as it does for CloudFormation.  No Terraform runs: the resolved
design is read directly (a compile per candidate connection, as for CloudFormation).
"""

from __future__ import annotations

import json

from ...compiler import expr as e
from ...compiler.cloudformation import PSEUDO
from .compiled import View
from .tf_references import Unreadable, data_value, reference, sub_name

_UNKNOWN = {"Fn::ImportValue": "known only when Terraform runs"}  # refused by convert: an Opaque nothing equals
_SCALARS = (str, int, float, bool, type(None))


class CompiledTf(View):
    """One resolve of a design, each Terraform part's attributes as the folder reader would read them."""

    side = "tf"

    def __init__(self, resolved, region: str):
        self.parts = {p.tf_name: p for p in resolved.parts if p.tf_type}
        self.types = {name: p.tf_type for name, p in self.parts.items()}
        self.defaults = {v.name: v.default for v in resolved.variables}
        super().__init__(resolved, region, self.parts.keys())

    def raw(self, name: str) -> dict:
        return {k: self._read(v) for k, v in (self.parts[name].tf or {}).items() if v is not None}

    # ------------------------------------------------------------ the reader's shape
    def _read(self, value):
        kind = type(value)
        if kind in _SCALARS:
            return value
        if kind is dict:
            return {k: self._read(v) for k, v in value.items() if v is not None}
        if kind is list or kind is tuple:
            return [self._read(v) for v in value]
        if kind is e.Block:
            return self._read(value.body)
        if kind is e.JsonEncode:
            return self._json(value.value)
        if kind is e.Ref or kind is e.Attr:
            return self._reference(value)
        if kind is e.Var:
            default = self.defaults.get(value.name)
            return {"Ref": value.name} if default is None else default
        if kind is e.Pseudo:
            if value.name == "name_prefix":
                return {"Fn::Sub": "${AWS::StackName}"}
            return {"Ref": PSEUDO[value.name]} if value.name in PSEUDO else _UNKNOWN
        if kind is e.Join:
            return self._text(value.parts)
        if kind is e.Data and value.type == "aws_ssm_parameter" and value.attr in ("value", "insecure_value"):
            return self._read(dict(value.args).get("name"))  # the folder reader's SSM-typed parameter, at its default
        if kind is e.Data:
            return data_value(value.type, value.attr, {k: self._read(v) for k, v in value.args})
        return _UNKNOWN  # data sources, functions, Terraform-only text: the reader refuses them too

    def _reference(self, ref) -> dict:
        target = self.parts.get(ref.lid)
        if target is None:
            return _UNKNOWN
        try:
            return reference(target.tf_name, target.tf_type, ref.tf)
        except Unreadable:
            return _UNKNOWN

    def _text(self, parts) -> object:
        """A join as the reader reads interpolated text: literal text, `${Id}` / `${Id.Attr}` for
        references, `${AWS::...}` for the account's values."""
        out = []
        for part in parts:
            if isinstance(part, str):
                if "${" in part:
                    return _UNKNOWN
                out.append(part)
                continue
            if isinstance(part, (int, float)) and not isinstance(part, bool):
                out.append(str(part))
                continue
            read = self._read(part)
            if isinstance(read, str):
                out.append(read)
            elif isinstance(read, dict) and (set(read) == {"Ref"} or set(read) == {"Fn::GetAtt"}):
                out.append("${" + sub_name(read) + "}")
            elif isinstance(read, dict) and set(read) == {"Fn::Sub"} and isinstance(read["Fn::Sub"], str):
                out.append(read["Fn::Sub"])
            else:
                return _UNKNOWN
        text = "".join(out)
        return {"Fn::Sub": text} if "${" in text else text

    def _json(self, value):
        """jsonencode(...): the reader keeps the evaluated JSON text, or its structure where it names
        resources (the text then holds their ids)."""
        read = self._read(value)
        if _holds(read, _UNKNOWN):
            return _UNKNOWN
        if _holds_intrinsic(read):
            return read
        return json.dumps(read, separators=(",", ":"), sort_keys=True)


def _holds(value, needle) -> bool:
    if value is needle or value == needle:
        return True
    if isinstance(value, dict):
        return any(_holds(v, needle) for v in value.values())
    if isinstance(value, list):
        return any(_holds(v, needle) for v in value)
    return False


def _holds_intrinsic(value) -> bool:
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in ("Ref", "Fn::GetAtt", "Fn::Sub"):
            return True
        return any(_holds_intrinsic(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_intrinsic(v) for v in value)
    return False


__all__ = ["CompiledTf"]
