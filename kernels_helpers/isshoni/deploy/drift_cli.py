"""`isshoni drift DESIGN`: does what runs still match the design?  Exit 0 in sync, 2 when
something drifted, was deleted outside or is unmanaged (as `terraform plan -detailed-exitcode`),
1 when the check could not run.  `--adopt NODE` (repeatable) or `--adopt-all` writes what runs
into the design file for the nodes whose live value the design can hold."""

from __future__ import annotations

import json
import sys


def cmd_drift(args) -> int:
    from ..design import Design
    from .drift import adopt, drift
    from .drift_report import DriftReport
    from .engines import DeployFailed
    from .preview import PreviewBusy
    from .targets import TargetError

    design = Design.load(args.design)
    try:
        report = DriftReport(drift(design, target=args.target, profile=args.profile, really_aws=args.yes_really_aws))
    except (ValueError, PreviewBusy, TargetError) as exc:
        sys.stderr.write(f"isshoni drift: {exc}\n")
        return 1
    except DeployFailed as exc:
        sys.stderr.write(f"isshoni drift: could not check: {exc.reason}\n")
        return 1
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2, default=str) + "\n")
    else:
        sys.stdout.write(str(report) + "\n")
    wanted = [rid for rid, n in report["nodes"].items() if n.get("adopt")] if args.adopt_all else list(args.adopt or [])
    if wanted:
        said = []
        for node in wanted:
            try:
                said += adopt(design, report, node)
            except (KeyError, ValueError) as exc:
                sys.stderr.write(f"isshoni drift: {str(exc).strip(chr(39))}\n")
                return 1
        design.save(args.design)
        sys.stdout.write("adopted into the design:\n" + "".join(f"  {line}\n" for line in said))
        return 0
    return 0 if report.in_sync else 2


def add_commands(sub) -> None:
    s = sub.add_parser("drift", help="compare what runs with the design: drifted settings, resources deleted outside, unmanaged ones")
    s.add_argument("design", help="the .infra.json file")
    s.add_argument("--target", choices=["sandbox", "aws"], default="sandbox", help="sandbox (default) or aws")
    s.add_argument("--profile", help="AWS profile for --target aws")
    s.add_argument("--yes-really-aws", action="store_true", help="confirm reading a real AWS account")
    s.add_argument("--json", action="store_true", help="the report as JSON")
    s.add_argument("--adopt", action="append", metavar="NODE", help="write the live values of NODE into the design (repeatable)")
    s.add_argument("--adopt-all", action="store_true", help="adopt every node the design can take the live values of")
    s.set_defaults(fn=cmd_drift)
