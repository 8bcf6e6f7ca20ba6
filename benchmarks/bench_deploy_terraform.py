"""Every shipped template through the Terraform engine into the sandbox: deploy, destroy, empty?

Starts a sandbox (a moto server on 127.0.0.1) in a temporary state dir; for each template puts the
code zips its Lambda functions read in place (as a person would upload them), deploys it with
Terraform, destroys it, and checks the sandbox is back to where it was through each service's own
listings (the test suite's independent check, not Isshoni's sweeper).  Prints one row per template:

    template, AWS resources, plan s, apply s, destroy s, verified / missing / dropped / other, empty

The suite runs two templates this way (tests/test_deploy_terraform.py); Terraform against the sandbox
takes minutes per template, so all of them are here.

    python benchmarks/bench_deploy_terraform.py [--templates a,b]
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
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--templates", help="comma-separated template names (default: all of templates/)")
    args = parser.parse_args()
    names = args.templates.split(",") if args.templates else sorted(p.name.removesuffix(".infra.json")
                                                                    for p in (ROOT / "templates").glob("*.infra.json"))
    work = Path(tempfile.mkdtemp(prefix="isshoni-bench-tf-"))
    os.environ["ISSHONI_STATE_DIR"] = str(work / "state")
    from isshoni.checks import toolchain
    from isshoni.deploy import runner, sandbox, targets
    from isshoni.design import Design
    from sandbox import added, provide_code, remove_buckets, snapshot

    if toolchain.find().missing:
        sys.exit(f"terraform unavailable: {toolchain.find().missing}")
    rows = []
    sb = sandbox.start()
    try:
        for name in names:
            data = json.loads((ROOT / "templates" / f"{name}.infra.json").read_text())
            data["deployments"] = {}
            path = work / f"{name}.infra.json"
            path.write_text(json.dumps(data))
            region = Design.load(path).region
            targets.make("sandbox", region)
            before = snapshot(sb, region)
            code = provide_code(sb, path)
            started = time.perf_counter()
            deploy = runner.deploy(path, engine="terraform")
            deploy_s = time.perf_counter() - started
            started = time.perf_counter()
            destroy = runner.destroy(path)
            destroy_s = time.perf_counter() - started
            remove_buckets(sb, code, region)
            left = added(before, snapshot(sb, region))
            counts = (deploy.result.get("counts") or {}).get("aws") or {"total": 0, "status": {}}
            status = counts["status"]
            timings = deploy.result.get("timings") or {}
            rows.append({
                "template": name, "deploy": deploy.outcome, "destroy": destroy.outcome, "resources": counts["total"],
                "plan_s": timings.get("plan", 0.0), "apply_s": timings.get("apply", 0.0), "deploy_s": deploy_s, "destroy_s": destroy_s,
                "verified": status.get("verified", 0), "missing": status.get("missing", 0),
                "dropped": status.get("created_but_settings_dropped", 0),
                "other": status.get("unverified", 0) + status.get("not_emulated", 0),
                "empty": not left, "left": left, "error": deploy.error or destroy.error,
            })
            print(f"{name}: deploy {deploy.outcome} ({deploy_s:.0f} s), destroy {destroy.outcome} ({destroy_s:.0f} s), "
                  f"empty: {'yes' if not left else left}", file=sys.stderr, flush=True)
            if "cancelled" in (deploy.state, destroy.state):
                break  # Ctrl-C: the jobs stopped terraform gracefully; stop here
    finally:
        sandbox.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"Terraform engine into the sandbox (moto {sb.moto_version}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})")
    print(f"| {'template':<22} | AWS res. | plan s | apply s | deploy s | destroy s | verified | missing | dropped | other | empty |")
    print(f"|{'-' * 24}|---------:|-------:|--------:|---------:|----------:|---------:|--------:|--------:|------:|:-----:|")
    for r in rows:
        print(f"| {r['template']:<22} | {r['resources']:>8} | {r['plan_s']:>6.1f} | {r['apply_s']:>7.1f} | {r['deploy_s']:>8.1f} |"
              f" {r['destroy_s']:>9.1f} | {r['verified']:>8} | {r['missing']:>7} | {r['dropped']:>7} | {r['other']:>5} |"
              f" {'yes' if r['empty'] else 'NO':^5} |")
    for r in rows:
        if r["error"] or not r["empty"]:
            print(f"{r['template']}: deploy {r['deploy']}, destroy {r['destroy']}: {r['error'] or ''} {r['left'] or ''}")


if __name__ == "__main__":
    main()
