"""The template YAML writer: whatever a template holds reads back exactly as it was (hostile text
included), in the block style PyYAML would print."""

from __future__ import annotations

import json
import sys

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from iac import every_type
from isshoni import templates
from isshoni.compiler import cloudformation, resolve, yaml_out

scalars = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "yes", "No", "null", "~", "1e3", "0x1F", "2026-01-01", "- x", "a: b", "a #b", "'", '"', "|", ">",
                     "*alias", "&anchor", "!tag", "%", "@", "`", "{a}", "[a]", "${AWS::StackName}-x", "tail ", "\ttab", "a\n",
                     "a\nb", "a\n\n", "\nlead", "  indented\nx", "line \nx", "x\r\ny", "\u2028", "\x85", "\ufeff", "é ü"]),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),  # what a design may hold (plain JSON numbers)
    st.sampled_from([5e-324, 1e16, 1e-7, 1.5e300, -2.5e-10, 0.0, -0.0]),  # repr without a dot: YAML 1.1 reads a string
    st.booleans(),
    st.none(),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
                      max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=12), values, min_size=1, max_size=5))
def test_any_template_reads_back_as_written(data):
    assert yaml.safe_load(yaml_out.dump(data)) == data


def test_templates_read_back_and_match_pyyaml_style():
    designs = [templates.load(n) for n in templates.names()] + [every_type("us-east-1")]
    for design in designs:
        resolved = resolve(design)
        text = cloudformation.to_yaml(resolved)
        plain = json.loads(cloudformation.to_json(resolved))
        assert yaml.safe_load(text) == plain, design.name
        if "ZipFile" not in text:  # PyYAML would quote multi-line code; we write it as a literal block
            reference = yaml.dump(plain, Dumper=yaml.SafeDumper, sort_keys=False, allow_unicode=True, width=sys.maxsize,
                                  default_flow_style=False)
            assert text == reference, design.name
