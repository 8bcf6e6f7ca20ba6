"""Template expressions a design can hold: parameters, mappings, conditions and the
functions that read them, in a generic resource's properties.

An imported template's `Ref` to a parameter, `Fn::If` on a condition or `Fn::FindInMap` is
kept as an expression rather than flattened to one value, and the compiler writes it
again in both languages (CloudFormation intrinsics, Terraform expressions), so both
outputs still mean the same deployment.  The shapes, like `{"ref": id}`, are objects with
one lowercase key (registry property names are capitalised, so none is mistaken for a
property value):

    {"param": "Env"}                       a parameter of `meta.parameters`
    {"pseudo": "region"}                   stack_name, region, account_id, partition, url_suffix, no_value
    {"join": [", ", [values]]}             text joined with a separator
    {"select": [0, list]}  {"split": [",", text]}  {"base64": text}  {"get_azs": ""}
    {"find_in_map": ["Map", key, key]}     a value of `meta.mappings`
    {"if": ["Condition", then, else]}      a condition of `meta.conditions`

and in `meta.conditions`: {"equals": [a, b]}, {"and": [...]}, {"or": [...]}, {"not": [c]},
{"condition": "Other"}.  This module knows the shapes and checks them; the compiler
(compiler/design_expr.py) translates them.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..generic.references import find
from .errors import Problem, json_path

PSEUDO = ("stack_name", "region", "account_id", "partition", "url_suffix", "no_value")
VALUE_FUNCTIONS = ("param", "pseudo", "join", "select", "split", "find_in_map", "if", "base64", "get_azs")
CONDITION_FUNCTIONS = ("equals", "and", "or", "not", "condition")
MAX_DEPTH = 32  # expressions nest a few levels; a deeper one is refused, never walked without end


def _one_key(value, names: tuple) -> str | None:
    if type(value) is dict and len(value) == 1:
        (key,) = value
        if key in names:
            return key
    return None


def function_of(value) -> str | None:
    """The function name of an expression object (one key among VALUE_FUNCTIONS), else None."""
    return _one_key(value, VALUE_FUNCTIONS)


def condition_function(value) -> str | None:
    """The function name of a condition (one key among CONDITION_FUNCTIONS), else None."""
    return _one_key(value, CONDITION_FUNCTIONS)


def value_problems(value, path: list, meta: dict, depth: int = 0) -> Iterator[tuple[list, str]]:
    """(path, message) of each malformed expression in a properties value, or one naming a
    parameter, mapping or condition `meta` does not declare."""
    if depth > MAX_DEPTH:
        yield path, f"expressions nested deeper than {MAX_DEPTH} levels"
        return
    name = function_of(value)
    if name is None:
        if type(value) is dict:
            for key, item in value.items():
                yield from value_problems(item, [*path, key], meta, depth + 1)
        elif type(value) is list:
            for index, item in enumerate(value):
                yield from value_problems(item, [*path, index], meta, depth + 1)
        return
    arg, here = value[name], [*path, name]
    message = _shape(name, arg, meta)
    if message:
        yield here, message
        return
    for index, item in _value_args(name, arg):
        yield from value_problems(item, [*here, index] if index is not None else here, meta, depth + 1)


def _shape(name: str, arg, meta: dict) -> str | None:
    if name == "param":
        return _declared(arg, meta.get("parameters"), "parameter", "meta.parameters")
    if name == "pseudo":
        return None if arg in PSEUDO else f"pseudo is one of {', '.join(PSEUDO)}"
    if name == "get_azs":
        return None if isinstance(arg, str) else 'get_azs takes a region name, or "" for the deployment\'s region'
    if name == "base64":
        return None
    if name == "join":
        return None if _pair(arg) and isinstance(arg[0], str) else 'join takes [separator, [values]]'
    if name == "split":
        return None if _pair(arg) and isinstance(arg[0], str) else "split takes [separator, text]"
    if name == "select":
        ok = _pair(arg) and (isinstance(arg[0], int) and not isinstance(arg[0], bool) and arg[0] >= 0 or function_of(arg[0]))
        return None if ok else "select takes [index, list]"
    if name == "find_in_map":
        if not (isinstance(arg, list) and len(arg) == 3):
            return "find_in_map takes [mapping, key, key]"
        return _declared(arg[0], meta.get("mappings"), "mapping", "meta.mappings")
    if name == "if":
        if not (isinstance(arg, list) and len(arg) == 3):
            return "if takes [condition, value if true, value if false]"
        return _declared(arg[0], meta.get("conditions"), "condition", "meta.conditions")
    return None


def _value_args(name: str, arg) -> list[tuple]:
    """(index, value) of the arguments that are values themselves."""
    if name in ("param", "pseudo", "get_azs"):
        return []
    if name == "base64":
        return [(None, arg)]
    if name in ("join", "split", "select"):
        return [(0, arg[0]), (1, arg[1])]
    if name == "find_in_map":
        return [(1, arg[1]), (2, arg[2])]
    return [(1, arg[1]), (2, arg[2])]  # if


def _pair(arg) -> bool:
    return isinstance(arg, list) and len(arg) == 2


def _declared(name, declared, what: str, where: str) -> str | None:
    if not isinstance(name, str):
        return f"the {what} is named by a string"
    if not isinstance(declared, dict) or name not in declared:
        known = ", ".join(sorted(declared)) if isinstance(declared, dict) and declared else "none"
        return f"{what} {name!r} is not declared in {where} (declared: {known})"
    return None


def condition_problems(meta: dict) -> list[Problem]:
    """Problems of `meta.conditions`: shapes, undeclared names, and conditions that loop."""
    conditions = meta.get("conditions") or {}
    out: list[Problem] = []
    uses: dict[str, set] = {}
    for name, body in sorted(conditions.items()):
        base = ["meta", "conditions", name]
        used: set = set()
        for path, message in _condition(body, base, meta, used, 0):
            out.append(Problem(json_path(path), message))
        uses[name] = used
    for name in sorted(uses):
        if _loops(name, uses):
            out.append(Problem(json_path(["meta", "conditions", name]), f"condition {name!r} depends on itself"))
    return out


def _condition(body, path: list, meta: dict, used: set, depth: int) -> Iterator[tuple[list, str]]:
    if depth > MAX_DEPTH:
        yield path, f"conditions nested deeper than {MAX_DEPTH} levels"
        return
    name = condition_function(body)
    if name is None:
        yield path, f"a condition is one of {', '.join('{' + repr(f) + ': ...}' for f in CONDITION_FUNCTIONS)}"
        return
    arg, here = body[name], [*path, name]
    if name == "condition":
        message = _declared(arg, meta.get("conditions"), "condition", "meta.conditions")
        if message:
            yield here, message
        else:
            used.add(arg)
    elif name == "equals":
        if not _pair(arg):
            yield here, "equals takes [value, value]"
            return
        for index, item in enumerate(arg):
            if any(True for _ in find(item)):
                yield [*here, index], "a condition cannot refer to a resource (conditions are decided before resources exist)"
            else:
                yield from value_problems(item, [*here, index], meta, depth + 1)
    else:
        low, high = (1, 1) if name == "not" else (2, 10)
        if not (isinstance(arg, list) and low <= len(arg) <= high):
            yield here, f"{name} takes a list of {low if low == high else f'{low} to {high}'} condition(s)"
            return
        for index, item in enumerate(arg):
            yield from _condition(item, [*here, index], meta, used, depth + 1)


def _loops(start: str, uses: dict) -> bool:
    seen, stack = set(), list(uses.get(start, ()))
    while stack:
        name = stack.pop()
        if name == start:
            return True
        if name not in seen:
            seen.add(name)
            stack.extend(uses.get(name, ()))
    return False


def names_used(value, kind: str) -> set[str]:
    """The parameters (`kind` "param"), mappings ("find_in_map") or conditions ("if") a value reads."""
    found: set[str] = set()
    stack = [value]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            if kind in node and len(node) == 1:
                arg = node[kind]
                target = arg[0] if kind in ("find_in_map", "if") and isinstance(arg, list) and arg else arg
                if isinstance(target, str):
                    found.add(target)
            stack.extend(node.values())
        elif type(node) is list:
            stack.extend(node)
    return found


__all__ = ["CONDITION_FUNCTIONS", "PSEUDO", "VALUE_FUNCTIONS", "condition_function", "condition_problems",
           "function_of", "names_used", "value_problems"]
