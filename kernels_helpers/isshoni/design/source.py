"""The text of a design file, read as a design or refused with where it went wrong.

A `.infra.json` file is one JSON object.  Text that is not (a typo made outside Jupyter, a
file cut short) is refused with the line and column JSON stops at, never read as an empty
design: an empty design served in its place would be saved over the file.  An empty file is
a new design.
"""

from __future__ import annotations

import json

from . import jsonvalues


class NotADesignFile(ValueError):
    """The text is not a design: `reason` says why, `line`/`column` where (1-based) when known."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None):
        self.reason, self.line, self.column = reason, line, column
        where = f" at line {line} column {column}" if line is not None else ""
        super().__init__(f"not valid JSON: {reason}{where}" if line is not None else reason)

    def to_dict(self) -> dict:
        return {"message": str(self), "line": self.line, "column": self.column}


def read_design_text(text: str) -> dict | None:
    """The design data in `text` (None for an empty file); raises NotADesignFile."""
    if not text.strip():
        return None
    try:
        data = jsonvalues.loads(text)
    except json.JSONDecodeError as exc:
        raise NotADesignFile(exc.msg, exc.lineno, exc.colno) from None
    except (ValueError, RecursionError) as exc:
        raise NotADesignFile(f"not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise NotADesignFile(f"a design file holds one JSON object, not {_kind(data)}")
    for section, kind in SECTIONS.items():
        value = data.get(section)
        if value is not None and not isinstance(value, kind):
            raise NotADesignFile(f"'{section}' must be {_kind(kind())}, not {_kind(value)}")
    for section in ("resources", "connections"):
        for key, item in (data.get(section) or {}).items():
            if not isinstance(item, dict) or not isinstance(item.get("properties") or {}, dict):
                raise NotADesignFile(f"{section} {key!r} must be an object with an object of 'properties'")
    return data


SECTIONS = {"meta": dict, "resources": dict, "connections": dict, "chat": list, "deployments": dict, "versions": dict}


def _kind(value) -> str:
    """A JSON value's kind, as JSON names it."""
    if isinstance(value, bool):
        return "true/false"
    return {dict: "an object", list: "an array", str: "a string", int: "a number", float: "a number"}.get(
        type(value), "null")
