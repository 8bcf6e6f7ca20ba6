"""Scalars a template writes as text where the type's schema wants a number or a boolean (and
the other way round).

CloudFormation converts `FromPort: "22"`, `Enabled: "true"` and `Value: 300` itself, so templates
are full of them; the design holds the value the schema names (and Terraform's Cloud Control resource passes
it on as such).  Only what the design's validation pointed at is converted, and only when the
text reads as that type exactly; anything else stays a refusal with the validator's reason.
"""

from __future__ import annotations

import re

_WRONG_TYPE = re.compile(r"^(?P<value>.*) is not of type '(?P<type>integer|number|boolean|string)'$")
_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")
_BOOLEANS = {"true": True, "false": False}


def coerce(properties: dict, problems: list) -> bool:
    """Convert the values `problems` (design Problems of one resource) refuse for their type, in
    place; True when every problem was such a value and is gone."""
    fixes = []
    for problem in problems:
        found = _WRONG_TYPE.match(problem.message)
        steps = _steps(problem.path)
        if not found or steps is None:
            return False
        try:
            node = properties
            for step in steps[:-1]:
                node = node[step]
            current = node[steps[-1]]
        except (KeyError, IndexError, TypeError):
            return False
        value = _convert(current, found["type"])
        if value is None:
            return False
        fixes.append((node, steps[-1], value))
    for node, key, value in fixes:
        node[key] = value
    return bool(fixes)


def _steps(path: str) -> list | None:
    """`$.resources.R.properties.A[0].B` -> ["A", 0, "B"] (None for a path outside properties)."""
    steps = [m[1] if m[1] is not None else int(m[2]) for m in _STEP.finditer(path)]
    if len(steps) < 4 or steps[0] != "resources" or steps[2] != "properties":
        return None
    return steps[3:]


def _convert(value, kind: str):
    """`value` as `kind` when CloudFormation reads it so (text as a number or boolean, a number or
    boolean as text), else None."""
    if kind == "string":
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value) if isinstance(value, (int, float)) else None
    if not isinstance(value, str):
        return None
    text = value
    if kind == "boolean":
        return _BOOLEANS.get(text.lower())
    try:
        return int(text) if kind == "integer" else (float(text) if "." in text or "e" in text.lower() else int(text))
    except ValueError:
        return None


__all__ = ["coerce"]
