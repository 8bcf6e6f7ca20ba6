"""The `isshoni` command: create, inspect, compile and check designs.

Every command has --help, prints clear messages, and exits 0 on success,
1 when the design has errors (check) and 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import __version__
from .design import Design, DesignError
from .design.model import SUFFIX

out = Console()
err = Console(stderr=True)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class Usage(Exception):
    """Bad input from the person at the keyboard: message, exit code 2."""


def _design_path(text: str) -> Path:
    path = Path(text)
    if not path.name.endswith(SUFFIX) and not path.exists() and Path(text + SUFFIX).exists():
        path = Path(text + SUFFIX)
    return path


def _load(text: str) -> Design:
    return Design.load(_design_path(text))


# ---------------------------------------------------------------- commands


def cmd_new(args) -> int:
    from . import templates

    name = args.name[: -len(SUFFIX)] if args.name.endswith(SUFFIX) else args.name
    path = Path(args.dir) / f"{name}{SUFFIX}"
    if path.exists() and not args.force:
        raise Usage(f"{path} already exists (use --force to overwrite)")
    if args.template:
        try:
            design = templates.load(args.template)
        except KeyError as exc:
            raise Usage(str(exc.args[0])) from None
        design.set_meta(name=Path(name).name)
    else:
        design = Design(name=Path(name).name, region=args.region or "us-east-1")
    if args.region:
        design.set_meta(region=args.region)
    design.validate(str(path))
    answered = _ask(design, args.prompt, args) if args.prompt else None
    path.parent.mkdir(parents=True, exist_ok=True)
    design.save(path)
    out.print(f"Created [bold]{escape(str(path))}[/] ({len(design.resources)} resources, {len(design.connections)} connections)")
    return EXIT_FINDINGS if answered and answered["status"] == "error" else EXIT_OK


def _ask(design: Design, prompt: str, args) -> dict:
    """The assistant's answer, its text streamed to stdout as it comes; the message is kept in the design's chat."""
    import getpass

    from .assistant import Assistant, ask

    config = Assistant(offline=args.offline, **({"model": args.model} if args.model else {}))
    streamed = []

    def echo(text: str) -> None:
        streamed.append(text)
        sys.stdout.write(text)
        sys.stdout.flush()

    with err.status("asking the assistant ...") if not args.quiet else _nothing():
        message = ask(design, prompt, author=getpass.getuser(), mode=args.mode, config=config, echo=echo)
    shown = "".join(streamed).strip()  # the final text starts with the streamed text, stripped
    rest = message["text"][len(shown):] if shown and message["text"].startswith(shown) else message["text"]
    sys.stdout.write(rest.rstrip() + "\n")
    if message.get("usage"):
        usage, cost = message["usage"], message.get("cost_usd")
        price = f", about ${cost:.4f}" if cost is not None else ""
        err.print(f"[dim]{usage['requests']} request(s), {usage['input_tokens']} in / {usage['output_tokens']} out tokens, "
                  f"{usage['cache_read_input_tokens']} read from cache{price}[/]")
    return message


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def cmd_ask(args) -> int:
    path = _design_path(args.design)
    design = Design.load(path)
    message = _ask(design, args.prompt, args)
    if message["status"] == "error" and not message.get("ops"):
        return EXIT_FINDINGS  # nothing changed; the failure was printed
    design.save(path)
    where = "proposed in the design's chat" if args.mode == "suggest" else "saved"
    err.print(f"{escape(str(path))}: {len(message.get('ops', []))} change(s) {where}")
    return EXIT_FINDINGS if message["status"] == "error" else EXIT_OK


def cmd_templates(args) -> int:
    from . import templates

    rows = templates.describe()
    if args.json:
        print(json.dumps([{"name": n, "description": d} for n, d in rows], indent=2))
        return EXIT_OK
    table = Table("template", "description")
    for name, description in rows:
        table.add_row(name, description)
    out.print(table)
    return EXIT_OK


def cmd_catalog(args) -> int:
    from .catalog import CATALOG, by_category, summaries

    if args.cfn_types is not None or args.cfn_type:
        return _registry(args)
    if args.json:
        print(json.dumps(summaries(), indent=2, sort_keys=True))
        return EXIT_OK
    for category, entries in by_category().items():
        if args.category and category != args.category:
            continue
        table = Table("type", "label", "CloudFormation", "Terraform", title=f"{category} ({len(entries)})", title_justify="left")
        for entry in entries:
            summary = entry.summary()
            table.add_row(entry.type, entry.label, ", ".join(summary["cloudformation"]), ", ".join(summary["terraform"]))
        out.print(table)
    out.print(f"{len(CATALOG)} resource types")
    return EXIT_OK


def _registry(args) -> int:
    """`--cfn-types WORDS` searches the CloudFormation registry; `--cfn-type TYPE` describes one type."""
    from .generic import cfn_type, design_type, registry

    region = args.region or "us-east-1"
    try:
        if args.cfn_type:
            name = cfn_type(design_type(args.cfn_type))
            try:
                profile = registry.profile(region, name).to_dict()
            except KeyError:
                raise Usage(f"no CloudFormation type {name} in {region}; search with --cfn-types WORDS") from None
            print(json.dumps(profile, indent=2, sort_keys=True))
            return EXIT_OK
        found, total = registry.search(args.cfn_types, region, limit=1_000_000 if args.json else 50)
    except (registry.RegistryUnavailable, ValueError) as exc:
        raise Usage(str(exc)) from None
    if args.json:
        print(json.dumps(found, indent=2, sort_keys=True))
        return EXIT_OK
    table = Table(title=f"CloudFormation registry in {region} (a design uses a type as cfn:<type>)")
    table.add_column("type", no_wrap=True)
    table.add_column("Terraform", no_wrap=True)
    table.add_column("description")
    for row in found:
        table.add_row(row["cfn_type"], "Cloud Control" if row["terraform"] else "none", escape(row["description"]))
    out.print(table)
    more = f" (the first {len(found)} shown)" if total > len(found) else ""
    out.print(f"{total} registry types match{more}")
    return EXIT_OK


def cmd_generate(args) -> int:
    from .compiler import generate

    design = _load(args.design)
    files = generate(design, args.format)
    if args.output:
        folder = Path(args.output)
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        written = sorted(files)
        if args.format in ("terraform", "tf", "hcl"):  # the Lambda code zips the module names, next to it
            from .compiler import package

            written += [p.relative_to(folder).as_posix() for p in package.write(design, folder)]
        err.print(f"Wrote {', '.join(written)} to {folder}")
    else:
        for name, text in files.items():
            if len(files) > 1:
                sys.stdout.write(f"# ---- {name}\n")
            sys.stdout.write(text)
    return EXIT_OK


def cmd_check(args) -> int:
    from .checks import TOOLS, check

    design = _load(args.design)
    tools = tuple(args.only.split(",")) if args.only else TOOLS
    if args.skip:
        tools = tuple(t for t in tools if t not in args.skip.split(","))
    if args.json:
        report = check(design, tools)
        print(json.dumps(report.to_dict(), indent=2))
    else:
        with err.status("checking ...") as status:
            report = check(design, tools, progress=lambda tool: status.update(f"running {tool} ..."))
        table = Table("severity", "tool", "rule", "resource", "message")
        styles = {"error": "red", "warning": "yellow", "info": "dim"}
        for f in report.findings:
            table.add_row(f"[{styles.get(f.severity, '')}]{f.severity}[/]", f.tool, f.rule, escape(f.resource or "-"), escape(f.message))
        if report.findings:
            out.print(table)
        counts = report.to_dict()["counts"]
        verdict = "[green]no errors[/]" if report.ok else f"[red]{counts['error']} error(s)[/]"
        out.print(f"{escape(design.name)}: {verdict}, {counts['warning']} warning(s), {counts['info']} note(s)")
    return EXIT_OK if report.ok else EXIT_FINDINGS


def cmd_validate(args) -> int:
    design = _load(args.design)
    out.print(f"{args.design}: valid design ({len(design.resources)} resources, {len(design.connections)} connections)")
    return EXIT_OK


# ---------------------------------------------------------------- parser


def _assistant_options(s) -> None:
    s.add_argument("--mode", choices=["apply", "suggest"], default="apply",
                   help="apply the change (default) or only propose it in the design's chat")
    s.add_argument("--model", help="Claude model id (default: the assistant's, a current Claude Sonnet)")
    s.add_argument("--offline", action="store_true", help="use the offline planner even when ANTHROPIC_API_KEY is set")
    s.add_argument("--quiet", "-q", action="store_true", help="no progress spinner")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="isshoni", description="Design AWS infrastructure together; compile it to CloudFormation and Terraform.")
    p.add_argument("--version", action="version", version=f"isshoni {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    s = sub.add_parser("new", help="create a design file (blank or from a template)")
    s.add_argument("name", help="design name; NAME.infra.json is created")
    s.add_argument("--template", "-t", help="start from a template (see `isshoni templates`)")
    s.add_argument("--region", help="AWS region (default: the template's, or us-east-1)")
    s.add_argument("--dir", default=".", help="folder to create it in")
    s.add_argument("--force", action="store_true", help="overwrite an existing file")
    s.add_argument("--prompt", "-p", help='describe what to build ("a disaster-notification system"); the assistant designs it')
    _assistant_options(s)
    s.set_defaults(fn=cmd_new)

    s = sub.add_parser("ask", help="ask the design assistant to change a design (Claude with ANTHROPIC_API_KEY, else the offline planner)")
    s.add_argument("design", help="the .infra.json file")
    s.add_argument("prompt", help='what you want, e.g. "add a read replica"')
    _assistant_options(s)
    s.set_defaults(fn=cmd_ask)

    s = sub.add_parser("templates", help="list the ready designs")
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.set_defaults(fn=cmd_templates)

    s = sub.add_parser("catalog", help="list the AWS resource types a design can use")
    s.add_argument("--json", action="store_true", help="the whole catalog as JSON (schemas, links, mappings)")
    s.add_argument("--category", help="only this category")
    s.add_argument("--cfn-types", nargs="?", const="", metavar="WORDS",
                   help="search every CloudFormation registry type (a design uses one as type cfn:<type>)")
    s.add_argument("--cfn-type", metavar="TYPE", help="one registry type: its schema, attributes and Terraform counterpart")
    s.add_argument("--region", help="the region for --cfn-types / --cfn-type (default us-east-1)")
    s.set_defaults(fn=cmd_catalog)

    s = sub.add_parser("generate", help="compile a design to CloudFormation or Terraform")
    s.add_argument("design", help="the .infra.json file")
    s.add_argument("--format", "-f", default="cloudformation", choices=["cloudformation", "cloudformation-json", "terraform"])
    s.add_argument("-o", "--output", help="write the template / Terraform root module into this folder")
    s.set_defaults(fn=cmd_generate)

    s = sub.add_parser("check", help="run graph rules, cfn-lint, terraform validate and checkov")
    s.add_argument("design", help="the .infra.json file")
    s.add_argument("--json", action="store_true", help="machine-readable findings")
    s.add_argument("--only", help="comma-separated tools: isshoni,cfn-lint,terraform,checkov")
    s.add_argument("--skip", help="comma-separated tools to skip")
    s.set_defaults(fn=cmd_check)

    s = sub.add_parser("validate", help="check that a design file is well-formed and consistent")
    s.add_argument("design", help="the .infra.json file")
    s.set_defaults(fn=cmd_validate)

    from . import launch
    from .assistant import cli as assistant_cli
    from .cost import cli as cost_cli
    from .dashboard import serve as dashboard_serve
    from .deploy import cli as deploy_cli
    from .deploy import drift_cli
    from .design import diff_cli, versions_cli
    from .importers import cli as import_cli
    from .server import team_cli

    launch.add_commands(sub)
    diff_cli.add_commands(sub)
    versions_cli.add_commands(sub)
    import_cli.add_commands(sub)
    assistant_cli.add_commands(sub)
    deploy_cli.add_commands(sub)
    drift_cli.add_commands(sub)
    dashboard_serve.add_commands(sub)
    team_cli.add_commands(sub)
    cost_cli.add_commands(sub)
    return p


def main(argv=None) -> int:
    args, extra = parser().parse_known_args(argv)
    if getattr(args, "lab", False):
        from .launch import cmd_lab

        return cmd_lab(args, extra)
    if getattr(args, "dashboard", False):
        from .dashboard.serve import cmd_dashboard

        return cmd_dashboard(args, extra)
    if extra:
        parser().parse_args(argv)  # reports the unknown options and exits 2
    try:
        return args.fn(args)
    except DesignError as exc:
        err.print(f"[red]{escape(exc.source)}: {len(exc.problems)} problem(s)[/]")
        for problem in exc.problems:
            err.print(f"  - {problem}", markup=False, highlight=False)
        return EXIT_USAGE
    except (Usage, ValueError, KeyError) as exc:
        message = exc.args[0] if exc.args else str(exc)
        err.print(f"[red]error:[/] {escape(str(message))}", highlight=False)
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
