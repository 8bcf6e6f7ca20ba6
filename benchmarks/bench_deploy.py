"""Sandbox deploy timings of chat_canary, per engine.

Starts a sandbox (a moto server on 127.0.0.1) in a temporary state dir, then
for each engine: deploy, one canary step (50% green), a rollback (the single
modify_rule call, then the parameter reconciliation) and destroy.  Prints the
wall time of each job and the engine's own part of it.

    python benchmarks/bench_deploy.py [--engines cloudformation,terraform]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    job = fn(*args, **kwargs)
    elapsed = time.perf_counter() - started
    if job.state != "succeeded":
        sys.exit(f"{job.kind} {job.state}: {job.error}")
    return job, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="cloudformation,terraform")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="isshoni-bench-"))
    os.environ["ISSHONI_STATE_DIR"] = str(work / "state")
    from isshoni.checks import toolchain
    from isshoni.compiler import resolve
    from isshoni.deploy import runner, sandbox, targets
    from isshoni.deploy.adapt import for_sandbox
    from isshoni.design import Design

    rows = []
    started = time.perf_counter()
    sb = sandbox.start()
    start_s = time.perf_counter() - started
    try:
        targets.make("sandbox", "ap-northeast-2")  # prepared once, outside the timings
        cache_started = time.perf_counter()
        # once per moto version (imports every moto backend), then cached in the state dir
        for_sandbox(resolve(Design.load(ROOT / "templates" / "chat_canary.infra.json")), "cloudformation", {})
        cache_s = time.perf_counter() - cache_started
        for engine in args.engines.split(","):
            if engine == "terraform" and toolchain.find().missing:
                print(f"terraform: skipped ({toolchain.find().missing})")
                continue
            data = json.loads((ROOT / "templates" / "chat_canary.infra.json").read_text())
            data["meta"]["name"] = f"bench_{engine[:3]}"
            path = work / f"bench_{engine}.infra.json"
            path.write_text(json.dumps(data))
            deploy, deploy_s = timed(runner.deploy, path, engine=engine)
            step, step_s = timed(runner.canary, path, green=50)
            back, back_s = timed(runner.canary, path, rollback=True)
            _, destroy_s = timed(runner.destroy, path)
            report = deploy.result["report"]["counts"]
            rows.append((engine, deploy.result["resources"], deploy_s, deploy.result["apply_s"], deploy.result.get("verify_s", 0),
                         step_s, step.result["steps"][0]["apply_s"], back.result["rollback_s"], back.result["reconcile_s"], destroy_s, report))
    finally:
        sandbox.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"sandbox start: {start_s:.1f} s (moto {sb.moto_version}, {os.cpu_count()} CPUs); "
          f"moto's CloudFormation model list, once per moto version: {cache_s:.1f} s")
    print(f"{'engine':<15} {'AWS res.':>9} {'deploy':>8} {'(apply':>8} {'verify)':>8} {'canary step':>12} {'(update)':>9}"
          f" {'rollback':>9} {'reconcile':>10} {'destroy':>8}")
    for engine, n, deploy_s, apply_s, verify_s, step_s, step_apply, rollback_s, reconcile_s, destroy_s, _ in rows:
        print(f"{engine:<15} {n:>9} {deploy_s:>7.1f}s {apply_s:>7.1f}s {verify_s:>7.1f}s {step_s:>11.1f}s {step_apply:>8.1f}s"
              f" {rollback_s * 1000:>7.0f}ms {reconcile_s:>9.1f}s {destroy_s:>7.1f}s")
    for engine, *_, report in rows:
        print(f"{engine} report: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in report.items() if v))


if __name__ == "__main__":
    main()
