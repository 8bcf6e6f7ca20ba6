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


_STRINGS: dict[str, str] = {}  # text -> its quoted form; a module repeats most of its strings


def string(text: str) -> str:
    quoted = _STRINGS.get(text)
    if quoted is None:
        quoted = '"' + escape(text) + '"'
        if len(_STRINGS) < 200_000:  # bounded: a long-lived server writes many modules
            _STRINGS[text] = quoted
    return quoted


# Words an object key cannot be bare: `{ for ...` starts a for expression, `null` is no key;
# the rest are quoted too, as quoting a key never changes it.
_KEYWORDS = frozenset({"for", "in", "if", "null", "true", "false"})


@functools.lru_cache(maxsize=8192)  # attribute names repeat across every resource
def key(name: str) -> str:
    """An attribute name in a block body (always an identifier there)."""
    return name if _IDENT.match(name) else string(name)


@functools.lru_cache(maxsize=8192)
def object_key(name: str) -> str:
    """A key in an object value: bare when it is a plain identifier, quoted otherwise."""
    return name if _IDENT.match(name) and name not in _KEYWORDS else string(name)


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
    if kind is int:
        return str(value)
    if kind is float:
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
        lines = ["{"]
        _write_attributes(list(value.items()), indent + 1, lines, object_key)
        lines.append(pad + "}")
        return lines
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


def _write_run(run: list, pad: str, out: list[str]) -> None:
    """A run of one-line attributes, their `=` aligned (fmt's rule)."""
    if len(run) == 1:
        k, v = run[0]
        out.append(f"{pad}{k} = {v}")
        return
    width = max([len(k) for k, _ in run])
    out.extend([f"{pad}{k.ljust(width)} = {v}" for k, v in run])


def _write_attributes(items: list, indent: int, out: list[str], key=key) -> None:
    """Attributes and nested blocks of a body, with fmt's `=` alignment, appended to `out`.

    Runs once per attribute of a module, so it writes into one list (no per-block
    list copies) and takes the common cases (a string, a reference) before `_inline`."""
    pad = "  " * indent
    run: list[tuple[str, str]] = []  # the current run of one-line attributes, aligned together
    for item in items:
        if type(item) is BlockNode:
            if run:
                _write_run(run, pad, out)
                run = []
            _write_block(item, indent, out)
            continue
        name, value = item
        kind = type(value)
        if kind is str:
            inline = string(value)
        elif kind is Raw:
            inline = value
        else:
            inline = _inline(value)
        if inline is not None:
            run.append((key(name), inline))
            continue
        if run:
            _write_run(run, pad, out)
            run = []
        sub = _value_lines(value, indent)
        out.append(f"{pad}{key(name)} = {sub[0]}")
        out.extend(sub[1:])
    if run:
        _write_run(run, pad, out)


def _write_block(block: BlockNode, indent: int, out: list[str]) -> None:
    pad = "  " * indent
    head = " ".join([block.type] + [string(label) for label in block.labels]) if block.labels else block.type
    out.append(f"{pad}{head} {{")
    if block.body:
        _write_attributes(block.body, indent + 1, out)
    out.append(f"{pad}}}")


def document(blocks: list[BlockNode]) -> str:
    """Top-level blocks separated by one blank line, newline at the end."""
    if not blocks:
        return ""
    lines: list[str] = []
    for block in blocks:
        _write_block(block, 0, lines)
        lines.append("")  # the blank line between blocks; the last one gives the final newline
    return "\n".join(lines)


def template_string(parts: list) -> str:
    """`"literal${expr}literal"` from literal strings and Raw expressions."""
    out = []
    for part in parts:
        if isinstance(part, Raw):
            if out and out[-1].endswith("$"):  # `$` right before `${` would read as the escape `$${`
                literal = out[-1].rstrip("$")
                out[-1] = literal + '${"' + "$" * (len(out[-1]) - len(literal)) + '"}'
            out.append("${" + str(part) + "}")
        else:
            out.append(escape(str(part)))
    return Raw('"' + "".join(out) + '"')
