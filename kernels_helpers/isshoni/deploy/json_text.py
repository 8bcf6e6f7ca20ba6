"""A JSON document with expressions in it, as one string expression (its text, references
spliced in): what a CloudFormation property of type Json holds when a model needs text.

moto's CloudFormation stores an AWS::KMS::Key's KeyPolicy object as it is, and its KMS then
answers every DescribeKey of that key with HTTP 500 (it reads the policy as JSON text): the
sandbox gives the policy as text (`Fn::Sub` of the document), which AWS accepts too.
"""

from __future__ import annotations

import json

from ..compiler import expr as e

_EXPRESSIONS = (e.Ref, e.Attr, e.StateAttr, e.Var, e.Pseudo)


def as_text(value):
    """`value` (plain JSON with string-valued expressions inside) as a string or an `e.Join`."""
    return e.join(*_pieces(value))


def _pieces(value) -> list:
    kind = type(value)
    if kind is dict:
        out: list = ["{"]
        for index, (key, item) in enumerate(value.items()):
            out += [", " if index else "", json.dumps(str(key)), ": ", *_pieces(item)]
        return [*out, "}"]
    if kind in (list, tuple):
        out = ["["]
        for index, item in enumerate(value):
            out += [", " if index else "", *_pieces(item)]
        return [*out, "]"]
    if kind is e.Join:
        return ['"', *(json.dumps(p)[1:-1] if type(p) is str else p for p in value.parts), '"']
    if kind in _EXPRESSIONS:
        return ['"', value, '"']
    if kind is e.JsonEncode:
        return _pieces(value.value)
    return [json.dumps(value)]
