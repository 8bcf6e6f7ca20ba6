"""The monthly estimate of synthetic designs (bench_compile's cells: a VPC, subnets, a gateway, an
ALB, two Fargate services, a table, a bucket and a cache per ten resources).

Prints, per size, the estimate's time (CPU, median of `--repeat`) and its time per resource
relative to the smallest design; the goal is under 0.2 s at 1,000 resources (what `isshoni cost`
adds to reading the file).

    python benchmarks/bench_cost.py [--sizes 10,100,1000,5000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench_compile import synthetic
from isshoni import Design
from isshoni.cost import estimate


def measure(size: int, repeat: int) -> tuple[int, float, float, float]:
    """(resources, estimate s, read + validate + estimate s (what `isshoni cost FILE` does), total)."""
    design = synthetic(size)
    estimate(design)  # the catalog and the price table loaded once, as any command does
    times, whole = [], []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.infra.json"
        design.save(path)
        for _ in range(repeat):
            t0 = time.process_time()
            found = estimate(design)
            t1 = time.process_time()
            estimate(Design.load(path))
            times.append(t1 - t0)
            whole.append(time.process_time() - t1)
    return len(design.resources), statistics.median(times), statistics.median(whole), found.total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000,5000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = [measure(int(s), args.repeat) for s in args.sizes.split(",")]
    first = rows[0][1] / rows[0][0]
    print(f"cost estimate, cpu time, median of {args.repeat}")
    print(f"{'resources':>9} {'estimate s':>10} {'x first':>8} {'file + estimate s':>18} {'monthly total':>14}")
    for size, seconds, whole, total in rows:
        print(f"{size:>9} {seconds:10.4f} {seconds / size / first:8.2f} {whole:18.4f} {total:14,.2f}")
    at_1000 = next((r for r in rows if r[0] == 1000), None)
    if at_1000 is not None:
        print(f"1,000 resources: estimate {at_1000[1]:.3f} s, reading and validating the file too {at_1000[2]:.3f} s (goal < 0.2 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
