"""Which lines of the generated code each design resource or connection produced.

The code view highlights the block(s) of the selected node and selects the node
whose block was clicked.  Every compiled part (and parameter/variable, output)
remembers its design `source`; here its block is found in the emitted text by
its name: a key under `Parameters:` / `Resources:` / `Outputs:` in the
CloudFormation YAML or JSON, a `resource "type" "name"` / `variable` / `output`
block in Terraform.  One pass per file (for YAML and JSON over the shallow lines
only); the emitters' layout is fixed (two-space YAML and JSON indents, HCL
blocks closed by `}` in column 0).
"""

from __future__ import annotations

import re

from .model import Resolved
from .names import cfn_identifier

# file name -> design id -> [[first line, last line], ...] (1-based, inclusive, in order)
Ranges = dict[str, dict[str, list[list[int]]]]

CFN_SECTIONS = ("Parameters", "Resources", "Outputs")

_YAML_SECTION = re.compile(r"^([A-Za-z]+):")
_YAML_KEY = re.compile(r"^  (?:'([^']+)'|\"([^\"]+)\"|([^\s'\":][^:]*)):(?:\s|$)")
_JSON_SECTION = re.compile(r'^  "([A-Za-z]+)": [{\[]$')
_JSON_KEY = re.compile(r'^    "((?:[^"\\]|\\.)*)": ')
_HCL_BLOCK = re.compile(r'^(resource|data|variable|output) "((?:[^"\\]|\\.)*)"(?: "((?:[^"\\]|\\.)*)")? \{$')
_HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_]*)$")


def code_ranges(resolved: Resolved, fmt: str, files: dict[str, str]) -> Ranges:
    """Per file, the line ranges of each design id's blocks (adjacent blocks of one id joined)."""
    out: Ranges = {}
    for name, text in files.items():
        lines = text.split("\n")
        if fmt in ("cloudformation", "cfn", "yaml"):
            blocks, owners = _yaml_blocks(text, lines), _cfn_owners(resolved)
        elif fmt in ("cloudformation-json", "json"):
            blocks, owners = _json_blocks(text), _cfn_owners(resolved)
        else:
            blocks, owners = _hcl_blocks(lines), _tf_owners(resolved)
        by_id: dict[str, list[list[int]]] = {}
        for key, (first, last) in blocks.items():
            source = owners.get(key)
            if source is not None:
                by_id.setdefault(source, []).append([first, last])
        out[name] = {source: _joined(sorted(spans), lines) for source, spans in by_id.items()}
    return out


def _cfn_owners(resolved: Resolved) -> dict[tuple[str, str], str]:
    owners = {("Parameters", cfn_identifier(v.name)): v.source for v in resolved.variables}
    owners.update({("Resources", p.cfn_name): p.source for p in resolved.parts if p.cfn_type})
    owners.update({("Outputs", cfn_identifier(o.name)): o.source for o in resolved.outputs})
    return owners


def _tf_owners(resolved: Resolved) -> dict[tuple[str, ...], str]:
    owners: dict[tuple[str, ...], str] = {("variable", v.name): v.source for v in resolved.variables}
    owners.update({("resource", p.tf_type, p.tf_name): p.source for p in resolved.parts if p.tf_type})
    owners.update({("output", o.name): o.source for o in resolved.outputs})
    return owners


def _shallow(text: str, pattern: re.Pattern):
    """(line number, line) of the lines `pattern` finds (the few shallow lines that open and close
    blocks), counting newlines only between them: ~100,000-line templates in tens of ms."""
    number, at = 1, 0
    for match in pattern.finditer(text):
        number += text.count("\n", at, match.start())
        at = match.start()
        yield number, match.group(0)


_YAML_SHALLOW = re.compile(r"^ {0,2}\S[^\n]*", re.M)
_JSON_SHALLOW = re.compile(r"^ {0,4}\S[^\n]*", re.M)


def _yaml_blocks(text: str, lines: list[str]) -> dict[tuple[str, str], tuple[int, int]]:
    """(section, key) -> lines of each two-space key under a CloudFormation section, up to the
    line before the next line indented two spaces or less (blank lines before it left out)."""
    blocks: dict[tuple[str, str], tuple[int, int]] = {}
    section = None
    current: tuple[str, str] | None = None
    start = 0

    def close(before: int) -> None:
        last = before - 1
        while last > start and not lines[last - 1].strip():
            last -= 1
        blocks[current] = (start, last)

    for number, line in _shallow(text, _YAML_SHALLOW):
        if current is not None:
            close(number)
            current = None
        if not line.startswith(" "):
            match = _YAML_SECTION.match(line)
            section = match.group(1) if match else None
        elif section in CFN_SECTIONS:
            match = _YAML_KEY.match(line)
            if match:
                current = (section, (match.group(1) or match.group(2) or match.group(3)).rstrip())
                start = number
    if current is not None:
        close(len(lines) + 1)
    return blocks


def _json_blocks(text: str) -> dict[tuple[str, str], tuple[int, int]]:
    """(section, key) -> lines of each four-space key under a top-level section, to its closing
    bracket at the same indent (or the key's own line for a one-line value)."""
    blocks: dict[tuple[str, str], tuple[int, int]] = {}
    section = None
    current: tuple[str, str] | None = None
    start = 0
    for number, line in _shallow(text, _JSON_SHALLOW):
        if current is not None:
            if line.startswith("    ") and line[4:5] in ("}", "]"):
                blocks[current] = (start, number)
                current = None
            continue
        match = _JSON_SECTION.match(line)
        if match:
            section = match.group(1)
            continue
        if line.startswith("  ") and not line.startswith("   "):
            section = None  # the section closed (or a one-line top-level entry)
            continue
        match = _JSON_KEY.match(line) if section in CFN_SECTIONS else None
        if match:
            key = (section, match.group(1))
            if line.endswith(("{", "[")):
                current, start = key, number
            else:
                blocks[key] = (number, number)
    return blocks


def _hcl_blocks(lines: list[str]) -> dict[tuple[str, ...], tuple[int, int]]:
    """(kind, labels...) -> lines of each top-level block, to its `}` in column 0 (heredoc
    bodies skipped: their text may hold a `}` of its own)."""
    blocks: dict[tuple[str, ...], tuple[int, int]] = {}
    current: tuple[str, ...] | None = None
    start = 0
    heredoc = None
    for number, line in enumerate(lines, 1):
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            continue
        if current is None:
            match = _HCL_BLOCK.match(line)
            if match:
                kind, first, second = match.groups()
                current = (kind, first, second) if second is not None else (kind, first)
                start = number
            continue
        if line == "}":
            blocks[current] = (start, number)
            current = None
            continue
        match = _HEREDOC.search(line)
        if match:
            heredoc = match.group(1)
    return blocks


def _joined(spans: list[list[int]], lines: list[str]) -> list[list[int]]:
    """Blocks of one id with only blank lines between them become one range."""
    out: list[list[int]] = []
    for first, last in spans:
        if out and _blank_between(lines, out[-1][1], first):
            out[-1][1] = max(out[-1][1], last)
        else:
            out.append([first, last])
    return out


def _blank_between(lines: list[str], last: int, first: int) -> bool:
    for number in range(last + 1, first):
        if lines[number - 1].strip():
            return False
    return True


__all__ = ["Ranges", "code_ranges"]
