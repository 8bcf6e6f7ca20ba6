"""The lines of the generated code each design id produced (the code view's highlight and
click-to-select): every block of chat_canary found in YAML, JSON and HCL, none overlapping."""

from __future__ import annotations

import pytest

from isshoni.compiler import FORMATS, emit, resolve
from isshoni.compiler.code_ranges import code_ranges
from isshoni.compiler.names import cfn_identifier
from isshoni.templates import load


@pytest.fixture(scope="module")
def resolved():
    return resolve(load("chat_canary"))


def heads(resolved, fmt: str) -> dict[str, list[tuple[str, str]]]:
    """File name -> (design id, the line that starts the block) for every part, variable, output."""
    if fmt == "terraform":
        return {
            "main.tf": [(p.source, f'resource "{p.tf_type}" "{p.tf_name}" {{') for p in resolved.parts if p.tf_type],
            "variables.tf": [(v.source, f'variable "{v.name}" {{') for v in resolved.variables],
            "outputs.tf": [(o.source, f'output "{o.name}" {{') for o in resolved.outputs],
        }
    if fmt == "cloudformation":
        key = "  {}:".format
        name = "template.yaml"
    else:
        key = '    "{}": {{'.format
        name = "template.json"
    names = [(v.source, key(cfn_identifier(v.name))) for v in resolved.variables]
    names += [(p.source, key(p.cfn_name)) for p in resolved.parts if p.cfn_type]
    names += [(o.source, key(cfn_identifier(o.name))) for o in resolved.outputs]
    return {name: names}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_block_is_found_within_its_ids_ranges(resolved, fmt):
    files = emit(resolved, fmt)
    ranges = code_ranges(resolved, fmt, files)
    for name, expected in heads(resolved, fmt).items():
        lines = files[name].split("\n")
        assert expected, name
        for source, head in expected:
            at = [i + 1 for i, line in enumerate(lines) if line == head]
            assert len(at) == 1, (name, head)
            spans = ranges[name].get(source, [])
            assert any(first <= at[0] <= last for first, last in spans), (name, source, head, spans)


@pytest.mark.parametrize("fmt", FORMATS)
def test_ranges_do_not_overlap_and_each_holds_a_block_of_its_id(resolved, fmt):
    files = emit(resolved, fmt)
    ranges = code_ranges(resolved, fmt, files)
    expected = heads(resolved, fmt)
    assert ranges.get("versions.tf", {}) == {}  # no design id made the provider settings
    for name in expected:
        by_id = ranges[name]
        lines = files[name].split("\n")
        spans = sorted((first, last, source) for source, s in by_id.items() for first, last in s)
        assert spans, name
        for (_, last, _), (first, _, _) in zip(spans, spans[1:], strict=False):
            assert last < first, name
        own = {}
        for source, head in expected[name]:
            own.setdefault(source, []).append(head)
        for first, last, source in spans:
            assert 1 <= first <= last <= len(lines)
            text = lines[first - 1 : last]
            assert text[0] in own[source], (name, source, text[0])  # a range starts with one of its blocks
            assert text[-1].strip(), (name, source)  # and ends on its last line, not a blank one


def test_the_redis_node_owns_its_replication_group_in_each_format(resolved):
    yaml = emit(resolved, "cloudformation")["template.yaml"].split("\n")
    spans = code_ranges(resolved, "cloudformation", {"template.yaml": "\n".join(yaml)})["template.yaml"]["redis"]
    texts = ["\n".join(yaml[a - 1 : b]) for a, b in spans]
    block = next(t for t in texts if t.startswith("  Redis:\n"))
    assert "AWS::ElastiCache::ReplicationGroup" in block
    assert "\n  UserCounter:" not in block  # the next resource is not part of it
    tf = emit(resolved, "terraform")
    main = code_ranges(resolved, "terraform", tf)["main.tf"]["redis"]
    first, last = main[0]
    lines = tf["main.tf"].split("\n")
    assert lines[first - 1] == 'resource "aws_elasticache_replication_group" "redis" {'
    assert lines[last - 1] == "}"


def test_a_brace_inside_a_heredoc_does_not_end_an_hcl_block():
    from isshoni.compiler.code_ranges import _hcl_blocks

    text = 'resource "a" "b" {\n  policy = <<EOT\n{\n}\nEOT\n  x = 1\n}\n\nresource "a" "c" {\n}\n'
    blocks = _hcl_blocks(text.split("\n"))
    assert blocks[("resource", "a", "b")] == (1, 7)
    assert blocks[("resource", "a", "c")] == (9, 10)


def test_json_one_line_values_and_section_ends():
    from isshoni.compiler.code_ranges import _json_blocks

    text = '{\n  "Resources": {\n    "A": {},\n    "B": {\n      "Type": "x"\n    }\n  },\n  "Outputs": {\n    "O": {\n    }\n  }\n}\n'
    blocks = _json_blocks(text)
    assert blocks == {("Resources", "A"): (3, 3), ("Resources", "B"): (4, 6), ("Outputs", "O"): (9, 10)}


def test_yaml_blocks_end_before_the_next_shallow_line_without_trailing_blanks():
    from isshoni.compiler.code_ranges import _yaml_blocks

    text = "Parameters:\n  P:\n    Type: String\n\nResources:\n  A:\n    Type: x\n    Properties:\n      K: |\n        text\n\n  B:\n    Type: y\nOutputs:\n  O:\n    Value: 1\n"
    blocks = _yaml_blocks(text, text.split("\n"))
    assert blocks == {("Parameters", "P"): (2, 3), ("Resources", "A"): (6, 10), ("Resources", "B"): (12, 13),
                      ("Outputs", "O"): (15, 16)}
