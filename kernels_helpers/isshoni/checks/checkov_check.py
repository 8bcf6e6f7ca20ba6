"""checkov on both generated outputs: security and compliance findings.

checkov runs as its own process (it is a large tool with its own pinned
dependencies) over a temporary folder holding the CloudFormation template and
the Terraform module; `--skip-download` keeps it offline.  It runs with a
deadline (its whole process group is killed when it passes), and what it could
not parse or did not finish is reported as not checked, never as passed:
checkov skips a file its HCL parser gives up on (bc-python-hcl2 fails or times
out on escaped template sequences such as `$${`) and reports the rest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..compiler import cloudformation, terraform
from ..compiler.model import Resolved
from . import deadline
from .finding import Finding, design_id

TOOL = "checkov"
SEVERITY = {"CRITICAL": "error", "HIGH": "error", "MEDIUM": "warning", "LOW": "info"}


def executable() -> list[str] | None:
    found = shutil.which("checkov")
    if found:
        return [found]
    try:
        import checkov  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "checkov.main"]


def run(resolved: Resolved, timeout: float = 300) -> list[Finding]:
    command = executable()
    if command is None:
        return [Finding("info", TOOL, "skipped", "checkov is not installed (pip install checkov)")]
    with tempfile.TemporaryDirectory(prefix="isshoni-checkov-") as tmp:
        root = Path(tmp)
        (root / "template.yaml").write_text(cloudformation.to_yaml(resolved), encoding="utf-8")
        for name, text in terraform.files(resolved).items():
            (root / name).write_text(text, encoding="utf-8")
        env = dict(os.environ, BC_SKIP_MAPPING="TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2="false")
        try:
            proc = deadline.run(
                [*command, "-d", str(root), "--framework", "cloudformation", "terraform", "-o", "json", "--skip-download", "--compact"],
                timeout=timeout,
                env=env,
            )
        except subprocess.TimeoutExpired:
            return [Finding("warning", TOOL, "not-checked", f"checkov did not finish within {timeout:g} s: "
                            "the generated outputs were not checked by checkov")]
    try:
        reports = json.loads(proc.stdout) if proc.stdout.strip() else []
    except json.JSONDecodeError:
        return [Finding("info", TOOL, "failed", f"checkov did not run: {(proc.stderr or proc.stdout).strip()[:300]}")]
    if isinstance(reports, dict):
        reports = [reports]
    return findings_from(reports, resolved)


FRAMEWORKS = {"cloudformation": "CloudFormation", "terraform": "Terraform"}


def findings_from(reports: list[dict], resolved: Resolved) -> list[Finding]:
    """One finding per check and design resource, whatever the number of output formats (and
    AWS resources) it was found in: a finding says where, not how many times.  Suppressed
    checks (accepted risks) come back as info findings carrying their reason."""
    cfn_sources = {p.cfn_name: p.source for p in resolved.parts if p.cfn_type}
    tf_sources = {f"{p.tf_type}.{p.tf_name}": p.source for p in resolved.parts if p.tf_type}
    findings: list[Finding] = []
    groups: dict[tuple, dict] = {}
    for report in reports:
        framework = report.get("check_type")
        unparsed = (report.get("summary") or {}).get("parsing_errors") or 0
        if unparsed:
            findings.append(Finding("warning", TOOL, "not-checked", f"checkov could not parse {unparsed} {framework} file(s): "
                                    "what they declare was not checked by checkov"))
        results = report.get("results") or {}
        for outcome in ("failed_checks", "skipped_checks"):
            for result in results.get(outcome) or []:
                resource = result.get("resource", "")
                if framework == "cloudformation":
                    rid = design_id(cfn_sources, resource.rsplit(".", 1)[-1])
                else:
                    rid = design_id(tf_sources, resource)
                check = result.get("check_id", "?")
                reason = None
                if outcome == "skipped_checks":  # (--quiet would leave these out of the report)
                    reason = str((result.get("check_result") or {}).get("suppress_comment") or "").strip()
                key = (check, rid or resource, reason)
                group = groups.setdefault(key, {"rid": rid, "name": result.get("check_name", ""), "formats": set(), "where": [],
                                                "severity": SEVERITY.get(str(result.get("severity") or "").upper(), "warning")})
                group["formats"].add(FRAMEWORKS.get(framework, str(framework)))
                group["where"].append(resource)
    for (check, _who, reason), group in sorted(groups.items(), key=lambda kv: (kv[0][0], str(kv[0][1]), kv[0][2] or "")):
        formats = ", ".join(sorted(group["formats"]))
        where = ", ".join(sorted(set(group["where"])))
        if reason is None:
            findings.append(Finding(group["severity"], TOOL, check, f"{group['name']} ({formats})", group["rid"], where))
        else:
            findings.append(Finding("info", TOOL, check, f"accepted: {reason} [{group['name']}] ({formats})", group["rid"], where))
    return findings
