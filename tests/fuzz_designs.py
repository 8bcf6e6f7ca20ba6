"""Hypothesis strategies: designs that are structurally valid by the catalog, with hostile text.

Where the mutational fuzzer mostly probes refusals, these designs are built
to be accepted (types, containers, enums, ranges and patterns from the
catalog), so the hostile strings, numbers and free-form documents inside
them reach the save, the shared document and all three outputs.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

import fuzz_hostile as hostile
from fuzz_mutate import Case
from isshoni.catalog import CATALOG

NETWORK = {
    "vpc": {"type": "vpc", "properties": {"cidr": "10.0.0.0/16"}},
    "public_a": {"type": "subnet", "parent": "vpc", "properties": {"cidr": "10.0.1.0/24", "tier": "public", "az": "a"}},
    "public_c": {"type": "subnet", "parent": "vpc", "properties": {"cidr": "10.0.2.0/24", "tier": "public", "az": "c"}},
    "private_a": {"type": "subnet", "parent": "vpc", "properties": {"cidr": "10.0.11.0/24", "tier": "private", "az": "a"}},
    "private_c": {"type": "subnet", "parent": "vpc", "properties": {"cidr": "10.0.12.0/24", "tier": "private", "az": "c"}},
    "igw": {"type": "internet_gateway", "parent": "vpc"},
    "nat": {"type": "nat_gateway", "parent": "public_a"},
}
TYPES = sorted(t for t in CATALOG if t not in ("vpc", "subnet", "internet_gateway", "nat_gateway"))
REGIONS = ("us-east-1", "eu-west-1", "ap-northeast-2", "us-gov-west-1", "xx-nowhere-1")



def _mostly(usual, rare, one_in: int = 8):
    """`rare` about once in `one_in` draws: a design with one value the product must refuse
    (NaN, a lone surrogate) stops at the first check, so most designs carry none.  (The draw is
    hashed: hypothesis favours the ends of an integer range, so `integers(1, n) == 1` is not rare.)"""
    return st.integers(0, 2**32).flatmap(lambda n: rare if ((n + 12345) * 2654435761) % 2**32 < 2**32 // one_in else usual)


readable = st.one_of(
    st.sampled_from([t for t in hostile.TEXTS if not any(0xD800 <= ord(c) <= 0xDFFF for c in t)]),
    st.text(st.characters(codec="utf-8"), max_size=30),
    st.text(st.characters(codec="utf-8", categories=("Cc", "Zl", "Zp", "Cf", "So", "Mn")), max_size=8),
)
texts = _mostly(
    st.one_of(readable, st.lists(readable, min_size=2, max_size=4).map("".join)),
    st.one_of(st.sampled_from(hostile.TEXTS), st.text(st.characters(categories=("Cs",)), min_size=1, max_size=3)),
    one_in=400,
)
numbers = _mostly(st.one_of(st.integers(-(2**53), 2**53), st.floats(allow_nan=False, allow_infinity=False)),
                  st.one_of(st.sampled_from(hostile.NUMBERS), st.integers(), st.floats()), one_in=300)
json_keys = st.one_of(st.sampled_from(("for", "null", "if", "in", "true", "Fn::Sub", "Ref", "${x}", "%{", "", "a b")),
                      st.text(max_size=12))
documents = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, texts),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(json_keys, inner, max_size=3)),
    max_leaves=12,
)


def _value(draw, schema: dict):
    """A value the property's schema accepts, hostile where the schema leaves room."""
    kind = schema.get("type")
    if "enum" in schema:
        return draw(st.sampled_from(schema["enum"]))
    if kind == "boolean":
        return draw(st.booleans())
    if kind == "integer":
        low, high = schema.get("minimum", -(2**70)), schema.get("maximum", 2**70)
        return draw(st.one_of(st.integers(low, high), st.sampled_from((low, high))))
    if kind == "number":
        return draw(numbers)
    if kind == "string" and "pattern" in schema:
        return draw(st.from_regex(schema["pattern"], fullmatch=True))
    if kind == "object":
        base = json.loads(json.dumps(schema.get("default") or {}))
        extra = draw(st.dictionaries(json_keys, documents, max_size=2))
        first = draw(st.booleans())  # HCL reads a `for` key that opens an object as a for expression
        if isinstance(base.get("Statement"), list):
            base["Statement"][0] = {**extra, **base["Statement"][0]} if first else {**base["Statement"][0], **extra}
            return base
        return {**extra, **base} if first else {**base, **extra}
    return schema.get("default")


@st.composite
def designs(draw) -> str:
    """The JSON text of a design (NaN, lone surrogates and all, as a client could send it)."""
    resources = {rid: {**res, "label": draw(texts), "properties": dict(res.get("properties", {}))}
                 for rid, res in NETWORK.items()}
    for index in range(draw(st.integers(1, 5))):
        entry = CATALOG[draw(st.sampled_from(TYPES))]
        parent = None
        if entry.needs_container or (entry.containers and draw(st.booleans())):
            kind = draw(st.sampled_from([c for c in entry.containers if c in ("vpc", "subnet")] or ["none"]))
            parent = {"vpc": "vpc", "subnet": draw(st.sampled_from(("public_a", "public_c", "private_a", "private_c")))}.get(kind)
        tied = {name for c in entry.constraints for part in ("if", "then") for name in c.get(part, {}).get("properties", {})}
        props = {name: _value(draw, schema) for name, schema in entry.properties.items()
                 if name not in tied and draw(st.booleans())}  # properties tied by constraints keep their defaults
        resources[f"r{index}"] = {"type": entry.type, "label": draw(texts), "notes": draw(texts), "parent": parent,
                                  "properties": props, "position": {"x": draw(numbers), "y": 0}}
    connections = {}
    ids = sorted(resources)
    for n in range(draw(st.integers(0, 5))):
        source, target = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        link = CATALOG[resources[source]["type"]].link_to(resources[target]["type"])
        if link is None or source == target:
            continue
        props = {name: _value(draw, schema) for name, schema in link.properties.items() if draw(st.booleans())}
        connections[f"c{n}"] = {"source": source, "target": target, "properties": props, "label": draw(texts)}
    data = {
        "version": 1,
        "meta": {"name": draw(texts.filter(bool)), "region": draw(st.sampled_from(REGIONS)),
                 "description": draw(texts), "notes": draw(texts)},
        "resources": resources,
        "connections": connections,
        "chat": draw(st.lists(st.fixed_dictionaries({"id": st.text(min_size=1, max_size=8), "author": texts,
                                                     "text": texts, "time": numbers}), max_size=2)),
        "deployments": draw(st.dictionaries(texts, st.dictionaries(texts, documents, max_size=2), max_size=1)),
    }
    return hostile.to_text(data)


def generate(seed_value: int, count: int) -> list[Case]:
    """`count` designs from one seed (the same seed, the same designs), as cases."""
    made: list[str] = []

    @settings(max_examples=count, database=None, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))
    @seed(seed_value)
    @given(designs())
    def collect(text):
        made.append(text)

    collect()
    return [Case(f"hyp-{seed_value}-{i}", "file", "hypothesis", text=text) for i, text in enumerate(made)]
