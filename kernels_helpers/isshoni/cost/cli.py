"""`isshoni cost DESIGN [--region R] [--json]`: the design's monthly estimate from a terminal;
`isshoni prices show|update`: which prices it uses, and refreshing them from AWS."""

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


def cmd_prices_show(args) -> int:
    from . import prices

    table = prices.current()
    where = table.path if table.path != str(prices.SHIPPED) else f"{table.path} (shipped)"
    sys.stdout.write(f"price table: {where}\n")
    for region in sorted(table.regions):
        source, as_of = table.provenance(region)
        sys.stdout.write(f"  {region}: {len(table.regions[region])} price(s), {as_of}: {source}\n")
    return 0


def cmd_prices_update(args) -> int:
    from . import prices
    from .refresh import NoCredentials, update

    def progress(i: int, n: int, found) -> None:
        shown = f"{found.price:.10g}" if found.price is not None else f"not found: {found.why}"
        sys.stderr.write(f"[{i}/{n}] {found.key}: {shown}\n")

    status = 0
    for region in args.region or ["us-east-1"]:
        try:
            report = update(region, deadline_s=args.timeout, progress=None if args.quiet else progress)
        except NoCredentials as exc:
            source, as_of = prices.current().provenance(region)
            sys.stderr.write(f"isshoni prices update: {exc}; kept the current price table for {region} "
                             f"({as_of}: {source}).\n")
            return 2
        sys.stdout.write(report.summary() + "\n")
        for key, (old, new) in sorted(report.changed.items()):
            before = "new" if old is None else f"{old:.10g}"
            sys.stdout.write(f"  {key}: {before} -> {new:.10g}\n")
        for key, why in sorted(report.not_found.items()):
            sys.stdout.write(f"  {key}: not found ({why})\n")
        if not report.written or report.stopped:
            status = 1
    return status


def add_commands(sub) -> None:
    s = sub.add_parser("cost", help="estimate what a design costs per month (list prices, per node, what is not priced)")
    s.add_argument("design", help="the .infra.json file")
    s.add_argument("--region", default=None, help="price it in another region than the design's")
    s.add_argument("--json", action="store_true", help="the estimate as JSON")
    s.set_defaults(fn=cmd_cost)

    p = sub.add_parser("prices", help="the price table estimates use: show it, or refresh it from the AWS Price List API")
    psub = p.add_subparsers(dest="prices_command", required=True)
    show = psub.add_parser("show", help="which table is used, and each region's source and date")
    show.set_defaults(fn=cmd_prices_show)
    up = psub.add_parser("update", help="refresh a region's prices from the AWS Price List Query API (needs AWS credentials)")
    up.add_argument("--region", action="append", default=None, help="region to refresh (repeatable; default us-east-1)")
    up.add_argument("--timeout", type=float, default=300.0, help="give up asking after this many seconds (default 300)")
    up.add_argument("--quiet", action="store_true", help="no line per price")
    up.set_defaults(fn=cmd_prices_update)
