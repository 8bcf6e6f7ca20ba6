"""Fuzz the design pipeline: mutated templates, hostile canvas ops and hypothesis designs.

Every case runs in a worker process under a deadline (a hang or a crash is
counted and the worker replaced); the table gives the outcome counts (clean
rejection, accepted, traceback, hang, crash, accepted but saved or compiled
wrong), the known issue-14 defect each failure hits, the rate and the wall
time.  Each failing case is saved under --out (replayable), and the first of
each kind is minimised.

    python benchmarks/bench_fuzz.py --cases 100000 --seed 1 --workers 2 [--out fuzz-out]
    python benchmarks/bench_fuzz.py --replay fuzz-out/hang      # run saved cases again
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "kernels_helpers"), str(ROOT / "tests")]

from fuzz_report import BAD, Tally, known_defect, load_case, minimise, plan, save  # noqa: E402
from fuzz_watchdog import Runner  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--deadline", type=float, default=5.0, help="seconds a case may take before it is a hang")
    parser.add_argument("--ops-share", type=float, default=0.3)
    parser.add_argument("--hypothesis-share", type=float, default=0.1)
    parser.add_argument("--out", type=Path, default=Path("fuzz-out"), help="folder for the failing cases")
    parser.add_argument("--minimise", type=int, default=20, help="failure kinds to minimise (0: none)")
    parser.add_argument("--replay", type=Path, help="a saved .case.json, or a folder of them, to run again")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    tally = Tally(save_to=None if args.replay else args.out)
    with Runner(workers=args.workers, deadline=args.deadline, stderr=args.out / "workers.stderr") as runner:
        if args.replay:
            files = sorted(args.replay.rglob("*.case.json")) if args.replay.is_dir() else [args.replay]
            for finished in runner.run_cases(load_case(f) for f in files):
                tally(finished)
                r = finished.result
                print(f"{r.case_id}: {r.outcome} at {r.stage} [{known_defect(r)}] {r.detail[:200]!r} {r.where}")
            print(tally.table("replay"))
            return 0
        print(f"seed {args.seed}, {args.cases} cases, {args.workers} workers, deadline {args.deadline:g} s", flush=True)
        runner.run(plan(args.cases, args.seed, args.ops_share, args.hypothesis_share), _progress(tally))
        print(tally.table(f"bench_fuzz --cases {args.cases} --seed {args.seed} --workers {args.workers}"))
        _minimise(runner, tally, args)
    return 0


def _progress(tally: Tally):
    def seen(finished) -> None:
        tally(finished)
        if tally.total % 1000 == 0:
            bad = ", ".join(f"{o} {tally.counts[o]}" for o in BAD if tally.counts[o])
            print(f"  {tally.total} cases, {tally.seconds:.0f} s{': ' + bad if bad else ''}", flush=True)

    return seen


def _minimise(runner: Runner, tally: Tally, args) -> None:
    seen = set()
    for case, result, defect in tally.failures:
        key = (result.outcome, result.stage, defect)
        if key in seen or len(seen) >= args.minimise:
            continue
        seen.add(key)
        small, small_result = minimise(runner, case, result)
        path = save(args.out, small, small_result, defect, suffix=".min") if small is not case else "(already minimal)"
        print(f"  {result.outcome} [{defect}] at {result.stage}: {case.id} -> {path}")
    if tally.failures:
        print(f"failing cases: {args.out}/<outcome>/*.case.json (index: {args.out}/index.tsv)")


if __name__ == "__main__":
    sys.exit(main())
