"""The widget's Python side without a browser: what it sends to the front end, and what it
does with the messages the front end sends back (the browser tests drive the real page)."""

from __future__ import annotations

import pytest

from isshoni import templates
from isshoni.checks import Finding
from isshoni.kernel import open_template
from isshoni.widget import DesignWidget, WidgetBundleMissing
from isshoni.widget import view as widget_view


def _move(widget, *moves):
    widget._on_front_end(widget, {"kind": "move", "moves": [{"id": i, "x": x, "y": y} for i, x, y in moves]}, [])


def test_a_plain_design_is_drawn_and_a_drag_moves_it():
    design = templates.load("chat_canary")
    widget = DesignWidget(design)
    assert set(widget.design["resources"]) == set(design.resources)
    assert widget.types["vpc"] == {"icon": "aws-vpc", "category": "networking", "is_container": True}
    seen = []
    widget.on_move(lambda *args: seen.append(args))
    rid = next(iter(design.resources))
    _move(widget, (rid, 321, -12))
    assert design.resources[rid]["position"] == {"x": 321.0, "y": -12.0}
    assert widget.design["resources"][rid]["position"] == {"x": 321.0, "y": -12.0}  # redrawn from the design
    assert seen == [(rid, 321.0, -12.0)]


def test_front_end_messages_that_name_nothing_real_change_nothing():
    design = templates.load("vpc_basic")
    before = design.dumps()
    widget = DesignWidget(design)
    _move(widget, ("no_such_resource", 1, 2))
    widget._on_front_end(widget, {"kind": "move", "moves": [{"id": next(iter(design.resources)), "x": "1", "y": None}]}, [])
    widget._on_front_end(widget, {"kind": "move", "moves": ["not a move", None, 3]}, [])
    widget._on_front_end(widget, {"kind": "something else"}, [])
    widget._on_front_end(widget, ["not", "a", "dict"], [])
    assert design.dumps() == before


def test_an_observed_design_redraws_on_its_own_changes_and_stops_when_closed(tmp_path):
    design = open_template("chat_canary", tmp_path / "shop.infra.json", live=False)
    widget = DesignWidget(design)
    design.add("sqs_queue", "jobs", label="Jobs")
    assert "jobs" in widget.design["resources"]
    assert widget.types["sqs_queue"]["is_container"] is False
    rid = next(r for r in design.resources if r != "jobs")
    _move(widget, (rid, 5, 6))
    assert design.resource(rid)["position"] == {"x": 5.0, "y": 6.0}  # saved to the file by OfflineDesign.move
    widget.close()
    design.add("sqs_queue", "later")
    assert "later" not in widget.design["resources"]


def test_findings_badge_the_worst_severity_per_resource():
    widget = DesignWidget(templates.load("chat_canary"))
    widget.show_findings([
        Finding("warning", "cfn-lint", "W1", "w", "alb"),
        Finding("error", "isshoni", "ISS001", "e", "alb"),
        Finding("warning", "checkov", "CKV", "w", "alb"),
        Finding("info", "isshoni", "I", "i", "vpc"),
        Finding("error", "cfn-lint", "E1", "no resource", None),
    ])
    assert widget.findings == {"alb": "error"}


def test_a_missing_bundle_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(widget_view, "BUNDLE", tmp_path / "widget.js")
    with pytest.raises(WidgetBundleMissing, match="jlpm build"):
        DesignWidget(templates.load("chat_canary"))
