"""Checks: the catalog's graph rules, cfn-lint, Terraform validation and checkov.

Every finding names its tool, severity and the design resource it belongs to,
so the canvas can draw it on that node.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..compiler import resolve
from ..design.model import Design
from .finding import Finding

TOOLS = ("isshoni", "cfn-lint", "terraform", "checkov")


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def by_resource(self) -> dict[str | None, list[Finding]]:
        out: dict[str | None, list[Finding]] = {}
        for f in self.findings:
            out.setdefault(f.resource, []).append(f)
        return out

    def to_dict(self) -> dict:
        counts = {s: sum(1 for f in self.findings if f.severity == s) for s in ("error", "warning", "info")}
        return {"ok": self.ok, "counts": counts, "findings": [f.to_dict() for f in self.findings]}


def check(design: Design, tools=TOOLS, progress=None) -> Report:
    """Run the chosen tools; `progress(tool)` is called before each one."""
    from . import cfnlint_check, checkov_check, graph_rules, terraform_check

    runners = {
        "isshoni": lambda r: graph_rules.run(design),
        "cfn-lint": cfnlint_check.run,
        "terraform": terraform_check.validate,
        "checkov": checkov_check.run,
    }
    unknown = set(tools) - set(runners)
    if unknown:
        raise ValueError(f"unknown check tool(s): {', '.join(sorted(unknown))}; choose from {', '.join(TOOLS)}")
    resolved = resolve(design)
    report = Report()
    for tool in TOOLS:
        if tool in tools:
            if progress:
                progress(tool)
            report.findings.extend(runners[tool](resolved))
    order = {"error": 0, "warning": 1, "info": 2}
    report.findings.sort(key=lambda f: (order.get(f.severity, 3), f.tool, f.resource or "", f.rule, f.message))
    return report


__all__ = ["Finding", "Report", "TOOLS", "check"]
