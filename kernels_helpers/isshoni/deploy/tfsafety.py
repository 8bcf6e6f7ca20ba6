"""Refuse Terraform that could run commands or reach outside AWS before it is run.

Terraform is a program runner as much as a declaration: provisioners execute
commands, the `external` data source runs a program at plan time, `http`
fetches URLs, backends and `cloud` blocks send state elsewhere, and any
third-party provider (its resources, data sources, ephemeral resources and
functions) is arbitrary code.  Every `.tf` and `.tf.json` file in the working
directory is parsed (HashiCorp's own HCL parser, in a child process with a
deadline; see `checks.hcl_parser`) and checked against allow-lists
(`tfrules`); anything else is refused with the file, line and block named.  A
file that cannot be parsed within the deadline is refused too: it cannot be
vouched for.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..checks import hcl_parser
from ..checks.hcl_parser import CouldNotParse
from .tfrules import ALLOWED_SOURCES, FileRules, Refusal, allowed_providers, declared_providers

__all__ = ["ALLOWED_SOURCES", "Refusal", "UnsafeTerraform", "check_dir", "check_files", "ensure_safe"]


class UnsafeTerraform(Exception):
    def __init__(self, refusals: list[Refusal]):
        self.refusals = refusals
        super().__init__("refusing to run Terraform: " + "; ".join(str(r) for r in refusals))


def check_dir(folder: Path, timeout: float = hcl_parser.PARSE_TIMEOUT) -> list[Refusal]:
    files, refusals = {}, []
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name.endswith((".tf", ".tf.json")):
            try:
                files[path.name] = path.read_bytes().decode("utf-8")
            except UnicodeDecodeError as exc:
                refusals.append(Refusal(path.name, None, "unreadable file", f"not UTF-8 text (byte {exc.start}), cannot be checked"))
    return refusals + check_files(files, timeout)


def check_files(files: dict[str, str], timeout: float = hcl_parser.PARSE_TIMEOUT) -> list[Refusal]:
    """Refusals for a module given as {file name: text}; empty when it may run."""
    json_files = {name for name in files if name.endswith(".json")}
    parsed: dict[str, dict | CouldNotParse] = hcl_parser.parse_texts(
        {name: text for name, text in files.items() if name not in json_files}, timeout)
    parsed.update({name: _json_body(files[name]) for name in json_files})
    refusals = [Refusal(name, result.line, "unparsable file", f"cannot be checked ({result.reason})")
                for name, result in sorted(parsed.items()) if isinstance(result, CouldNotParse)]
    bodies = {name: body for name, body in parsed.items() if isinstance(body, dict)}
    providers = allowed_providers(declared_providers(bodies, json_files))
    for name in sorted(bodies):
        refusals += FileRules(name, files[name], name in json_files, providers).check(bodies[name])
    return refusals


def ensure_safe(folder: Path) -> None:
    refusals = check_dir(folder)
    if refusals:
        raise UnsafeTerraform(refusals)


def _json_body(text: str) -> dict | CouldNotParse:
    """A `.tf.json` file's body.  A key given twice is refused: Python would keep one, Terraform reads both."""

    def unique(pairs: list) -> dict:
        body = {}
        for key, value in pairs:
            if key in body:
                raise CouldNotParse(f"the key {json.dumps(key)} appears twice in one object")
            body[key] = value
        return body

    try:
        body = json.loads(text, object_pairs_hook=unique)
    except CouldNotParse as exc:
        return exc
    except RecursionError:
        return CouldNotParse("nested too deeply to read")
    except ValueError as exc:
        return CouldNotParse(f"not valid JSON: {str(exc)[:200]}", getattr(exc, "lineno", None))
    return body if isinstance(body, dict) else CouldNotParse("not a JSON object")
