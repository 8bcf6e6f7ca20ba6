"""`isshoni import SRC [-o DESIGN] [--from FORMAT] [--region R]`: a design from what people already have."""

from __future__ import annotations

import json
from pathlib import Path

from . import FORMATS


def cmd_import(args) -> int:
    from ..cli import EXIT_OK, Usage, err
    from ..design.model import DEFAULT_REGION, SUFFIX
    from .dispatch import ACCOUNT_SOURCES, design_name, import_path

    source = Path(args.source)
    account = args.fmt == "account" or (args.fmt is None and args.source in ACCOUNT_SOURCES and not source.exists())
    target = args.target or ACCOUNT_SOURCES.get(args.source)
    default_name = f"{target or 'account'}-{args.region or DEFAULT_REGION}" if account else design_name(str(source))
    name = default_name if not args.output else Path(args.output).name.removesuffix(SUFFIX)
    output = Path(args.output) if args.output else Path(f"{name}{SUFFIX}")
    if not output.name.endswith(SUFFIX):
        output = output.with_name(output.name + SUFFIX)
    if output.exists() and not args.force:
        raise Usage(f"{output} already exists (use --force to overwrite)")
    if (args.target or args.profile) and not account:
        raise Usage("--target and --profile are for an account import (the source `account` or `sandbox`)")
    with _Progress(quiet=args.json or not account) as progress:
        imported = import_path(source, args.fmt, region=args.region, name=name, variables=_variables(args.var or (), Usage),
                               target=target if account else None, progress=progress, profile=args.profile)
    imported.design.save(output)
    if args.json:
        print(json.dumps({"design": str(output), "report": imported.report.to_dict()}, indent=2))
    else:
        err.print(imported.report.text(), markup=False, highlight=False)
        err.print(f"Wrote {output}", markup=False, highlight=False)
    return EXIT_OK


class _Progress:
    """An account scan's progress: a rich bar on a terminal (as deploys show theirs), a line per service otherwise."""

    def __init__(self, quiet: bool):
        self.quiet, self.bar, self.task = quiet, None, None

    def __enter__(self):
        from ..cli import err

        if not self.quiet and err.is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                console=err, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("scanning", total=None)
        return self

    def __exit__(self, *exc):
        if self.bar:
            self.bar.stop()

    def __call__(self, done: int, total: int, what: str) -> None:
        from rich.markup import escape

        from ..cli import err

        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total, description=escape(f"reading {what}"))
        elif not self.quiet and done < total:
            err.print(f"[{done + 1}/{total}] reading {what}", markup=False, highlight=False)


def _variables(pairs, usage) -> dict | None:
    """`--var NAME=VALUE` as Terraform's -var: a value that reads as JSON (a list, a map, a number) is that."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise usage(f"--var takes NAME=VALUE, not {pair!r}")
        try:
            out[key] = json.loads(value)
        except ValueError:
            out[key] = value
    return out or None


def add_commands(sub) -> None:
    s = sub.add_parser("import", help="make a design from a CloudFormation/SAM template, Terraform (a folder of .tf files "
                       "or a plan's JSON), a Mermaid flowchart (format detected when not given), or a live account's "
                       "region (`account` or `sandbox`, read-only)")
    s.add_argument("source", help="the template or flowchart file, a plan JSON, a folder of .tf files, or `account` "
                   "(the AWS account of the default credential chain) / `sandbox` to scan a region")
    s.add_argument("-o", "--output", help="the design file to write (default: NAME.infra.json here)")
    s.add_argument("--from", dest="fmt", choices=FORMATS, help="the source format (default: detected from the content)")
    s.add_argument("--region", help="the design's region, and the region an account import scans (default us-east-1)")
    s.add_argument("--target", choices=("sandbox", "aws"), help="the account to scan (default: aws for `account`, "
                   "the sandbox for `sandbox`)")
    s.add_argument("--profile", help="the AWS profile an account import reads with (default: boto3's credential chain)")
    s.add_argument("--var", action="append", metavar="NAME=VALUE", help="a Terraform variable's value (repeatable)")
    s.add_argument("--force", action="store_true", help="overwrite an existing design file")
    s.add_argument("--json", action="store_true", help="print the design path and the report as JSON")
    s.set_defaults(fn=cmd_import)


__all__ = ["add_commands", "cmd_import"]
