"""`isshoni cost DESIGN [--region R] [--json]`: the design's monthly estimate from a terminal."""

from __future__ import annotations

import json
import sys


def cmd_cost(args) -> int:
    from ..design import Design
    from . import estimate

    found = estimate(Design.load(args.design), region=args.region)
    if args.json:
        sys.stdout.write(json.dumps(found.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(str(found) + "\n")
    return 0


def add_commands(sub) -> None:
    s = sub.add_parser("cost", help="estimate what a design costs per month (list prices, per node, what is not priced)")
    s.add_argument("design", help="the .infra.json file")
    s.add_argument("--region", default=None, help="price it in another region than the design's")
    s.add_argument("--json", action="store_true", help="the estimate as JSON")
    s.set_defaults(fn=cmd_cost)
