"""New nodes land where the model puts them (design/placement.py): inside their container, in free
space, without stretching it over another container; top-level nodes outside every container;
a design built from scratch stays at the origin for the canvas to lay out whole."""

from __future__ import annotations

import itertools

import pytest

from isshoni import Design, templates
from isshoni.catalog import CATALOG
from isshoni.design.boxes import boxes, is_container
from isshoni.design.containers import ancestors
from isshoni.design.placement import CANVAS


def crossings(design: Design) -> set[tuple[str, str]]:
    """Pairs of containers whose boxes overlap although neither holds the other (one looks nested in the other)."""
    res = design.resources
    box = boxes(res, CANVAS)
    found = set()
    containers = sorted(r for r in res if is_container(res[r]))
    for a, b in itertools.combinations(containers, 2):
        if a in ancestors(res, b) or b in ancestors(res, a):
            continue
        x, y = box[a], box[b]
        if x[0] < y[2] and y[0] < x[2] and x[1] < y[3] and y[1] < x[3]:
            found.add((a, b))
    return found


def inside(point: dict, b) -> bool:
    return b[0] <= point["x"] <= b[2] and b[1] <= point["y"] <= b[3]


def a_type_for(container_type: str) -> str:
    """A leaf catalog type that may sit in a container of this type."""
    return next(t for t, e in sorted(CATALOG.items()) if container_type in e.containers and not e.is_container)


def test_redis_for_the_api_stays_in_its_subnet_without_swallowing_another():
    design = templates.load("chat_canary")
    before = crossings(design)
    rid = design.add("elasticache_redis", parent="private_a")
    position = design.resources[rid]["position"]
    assert position != {"x": 0, "y": 0}
    after = crossings(design)
    assert after <= before, after - before
    box = boxes(design.resources, CANVAS)
    assert inside(position, box["private_a"])
    # and away from every other node
    for other, r in design.resources.items():
        if other != rid and not is_container(r):
            p = r["position"]
            assert abs(p["x"] - position["x"]) >= 60 or abs(p["y"] - position["y"]) >= 60, other


@pytest.mark.parametrize("name", templates.names())
def test_adding_into_every_container_of_every_template_crosses_nothing(name):
    design = templates.load(name)
    before = crossings(design)
    for container in sorted(r for r in design.resources if is_container(design.resources[r])):
        leaf = a_type_for(design.resources[container]["type"])
        rid = design.add(leaf, parent=container)
        assert design.resources[rid]["parent"] == container
        new = crossings(design) - before
        assert not new, f"adding a {leaf} to {container} made {new} overlap"


@pytest.mark.parametrize("name", templates.names())
def test_a_top_level_node_lands_outside_every_container(name):
    design = templates.load(name)
    rid = design.add("s3_bucket")
    position = design.resources[rid]["position"]
    box = boxes(design.resources, CANVAS)
    for other, r in design.resources.items():
        if is_container(r):
            assert not inside(position, box[other]), (other, position)


def test_a_design_built_from_scratch_stays_at_the_origin_for_the_layout():
    design = Design(name="new")
    vpc = design.add("vpc")
    subnet = design.add("subnet", parent=vpc)
    design.add("ecs_service", parent=subnet)
    assert {tuple(r["position"].values()) for r in design.resources.values()} == {(0, 0)}


def test_a_given_position_is_kept():
    design = templates.load("chat_canary")
    rid = design.add("s3_bucket", position={"x": 12, "y": 34})
    assert design.resources[rid]["position"] == {"x": 12, "y": 34}
