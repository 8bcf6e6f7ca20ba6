"""A finding: one thing a check says about a design, pinned to the resource it concerns."""

from __future__ import annotations

from dataclasses import asdict, dataclass

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, order=True)
class Finding:
    severity: str
    tool: str
    rule: str
    message: str
    resource: str | None = None
    location: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = f" [{self.resource}]" if self.resource else ""
        return f"{self.severity:7} {self.tool}:{self.rule}{where} {self.message}"


def design_id(sources: dict[str, str], key: str) -> str | None:
    """The design resource/connection an output name came from ('@design' parts belong to none)."""
    source = sources.get(key)
    return None if source is None or source.startswith("@") else source
