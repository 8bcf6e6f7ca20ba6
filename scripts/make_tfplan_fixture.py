"""Regenerate tests/fixtures/terraform/expanded.plan.json: the `expanded` Terraform fixture deployed
to a moto sandbox (terraform + the provider mirror of this machine), planned again so every value is
known, and shown as JSON (`terraform show -json`).  The provider block (sandbox endpoints on a free
port) is left out of the file so it does not change between runs; moto's account id is its own
fixed fake.  Usage: python scripts/make_tfplan_fixture.py [OUTPUT]  (about a minute)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "terraform" / "expanded"
OUTPUT = FIXTURE.with_suffix(".plan.json")
VARIABLES = ("-var", "env=prod")


def make(output: Path = OUTPUT, region: str = "us-east-1") -> Path:
    from isshoni.checks import toolchain
    from isshoni.deploy import sandbox
    from isshoni.deploy.engines.terraform import sandbox_override

    tools = toolchain.find()
    if tools.missing or not tools.mirror:
        raise SystemExit(f"needs terraform and its provider mirror: {tools}")
    with tempfile.TemporaryDirectory(prefix="isshoni-tfplan-") as scratch:
        work = Path(scratch)
        folder = work / "expanded"
        shutil.copytree(FIXTURE, folder)
        os.environ["ISSHONI_STATE_DIR"] = str(work / "state")
        sb = sandbox.start()
        try:
            (folder / "sandbox_override.tf").write_text(sandbox_override(sb.url), encoding="utf-8")
            env = sandbox.environment(toolchain.environment(toolchain.cli_config(tools.mirror, work)))
            env["AWS_REGION"] = region

            def terraform(*args: str) -> str:
                done = subprocess.run([tools.terraform, *args], cwd=folder, env=env, capture_output=True, text=True,
                                      timeout=600)
                if done.returncode:
                    raise SystemExit(f"terraform {args[0]} failed:\n{done.stderr[-3000:]}")
                return done.stdout

            terraform("init", "-input=false", "-no-color")
            terraform("apply", "-auto-approve", "-input=false", "-no-color", *VARIABLES)
            terraform("plan", "-out=plan.bin", "-input=false", "-no-color", *VARIABLES)
            plan = json.loads(terraform("show", "-json", "plan.bin"))
        finally:
            sandbox.stop()
    plan.get("configuration", {}).pop("provider_config", None)
    output.write_text(json.dumps(plan, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return output


if __name__ == "__main__":
    print(make(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT))
