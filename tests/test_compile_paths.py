"""The fast CloudFormation writers agree with the plain template.

`to_json` lets orjson translate expressions as it meets them and `to_yaml` builds
YAML nodes from expressions directly; both must say exactly what
`cloudformation.template()` (every expression already a plain intrinsic) says,
for every shipped template, a synthetic design and user strings YAML reads as
something else when left plain."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from isshoni import Design, templates
from isshoni.compiler import cloudformation, resolve

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from bench_compile import synthetic  # noqa: E402

YAML_LOOKALIKES = [
    "yes", "no", "on", "off", "null", "~", "true", "False", "123", "0x1F", "1e3", "0o17", "1_000", ".inf",
    "2026-11-24", "key: value", "# comment", "- item", "? key", "&anchor", "*alias", "!tag", "|", ">",
    "${AWS::Region}", "'single'", '"double"', "line\nbreak", "trailing space ", " leading", "tab\there",
    "unicode 한국어 🚀 \u2028", "\u0000\u001b[31m", "",
]


def lookalike_design() -> Design:
    d = Design(name="lookalikes", region="us-east-1")
    d.set_meta(description=" | ".join(YAML_LOOKALIKES))
    d.add("vpc", "vpc")
    d.add("subnet", "a", parent="vpc", properties={"cidr": "10.0.1.0/24", "tier": "private", "az": "a"})
    d.add("subnet", "b", parent="vpc", properties={"cidr": "10.0.2.0/24", "tier": "private", "az": "b"})
    d.add("ecs_service", "svc", parent="a")
    d.add("dynamodb_table", "t")
    d.connect("svc", "t")
    return d


DESIGNS = {name: (lambda name=name: templates.load(name)) for name in templates.names()}
DESIGNS["synthetic-100"] = lambda: synthetic(100)
DESIGNS["lookalikes"] = lookalike_design


@pytest.mark.parametrize("name", sorted(DESIGNS))
def test_json_and_yaml_say_what_the_plain_template_says(name):
    resolved = resolve(DESIGNS[name]())
    plain = cloudformation.template(resolved)
    assert cloudformation.to_json(resolved) == json.dumps(plain, indent=2, ensure_ascii=False) + "\n"
    assert yaml.safe_load(cloudformation.to_yaml(resolved)) == plain


@pytest.mark.parametrize("text", YAML_LOOKALIKES)
def test_yaml_reads_every_lookalike_back_as_the_same_string(text):
    d = lookalike_design()
    d.set_meta(description=text)
    resolved = resolve(d)
    assert yaml.safe_load(cloudformation.to_yaml(resolved))["Description"] == cloudformation.prose(text or f"Isshoni design {d.name}", 1024)
