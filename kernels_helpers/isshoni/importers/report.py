"""What an import did, said exactly: every source resource is counted once, in one bucket.

An import never drops anything silently.  Each resource, block or box of the source ends in
exactly one of: a typed catalog node, a generic resource (a CloudFormation registry type the
catalog has no entry for), an external node (drawn, connectable, emits nothing), folded into
another node (a target group and listener rule that became an ALB -> service connection), or
not understood, with the reason and the source line.  `counts()` adds up to `total`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

BUCKETS = ("typed", "generic", "external", "folded", "not_understood")


@dataclass(frozen=True)
class Entry:
    """One source item: its name in the source, its kind there, where it was, and what became of it."""

    source_id: str
    source_type: str
    line: int | None = None
    design_id: str | None = None  # the node it became (or was folded into)
    reason: str = ""  # why it was folded or not understood
    file: str | None = None  # the file of `line`, in a source of several files (a Terraform folder)

    @property
    def where(self) -> str:
        """`file:line`, `line N`, the file, or ''."""
        if self.file:
            return f"{self.file}:{self.line}" if self.line else self.file
        return f"line {self.line}" if self.line else ""


@dataclass
class ImportReport:
    source: str  # the file, folder or account/region read
    format: str  # one of importers.FORMATS
    typed: list[Entry] = field(default_factory=list)
    generic: list[Entry] = field(default_factory=list)
    external: list[Entry] = field(default_factory=list)
    folded: list[Entry] = field(default_factory=list)
    not_understood: list[Entry] = field(default_factory=list)
    connections: int = 0
    notes: list[str] = field(default_factory=list)  # whole-source remarks (a Mapping kept as a variable ...)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(len(getattr(self, b)) for b in BUCKETS)

    def counts(self) -> dict[str, int]:
        return {b: len(getattr(self, b)) for b in BUCKETS}

    def to_dict(self) -> dict:
        out = asdict(self)
        out["counts"], out["total"] = self.counts(), self.total
        return out

    def text(self) -> str:
        """The summary a person reads at the end of an import (CLI, canvas, kernel)."""
        c = self.counts()
        head = (f"{self.total} {self.format} item(s) from {self.source} in {self.seconds:.1f} s: {c['typed']} typed, "
                f"{c['generic']} kept as generic resources, {c['external']} external, {c['folded']} folded into "
                f"connections or their nodes, {c['not_understood']} not understood; {self.connections} connection(s)")
        lines = [head, *self.notes]
        for entry in self.not_understood:
            where = f" ({entry.where})" if entry.where else ""
            lines.append(f"  not understood: {entry.source_id} [{entry.source_type}]{where}: {entry.reason}")
        return "\n".join(lines)
