"""An edit is checked against what it touched (design/ops.py `_touched`, validate.problems `only`),
not the whole design: the same ops must be accepted and refused, with the same result, as when
every problem of the design before and after is compared.  Ops are drawn at random (seeded): well
formed ones of every kind (placements that are allowed and not, links the catalog has and has not,
container loops, overlapping subnets) and the fuzzer's hostile ones."""

from __future__ import annotations

import random

import pytest

from fuzz_mutate import _op
from isshoni import templates
from isshoni.catalog import CATALOG
from isshoni.design import validate
from isshoni.design.errors import DesignError
from isshoni.design.ops import apply_ops

SEEDS = range(6)
STEPS = 60


def _well_formed(rng: random.Random, data: dict) -> dict:
    resources = sorted(data["resources"])
    kind = rng.choice(("add", "add", "connect", "connect", "move_into", "set_cidr", "set_label", "remove", "remove")) if resources else "add"
    if kind == "add":
        op = {"op": "add", "type": rng.choice(sorted(CATALOG))}
        if resources and rng.random() < 0.7:
            op["parent"] = rng.choice(resources)
        return op
    if kind == "connect":
        return {"op": "connect", "source": rng.choice(resources), "target": rng.choice(resources)}
    if kind == "move_into":
        return {"op": "move_into", "id": rng.choice(resources), "parent": rng.choice([*resources, None])}
    if kind == "set_cidr":
        subnets = [r for r in resources if data["resources"][r]["type"] in ("subnet", "vpc")] or resources
        return {"op": "set", "id": rng.choice(subnets), "properties": {"cidr": f"10.0.{rng.choice((0, 1, 2, 200))}.0/24"}}
    if kind == "set_label":
        return {"op": "set_label", "id": rng.choice(resources), "label": "x" * rng.randint(0, 3)}
    containers = sorted({r["parent"] for r in data["resources"].values() if r.get("parent") in data["resources"]})
    if containers and rng.random() < 0.5:  # its children move to its parent: their placement may no longer hold
        return {"op": "remove", "id": rng.choice(containers)}
    return {"op": "remove", "id": rng.choice(resources)}


def _outcome(design, op):
    try:
        return "accepted", apply_ops(design, [dict(op)])
    except (DesignError, ValueError, KeyError, TypeError) as exc:
        return "refused", type(exc).__name__


@pytest.mark.parametrize("seed", SEEDS)
def test_an_edit_checked_where_it_touched_is_decided_as_one_checked_in_full(seed, monkeypatch):
    rng = random.Random(seed)
    name = templates.names()[seed % len(templates.names())]
    design = templates.load(name)
    full = validate.problems
    accepted = refused = 0
    for step in range(STEPS):
        op = _well_formed(rng, design.data) if rng.random() < 0.7 or not design.resources else _op(rng, design.data)
        mine = _outcome(design, op)
        with monkeypatch.context() as m:  # the same op with every check made over the whole design
            m.setattr(validate, "problems", lambda data, only=None: full(data))
            theirs = _outcome(design, op)
        assert mine[0] == theirs[0], (name, step, op, mine, theirs)
        if mine[0] == "accepted":
            assert mine[1].data == theirs[1].data, (name, step, op)
            design = mine[1]
            accepted += 1
        else:
            refused += 1
    assert accepted >= 10 and refused >= 10  # both sides of the decision were exercised (measured: see -s)
    print(f"\n{name}: {accepted} accepted, {refused} refused")
