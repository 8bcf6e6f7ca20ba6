"""Terraform -> design (issue 15, item 2): a folder of `.tf` files, evaluated statically.

`read_folder(folder, variables=...)` evaluates the configuration (source.py: variables with
their defaults and the values given, locals, `count`/`for_each`, local modules), turns every
resource instance into a CloudFormation-shaped source resource (resources.py) and hands them
to the shared lifter, which matches them against the catalog's own Terraform templates.  A
module from a registry, git or a URL is never fetched: it is reported, with its file and line,
as not understood (its resources are unknown without it; a plan JSON shows them).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from .. import Entry, Imported, NotImportable
from ..lift import lift
from ..lift.values import NO_DEFAULT
from . import source as tf_source
from .resources import convert

_LOCAL = ("./", "../")


def read(text: str, *, source: str = "main.tf", region: str = "us-east-1", name: str = "imported",
         fmt: str | None = None, variables: dict | None = None) -> Imported:
    """Import one .tf file's text (a local module it names is not there: reported)."""
    with tempfile.TemporaryDirectory(prefix="isshoni-tf-") as folder:
        Path(folder, "main.tf").write_text(text, encoding="utf-8")
        try:
            return read_folder(folder, region=region, name=name, variables=variables, source=source)
        except NotImportable as exc:  # name the text's source, not the scratch folder
            message = str(exc)[len(exc.where) + 2:] if exc.where else str(exc)
            where = exc.where.replace(str(Path(folder, "main.tf")), source).replace(folder, source)
            raise NotImportable(message, where) from None


def read_folder(folder, *, region: str = "us-east-1", name: str = "imported", variables: dict | None = None,
                source: str | None = None) -> Imported:
    """Import a folder of .tf files (its subfolders are read only as the local modules it calls)."""
    folder = Path(folder)
    label = source or str(folder)
    files = tf_source.tf_files(folder)
    variables = _checked(variables, label)
    parsed = tf_source.evaluate(folder, variables)
    raw = tf_source.raw_blocks(folder, files)
    resources, read = convert(parsed, raw, tf_source.evaluate_as_text(folder, variables, raw, parsed))
    skipped = _modules_not_read(parsed, folder)
    notes = _notes(parsed, variables)
    asked = _asked(parsed, variables)
    imported = lift(resources, name=name, region=region, fmt="terraform", source=label, notes=notes,
                    parameters={**asked, **{k: v["Default"] for k, v in read.items()}},
                    template_raw={"Parameters": {**_declared(parsed, asked), **read}})
    imported.report.not_understood.extend(skipped)
    return imported


def _checked(variables, where: str) -> dict:
    if variables is None:
        return {}
    if not isinstance(variables, dict) or not all(isinstance(k, str) and re.fullmatch(r"[A-Za-z_][\w-]*", k) for k in variables):
        raise NotImportable("variables must be a mapping of Terraform variable names to values", where)
    return variables


def module_source_kind(source: str) -> str:
    """What kind of place a module's `source` names (Terraform's own forms)."""
    if source.startswith(_LOCAL):
        return "local"
    if source.startswith(("git::", "git@", "github.com/", "bitbucket.org/")) or ".git" in source:
        return "git"
    if source.startswith(("http://", "https://")):
        return "http"
    if re.match(r"^(s3|gcs|hg)::", source):
        return source.split("::")[0]
    if source.startswith("/"):
        return "a path outside the folder"
    if re.fullmatch(r"([\w.-]+/)?[\w-]+/[\w-]+/[\w-]+(//.*)?", source):
        return "registry"
    return "unknown"


def _modules_not_read(parsed: dict, folder: Path) -> list[Entry]:
    out = []
    for item in parsed.get("module") or []:
        meta = item.get("__tfmeta") or {}
        where, line = meta.get("filename"), meta.get("line_start")
        module_source = item.get("source")
        kind = module_source_kind(module_source) if isinstance(module_source, str) else "unknown"
        if kind == "local":
            target = (folder / Path(where or ".").parent / module_source).resolve()
            if not target.is_relative_to(folder.resolve()):
                reason = f"the local module {module_source!r} is outside the folder imported; it was not read"
            elif not any(target.glob("*.tf")):
                reason = f"the local module {module_source!r} has no .tf files"
            else:
                continue
        else:
            reason = (f"the module source {module_source!r} is a {kind} module; it is never fetched, so the "
                      "resources it would make are not imported (import the JSON of `terraform show -json` of a plan "
                      "to see them)")
        out.append(Entry(meta.get("path", "module"), f"module ({kind})", line, None, reason, where))
    return out


def _asked(parsed: dict, variables: dict | None) -> dict:
    """The asked variables as template parameters without a default, so a catalog property that is
    asked at deploy time (`x-ask`) reads them as asked."""
    return {name: NO_DEFAULT for name in tf_source.asked(parsed, variables)}


_TYPES = {"string": "String", "number": "Number", "list(string)": "CommaDelimitedList"}


def _declared(parsed: dict, asked: dict) -> dict:
    """The asked variables as the template parameters a generic resource reading one declares (its
    type and description; Terraform's validation is not a CloudFormation pattern)."""
    out = {}
    for v in parsed.get("variable") or []:
        name = v["__tfmeta"]["label"]
        if name in asked:
            out[name] = {"Type": _TYPES.get(str(v.get("type", "string")).replace(" ", ""), "String")}
            if isinstance(v.get("description"), str):
                out[name]["Description"] = v["description"]
    return out


def _notes(parsed: dict, variables: dict | None) -> list[str]:
    notes = []
    if variables:
        notes.append(f"variables given: {', '.join(sorted(variables))}")
    defaults = sorted(v["__tfmeta"]["path"] for v in parsed.get("variable") or [] if "default" in v and v["__tfmeta"]["label"] not in (variables or {}))
    if defaults:
        notes.append(f"variables read at their defaults: {', '.join(defaults[:10])}{' ...' if len(defaults) > 10 else ''}")
    data = [d for items in parsed.values() if isinstance(items, list) for d in items
            if isinstance(d, dict) and (d.get("__tfmeta") or {}).get("type") == "data"]
    if data:
        notes.append(f"{len(data)} data source(s) not imported (read by Terraform when it runs): values from them are not understood")
    if parsed.get("output"):
        notes.append("outputs not imported: the compiler writes its own")
    return notes


__all__ = ["module_source_kind", "read", "read_folder"]
