"""`isshoni sandbox|deploy|destroy|canary|jobs|outputs`: the deploy commands.

Registered on the main parser with `add_commands(sub)`.  Progress and events
go to stderr (a rich progress bar on a terminal, plain lines otherwise);
results go to stdout (`--json` for machines).  Exit codes: 0 the job
succeeded, 1 it did not (failed, rolled back, cancelled), 2 bad input.
Deploying to a real AWS account needs `--yes-really-aws`; the sandbox needs
no flag and no prompt.
"""

from __future__ import annotations

import json
import signal
import sys

from rich.console import Console
from rich.markup import escape
from rich.table import Table

out = Console()
err = Console(stderr=True)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
STYLES = {"error": "red", "warning": "yellow", "rollback": "magenta", "canary": "cyan", "check": "dim", "verify": "yellow",
          "sandbox": "dim", "plan": "blue", "state": "bold", "sweep": "dim"}
STATUS_STYLES = {"verified": "green", "created_but_settings_dropped": "yellow", "unverified": "yellow", "not_emulated": "dim",
                 "missing": "red"}
STATE_STYLES = {"succeeded": "green", "failed": "red", "rolled_back": "magenta", "cancelled": "yellow",
                "interrupted": "yellow", "running": "cyan", "queued": "dim"}


def _aws_guard(args) -> None:
    if getattr(args, "target", "sandbox") == "aws" and not getattr(args, "yes_really_aws", False):
        raise ValueError("this acts on a real AWS account and can cost money: add --yes-really-aws to confirm")


class _Display:
    """Events as lines, plus a progress bar on a terminal."""

    def __init__(self, title: str, quiet: bool = False):
        self.quiet = quiet
        self.progress = None
        self.task = None
        self.title = title

    def __enter__(self):
        if not self.quiet and err.is_terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), console=err, transient=True)
            self.progress.start()
            self.task = self.progress.add_task(self.title, total=None)
        return self

    def __exit__(self, *exc):
        if self.progress:
            self.progress.stop()

    def __call__(self, event: dict) -> None:
        if self.quiet:
            return
        if self.progress is not None:
            if event.get("progress"):
                done, total = event["progress"]
                self.progress.update(self.task, completed=done, total=total or None)
            self.progress.update(self.task, description=escape(event["message"][:60]))
        if event["type"] == "resource" and event.get("status") == "IN_PROGRESS":
            return
        style = STYLES.get(event["type"], "")
        text = f"{event['t']:7.2f}s {event['type']:<9} {escape(event['message'])}"
        err.print(f"[{style}]{text}[/]" if style else text, highlight=False, soft_wrap=True)


def _sigterm_as_interrupt() -> None:
    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def _approver(args):
    """Sandbox plans are shown and applied; AWS plans need --yes or a 'y' at a terminal."""
    if args.target == "sandbox" or args.yes:
        return lambda plan: True

    def ask(plan: str) -> bool:
        if not sys.stdin.isatty():
            err.print("[yellow]the plan needs approval: run again with --yes[/]")
            return False
        return input("Apply this plan to AWS? [y/N] ").strip().lower() in ("y", "yes")

    return ask


def _finish(job, args, *, show_report: bool = False) -> int:
    record = job.record()
    if getattr(args, "json", False):
        print(json.dumps(record, indent=2, default=str))
        return EXIT_OK if job.state == "succeeded" else EXIT_FAILED
    if show_report and (job.result or {}).get("report"):
        _print_report(job.result["report"])
    outputs = (job.result or {}).get("outputs")
    if outputs:
        table = Table("output", "value", title="outputs", title_justify="left")
        for key, value in sorted(outputs.items()):
            table.add_row(key, escape(str(value)))
        out.print(table)
    if (job.result or {}).get("outputs_not_emulated"):
        out.print(f"[dim]outputs the sandbox cannot give (their resources are not emulated): {', '.join(job.result['outputs_not_emulated'])}[/]")
    style = "yellow" if job.warnings and job.state == "succeeded" else STATE_STYLES.get(job.state, "")
    out.print(f"[{style}]{job.kind} {job.outcome}[/]: {escape(job.summary or '')}", highlight=False)
    for warning in job.warnings:
        out.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    if job.error:
        out.print(f"[red]error:[/] {escape(job.error)}", highlight=False)
    out.print(f"[dim]job {job.id}; log {job.log_path}[/]", highlight=False)
    return EXIT_OK if job.state == "succeeded" else EXIT_FAILED


def _print_report(report: dict) -> None:
    counts = report.get("counts", {})
    table = Table("resource", "status", "details", title="sandbox report (checked through describe APIs)", title_justify="left")
    for rid, status in report.get("status", {}).items():
        style = STATUS_STYLES.get(status, "")
        table.add_row(rid, f"[{style}]{status}[/]", escape("\n".join(report.get("details", {}).get(rid, []))))
    out.print(table)
    out.print("parts: " + ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items() if n))


