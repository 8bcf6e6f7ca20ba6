"""Compile synthetic designs of 10 to 5,000 resources to both formats.

Prints, per size: validation + resolution time, CloudFormation (YAML and JSON)
and Terraform emission time, the "both formats" totals (resolve + CloudFormation
YAML + Terraform, and resolve + CloudFormation JSON + Terraform), each with its
time per resource relative to the smallest design (linear growth keeps that
ratio near 1), and peak memory.  Each size runs in a fresh interpreter (imports
warmed on a 10-resource design); the first of its runs is also printed, since
it finds the compiler's name, tag and filler caches empty for the design's names
(a one-shot `isshoni generate`), where the median is a server recompiling.

    python benchmarks/bench_compile.py [--sizes 10,100,1000,5000] [--repeat 3] [--clock cpu] [--kind generic]
    python benchmarks/bench_compile.py --before OTHER/kernels_helpers [--rounds 3]

`--clock cpu` times this process's CPU time instead of wall time: on a shared,
busy machine it is far steadier (compiling neither sleeps nor waits on I/O).
`--before` compares this checkout with another one (e.g. a `git worktree` of
main): each round runs the same measurement once with the other code and once
with this one, one after the other on the same machine, and prints both.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from isshoni import Design
from isshoni.compiler import cloudformation, no_cyclic_gc, resolve, terraform

CELL = 10  # resources per cell
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCKS["wall"]


def cell(data: dict, n: int) -> None:
    """Ten resources: a VPC, two subnets, an IGW, an ALB, two services, a table, a bucket, a cache."""
    res, con = data["resources"], data["connections"]
    second, third = divmod(n, 250)
    vpc = f"vpc{n}"
    res[vpc] = {"type": "vpc", "properties": {"cidr": f"10.{third}.0.0/16" if second == 0 else f"10.{third}.0.0/16"}}
    res[f"pub{n}a"] = {"type": "subnet", "parent": vpc, "properties": {"cidr": f"10.{third}.1.0/24", "tier": "public", "az": "a"}}
    res[f"pub{n}b"] = {"type": "subnet", "parent": vpc, "properties": {"cidr": f"10.{third}.2.0/24", "tier": "public", "az": "b"}}
    res[f"igw{n}"] = {"type": "internet_gateway", "parent": vpc}
    res[f"alb{n}"] = {"type": "alb", "parent": f"pub{n}a"}
    res[f"blue{n}"] = {"type": "ecs_service", "parent": f"pub{n}a", "properties": {"assign_public_ip": True}}
    res[f"green{n}"] = {"type": "ecs_service", "parent": f"pub{n}b", "properties": {"assign_public_ip": True}}
    res[f"table{n}"] = {"type": "dynamodb_table"}
    res[f"bucket{n}"] = {"type": "s3_bucket"}
    res[f"cache{n}"] = {"type": "elasticache_redis", "parent": f"pub{n}b"}
    con[f"c{n}a"] = {"source": f"alb{n}", "target": f"blue{n}", "properties": {"role": "blue"}}
    con[f"c{n}b"] = {"source": f"alb{n}", "target": f"green{n}", "properties": {"role": "green"}}
    con[f"c{n}c"] = {"source": f"blue{n}", "target": f"table{n}"}
    con[f"c{n}d"] = {"source": f"green{n}", "target": f"bucket{n}"}
    con[f"c{n}e"] = {"source": f"blue{n}", "target": f"cache{n}"}


def generic_cell(data: dict, n: int) -> None:
    """Ten generic resources (CloudFormation registry types, isshoni.generic), six of them referring to others."""
    res = data["resources"]

    def add(rid: str, cfn_type: str, properties: dict) -> None:
        res[f"{rid}{n}"] = {"type": f"cfn:{cfn_type}", "properties": properties}

    def ref(rid: str, attribute: str | None = None) -> dict:
        return {"ref": f"{rid}{n}"} if attribute is None else {"ref": f"{rid}{n}", "attribute": attribute}

    add("queue", "AWS::SQS::Queue", {"MessageRetentionPeriod": 86400, "Tags": [{"Key": "cell", "Value": str(n)}]})
    add("topic", "AWS::SNS::Topic", {"DisplayName": f"Topic {n}"})
    add("sub", "AWS::SNS::Subscription", {"TopicArn": ref("topic"), "Protocol": "sqs", "Endpoint": ref("queue", "Arn")})
    add("logs", "AWS::Logs::LogGroup", {"RetentionInDays": 7})
    add("stream", "AWS::Logs::LogStream", {"LogGroupName": ref("logs")})
    add("param", "AWS::SSM::Parameter", {"Type": "String", "Value": ref("queue", "Arn")})
    add("vpc", "AWS::EC2::VPC", {"CidrBlock": "10.0.0.0/16"})
    add("subnet", "AWS::EC2::Subnet", {"VpcId": ref("vpc"), "CidrBlock": "10.0.1.0/24"})
    add("sg", "AWS::EC2::SecurityGroup", {"GroupDescription": "bench", "VpcId": ref("vpc")})
    add("bucket", "AWS::S3::Bucket", {"VersioningConfiguration": {"Status": "Enabled"}})


def synthetic(size: int, kind: str = "catalog") -> Design:
    data = {"version": 1, "meta": {"name": f"bench-{size}", "region": "us-east-1"}, "resources": {}, "connections": {}}
    fill = generic_cell if kind == "generic" else cell
    for n in range(max(1, size // CELL)):
        fill(data, n)
    return Design(data)


def _once(design: Design) -> tuple:
    """One compile the way `isshoni.generate` runs it (cyclic GC paused)."""
    with no_cyclic_gc():
        return _timed(design)


def _timed(design: Design) -> tuple:
    t0 = clock()
    resolved = resolve(design)
    t1 = clock()
    cloudformation.to_yaml(resolved)
    t2 = clock()
    cloudformation.to_json(resolved)
    t3 = clock()
    terraform.files(resolved)
    t4 = clock()
    return resolved, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)


def measure(size: int, repeat: int, kind: str = "catalog") -> dict:
    """Median times over `repeat` runs; peak memory from one more run under tracemalloc
    (tracing slows Python down several times, so it never overlaps the timed runs)."""
    design = synthetic(size, kind)
    times: dict[str, list[float]] = {"resolve": [], "cfn_yaml": [], "cfn_json": [], "terraform": []}
    for _ in range(repeat):
        gc.collect()
        resolved, durations = _once(design)
        for key, value in zip(times, durations, strict=True):
            times[key].append(value)
    gc.collect()
    tracemalloc.start()
    _once(design)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    med = {k: statistics.median(v) for k, v in times.items()}
    # the first run meets the compiler's name, tag and filler caches empty for this design's names
    # (a one-shot `isshoni generate`); the later ones find them filled, as a server recompiling an
    # edited design does
    first = {k: v[0] for k, v in times.items()}

    def both(t: dict, cfn: str) -> float:
        return t["resolve"] + t[cfn] + t["terraform"]

    return {"size": len(design.resources), "parts": len(resolved.parts), **med,
            "both_yaml": both(med, "cfn_yaml"), "both_json": both(med, "cfn_json"),
            "first_yaml": both(first, "cfn_yaml"), "first_json": both(first, "cfn_json"), "peak_mb": peak / 2**20}


COLUMNS = ("resolve", "cfn_yaml", "cfn_json", "terraform", "both_yaml", "both_json")


def _one_run(code: str, size: int, repeat: int, clock_name: str, kind: str = "catalog") -> dict:
    """One measurement in a fresh interpreter with `code` (a kernels_helpers folder) first on the path."""
    env = {**os.environ, "PYTHONPATH": code}
    args = [sys.executable, __file__, "--json-row", str(size), "--repeat", str(repeat), "--clock", clock_name, "--kind", kind]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=1800, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def before_after(before: str, size: int, repeat: int, rounds: int, clock_name: str) -> None:
    """Interleaved rounds of the other code and this code; medians of the rounds, and the ratios."""
    this = str(Path(__file__).resolve().parents[1] / "kernels_helpers")
    runs: dict[str, list[dict]] = {"before": [], "after": []}
    for _ in range(rounds):
        runs["before"].append(_one_run(before, size, repeat, clock_name))
        runs["after"].append(_one_run(this, size, repeat, clock_name))
    med = {side: {c: statistics.median(r[c] for r in rows) for c in (*COLUMNS, "parts")} for side, rows in runs.items()}
    print(f"{clock_name} time, {size} resources, median of {rounds} interleaved rounds of {repeat} runs each")
    print(f"{'':>7} {'aws parts':>9} " + " ".join(f"{c:>9}" for c in COLUMNS))
    for side in ("before", "after"):
        print(f"{side:>7} {med[side]['parts']:>9.0f} " + " ".join(f"{med[side][c]:>9.3f}" for c in COLUMNS))
    print(f"{'after/before':>17} " + " ".join(f"{med['after'][c] / med['before'][c]:>9.2f}" for c in COLUMNS))
    # the same ratio per AWS part written: what each side costs for the output it makes
    per_part = {side: {c: med[side][c] / med[side]["parts"] for c in COLUMNS} for side in med}
    print(f"{'per aws part':>17} " + " ".join(f"{per_part['after'][c] / per_part['before'][c]:>9.2f}" for c in COLUMNS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000,5000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall", help="wall time (default) or this process's CPU time")
    parser.add_argument("--kind", choices=("catalog", "generic"), default="catalog",
                        help="catalog types (default) or generic resources (CloudFormation registry types with references)")
    parser.add_argument("--before", help="another checkout's kernels_helpers folder: print before/after at 1,000 catalog resources")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds with --before")
    parser.add_argument("--json-row", type=int, help=argparse.SUPPRESS)  # one size, one JSON line (what --before runs)
    args = parser.parse_args()
    global clock
    clock = CLOCKS[args.clock]
    if args.before:
        before_after(args.before, 1000, args.repeat, args.rounds, args.clock)
        return
    if args.json_row:
        _once(synthetic(10, args.kind))  # warm up: imports, cfn-lint region data and schemas, compiled validators
        print(json.dumps(measure(args.json_row, args.repeat, args.kind)))
        return
    # each size in a fresh interpreter: its first run meets empty caches, whatever ran before it
    this = str(Path(__file__).resolve().parents[1] / "kernels_helpers")
    rows = [_one_run(this, int(s), args.repeat, args.clock, args.kind) for s in args.sizes.split(",")]
    first = rows[0]
    print(f"{args.kind} resources, {args.clock} time, median of {args.repeat} in a fresh interpreter per size (imports warmed)")
    print("both formats = resolve + CloudFormation + Terraform; x first = seconds per resource / the same at the first size "
          "(1.00 = linear); 1st = the first run (the compiler's caches empty for the design's names)")
    print(
        f"{'resources':>9} {'aws parts':>9} {'resolve':>8} {'cfn yaml':>8} {'cfn json':>8} {'terraform':>9} "
        f"{'both/yaml':>9} {'x first':>7} {'1st':>6} {'both/json':>9} {'x first':>7} {'1st':>6} {'peak MB':>8}"
    )
    for r in rows:
        ratio_yaml = (r["both_yaml"] / r["size"]) / (first["both_yaml"] / first["size"])
        ratio_json = (r["both_json"] / r["size"]) / (first["both_json"] / first["size"])
        print(
            f"{r['size']:>9} {r['parts']:>9} {r['resolve']:>8.3f} {r['cfn_yaml']:>8.3f} {r['cfn_json']:>8.3f} {r['terraform']:>9.3f} "
            f"{r['both_yaml']:>9.3f} {ratio_yaml:>7.2f} {r['first_yaml']:>6.3f} {r['both_json']:>9.3f} {ratio_json:>7.2f} "
            f"{r['first_json']:>6.3f} {r['peak_mb']:>8.1f}"
        )
    (per1000,) = [r for r in rows if r["size"] == 1000] or [None]
    if per1000:
        print(
            f"1,000 resources: CloudFormation YAML + Terraform {per1000['both_yaml']:.3f} s (first run {per1000['first_yaml']:.3f} s), "
            f"CloudFormation JSON + Terraform {per1000['both_json']:.3f} s (first run {per1000['first_json']:.3f} s) (target <= 0.3 s)"
        )


if __name__ == "__main__":
    main()
