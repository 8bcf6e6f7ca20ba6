"""Containers whose `parent` chains loop: refused with a problem naming the resource, never
stored, and no walk up a chain (validation, checks, compiler, diagram) can run forever.

Each call that used to hang runs in a separate process with a time limit (tests/bounded.py),
so a regression fails here instead of freezing the test run."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bounded import within
from isshoni import DesignError, templates
from isshoni.design.ops import apply_ops
from isshoni.design.validate import problems

LOOP_FILE = {"version": 1, "meta": {"name": "loop", "region": "us-east-1"}, "connections": {},
             "resources": {"s": {"type": "subnet", "parent": "s", "properties": {"cidr": "10.0.1.0/24"}}}}
TWO_LOOP = {"a": {"type": "subnet", "parent": "b", "properties": {"cidr": "10.0.1.0/24"}},
            "b": {"type": "subnet", "parent": "a", "properties": {"cidr": "10.0.2.0/24"}}}


def problems_of(data: dict) -> list[str]:
    return [str(p) for p in problems(data)]


def move_into_refused(template: str, rid: str, parent: str) -> list[str]:
    design = templates.load(template)
    try:
        apply_ops(design, [{"op": "move_into", "id": rid, "parent": parent}])
    except DesignError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_a_subnet_in_itself_is_a_problem_not_a_hang():
    found = within(60, problems_of, LOOP_FILE)
    assert found == ["$.resources.s.parent [s]: a resource cannot contain itself"]


def test_two_subnets_in_each_other_name_the_cycle():
    data = {**LOOP_FILE, "resources": TWO_LOOP}
    found = within(60, problems_of, data)
    assert "$.resources.a.parent [a]: containers form a cycle: a -> b -> a" in found
    assert "$.resources.b.parent [b]: containers form a cycle: b -> a -> b" in found


@pytest.mark.parametrize("rid,parent", [("private_a", "private_a"), ("vpc", "private_a")])
def test_the_model_refuses_the_op_that_closes_a_loop(rid, parent):
    """The REST op of the report (and a 2-cycle: the VPC into its own subnet), at the model."""
    found = within(60, move_into_refused, "chat_canary", rid, parent)
    assert found and any(f"$.resources.{rid}.parent [{rid}]" in p for p in found)
    assert any("cannot contain itself" in p or "cycle" in p for p in found)


def test_a_loop_is_refused_even_when_the_design_already_has_a_schema_problem():
    """A half-drawn design with a structural problem used to skip every other check, so a loop
    added then was accepted, stored, and froze the server at the next harmless edit."""
    design = templates.load("chat_canary")
    design.resources["vpc"]["label"] = 7  # a schema problem the canvas may hold
    with pytest.raises(DesignError) as refused:
        apply_ops(design, [{"op": "move_into", "id": "private_a", "parent": "private_a"}])
    assert "$.resources.private_a.parent" in str(refused.value)
    with pytest.raises(DesignError, match="cycle"):
        apply_ops(design, [{"op": "move_into", "id": "vpc", "parent": "private_a"}])


def harmless_edit_of_a_stored_loop() -> str:
    design = templates.load("chat_canary")
    design.resources["private_a"]["parent"] = "private_a"  # stored before this fix, or by a canvas
    edited = apply_ops(design, [{"op": "set_notes", "id": "vpc", "notes": "still answers"}])
    from isshoni.checks import check
    from isshoni.compiler import generate
    from isshoni.kernel.diagram import svg

    svg(edited.data)
    for refused in (lambda: check(edited, ("isshoni",)), lambda: generate(edited, "terraform")):
        try:
            refused()
        except DesignError as exc:  # refused, naming the loop: what a check or generate answers
            assert "cannot contain itself" in str(exc)
        else:
            raise AssertionError("a looping design was compiled")
    return edited.resources["vpc"]["notes"]


def test_a_harmless_edit_of_an_already_stored_loop_does_not_hang():
    assert within(120, harmless_edit_of_a_stored_loop) == "still answers"


def run_cli(command: str, path: str) -> tuple[int, str]:
    result = subprocess.run([sys.executable, "-m", "isshoni", command, path], capture_output=True, text=True, timeout=120)
    return result.returncode, result.stderr


@pytest.mark.parametrize("command", ["validate", "generate", "check"])
@pytest.mark.parametrize("resources", [LOOP_FILE["resources"], TWO_LOOP], ids=["self", "two"])
def test_the_cli_refuses_a_looping_file_with_exit_2(tmp_path, command, resources):
    path = tmp_path / "loop.infra.json"
    path.write_text(json.dumps({**LOOP_FILE, "resources": resources}))
    code, stderr = run_cli(command, str(path))  # subprocess timeout: a hang fails the test
    assert code == 2, stderr
    assert "Traceback" not in stderr
    assert "cannot contain itself" in stderr or "containers form a cycle" in stderr


class CountingResources(dict):
    """A resources mapping that counts lookups: how much work a walk does, without a clock."""

    lookups = 0

    def get(self, key, default=None):
        CountingResources.lookups += 1
        return super().get(key, default)


def chain(n: int, loop: bool) -> CountingResources:
    """n subnets, each in the next; the last in the first when `loop`."""
    resources = CountingResources(
        {f"s{i}": {"type": "subnet", "parent": f"s{i + 1}" if i + 1 < n or loop else None} for i in range(n)})
    if loop:
        resources[f"s{n - 1}"]["parent"] = "s0"
    return resources


@pytest.mark.parametrize("loop", [False, True])
def test_walking_a_long_chain_is_linear(loop):
    """Every walk the validator makes over n nested containers costs O(n) lookups, for every
    resource together: at 20,000 the quadratic walk it replaced would do 200 million."""
    from isshoni.design import containers  # here: the module is what this test is about

    for n in (2_000, 20_000):
        resources = chain(n, loop)
        CountingResources.lookups = 0
        found = containers.cycles(resources)
        vpc_of = containers.Nearest(resources, ("vpc",))
        assert all(vpc_of(rid) is None for rid in resources)
        depth = containers.depths(resources)
        assert CountingResources.lookups <= 12 * n
        assert (len(found[0]) == n) if loop else (found == [] and max(depth.values()) == n - 1)