# ---------------------------------------------------------------- commands


def cmd_sandbox(args) -> int:
    from . import sandbox

    try:
        if args.action == "start":
            sb = sandbox.start()
            info = sandbox.status()
        elif args.action == "stop":
            info = {"stopped": sandbox.stop()}
        elif args.action == "reset":
            sandbox.reset()
            info = {"reset": True, **sandbox.status()}
        else:
            info = sandbox.status()
            info["engines"] = _engines()
    except sandbox.SandboxError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        return EXIT_FAILED
    if args.json:
        print(json.dumps(info, indent=2))
        return EXIT_OK
    if args.action == "start":
        out.print(f"sandbox running at [bold]{sb.url}[/] (pid {sb.pid}, moto {sb.moto_version})")
    elif args.action == "stop":
        out.print("sandbox stopped" if info["stopped"] else "the sandbox was not running")
    elif args.action == "reset":
        out.print("sandbox reset: every resource in it is gone")
    else:
        if info["running"]:
            out.print(f"sandbox running at [bold]{info['url']}[/] (pid {info['pid']}, up {info['uptime_s']} s, moto {info['moto_version']})")
        else:
            out.print("sandbox not running (it starts by itself on the first deploy, or: isshoni sandbox start)")
        engines = dict(info["engines"])
        provider = engines.pop("terraform_provider", None)
        for name, why in engines.items():
            out.print(f"  {name}: " + ("[green]available[/]" if not why else f"[yellow]unavailable[/]: {escape(why)}"))
        if provider:
            out.print(f"  terraform provider: {escape(provider)}")
    return EXIT_OK


def _engines() -> dict:
    """name -> None when usable here, else why not (Terraform's provider source is noted)."""
    from . import sandbox
    from .engines import ENGINES, get
    from .engines.terraform import Terraform

    out = {name: get(name).unavailable(None) for name in ENGINES}
    out["sandbox"] = sandbox.available()
    out["terraform_provider"] = Terraform.provider_note() if out["terraform"] is None else None
    return out


def cmd_deploy(args) -> int:
    _aws_guard(args)
    from . import runner

    _sigterm_as_interrupt()
    with _Display(f"deploying to {args.target}", quiet=args.json) as display:
        job = runner.deploy(args.design, target=args.target, engine=args.engine, profile=args.profile,
                            approve=_approver(args), listeners=[display], verify_resources=not args.no_verify,
                            really_aws=args.yes_really_aws)
    return _finish(job, args, show_report=True)


def cmd_destroy(args) -> int:
    _aws_guard(args)
    from . import runner

    _sigterm_as_interrupt()
    with _Display(f"destroying in {args.target}", quiet=args.json) as display:
        job = runner.destroy(args.design, target=args.target, engine=args.engine, profile=args.profile, listeners=[display],
                             really_aws=args.yes_really_aws)
    return _finish(job, args)


def cmd_canary(args) -> int:
    _aws_guard(args)
    from . import runner

    steps = [int(s) for s in args.steps.split(",")] if args.steps else None
    _sigterm_as_interrupt()
    with _Display("canary", quiet=args.json) as display:
        job = runner.canary(args.design, green=args.green, rollback=args.rollback, auto=args.auto, alb=args.alb,
                            target=args.target, profile=args.profile, bake_s=args.bake, listeners=[display],
                            really_aws=args.yes_really_aws, accept_unchecked=args.accept_unchecked,
                            **({"steps": steps} if steps else {}))
    if not args.json:
        for step in (job.result or {}).get("steps", []):
            out.print(f"  step {100 - step['green']}/{step['green']}: update {step['apply_s']:.2f} s, checks {step['check_s']:.2f} s"
                      + ("" if step["ok"] else f" [red]FAILED[/] {escape('; '.join(step['failures']))}")
                      + (f" [yellow]UNCHECKED[/] {escape('; '.join(step['unchecked']))}" if step["ok"] and step.get("unchecked") else ""))
    return _finish(job, args)


def cmd_jobs(args) -> int:
    from . import runner
    from .jobs import read_events

    records = runner.job_records(args.design)
    if args.show:
        matches = [r for r in records if r["id"].startswith(args.show)]
        if not matches:
            raise ValueError(f"no job {args.show!r} in {args.design}")
        events = read_events(matches[0])
        if args.json:
            print(json.dumps({"job": matches[0], "events": events}, indent=2, default=str))
        else:
            for event in events:
                t = f"{event['t']:7.2f}s" if isinstance(event.get("t"), (int, float)) else "        "
                out.print(f"{t} {event['type']:<9} {escape(event['message'])}", highlight=False)
        return EXIT_OK
    if args.json:
        print(json.dumps(records, indent=2, default=str))
        return EXIT_OK
    table = Table("job", "kind", "state", "target", "engine", "started", "s", "summary")
    for r in records:
        style = "yellow" if r.get("warnings") and r.get("state") == "succeeded" else STATE_STYLES.get(r.get("state"), "")
        summary = r.get("error") if r.get("state") in ("failed", "rolled_back", "interrupted", "cancelled") and r.get("error") else r.get("summary")
        table.add_row(r["id"], r.get("kind", ""), f"[{style}]{_outcome(r)}[/]", r.get("target", ""), r.get("engine", ""),
                      (r.get("started") or r.get("created") or "")[:19], str(r.get("duration_s") or ""), escape((summary or "")[:120]))
    out.print(table)
    if not records:
        out.print("no jobs yet")
    return EXIT_OK


