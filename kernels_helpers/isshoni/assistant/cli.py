"""`isshoni eval`: run the evaluation suite against the offline planner or the configured model."""

from __future__ import annotations

import json


def cmd_eval(args) -> int:
    from ..cli import EXIT_FINDINGS, EXIT_OK, Usage, err
    from . import evaluation
    from .config import Assistant

    cases = evaluation.load(args.suite)
    if args.only:
        unknown = set(args.only) - {c.id for c in cases}
        if unknown:
            raise Usage(f"no request {', '.join(sorted(unknown))} in the suite")
        cases = [c for c in cases if c.id in args.only]
    options = {"check_after": False, "offline": args.offline}
    if args.provider:
        options["provider"] = args.provider
    if args.model:
        options["model"] = args.model
    config = Assistant(**options)
    engine = "the offline planner" if args.offline or not config.has_key() else f"{config.provider} {config.model}"
    if not args.json:
        err.print(f"{len(cases)} request(s), answered by {engine}", markup=False, highlight=False)

    def progress(result) -> None:
        if not args.json:
            err.print(f"  {result.verdict:5} {result.case.id} ({result.seconds:.1f} s)", markup=False, highlight=False)

    results = evaluation.run(cases, config, terraform=args.terraform, progress=progress)
    if args.json:
        print(json.dumps({"engine": engine, "passed": sum(r.passed for r in results), "total": len(results),
                          "results": [r.to_dict() for r in results]}, indent=2))
    else:
        print(evaluation.table(results))
    return EXIT_OK if all(r.passed for r in results) else EXIT_FINDINGS


def add_commands(sub) -> None:
    s = sub.add_parser("eval", help="score the assistant on a suite of requests (the offline planner without a key)")
    s.add_argument("--suite", help="a suite file (YAML, the shipped suite's shape); default: the shipped suite")
    s.add_argument("--only", action="append", metavar="ID", help="run only this request (repeatable)")
    s.add_argument("--offline", action="store_true", help="the offline planner even when a model is configured")
    s.add_argument("--provider", choices=["anthropic", "bedrock", "openai"], help="the model provider (default: the configured one)")
    s.add_argument("--model", help="the model id (default: the configured one)")
    s.add_argument("--terraform", action="store_true", help="also run terraform validate on each design that passes")
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.set_defaults(fn=cmd_eval)
