"""cfn-lint on the generated CloudFormation, findings mapped back to design ids."""

from __future__ import annotations

from cfnlint.api import ManualArgs, lint

from ..compiler import cloudformation
from ..compiler.model import Resolved
from .finding import Finding, design_id

TOOL = "cfn-lint"
# Explicit AZs are deliberate: designs pin zones (the seed uses 2a and 2c) and
# the sandbox answers Fn::GetAZs with us-east-1 zones in every region.
IGNORED = ("W3010",)


def _severity(rule_id: str) -> str:
    return {"E": "error", "W": "warning"}.get(rule_id[:1], "info")


def run(resolved: Resolved, template_text: str | None = None) -> list[Finding]:
    text = template_text or cloudformation.to_yaml(resolved)
    # informational rules too (I3011: stateful resources without deletion policies, I1022 ...)
    matches = lint(text, config=ManualArgs(regions=[resolved.region], ignore_checks=list(IGNORED), include_checks=["I"]))
    sources = {p.cfn_name: p.source for p in resolved.parts if p.cfn_type}
    findings = []
    for match in matches:
        path = list(getattr(match, "path", None) or [])
        logical = path[1] if len(path) > 1 and path[0] == "Resources" else None
        findings.append(
            Finding(
                _severity(match.rule.id),
                TOOL,
                match.rule.id,
                match.message,
                design_id(sources, logical) if logical else None,
                "/".join(str(p) for p in path) or f"line {match.linenumber}",
            )
        )
    return findings