def _outcome(record: dict) -> str:
    """A record's state as a person reads it (from state and warnings: older records have no `outcome`)."""
    state = str(record.get("state") or "")
    return "succeeded with warnings" if state == "succeeded" and record.get("warnings") else state.replace("_", " ")


def cmd_outputs(args) -> int:
    # reading outputs changes nothing: no confirmation needed, even for AWS
    from . import runner

    got = runner.outputs(args.design, target=args.target, profile=args.profile)
    if args.json:
        print(json.dumps(got["outputs"], indent=2, sort_keys=True, default=str))
        return EXIT_OK
    table = Table("output", "value")
    for key, value in sorted(got["outputs"].items()):
        table.add_row(key, escape(str(value)))
    out.print(table)
    if not got["live"]:
        out.print(f"[dim](as recorded by the last deploy: {escape(got.get('why', ''))})[/]")
    return EXIT_OK


# ---------------------------------------------------------------- parser


def _target_args(s) -> None:
    s.add_argument("--target", choices=["sandbox", "aws"], default="sandbox", help="sandbox (default: a local moto server) or aws")
    s.add_argument("--profile", help="AWS profile for --target aws (default: the usual AWS_PROFILE / environment chain)")
    s.add_argument("--yes-really-aws", action="store_true", help="confirm acting on a real AWS account")
    s.add_argument("--json", action="store_true", help="print the job record as JSON")


def add_commands(sub) -> None:
    s = sub.add_parser("sandbox", help="the local sandbox AWS (a moto server on 127.0.0.1)")
    s.add_argument("action", choices=["start", "status", "stop", "reset"])
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_sandbox)

    s = sub.add_parser("deploy", help="deploy a design (sandbox by default), verify it, record the job in the design")
    s.add_argument("design", help="the .infra.json file")
    s.add_argument("--engine", choices=["cloudformation", "terraform"], default="cloudformation")
    s.add_argument("--yes", action="store_true", help="apply the plan without asking (AWS only; the sandbox never asks)")
    s.add_argument("--no-verify", action="store_true", help="skip the describe checks after the deploy")
    _target_args(s)
    s.set_defaults(fn=cmd_deploy)

    s = sub.add_parser("destroy", help="delete a design's deployment (the sandbox is left with nothing of it)")
    s.add_argument("design", help="the .infra.json file")
    s.add_argument("--engine", choices=["cloudformation", "terraform"], help="default: the engine of the last deploy")
    _target_args(s)
    s.set_defaults(fn=cmd_destroy)

    s = sub.add_parser("canary", help="shift blue/green traffic, check health and alarms, or roll back")
    s.add_argument("design", help="the .infra.json file")
    mode = s.add_mutually_exclusive_group(required=True)
    mode.add_argument("--green", type=int, choices=[0, 10, 50, 90, 100], help="percent of traffic to green")
    mode.add_argument("--auto", action="store_true", help="walk 10 -> 50 -> 90 -> 100, rolling back on a failed check")
    mode.add_argument("--rollback", action="store_true", help="100%% to blue now (one API call), then reconcile")
    s.add_argument("--steps", help="steps for --auto (default 10,50,90,100)")
    s.add_argument("--bake", type=float, default=0.0, help="seconds to wait between --auto steps (default 0)")
    s.add_argument("--alb", help="the load balancer's design id, when the design has several canaries")
    s.add_argument("--accept-unchecked", action="store_true",
                   help="let --auto walk on past steps whose health or alarms could not be checked (the job then has warnings)")
    _target_args(s)
    s.set_defaults(fn=cmd_canary)

    s = sub.add_parser("jobs", help="the design's deploy jobs (marks ones whose process died as interrupted)")
    s.add_argument("design", help="the .infra.json file")
    s.add_argument("--show", metavar="JOB", help="every event of one job")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_jobs)

    s = sub.add_parser("outputs", help="the outputs of a design's deployment")
    s.add_argument("design", help="the .infra.json file")
    s.add_argument("--target", choices=["sandbox", "aws"], default="sandbox")
    s.add_argument("--profile")
    s.add_argument("--json", action="store_true")
    s.set_defaults(fn=cmd_outputs)
