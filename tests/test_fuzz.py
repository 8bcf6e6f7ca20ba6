"""The fuzz harness in the suite (issue 14): a few thousand hostile designs, none of which may
hang, crash, end in a traceback, or be accepted and then saved or compiled wrong.

`ISSHONI_FUZZ_CASES` and `ISSHONI_FUZZ_SEED` change the run (the seed is printed); the
benchmark `benchmarks/bench_fuzz.py` runs the same harness on 100,000 cases.  The tests
after the run check the harness itself: a watchdog that missed a hang, or an oracle that
missed a disagreement, would make the run above pass for nothing.
"""

from __future__ import annotations

import json
import os
import signal
import time

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from fuzz_designs import designs
from fuzz_mutate import Case, build_text, make
from fuzz_oracle import Result, Wrong, _templates_agree, deliberate
from fuzz_report import Tally, plan
from fuzz_watchdog import Runner
from isshoni.compiler import resolve
from isshoni.design import Design
from isshoni.design.ops import OpError, apply_ops

CASES = int(os.environ.get("ISSHONI_FUZZ_CASES", "1500"))
SEED = int(os.environ.get("ISSHONI_FUZZ_SEED", "14"))


def test_fuzzed_designs_never_hang_crash_raise_or_come_out_wrong(tmp_path):
    tally = Tally(save_to=tmp_path)
    with Runner(workers=2, deadline=10.0) as runner:
        runner.run(plan(CASES, SEED), tally)
    print("\n" + tally.table(f"fuzz: seed {SEED} (ISSHONI_FUZZ_SEED), failing cases in {tmp_path}"))
    assert tally.total >= CASES * 0.98  # hypothesis may make a few designs fewer than asked
    assert tally.bad == 0, tally.table() + "\nfirst of each kind:\n" + tally.examples()
    assert tally.counts["accepted"] >= CASES * 0.1  # the cases reach the compilers, not only the refusals


@pytest.fixture(scope="module")
def one_worker():
    with Runner(workers=1, deadline=10.0) as runner:
        yield runner


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(text=designs())
def test_catalog_designs_with_hostile_text_are_refused_or_handled(one_worker, text):
    """Property-based: hypothesis shrinks a failing design to a small one."""
    [finished] = one_worker.run_cases([Case(f"hypothesis-{time.monotonic_ns()}", "file", "hypothesis", text=text)])
    assert finished.result.outcome in ("clean", "accepted"), finished.result


# ---------------------------------------------------------------- the harness itself


def misbehave(case: Case, workdir) -> Result:
    """A stand-in for the oracle that does what a defect might (run in the watchdog's workers)."""
    if case.template == "loop":
        while True:
            pass
    if case.template == "native":  # the timer's signal cannot get in: only the kill ends it
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(60)
    if case.template == "abort":
        os.abort()
    if case.template == "bad-terraform":
        return Result(case.id, "accepted", terraform={"main.tf": 'resource "aws_vpc" "x" {\n  cidr = \n'})
    if case.template == "good-terraform":
        return Result(case.id, "accepted", terraform={"main.tf": 'resource "aws_vpc" "x" {\n  cidr_block = "$${"\n}\n'})
    return Result(case.id, "clean")


def test_watchdog_counts_hangs_crashes_and_bad_terraform_and_goes_on():
    kinds = ["fine", "loop", "fine", "abort", "bad-terraform", "native", "good-terraform", "fine"]
    cases = [Case(f"c{i}", "file", kind) for i, kind in enumerate(kinds)]
    with Runner(workers=2, deadline=1.0, grace=2.0, check=misbehave) as runner:
        done = {f.case.id: f.result for f in runner.run_cases(cases)}
    assert {k: r.outcome for k, r in done.items()} == {
        "c0": "clean", "c1": "hang", "c2": "clean", "c3": "crash", "c4": "wrong", "c5": "hang", "c6": "accepted",
        "c7": "clean",
    }
    assert "misbehave" in done["c1"].where  # the timer shows where the case was stuck
    assert "SIGABRT" in done["c3"].detail
    assert "killed" in done["c5"].detail
    assert done["c4"].detail.startswith("Terraform does not parse: main.tf: line 2")


def test_oracle_sees_templates_that_disagree_and_intrinsics_from_user_data():
    design = Design.loads(build_text("serverless_api", []))
    resolved = resolve(design)
    from isshoni.compiler import cloudformation

    yaml_text, json_text = cloudformation.to_yaml(resolved), cloudformation.to_json(resolved)
    _templates_agree(yaml_text, json_text, resolved)  # the shipped template: no complaint
    with pytest.raises(Wrong, match="disagree"):
        _templates_agree(yaml_text.replace("2010-09-09", "2010-09-10"), json_text, resolved)
    with pytest.raises(Wrong, match="not JSON"):
        _templates_agree(yaml_text, json_text.replace('"2010-09-09"', "NaN"), resolved)
    smuggled = json_text.replace('"Resources": {', '"Resources": {"X": {"Type": "T", "Properties": {"A": {"Fn::Sub": "x"}}},', 1)
    with pytest.raises(Wrong, match="intrinsic"):
        _templates_agree(yaml.safe_dump(json.loads(smuggled)), smuggled, resolved)


def test_a_refusal_that_hides_a_type_error_counts_as_a_traceback():
    design = Design.loads(build_text("serverless_api", []))
    with pytest.raises(OpError) as refused:
        apply_ops(design, [{"op": "remove", "id": "nothing-here"}])
    assert deliberate(refused.value)
    try:
        raise OpError("ops[0]: unhashable type: 'list'") from TypeError("unhashable type: 'list'")
    except OpError as exc:
        assert not deliberate(exc)


def test_cases_are_reproducible_from_their_seed_and_record():
    for kind in ("file", "ops"):
        for index in range(30):
            case = make(kind, 7, index)
            assert make(kind, 7, index) == case
            if kind == "file":
                assert build_text(case.template, case.mutations) == case.text  # the saved record replays it
    assert list(plan(100, 3)) == list(plan(100, 3))
