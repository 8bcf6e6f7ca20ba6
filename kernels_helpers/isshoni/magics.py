"""IPython magics (`%load_ext isshoni`): `%isshoni open|generate|check|deploy|canary|destroy|status`
and the `%%terraform` cell magic.

`%isshoni` is a thin command line over `isshoni.open` and the design's
methods, so a cell and a script do exactly the same thing.  `%%terraform`
runs the cell as a Terraform module in a temporary folder: `fmt` (shows the
formatted text and the diff), `validate` (init from the provider mirror,
then validate) or `plan` (against the sandbox by default).  Before anything
runs, the cell passes the deploy engine's own Terraform safety check
(`deploy.tfsafety`: allow-lists of providers by full source address and of
block types; provisioners, `external`/`http` data, foreign backends refused).
"""

from __future__ import annotations

import argparse
import difflib
import json
import shlex
import subprocess
import tempfile
from pathlib import Path

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class

from .checks import TOOLS, toolchain
from .compiler import FORMATS


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{self.prog}: {message}")

    def exit(self, status=0, message=None):
        raise UsageError(message or self.format_help())


def _line_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="%isshoni", description="Isshoni designs from a notebook")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    op = sub.add_parser("open", help="open a design (live when a Jupyter server is found)")
    op.add_argument("path")
    op.add_argument("--offline", action="store_true", help="work on the file, never join the room")
    op.add_argument("--live", action="store_true", help="insist on the room (error when no server)")
    op.add_argument("--url")
    op.add_argument("--token")
    op.add_argument("--as", dest="var", default="design", help="the variable to bind (default: design)")
    for name in ("generate", "check", "deploy", "canary", "destroy", "status"):
        p = sub.add_parser(name)
        p.add_argument("--design", default="design", help="the variable holding the design (default: design)")
        if name == "generate":
            p.add_argument("format", nargs="?", default="cloudformation", choices=FORMATS)
        if name == "check":
            p.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated, of {', '.join(TOOLS)}")
        if name in ("deploy", "canary", "destroy"):
            p.add_argument("--target", default="sandbox", choices=("sandbox", "aws"))
            p.add_argument("--yes-really-aws", action="store_true")
        if name in ("deploy", "destroy"):
            p.add_argument("--engine", default=None, choices=("cloudformation", "terraform"))
        if name == "canary":
            group = p.add_mutually_exclusive_group(required=True)
            group.add_argument("--green", type=int)
            group.add_argument("--auto", action="store_true")
            group.add_argument("--rollback", action="store_true")
            p.add_argument("--accept-unchecked", action="store_true", help="let --auto walk on past steps it could not check")
    return parser


def _terraform_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="%%terraform", description="run the cell as a Terraform module")
    parser.add_argument("action", nargs="?", default="validate", choices=("fmt", "validate", "plan"))
    parser.add_argument("--region", default="us-east-1", help="the sandbox region for plan")
    parser.add_argument("--var", action="append", default=[], help="name=value (repeatable)")
    return parser


@magics_class
class IsshoniMagics(Magics):
    @line_magic
    def isshoni(self, line: str):
        """%isshoni open PATH | generate [FORMAT] | check [--tools ...] | deploy | canary | destroy | status"""
        args = _line_parser().parse_args(shlex.split(line))
        if args.command == "open":
            from . import open as open_design

            live = False if args.offline else (True if args.live else None)
            design = open_design(args.path, live, url=args.url, token=args.token)
            self.shell.user_ns[args.var] = design
            return design
        design = self.shell.user_ns.get(args.design)
        if design is None or not hasattr(design, "generate"):
            raise UsageError(f"no design in `{args.design}`: run %isshoni open PATH first")
        if args.command == "generate":
            return design.generate(args.format)
        if args.command == "check":
            return design.check([t.strip() for t in args.tools.split(",") if t.strip()])
        if args.command == "status":
            return design
        really = bool(getattr(args, "yes_really_aws", False))
        try:
            if args.command == "deploy":
                return design.deploy(args.target, engine=args.engine or "cloudformation", really_aws=really)
            if args.command == "destroy":
                return design.destroy(args.target, engine=args.engine, really_aws=really)
            return design.canary(args.green, auto=args.auto, rollback=args.rollback, target=args.target, really_aws=really,
                                 accept_unchecked=args.accept_unchecked)
        except ValueError as exc:  # preconditions a person can fix (not deployed, no canary, aws not confirmed)
            raise UsageError(str(exc)) from None

    @cell_magic
    def terraform(self, line: str, cell: str):
        """%%terraform [fmt|validate|plan] [--region R] [--var name=value]: run the cell as a Terraform module."""
        args = _terraform_parser().parse_args(shlex.split(line))
        return run_terraform(cell, args.action, region=args.region, variables=_vars(args.var))


