"""Mermaid's own flowchart grammar, run by the importer in a node child process (issue 15, item 3).

Real node, the real bundled `mermaid` parser: the shapes of a flowchart come back as data with their
lines, and text that is not a flowchart is refused with a message naming the place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from isshoni.importers import NotImportable
from isshoni.importers.mermaid import parser

FIXTURES = Path(__file__).parent / "fixtures" / "mermaid"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Mermaid's parser runs in node")

EVERY_FEATURE = """---
title: everything a flowchart may hold
---
%%{init: {"theme": "dark"}}%%
%% a comment line
flowchart LR
  subgraph VPC["Main VPC"]
    subgraph priv[Private subnet]
      A[ALB<br/>public] --> B(ECS service)
    end
  end
  A & B --> C[(Postgres DB)]
  B -- "reads" --> D{{S3}}
  B -->|writes <b>orders</b>| E>Queue]
  classDef hot fill:#f9f
  class A hot
  style B fill:#f00
  click A "https://example.com"
  linkStyle 0 stroke:#f00
"""


def test_every_flowchart_feature_comes_back_with_its_line():
    chart = parser.parse(EVERY_FEATURE)
    assert chart.direction == "LR"
    assert [(v.id, v.text, v.shape, v.line) for v in chart.vertices] == [
        ("A", "ALB<br/>public", "square", 9), ("B", "ECS service", "round", 9), ("C", "Postgres DB", "cylinder", 12),
        ("D", "S3", "hexagon", 13), ("E", "Queue", "odd", 14)]
    # `A & B --> C` is two edges; the labels are kept as written
    assert [(e.start, e.end, e.text, e.line) for e in chart.edges] == [
        ("A", "B", "", 9), ("A", "C", "", 12), ("B", "C", "", 12), ("B", "D", "reads", 13),
        ("B", "E", "writes <b>orders</b>", 14)]
    # nested subgraphs: the inner one closes first; lines are where each opens
    assert [(s.id, s.title, set(s.members), s.line) for s in chart.subgraphs] == [
        ("priv", "Private subnet", {"A", "B"}, 8), ("VPC", "Main VPC", {"priv"}, 7)]
    assert {kind for kind, _ in chart.ignored} == {"classDef", "class", "style", "click", "linkStyle"}
    assert ("classDef", 15) in chart.ignored and ("linkStyle", 19) in chart.ignored


@pytest.mark.parametrize("direction", ["TD", "TB", "BT", "RL", "LR"])
def test_any_direction_and_the_graph_keyword(direction):
    chart = parser.parse(f"graph {direction}\n  a --> b\n")
    assert chart.direction == {"TD": "TB"}.get(direction, direction) and [(e.start, e.end) for e in chart.edges] == [("a", "b")]


def test_a_sequence_diagram_is_refused_naming_its_kind_and_line():
    with pytest.raises(NotImportable) as caught:
        parser.parse((FIXTURES / "sequence.mmd").read_text(), source="sequence.mmd")
    assert caught.value.where == "sequence.mmd:2:1"
    assert "not a flowchart" in str(caught.value) and "sequenceDiagram" in str(caught.value)


def test_a_syntax_error_names_its_line_and_what_was_expected():
    with pytest.raises(NotImportable) as caught:
        parser.parse((FIXTURES / "syntax_error.mmd").read_text(), source="syntax_error.mmd")
    assert caught.value.where.startswith("syntax_error.mmd:3:")  # the unclosed `[(` of the cylinder
    assert "Parse error on line 3" in str(caught.value) and "Expecting 'CYLINDEREND'" in str(caught.value)


def test_twenty_megabytes_is_refused_before_node_starts():
    text = "flowchart TD\n" + ("  a[" + "x" * 1000 + "] --> b\n") * 20_000
    assert len(text) > 20_000_000
    with pytest.raises(NotImportable, match=r"20\.\d MB is more than a Mermaid diagram may be") as caught:
        parser.parse(text, source="huge.mmd")
    assert caught.value.where == "huge.mmd"


def test_more_edges_than_mermaid_allows_names_the_line():
    text = "flowchart LR\n" + "".join(f"  n{i} --> n{i + 1}\n" for i in range(600))
    with pytest.raises(NotImportable, match="Edge limit exceeded") as caught:
        parser.parse(text, source="wide.mmd")
    assert caught.value.where.startswith("wide.mmd:50")  # the 500th edge is on line 501


def test_empty_text_and_a_nul_byte_are_refused_plainly():
    with pytest.raises(NotImportable, match="empty or only comments"):
        parser.parse("%% nothing here\n\n")
    with pytest.raises(NotImportable, match="NUL") as caught:
        parser.parse("flowchart TD\n a --> b\x00\n", source="bin.mmd")
    assert caught.value.where == "bin.mmd:2"


def test_a_parser_that_overruns_its_deadline_is_stopped():
    with pytest.raises(NotImportable, match="did not finish within 0.001 s"):
        parser.parse("flowchart TD\n a --> b\n", timeout=0.001)


def test_without_node_the_message_says_what_is_missing(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(NotImportable, match="needs Node.js"):
        parser.parse("flowchart TD\n a --> b\n", source="x.mmd")
