"""What a design may hold: plain JSON values that every place a design goes can carry.

A design is saved as JSON, shared through Yjs (JavaScript numbers, UTF-8 text)
and compiled to YAML, JSON and HCL.  Python happily holds values none of those
can: NaN and infinities (not JSON; `null` in Yjs, `.inf` in YAML), integers
beyond 2**53 (rounded by JavaScript, a crash in the JSON emitter), text with
lone surrogates (not UTF-8: unsaveable), and nesting deep enough to exhaust
recursion in the emitters.  These checks run before anything else looks at a
design; they walk values with an explicit stack, so depth itself cannot break
them.
"""

from __future__ import annotations

import json
import math

from .errors import Problem, json_path

MAX_DEPTH = 100  # objects and arrays inside one another, from the design's top
MAX_INT = 2**53 - 1  # I-JSON (RFC 7493): the integers every JSON and JavaScript reader keeps exactly


class NotPlainJSON(ValueError):
    """Text that is not strict JSON: NaN, Infinity, a number too large for a double, nesting too deep."""


def _refuse_constant(name: str):
    raise NotPlainJSON(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotPlainJSON(f"the number {text[:40]} is too large (beyond ±1.8e308)")
    return value


def _bounded_int(text: str) -> int:
    """Python refuses integer literals over 4,300 digits with a bare ValueError; anything past
    20 digits is beyond what a design may hold (MAX_INT) anyway, so say that instead."""
    if len(text.lstrip("-")) > 20:
        raise NotPlainJSON(f"the integer {text[:24]}... ({len(text)} digits) is too large for a design (at most ±{MAX_INT})")
    return int(text)


def loads(text: str | bytes):
    """`json.loads`, strict: no NaN/Infinity, no number that overflows, no RecursionError.

    Raises json.JSONDecodeError for malformed text (with its position), NotPlainJSON otherwise."""
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_bounded_int)
    except RecursionError:
        raise NotPlainJSON(f"nested too deeply (more than {MAX_DEPTH} levels are never accepted)") from None


_SCALARS = (str, int, float, bool, type(None))


def copied(value):
    """A deep copy of a design's JSON content: dicts and lists rebuilt, scalars shared; anything
    else (not plain JSON: validation refuses it) goes through `copy.deepcopy`.  Four times
    faster than `copy.deepcopy` of the whole (no memo of every object seen)."""
    kind = type(value)
    if kind is dict:
        return {k: v if type(v) in _SCALARS else copied(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _SCALARS else copied(v) for v in value]
    if kind in _SCALARS:
        return value
    import copy

    return copy.deepcopy(value)


def nested_deeper_than(value, limit: int) -> bool:
    """Whether objects and arrays nest more than `limit` levels (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, (list, tuple)) else None
        if children is None:
            continue
        if level > limit:
            return True
        stack.extend((child, level + 1) for child in children)
    return False


def _text_problem(text: str) -> str | None:
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        return f"text contains a lone surrogate (\\u{ord(bad):04x}), which is not Unicode text (UTF-8 cannot encode it)"
    return None


def _scalar_problem(value) -> str | None:
    kind = type(value)
    if kind is str:
        return _text_problem(value)
    if kind is bool or value is None:
        return None
    if kind is int:
        return None if -MAX_INT <= value <= MAX_INT else (
            f"integer {str(value)[:30]}{'...' if len(str(value)) > 30 else ''} is out of range "
            f"(JSON numbers are exact only up to ±{MAX_INT})")
    if kind is float:
        return None if math.isfinite(value) else f"{value!r} is not a number JSON can hold (finite numbers only)"
    if isinstance(value, str):
        return _text_problem(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return _scalar_problem(int(value))
    if isinstance(value, float):
        return _scalar_problem(float(value))
    return f"a {type(value).__name__} is not a JSON value"


def problems(value, path: tuple = (), resource: str | None = None) -> list[Problem]:
    """Every way `value` (found at `path` in a design) is not a plain JSON value (one problem per value at most).

    `resource` names the resource the problems concern; by default it is read from the path
    (`resources.<id>...` or `connections.<id>...`)."""
    if _all_plain(value, len(path)):
        return []
    out: list[Problem] = []
    stack = [(value, tuple(path))]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            if len(where) >= MAX_DEPTH:
                out.append(_problem(where, f"nested more than {MAX_DEPTH} levels deep", resource))
                continue
            for key, child in item.items():
                if not isinstance(key, str):
                    out.append(_problem(where, f"object keys are text, not {type(key).__name__} ({key!r:.40})", resource))
                    continue
                message = _text_problem(key)
                if message:
                    out.append(_problem(where, f"a key: {message}", resource))
                    continue
                stack.append((child, (*where, key)))
        elif isinstance(item, (list, tuple)):
            if len(where) >= MAX_DEPTH:
                out.append(_problem(where, f"nested more than {MAX_DEPTH} levels deep", resource))
                continue
            stack.extend((child, (*where, index)) for index, child in enumerate(item))
        else:
            message = _scalar_problem(item)
            if message:
                out.append(_problem(where, message, resource))
    return out


def _all_plain(value, depth: int) -> bool:
    """The common case, fast: no path is built unless something is wrong."""
    stack = [(value, depth)]
    pop, push = stack.pop, stack.append
    while stack:
        item, level = pop()
        kind = type(item)
        if kind is str:
            if not item.isascii() and _text_problem(item):
                return False
        elif kind is dict:
            if level >= MAX_DEPTH:
                return False
            for key, child in item.items():
                if type(key) is not str or (not key.isascii() and _text_problem(key)):
                    return False
                push((child, level + 1))
        elif kind is list:
            if level >= MAX_DEPTH:
                return False
            for child in item:
                push((child, level + 1))
        elif kind is bool or item is None:
            continue
        elif kind is int:
            if not -MAX_INT <= item <= MAX_INT:
                return False
        elif kind is float:
            if not math.isfinite(item):
                return False
        else:
            return False  # other types (subclasses, tuples): the careful walk decides
    return True


def _problem(where: tuple, message: str, resource: str | None) -> Problem:
    if resource is None and len(where) >= 2 and where[0] in ("resources", "connections") and isinstance(where[1], str):
        resource = where[1]
    return Problem(json_path(_printable(where)), message, resource)


def _printable(where: tuple) -> list:
    """Path parts that can be shown (a key with a lone surrogate is shown escaped)."""
    return [part if not isinstance(part, str) or _text_problem(part) is None else part.encode("utf-8", "backslashreplace")
            .decode("ascii", "replace") for part in where]
