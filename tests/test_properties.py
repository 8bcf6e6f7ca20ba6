"""Property-based: random valid designs never crash the compiler, and their
CloudFormation always lints clean."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from iac import lint_errors, network
from isshoni import Design, DesignError
from isshoni.catalog import CATALOG
from isshoni.compiler import generate

BASE = ("vpc", "subnet", "internet_gateway", "nat_gateway")
TYPES = sorted(t for t in CATALOG if t not in BASE)
SUBNETS = ("public_a", "public_c", "private_a", "private_c")


def value_strategy(schema: dict):
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if schema.get("type") == "boolean":
        return st.booleans()
    if schema.get("type") == "integer" and "minimum" in schema and "maximum" in schema:
        return st.integers(schema["minimum"], min(schema["maximum"], schema["minimum"] + 50))
    return st.just(schema.get("default"))


@st.composite
def designs(draw):
    region = draw(st.sampled_from(["us-east-1", "eu-west-1", "ap-northeast-2"]))
    design = Design(name=draw(st.sampled_from(["demo", "Shop API", "a-b_c"])), region=region)
    network(design)
    for index in range(draw(st.integers(1, 6))):
        rtype = draw(st.sampled_from(TYPES))
        entry = CATALOG[rtype]
        parent = None
        if entry.needs_container or (entry.containers and draw(st.booleans())):
            options = [c for c in entry.containers if c in ("vpc", "subnet")]
            if not options:
                continue
            kind = draw(st.sampled_from(options))
            parent = "vpc" if kind == "vpc" else draw(st.sampled_from(SUBNETS))
        props = {}
        for name, schema in entry.properties.items():
            if draw(st.booleans()):
                value = draw(value_strategy(schema))
                if value is not None:
                    props[name] = value
        try:
            design.add(rtype, f"r{index}", parent=parent, properties=props)
        except DesignError:
            continue  # a combination the catalog itself refuses is not a valid design
    ids = sorted(design.resources)
    for n in range(draw(st.integers(0, 6))):
        source, target = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        try:
            design.connect(source, target, id=f"c{n}")
        except DesignError:
            continue
    return design


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(designs())
def test_random_valid_designs_compile_and_lint_clean(design):
    assume(not design.problems())
    try:
        outputs = [generate(design, fmt) for fmt in ("cloudformation", "cloudformation-json", "terraform")]
    except DesignError as refused:
        # Some combinations are refused while wiring (e.g. an alarm notifying a topic
        # CloudWatch cannot publish to); the refusal must name what it concerns.
        assert refused.problems and all(p.resource for p in refused.problems)
        assume(False)
    assert all(outputs)
    assert lint_errors(design) == []
