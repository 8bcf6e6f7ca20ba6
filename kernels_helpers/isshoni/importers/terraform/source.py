"""A Terraform folder, evaluated: every resource instance with its attribute values, and the raw text.

Two readers, both HashiCorp's grammar, each in a child process with a deadline:
tfparse (Trivy's Terraform evaluator: variables with their defaults and the values given,
locals, `count`/`for_each`, `dynamic` blocks, local modules, Terraform's functions; no module is
ever downloaded) gives the values; pygohcl (checks.hcl_parser) gives each attribute's
expression as written, which is how a reference's attribute (`.id` or `.arn`) is known where
the evaluator wrote only the target.

The evaluator knows no data source, so a policy built with `jsonencode` around
`data.aws_partition.current.partition` would come back null: the folder is evaluated from a
mirror where such reads are their own text (mirror.py).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from ...checks import deadline, hcl_parser
from .. import NotImportable
from .mirror import AsText, mirrored
from .resources import Scopes, folder_of, instances, read_as_text, written_body

TIMEOUT = 60.0  # seconds for the evaluator; a folder takes well under a second
MAX_FILES = 2000
MAX_BYTES = 5 * 1024 * 1024  # all .tf files together, as a template's limit
_WORKER = Path(__file__).with_name("worker.py")
_ERROR = re.compile(r"(?P<file>[^\s:]+\.tf(?:\.json)?):(?P<line>\d+),(?P<col>\d+)(?:-[\d,]+)?:\s*(?P<message>.*)", re.S)
VAR_FILES = ("terraform.tfvars", "terraform.tfvars.json")


def tf_files(folder: Path) -> list[Path]:
    """The .tf files of a folder and its subfolders (local modules), refused past the limits."""
    files, total = [], 0
    for path in sorted(folder.rglob("*.tf")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue  # .terraform/ (downloaded modules), hidden folders
        files.append(path)
        total += path.stat().st_size
        if len(files) > MAX_FILES or total > MAX_BYTES:
            raise NotImportable(f"more than {MAX_FILES} .tf files or {MAX_BYTES // 1024 // 1024} MB: more than an "
                                "import takes", str(folder))
    if not files:
        raise NotImportable("no .tf files in this folder", str(folder))
    return files


def evaluate(folder: Path, variables: dict | None = None, timeout: float = TIMEOUT, as_text: AsText | None = None) -> dict:
    """tfparse's view of the folder: {block type: [instances]}; NotImportable naming file:line:column.
    The account's own values, and what `as_text` names, are read as their own text (mirror.py)."""
    with tempfile.TemporaryDirectory(prefix="isshoni-tfvars-") as scratch:
        vars_paths = [p.name for p in _var_files(folder)]  # tfparse reads them relative to the folder
        read_from = mirrored(folder, tf_files(folder), Path(scratch) / "root", as_text or AsText()) or folder.resolve()
        if variables:
            given = Path(scratch) / "given.tfvars.json"
            given.write_text(json.dumps(variables), encoding="utf-8")
            vars_paths.append(os.path.relpath(given, read_from))
        request = json.dumps({"folder": str(read_from), "vars_paths": vars_paths})
        try:
            done = deadline.run([sys.executable, "-I", str(_WORKER)], input=request, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise NotImportable(f"evaluating the Terraform did not finish within {timeout:g} s", str(folder)) from None
    lines = done.stdout.strip().splitlines()
    if not lines:
        said = [x for x in done.stderr.splitlines() if x.strip()]
        raise NotImportable(f"the Terraform evaluator stopped (exit {done.returncode}"
                            f"{': ' + said[-1][:200] if said else ''})", str(folder))
    try:
        result = json.loads(lines[-1])
    except (RecursionError, ValueError):
        raise NotImportable("the Terraform evaluator's answer could not be read (nested too deeply)", str(folder)) from None
    if "error" in result:
        raise _refusal(result["error"].replace(f"{read_from}{os.sep}", ""), folder)  # named as the user's files
    return result.get("parsed") or {}


def evaluate_as_text(folder: Path, variables: dict, raw: dict[str, dict], parsed: dict) -> dict | None:
    """A second evaluation, only where some attribute needs it (resources.read_as_text: a
    `jsonencode` left unknown, text naming a resource written as its value): every resource of the
    folder and every asked variable read as its own text (mirror.py), so the structure around them
    is known and references stay references.  Only those attributes are taken from it
    (resources.convert); None when nothing needs it or the folder cannot be evaluated so."""
    scopes = Scopes(raw)
    if not any(read_as_text(item.get(k), v, scopes.declared.get(folder_of(item), ()))
               for item in instances(parsed) for k, v in written_body(item, raw).items()):
        return None
    try:
        return evaluate(folder, variables, as_text=AsText(scopes.declared, set(asked(parsed, variables))))
    except NotImportable:
        return None


def asked(parsed: dict, variables: dict | None) -> list[str]:
    """The root module's variables without a value (no default, not given): what a template asks
    at deploy time."""
    return [v["__tfmeta"]["label"] for v in parsed.get("variable") or [] if "default" not in v
            and v["__tfmeta"]["label"] not in (variables or {}) and "/" not in (v["__tfmeta"].get("filename") or "")]


def _var_files(folder: Path) -> list[Path]:
    """What Terraform itself reads without being asked: terraform.tfvars and *.auto.tfvars."""
    named = [folder / n for n in VAR_FILES if (folder / n).is_file()]
    return named + sorted(p for p in folder.glob("*.auto.tfvars*") if p.is_file())


def _refusal(error: str, folder: Path) -> NotImportable:
    found = _ERROR.search(error)
    if found:
        where = f"{folder / found.group('file')}:{found.group('line')}:{found.group('col')}"
        return NotImportable(f"not readable Terraform: {found.group('message').strip()[:300]}", where)
    message = error.removeprefix("ParseError: ")
    return NotImportable(f"the Terraform could not be evaluated: {message[:300]}", str(folder))


def raw_blocks(folder: Path, files: list[Path]) -> dict[str, dict]:
    """Each file's body as written (relative path -> pygohcl's hcl2json shape); a file the parser
    refuses is named with its line (the evaluator usually says so first)."""
    texts = {str(p.relative_to(folder)): p.read_text(encoding="utf-8", errors="replace") for p in files}
    parsed = hcl_parser.parse_texts(texts)
    for name, body in parsed.items():
        if isinstance(body, hcl_parser.CouldNotParse):
            raise NotImportable(f"not readable Terraform: {body.reason}", f"{name}:{body.line}" if body.line else name)
    return parsed


__all__ = ["MAX_BYTES", "asked", "evaluate", "evaluate_as_text", "raw_blocks", "tf_files"]
