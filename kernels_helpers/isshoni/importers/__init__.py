"""Bring infrastructure people already describe onto the canvas (issue 15).

One module (or subpackage) per source format; each has `read(...) -> Imported` and refuses
bad input with `NotImportable` (a message naming the place: file, line, column, block).
Every import ends with an `ImportReport` (report.py) whose buckets add up to what the
source held.  The format registry and the entry points (`isshoni import`, REST, kernel)
live here and in their usual modules; the formats never import each other's internals.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..design import Design
from .report import BUCKETS, Entry, ImportReport

FORMATS = ("cloudformation", "sam", "terraform", "tfplan", "mermaid", "account")


class NotImportable(ValueError):
    """The source cannot be imported; `where` names the place (file:line:column, a block, a box)."""

    def __init__(self, message: str, where: str = ""):
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


@dataclass
class Imported:
    design: Design
    report: ImportReport


__all__ = ["BUCKETS", "FORMATS", "Entry", "ImportReport", "Imported", "NotImportable"]
