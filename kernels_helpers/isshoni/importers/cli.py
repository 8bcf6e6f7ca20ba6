"""`isshoni import SRC [-o DESIGN] [--from FORMAT] [--region R]`: a design from what people already have."""

from __future__ import annotations

import json
from pathlib import Path

from . import FORMATS


def cmd_import(args) -> int:
    from ..cli import EXIT_OK, Usage, err
    from ..design.model import SUFFIX
    from .dispatch import design_name, import_path

    source = Path(args.source)
    name = design_name(str(source)) if not args.output else Path(args.output).name.removesuffix(SUFFIX)
    output = Path(args.output) if args.output else Path(f"{name}{SUFFIX}")
    if not output.name.endswith(SUFFIX):
        output = output.with_name(output.name + SUFFIX)
    if output.exists() and not args.force:
        raise Usage(f"{output} already exists (use --force to overwrite)")
    imported = import_path(source, args.fmt, region=args.region, name=name, variables=_variables(args.var or (), Usage))
    imported.design.save(output)
    if args.json:
        print(json.dumps({"design": str(output), "report": imported.report.to_dict()}, indent=2))
    else:
        err.print(imported.report.text(), markup=False, highlight=False)
        err.print(f"Wrote {output}", markup=False, highlight=False)
    return EXIT_OK


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
                       "or a plan's JSON) or a Mermaid flowchart (format detected when not given)")
    s.add_argument("source", help="the template or flowchart file, a plan JSON, or a folder of .tf files")
    s.add_argument("-o", "--output", help="the design file to write (default: NAME.infra.json here)")
    s.add_argument("--from", dest="fmt", choices=FORMATS, help="the source format (default: detected from the content)")
    s.add_argument("--region", help="the design's region (default us-east-1)")
    s.add_argument("--var", action="append", metavar="NAME=VALUE", help="a Terraform variable's value (repeatable)")
    s.add_argument("--force", action="store_true", help="overwrite an existing design file")
    s.add_argument("--json", action="store_true", help="print the design path and the report as JSON")
    s.set_defaults(fn=cmd_import)


__all__ = ["add_commands", "cmd_import"]
