"""A small HCL writer that prints what `terraform fmt` would.

Only what the compiler needs: blocks, attributes, strings, numbers, bools,
lists, objects, references, template interpolation and function calls.
`terraform fmt` rules it follows: two-space indent; consecutive one-line
attributes align their `=`; an attribute whose value spans lines breaks the
alignment run.  Strings escape quotes, backslashes, control characters and
the template sequences `${` and `%{`, so no user text can inject HCL.
"""

from __future__ import annotations

import functools
import json
import re

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class Raw(str):
    """HCL source text that is printed as is (references, function calls)."""


class Call:
    """A function call with one argument, e.g. `jsonencode({...})`."""

    def __init__(self, name: str, arg):
        self.name = name
        self.arg = arg


class BlockNode:
    """`type "label" ... { body }`; body is a list of (key, value) or BlockNode."""

    def __init__(self, type_: str, labels: tuple = (), body: list | None = None):
        self.type = type_
        self.labels = labels
        self.body = body or []


_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}
for _code in [*range(0x20), 0x7F, 0x2028, 0x2029]:
    _ESCAPES.setdefault(_code, f"\\u{_code:04x}")
_NEEDS_ESCAPE = re.compile("[" + "".join(re.escape(chr(c)) for c in _ESCAPES) + "]")


def escape(text: str) -> str:
    """Escape for a quoted HCL string: quotes, backslashes, control characters,
    and the template sequences `${` and `%{` (written `$${` and `%%{`)."""
    if _NEEDS_ESCAPE.search(text):
        text = text.translate(_ESCAPES)
    if "{" in text:
        text = text.replace("${", "$${").replace("%{", "%%{")
    return text


def string(text: str) -> str:
    return '"' + escape(text) + '"'


@functools.lru_cache(maxsize=8192)  # attribute names repeat across every resource
def key(name: str) -> str:
    return name if _IDENT.match(name) else string(name)


def _inline(value) -> str | None:
    """The one-line form of a value, or None if it must span lines."""
    kind = type(value)  # exact types first: strings are most of a module
    if kind is str:
        return string(value)
    if kind is Raw:
        return value
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    if kind is int or kind is float:
        return json.dumps(value)
    if kind is list:
        if not value:
            return "[]"
        items = []
        for v in value:
            if type(v) in _NESTED:
                return None
            inline = _inline(v)
            if inline is None:
                return None
            items.append(inline)
        line = "[" + ", ".join(items) + "]"
        return line if len(line) <= 100 else None
    if kind is dict:
        return "{}" if not value else None
    if kind is Call:
        inner = _inline(value.arg)
        return None if inner is None else f"{value.name}({inner})"
    if isinstance(value, str):  # a str subclass other than Raw: its text
        return string(value)
    raise TypeError(f"cannot write {type(value).__name__} as HCL")


_NESTED = frozenset({list, dict, Call})


def _value_lines(value, indent: int) -> list[str]:
    """Lines of a multi-line value; the first line continues `key = `."""
    pad = "  " * indent
    if isinstance(value, Call):
        inner = _value_lines(value.arg, indent)
        return [f"{value.name}({inner[0]}"] + inner[1:-1] + [inner[-1] + ")"]
    if isinstance(value, dict):
        return ["{"] + _attribute_lines(list(value.items()), indent + 1) + [pad + "}"]
    if isinstance(value, list):
        lines = ["["]
        for item in value:
            inline = _inline(item)
            if inline is not None:
                lines.append(f"{pad}  {inline},")
            else:
                sub = _value_lines(item, indent + 1)
                lines.append(f"{pad}  {sub[0]}")
                lines.extend(sub[1:-1])
                lines.append(sub[-1] + ",")
        return lines + [pad + "]"]
    raise TypeError(f"cannot write {type(value).__name__} across lines")


def _attribute_lines(items: list, indent: int) -> list[str]:
    """Attributes and nested blocks of a body, with fmt's `=` alignment."""
    pad = "  " * indent
    lines: list[str] = []
    run_keys: list[str] = []  # the current run of one-line attributes, aligned together
    run_values: list[str] = []

    def flush():
        if run_keys:
            width = max(map(len, run_keys))
            lines.extend([f"{pad}{k.ljust(width)} = {v}" for k, v in zip(run_keys, run_values, strict=True)])
            run_keys.clear()
            run_values.clear()

    for item in items:
        if type(item) is BlockNode:
            flush()
            lines.extend(block_lines(item, indent))
            continue
        name, value = item
        k = key(name)
        inline = _inline(value)
        if inline is not None:
            run_keys.append(k)
            run_values.append(inline)
            continue
        flush()
        sub = _value_lines(value, indent)
        lines.append(f"{pad}{k} = {sub[0]}")
        lines.extend(sub[1:])
    flush()
    return lines


def block_lines(block: BlockNode, indent: int = 0) -> list[str]:
    pad = "  " * indent
    head = " ".join([block.type] + [string(label) for label in block.labels])
    if not block.body:
        return [f"{pad}{head} {{", f"{pad}}}"]
    return [f"{pad}{head} {{"] + _attribute_lines(block.body, indent + 1) + [f"{pad}}}"]


def document(blocks: list[BlockNode]) -> str:
    """Top-level blocks separated by one blank line, newline at the end."""
    return "\n\n".join("\n".join(block_lines(b)) for b in blocks) + "\n" if blocks else ""


def template_string(parts: list) -> str:
    """`"literal${expr}literal"` from literal strings and Raw expressions."""
    out = []
    for part in parts:
        if isinstance(part, Raw):
            out.append("${" + str(part) + "}")
        else:
            out.append(escape(str(part)))
    return Raw('"' + "".join(out) + '"')
