"""A design diff (diff.py) as text for a terminal and as Markdown for a pull request.

Every id, label and value comes from a design file and is treated as hostile: values are
written as JSON (control characters escaped, so nothing can move a terminal's cursor or forge a
line), and in Markdown each cell is HTML-escaped inside `<code>` with `|` and line breaks
escaped, so a value cannot end its table cell, open a link or inject markup.
"""

from __future__ import annotations

import html
import json

from .diff import ABSENT, Change, DesignDiff, ItemDiff

MAX_VALUE = 200  # characters of one value shown; the JSON output has all of it
_MARK = {"added": "+", "removed": "-", "changed": "~"}


def value_text(value) -> str:
    if value is ABSENT:
        return "(absent)"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
    text = "".join(f"\\u{ord(c):04x}" if c in "\u2028\u2029\x7f" else c for c in text)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE - 3] + "..."


def _name(text: str) -> str:
    """An id or summary on one line: JSON-escaped where it holds anything unusual."""
    return text if text.isprintable() and '"' not in text else json.dumps(text)


def summary_line(d: DesignDiff) -> str:
    c = d.counts()
    parts = []
    for what, label in (("resources", "node"), ("connections", "connection")):
        for kind in ("added", "removed", "changed"):
            n = c[f"{what}_{kind}"]
            if n:
                parts.append(f"{n} {label}{'s' if n != 1 else ''} {kind}")
    if c["settings_changed"]:
        parts.append(f"{c['settings_changed']} design setting{'s' if c['settings_changed'] != 1 else ''} changed")
    if c["moved"]:
        parts.append(f"{c['moved']} node{'s' if c['moved'] != 1 else ''} only moved on the canvas")
    return ", ".join(parts) if parts else "no changes"


def _cost(d: DesignDiff) -> str:
    from ..cost.change import line

    return line(d.cost) if d.cost and (d.cost["change"] or d.cost["nodes"]) else ""


def text(d: DesignDiff) -> str:
    lines = [f"{_name(d.old_name)} -> {_name(d.new_name)}: {summary_line(d)}"]
    if _cost(d):
        lines.append(_cost(d))
    for c in d.meta:
        lines.append(f"~ setting {_name(c.path)}: {value_text(c.old)} -> {value_text(c.new)}")
    for label, items in (("node", d.resources), ("connection", d.connections)):
        for item in items:
            lines.append(f"{_MARK[item.kind]} {label} {_name(item.id)} ({_name(item.summary)})")
            lines += [f"    {_name(c.path)}: {value_text(c.old)} -> {value_text(c.new)}" for c in item.changes]
    if d.moved:
        lines.append(f"  moved on the canvas: {', '.join(_name(r) for r in d.moved)}")
    return "\n".join(lines)


def _cell(text: str) -> str:
    escaped = html.escape(text, quote=True).replace("|", "&#124;").replace("\n", "<br>").replace("\r", "")
    return f"<code>{escaped}</code>" if escaped else ""


def markdown(d: DesignDiff) -> str:
    out = [f"### Design {_cell(d.old_name)} &rarr; {_cell(d.new_name)}", "", html.escape(summary_line(d)), ""]
    if _cost(d):
        out += [html.escape(_cost(d)), ""]
    rows: list[tuple[str, str, str, Change | None]] = []
    for c in d.meta:
        rows.append(("changed", "setting", "", c))
    for label, items in (("node", d.resources), ("connection", d.connections)):
        for item in items:
            rows += _item_rows(label, item)
    if rows:
        out += ["| | what | id | property | before | after |", "|---|---|---|---|---|---|"]
        for kind, label, ident, c in rows:
            cells = [_MARK[kind], label, ident, _cell(c.path) if c else "", _cell(value_text(c.old)) if c else "",
                     _cell(value_text(c.new)) if c else ""]
            out.append("| " + " | ".join(cells) + " |")
    if d.moved:
        out += ["", "Only moved on the canvas: " + ", ".join(_cell(r) for r in d.moved)]
    return "\n".join(out) + "\n"


def _item_rows(label: str, item: ItemDiff) -> list:
    ident = f"{_cell(item.id)} ({_cell(item.summary)})"
    if not item.changes:
        return [(item.kind, label, ident, None)]
    return [(item.kind, label, ident, c) for c in item.changes]


__all__ = ["markdown", "summary_line", "text", "value_text"]
