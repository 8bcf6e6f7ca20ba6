"""Smaller hardening: HCL keywords as object keys, the diagram's attributes, and the AWS gate
of the deploy runner in Python."""

from __future__ import annotations

from xml.etree import ElementTree

import hcl2
import pytest

from iac import terraform_errors
from isshoni import Design, templates
from isshoni.compiler import generate
from isshoni.deploy import runner
from isshoni.kernel.diagram import svg

KEYWORDS = ("for", "in", "if", "null", "true", "false")


def keyword_design() -> Design:
    design = Design(name="keywords")
    design.add("eventbridge_rule", "rule", properties={
        "event_pattern": {"source": ["app"], "detail": {word: [word] for word in KEYWORDS}}})
    return design


def test_hcl_keywords_as_object_keys_are_quoted_and_parse():
    main = generate(keyword_design(), "terraform")["main.tf"]
    assert '"for"' in main and '"null"' in main
    assert hcl2.loads(main)["resource"]


def test_terraform_validate_accepts_keyword_keys():
    """`{ for = ...` starts a for expression and `null` is no key: `terraform validate` refused both."""
    assert terraform_errors(keyword_design()) == []


def test_the_diagram_keeps_a_hostile_name_inside_its_attribute():
    data = templates.load("vpc_basic").data
    data["meta"]["name"] = 'x" onload="alert(1)'
    root = ElementTree.fromstring(svg(data))
    assert "onload" not in root.attrib
    assert root.attrib["aria-label"] == 'x" onload="alert(1)'


def test_the_diagram_draws_a_looping_and_a_deep_design():
    data = templates.load("vpc_basic").data
    data["resources"]["vpc"]["parent"] = "public_a"  # a loop a canvas may hold
    for n in range(3000):  # deeper than Python's recursion limit, outermost first
        data["resources"][f"c{n}"] = {"type": "vpc", "parent": f"c{n - 1}" if n else None}
    assert ElementTree.fromstring(svg(data)).tag.endswith("svg")


@pytest.mark.parametrize("job", [runner.deploy, runner.destroy, runner.canary])
def test_acting_on_real_aws_from_python_needs_an_explicit_yes(tmp_path, job):
    path = templates.load("vpc_basic").save(tmp_path / "d.infra.json")
    before = path.read_text()
    with pytest.raises(ValueError, match="really_aws=True"):
        job(path, target="aws")
    assert path.read_text() == before  # refused before any job: no record in the design
