"""`isshoni.import_design(...)` in a kernel: a template becomes a design file, opened like any other."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..design.model import SUFFIX
from ..importers.report import ImportReport


@dataclass
class ImportResult:
    """The opened design (live when a server is found) and the import report."""

    design: object
    report: ImportReport
    path: Path

    def __repr__(self) -> str:
        return f"{self.report.text()}\nwritten to {self.path}"

    def _repr_markdown_(self) -> str:
        return "```\n" + repr(self) + "\n```"


def import_design(source: str | Path | None = None, path: str | Path | None = None, *, text: str | None = None,
                  fmt: str | None = None, region: str | None = None, overwrite: bool = False, target: str | None = None,
                  **open_args) -> ImportResult:
    """Import `source` (a file) or `text` (its content) into the design file `path` (default: the
    source's name + .infra.json here), then open it; NotImportable says why and where when it cannot.
    `source` "sandbox" or "account" (`fmt` "account") scans that account's `region` read-only (`target`
    sandbox or aws overrides which)."""
    from ..importers.dispatch import design_name, import_path, import_text
    from . import open as open_design

    if (source is None) == (text is None):
        raise TypeError("give a source file or its text, not both")
    name = design_name(str(path or source or "imported"))
    out = Path(path) if path else Path(f"{name}{SUFFIX}")
    if not out.name.endswith(SUFFIX):
        out = out.with_name(out.name + SUFFIX)
    if out.exists() and not overwrite:
        raise FileExistsError(f"{out} exists: pass overwrite=True to replace it with the import")
    if text is not None:
        imported = import_text(text, fmt, source="text", region=region, name=name)
    else:
        imported = import_path(source, fmt, region=region, name=name, target=target)
    imported.design.save(out)
    return ImportResult(open_design(out, **open_args), imported.report, out)


__all__ = ["ImportResult", "import_design"]
