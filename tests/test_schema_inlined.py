"""The compiled design-schema check runs on the schema with its `$defs` written in place
(validate._inlined): it must accept and refuse exactly what the schema as written does."""

from __future__ import annotations

import copy
import json

import pytest
from jsonschema import Draft202012Validator

from isshoni import templates
from isshoni.design import validate


def _bad_designs(data: dict) -> list[dict]:
    """One structural mistake per copy, each inside an item a `$ref` used to check."""
    out = []
    rid = next(iter(data["resources"]))
    for field, value in (("parent", "not an id!"), ("type", "Not A Type"), ("position", {"x": 1}), ("condition", "9bad")):
        bad = copy.deepcopy(data)
        bad["resources"][rid][field] = value
        out.append(bad)
    if data["connections"]:
        bad = copy.deepcopy(data)
        del bad["connections"][next(iter(bad["connections"]))]["target"]
        out.append(bad)
    bad = copy.deepcopy(data)
    bad["chat"] = [{"id": 3}]
    out.append(bad)
    return out


@pytest.mark.parametrize("name", templates.names())
def test_the_inlined_schema_decides_as_the_written_one(name):
    schema = validate.schema()
    inlined = validate._inlined(schema)
    assert "$ref" not in json.dumps({k: v for k, v in inlined.items() if k != "$defs"})
    written = Draft202012Validator(schema)
    data = templates.load(name).data
    for design in [data, *_bad_designs(data)]:
        expected = written.is_valid(design)
        assert validate._is_valid(validate._design_schema_json(), design) is expected
    assert not any(written.is_valid(d) for d in _bad_designs(data))  # each mistake is one the schema refuses
