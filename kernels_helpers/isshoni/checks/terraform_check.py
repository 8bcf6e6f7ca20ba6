"""Terraform validation: a real HCL parse always (HashiCorp's parser, with a deadline: see
`hcl_parser`); fmt, init and validate with the real AWS provider whenever a terraform binary
and the provider are available, each with a deadline too."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path

from ..compiler import terraform
from ..compiler.model import Resolved
from . import deadline, hcl_parser, toolchain
from .finding import Finding, design_id

TOOL = "terraform"
_BLOCK = re.compile(r'resource "([^"]+)" "([^"]+)"')


def parse(files: dict[str, str], timeout: float = hcl_parser.PARSE_TIMEOUT) -> list[Finding]:
    """Parse every file with HashiCorp's HCL parser (no terraform binary needed)."""
    results = hcl_parser.parse_texts(files, timeout)
    return [Finding("error", TOOL, "hcl-parse", f"{name}: {result.reason}", None, name)
            for name, result in sorted(results.items()) if isinstance(result, hcl_parser.CouldNotParse)]


def _run(args: list[str], cwd: Path, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    return deadline.run(args, cwd=cwd, env=env, timeout=timeout)


def validate(resolved: Resolved, files: dict[str, str] | None = None, workdir: Path | None = None) -> list[Finding]:
    """HCL parse, then `terraform fmt -check`, `init` and `validate` when possible."""
    files = files or terraform.files(resolved)
    findings = parse(files)
    if findings:
        return findings
    tools = toolchain.find()
    if tools.missing:
        return [Finding("info", TOOL, "skipped", f"terraform validate skipped: {tools.missing}")]
    try:
        return _with_terraform(tools, resolved, files, workdir)
    except subprocess.TimeoutExpired as exc:
        return [Finding("warning", TOOL, "not-checked", f"terraform {exc.cmd[1]} did not finish within {exc.timeout:g} s: "
                                   "the module was not validated")]


def _with_terraform(tools: toolchain.Toolchain, resolved: Resolved, files: dict[str, str], workdir: Path | None) -> list[Finding]:
    """`terraform fmt -check`, `init` and `validate -json` over the files."""
    findings: list[Finding] = []
    sources = {f"{p.tf_type}.{p.tf_name}": p.source for p in resolved.parts if p.tf_type}
    with tempfile.TemporaryDirectory(prefix="isshoni-tf-") as tmp:
        root = Path(workdir or tmp)
        for name, text in files.items():
            (root / name).write_text(text, encoding="utf-8")
        config = toolchain.cli_config(tools.mirror, Path(tmp)) if tools.mirror else None
        env = toolchain.environment(config)
        fmt = _run([tools.terraform, "fmt", "-check", "-list=true", "."], root, env)
        for name in fmt.stdout.split():
            findings.append(Finding("warning", TOOL, "fmt", f"{name} is not in `terraform fmt` style", None, name))
        init = _run([tools.terraform, "init", "-backend=false", "-input=false", "-no-color"], root, env)
        if init.returncode != 0:
            why = (init.stderr or init.stdout).strip().splitlines()
            hint = "" if tools.mirror else " (no provider mirror found; set ISSHONI_TF_PLUGIN_MIRROR for offline use)"
            return findings + [Finding("info", TOOL, "skipped", f"terraform init failed, validate skipped{hint}: {' '.join(why[-3:])[:400]}")]
        result = _run([tools.terraform, "validate", "-json", "-no-color"], root, env)
        try:
            report = json.loads(result.stdout)
        except json.JSONDecodeError:
            return findings + [Finding("error", TOOL, "validate", (result.stderr or result.stdout).strip()[:400])]
        for diag in report.get("diagnostics", []):
            context = (diag.get("snippet") or {}).get("context") or ""
            match = _BLOCK.search(context)
            address = f"{match.group(1)}.{match.group(2)}" if match else None
            rng = diag.get("range") or {}
            where = f"{rng.get('filename', '')}:{(rng.get('start') or {}).get('line', '')}"
            message = diag.get("summary", "") + (f": {diag['detail']}" if diag.get("detail") else "")
            findings.append(
                Finding(
                    "error" if diag.get("severity") == "error" else "warning",
                    TOOL,
                    "validate",
                    message,
                    design_id(sources, address) if address else None,
                    address or where,
                )
            )
    return findings
