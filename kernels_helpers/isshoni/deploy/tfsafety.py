"""Refuse Terraform that could run commands or reach outside AWS before it is run.

Terraform is a program runner as much as a declaration: provisioners execute
commands, the `external` data source runs a program at plan time, `http`
fetches URLs, and any third-party provider is arbitrary code.  Every `.tf`
and `.tf.json` file in the working directory is parsed (a real HCL parser,
not regexes) and anything outside the allowed set is refused with the file,
line and construct named.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

ALLOWED_PROVIDERS = frozenset({"aws", "random"})
FORBIDDEN_PROVISIONERS = ("local-exec", "remote-exec", "file")
FORBIDDEN_DATA = {"external": "runs a local program at plan time", "http": "fetches arbitrary URLs at plan time"}


@dataclass(frozen=True)
class Refusal:
    file: str
    line: int | None
    construct: str
    why: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.construct}: {self.why}"


class UnsafeTerraform(Exception):
    def __init__(self, refusals: list[Refusal]):
        self.refusals = refusals
        super().__init__("refusing to run Terraform: " + "; ".join(str(r) for r in refusals))


def check_dir(folder: Path) -> list[Refusal]:
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()) if p.is_file() and p.name.endswith((".tf", ".tf.json"))}
    return check_files(files)


def check_files(files: dict[str, str]) -> list[Refusal]:
    refusals: list[Refusal] = []
    for name, text in sorted(files.items()):
        try:
            body = json.loads(text) if name.endswith(".json") else _parse_hcl(text)
        except Exception as exc:  # a file we cannot read is a file we cannot vouch for
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            refusals.append(Refusal(name, None, "unparsable file", f"cannot be checked ({first[:200]})"))
            continue
        refusals.extend(_check_body(name, text, body))
    return refusals


def ensure_safe(folder: Path) -> None:
    refusals = check_dir(folder)
    if refusals:
        raise UnsafeTerraform(refusals)


# ---------------------------------------------------------------- parsing


def _parse_hcl(text: str) -> dict:
    import hcl2

    return hcl2.loads(text)


def _blocks(body: dict, kind: str) -> list[dict]:
    """Top-level blocks of one kind as a list of dicts, whichever hcl2 flavour parsed them
    (python-hcl2 and bc-python-hcl2 shape lists slightly differently)."""
    value = body.get(kind, [])
    if isinstance(value, dict):
        value = [value]
    return [v for v in value if isinstance(v, dict)]


def _labelled(body: dict, kind: str):
    """(label1, label2, block) for `kind "label1" "label2" { }` blocks."""
    for group in _blocks(body, kind):
        for first, inner in group.items():
            if first.startswith("__"):
                continue
            items = inner if isinstance(inner, list) else [inner]
            for item in items:
                if not isinstance(item, dict):
                    continue
                for second, block in item.items():
                    if second.startswith("__"):
                        continue
                    for b in block if isinstance(block, list) else [block]:
                        if isinstance(b, dict):
                            yield _unquote(first), _unquote(second), b, item


def _unquote(label: str) -> str:
    return label[1:-1] if len(label) >= 2 and label[0] == label[-1] == '"' else label


def _line(block: dict, *fallbacks) -> int | None:
    for b in (block, *fallbacks):
        if isinstance(b, dict) and isinstance(b.get("__start_line__"), int):
            return b["__start_line__"]
    return None


def _find_line(text: str, pattern: str, start: int | None) -> int | None:
    """The line of a nested construct (parsers give lines for top-level blocks only)."""
    lines = text.splitlines()
    regex = re.compile(pattern)
    for index in range(max((start or 1) - 1, 0), len(lines)):
        if regex.search(lines[index]):
            return index + 1
    return start


def _provider_of(resource_type: str, block: dict) -> str:
    explicit = block.get("provider")
    if isinstance(explicit, list) and explicit:
        explicit = explicit[0]
    if isinstance(explicit, str) and explicit:
        return explicit.strip("${}").split(".")[0]
    return resource_type.split("_", 1)[0]


def _as_str(value) -> str:
    while isinstance(value, list) and value:
        value = value[0]
    return value if isinstance(value, str) else ""


# ---------------------------------------------------------------- rules


def _check_body(name: str, text: str, body: dict) -> list[Refusal]:
    out: list[Refusal] = []
    for rtype, rname, block, group in _labelled(body, "resource"):
        start = _line(block, group) or _find_line(text, re.escape(f'"{rname}"'), None)
        address = f'resource "{rtype}" "{rname}"'
        out += _provisioners(name, text, address, block, start)
        provider = _provider_of(rtype, block)
        if provider not in ALLOWED_PROVIDERS:
            out.append(Refusal(name, start, address, f"provider {provider!r} is not allowed (allowed: {', '.join(sorted(ALLOWED_PROVIDERS))})"))
    for dtype, dname, block, group in _labelled(body, "data"):
        out += _data(name, dtype, dname, block, _line(block, group) or _find_line(text, re.escape(f'"{dname}"'), None))
    for check in _blocks(body, "check"):
        for _cname, inner in check.items():
            if _cname.startswith("__"):
                continue
            for item in inner if isinstance(inner, list) else [inner]:
                if isinstance(item, dict):
                    for dtype, dname, block, group in _labelled(item, "data"):
                        out += _data(name, dtype, dname, block, _line(block, group, check))
    for group in _blocks(body, "provider"):
        for pname, block in group.items():
            if pname.startswith("__"):
                continue
            pname = _unquote(pname)
            if pname not in ALLOWED_PROVIDERS:
                out.append(Refusal(name, _line(group, block if isinstance(block, dict) else {}), f'provider "{pname}"', "provider not allowed"))
    for group in _blocks(body, "terraform"):
        for req in group.get("required_providers", []) or []:
            for pname, spec in (req.items() if isinstance(req, dict) else []):
                if pname.startswith("__"):
                    continue
                source = _as_str(spec.get("source")) if isinstance(spec, dict) else _as_str(spec) if isinstance(spec, list) and spec and isinstance(spec[0], str) else ""
                if isinstance(spec, list) and spec and isinstance(spec[0], dict):
                    source = _as_str(spec[0].get("source"))
                short = source.split("/")[-1] if source else pname
                if pname not in ALLOWED_PROVIDERS or (source and short not in ALLOWED_PROVIDERS) or (source and not source.endswith(f"hashicorp/{short}")):
                    line = _find_line(text, rf"^\s*{re.escape(pname)}\s*=", _line(group))
                    out.append(Refusal(name, line, f"required provider {pname} ({source or 'no source'})", "provider not allowed"))
    for mname, block, group in _modules(body):
        out.append(Refusal(name, _line(block, group), f'module "{mname}"', "modules are not checked, so they are not run"))
    return out


def _modules(body):
    for group in _blocks(body, "module"):
        for mname, block in group.items():
            if not mname.startswith("__"):
                yield _unquote(mname), block if isinstance(block, dict) else {}, group


def _provisioners(name, text, address, block, start) -> list[Refusal]:
    out = []
    provisioners = block.get("provisioner", [])
    for item in provisioners if isinstance(provisioners, list) else [provisioners]:
        if not isinstance(item, dict):
            continue
        for kind in item:
            if kind.startswith("__"):
                continue
            kind = _unquote(kind)
            line = _find_line(text, rf'provisioner"?\s*:?\s*[{{\[]?\s*"?{re.escape(kind)}"?', start)
            why = "provisioners run commands" if kind in FORBIDDEN_PROVISIONERS else "provisioners are not allowed"
            out.append(Refusal(name, line, f'provisioner "{kind}" in {address}', why))
    # connection blocks only serve provisioners; refusing them too keeps intent obvious
    return out


def _data(name, dtype, dname, block, line) -> list[Refusal]:
    address = f'data "{dtype}" "{dname}"'
    if dtype in FORBIDDEN_DATA:
        return [Refusal(name, line, address, FORBIDDEN_DATA[dtype])]
    provider = _provider_of(dtype, block)
    if provider not in ALLOWED_PROVIDERS:
        return [Refusal(name, line, address, f"provider {provider!r} is not allowed")]
    return []