def _vars(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--var takes name=value, not {pair!r}")
        out[name] = value
    return out


class TerraformResult:
    """What a %%terraform run said: shown as text, kept for tests and scripts."""

    def __init__(self, action: str, ok: bool, output: str, formatted: str | None = None):
        self.action, self.ok, self.output, self.formatted = action, ok, output, formatted

    def __repr__(self) -> str:
        return f"terraform {self.action}: {'ok' if self.ok else 'FAILED'}\n{self.output}".rstrip()

    def _repr_markdown_(self) -> str:
        return f"**terraform {self.action}: {'ok' if self.ok else 'FAILED'}**\n\n```\n{self.output.rstrip()}\n```"


def run_terraform(cell: str, action: str = "validate", *, region: str = "us-east-1",
                  variables: dict[str, str] | None = None) -> TerraformResult:
    """fmt / validate / plan one module's text; refuses unsafe Terraform before running anything."""
    from .deploy.tfsafety import check_files

    refusals = check_files({"main.tf": cell})
    if refusals:
        raise UsageError("refusing to run this Terraform:\n" + "\n".join(f"  {r}" for r in refusals))
    tools = toolchain.find()
    if tools.missing:
        raise UsageError(f"%%terraform needs Terraform: {tools.missing}")
    with tempfile.TemporaryDirectory(prefix="isshoni-cell-") as tmp:
        folder = Path(tmp) / "module"
        folder.mkdir()
        (folder / "main.tf").write_text(cell, encoding="utf-8")
        config = toolchain.cli_config(tools.mirror, Path(tmp)) if tools.mirror else None
        env = toolchain.environment(config)
        if action == "fmt":
            done = _run([tools.terraform, "fmt", "-no-color", "main.tf"], folder, env)
            formatted = (folder / "main.tf").read_text(encoding="utf-8")
            diff = "".join(difflib.unified_diff(cell.splitlines(True), formatted.splitlines(True), "cell", "terraform fmt"))
            text = (done.stderr.strip() or "") if done.returncode else (diff or "already in `terraform fmt` style")
            return TerraformResult("fmt", done.returncode == 0, text, formatted if done.returncode == 0 else None)
        init = _run([tools.terraform, "init", "-backend=false", "-input=false", "-no-color"], folder, env)
        if init.returncode != 0:
            hint = "" if tools.mirror else "\n(no provider mirror found: set ISSHONI_TF_PLUGIN_MIRROR for offline use)"
            return TerraformResult(action, False, (init.stderr or init.stdout).strip() + hint)
        if action == "validate":
            done = _run([tools.terraform, "validate", "-no-color"], folder, env)
            return TerraformResult("validate", done.returncode == 0, (done.stdout + done.stderr).strip())
        return _plan(folder, env, region, variables or {}, tools.terraform)


def _plan(folder: Path, env: dict, region: str, variables: dict, binary: str) -> TerraformResult:
    """Plan against the sandbox: its loopback endpoints and dummy credentials, never a real account."""
    from .deploy import targets
    from .deploy.engines.terraform import SANDBOX_OVERRIDE, sandbox_override

    target = targets.make("sandbox", region, prepare=False)
    if not _has_aws_provider((folder / "main.tf").read_text(encoding="utf-8")):
        (folder / "isshoni_provider.tf").write_text('provider "aws" {}\n', encoding="utf-8")  # the override needs a base
    (folder / SANDBOX_OVERRIDE).write_text(sandbox_override(target.endpoint), encoding="utf-8")
    (folder / "isshoni.auto.tfvars.json").write_text(json.dumps(variables), encoding="utf-8")
    env = target.subprocess_env(env)
    env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = region
    done = _run([binary, "plan", "-input=false", "-lock=false", "-no-color"], folder, env, timeout=600)
    output = (done.stdout + done.stderr).strip()
    for secret in target.secrets():
        output = output.replace(secret, "***")
    return TerraformResult("plan", done.returncode == 0, f"(planned against the sandbox, {target.describe()})\n{output}")


def _has_aws_provider(text: str) -> bool:
    from .checks import hcl_parser
    from .deploy.tfrules import instances

    return any(labels == ("aws",) for labels, _b in instances(hcl_parser.loads(text).get("provider", []), 1))


def _run(args: list[str], cwd: Path, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def load(ipython) -> None:
    ipython.register_magics(IsshoniMagics)
