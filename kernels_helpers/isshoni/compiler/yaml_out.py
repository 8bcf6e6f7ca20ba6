"""A YAML writer for CloudFormation templates: block style, what PyYAML's dumper would print for
the same data (dicts, lists, strings, numbers, booleans, null), several times faster.

A template is plain data of a few types, so each value is written straight to text; a string's
form (plain, quoted or a literal block) is decided once per distinct string, with PyYAML's own
resolver saying whether a plain scalar would read back as a string.  Whatever a plain scalar
cannot carry safely is quoted, so every string reads back exactly as it was (a test round-trips
hostile text through `yaml.safe_load`).
"""

from __future__ import annotations

import re

import yaml

# A plain scalar: no indicator first, nothing YAML reads as structure or a comment, printable.
_PLAIN = re.compile(r"^(?![\s\-?:,\[\]{}#&*!|>'\"%@`])[^\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]+$")
_BREAKS_PLAIN = re.compile(r": |:$| #|\t|\s$")
_PRINTABLE_BLOCK = re.compile(r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]*$")
_DOUBLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\x00": "\\0", "\x85": "\\N",
                   "\u2028": "\\L", "\u2029": "\\P"}
_NEEDS_DOUBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
_TEXT: dict[str, str] = {}  # string -> its one-line form ("" when it needs a literal block)
INDENT = "  "


def _double(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch in _DOUBLE_ESCAPES:
            out.append(_DOUBLE_ESCAPES[ch])
        elif code < 0x20 or 0x7F <= code <= 0x9F or ch == "\ufeff" or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _one_line(text: str) -> str:
    """The text as one scalar: plain when it reads back as the same string, else quoted."""
    if text and _PLAIN.match(text) and not _BREAKS_PLAIN.search(text) \
            and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR:
        return text
    if _NEEDS_DOUBLE.search(text):
        return _double(text)
    return "'" + text.replace("'", "''") + "'"


def _block_ok(text: str) -> bool:
    """Whether a literal block (`|`, `|-`) carries the text exactly."""
    body = text[:-1] if text.endswith("\n") else text
    if not body or body.endswith("\n") or body[0] in " \t" or "\r" in body or not _PRINTABLE_BLOCK.match(body):
        return False
    return not any(line != line.rstrip(" \t") for line in body.split("\n"))


def scalar(text: str) -> str:
    form = _TEXT.get(text)
    if form is None:
        form = "" if "\n" in text and _block_ok(text) else _one_line(text)
        if len(_TEXT) < 200_000:  # bounded: a long-lived server writes many templates
            _TEXT[text] = form
    return form


def _value(value) -> str:
    """A non-string scalar's text."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if type(value) is int:
        return str(value)
    if type(value) is float:  # as PyYAML writes it: YAML 1.1 reads `5e-324` (no dot) as a string
        text = repr(value).lower()
        return text.replace("e", ".0e") if "." not in text and "e" in text else text
    raise TypeError(f"cannot write {type(value).__name__} in a template")


def _block(text: str, pad: str) -> str:
    """` |` (or ` |-`) and the text's lines, indented under their key."""
    head = " |" if text.endswith("\n") else " |-"
    body = text[:-1] if text.endswith("\n") else text
    return head + "".join("\n" + pad + line if line else "\n" for line in body.split("\n"))


_PLAIN_KINDS = frozenset({str, dict, list, int, float, bool, type(None)})


def _unknown(value):
    raise TypeError(f"cannot write {type(value).__name__} in a template")


def _mapping(data: dict, pad: str, out: list, convert) -> None:
    known = _TEXT.get  # most keys and strings were written before: their form without a call
    for key, value in data.items():
        if type(key) is str:
            name = known(key)
            if not name:  # not seen yet, or multi-line (a key is never a block)
                name = scalar(key) or _double(key)
        else:
            name = _value(key)
        kind = type(value)
        if kind not in _PLAIN_KINDS:  # an expression: its plain form (an intrinsic function)
            value = convert(value)
            kind = type(value)
        if kind is str:
            form = known(value)
            if form is None:
                form = scalar(value)
            out.append(f"{pad}{name}: {form}\n" if form else f"{pad}{name}:{_block(value, pad + INDENT)}\n")
        elif kind is dict:
            if value:
                out.append(f"{pad}{name}:\n")
                _mapping(value, pad + INDENT, out, convert)
            else:
                out.append(f"{pad}{name}: {{}}\n")
        elif kind is list:
            if value:
                out.append(f"{pad}{name}:\n")
                _sequence(value, pad, out, convert)  # block sequences in a mapping are not indented (PyYAML's style)
            else:
                out.append(f"{pad}{name}: []\n")
        else:
            out.append(f"{pad}{name}: {_value(value)}\n")


def _sequence(items: list, pad: str, out: list, convert) -> None:
    inner = pad + INDENT
    for item in items:
        kind = type(item)
        if kind not in _PLAIN_KINDS:
            item = convert(item)
            kind = type(item)
        if kind is str:
            form = scalar(item)
            out.append(f"{pad}- {form}\n" if form else f"{pad}-{_block(item, inner)}\n")
        elif kind is dict:
            if not item:
                out.append(f"{pad}- {{}}\n")
                continue
            start = len(out)
            _mapping(item, inner, out, convert)
            out[start] = pad + "- " + out[start][len(inner):]  # the first key shares the dash's line
        elif kind is list:
            if not item:
                out.append(f"{pad}- []\n")
                continue
            start = len(out)
            _sequence(item, inner, out, convert)
            out[start] = pad + "- " + out[start][len(inner):]
        else:
            out.append(f"{pad}- {_value(item)}\n")


def dump(data: dict, convert=_unknown) -> str:
    """A template (a non-empty mapping of plain data) as block YAML; `convert` turns any other value
    (an expression of the resolved model) into plain data as it is met."""
    out: list[str] = []
    _mapping(data, "", out, convert)
    if len(_TEXT) >= 200_000:
        _TEXT.clear()
    return "".join(out)
