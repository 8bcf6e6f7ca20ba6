"""The `infra` Yjs document type: exact round trip, every root observed, and
concurrent edits of two properties of one node both surviving."""

from __future__ import annotations

import json

import jupyter_ydoc
import pytest
from pycrdt import Map

from isshoni import templates, ychat
from isshoni.yinfra import YInfra


def test_registered_for_jupyter_collaboration():
    assert jupyter_ydoc.ydocs["infra"] is YInfra


@pytest.mark.parametrize("name", templates.names())
def test_get_set_round_trips_the_file_exactly(name):
    text = templates.load(name).dumps()
    doc = YInfra()
    doc.set(text)
    assert doc.get() == text
    again = YInfra()
    again.set(doc.get())
    assert again.get() == text


def test_empty_document_reads_as_a_valid_design():
    from isshoni import Design

    design = Design.loads(YInfra().get())
    assert design.resources == {} and design.name == "design"


def test_observe_covers_every_root():
    doc = YInfra()
    doc.set(templates.load("vpc_basic").dumps())
    seen = []
    doc.observe(lambda root, event: seen.append(root))
    doc._ymeta["notes"] = "changed"
    doc._yresources["vpc"]["properties"]["cidr"] = "10.1.0.0/16"
    doc._yconnections["c"] = Map({"source": "igw", "target": "vpc", "properties": Map()})
    ychat.append(doc._ychat, [{"id": "1", "author": "ana", "text": "hi", "time": 1}])
    doc._ydeployments["job1"] = {"state": "queued"}
    assert {"meta", "resources", "connections", "chat", "deployments"} <= set(seen)


def sync(a: YInfra, b: YInfra) -> None:
    b.ydoc.apply_update(a.ydoc.get_update(b.ydoc.get_state()))
    a.ydoc.apply_update(b.ydoc.get_update(a.ydoc.get_state()))


def test_two_people_edit_two_properties_of_one_node_and_both_win():
    a, b = YInfra(), YInfra()
    a.set(templates.load("chat_canary").dumps())
    sync(a, b)
    a._yresources["alb"]["properties"]["idle_timeout"] = 120
    b._yresources["alb"]["properties"]["deletion_protection"] = True
    b._yresources["blue"]["properties"]["desired_count"] = 3
    sync(a, b)
    for doc in (a, b):
        data = json.loads(doc.get())
        assert data["resources"]["alb"]["properties"]["idle_timeout"] == 120
        assert data["resources"]["alb"]["properties"]["deletion_protection"] is True
        assert data["resources"]["blue"]["properties"]["desired_count"] == 3
    assert a.get() == b.get()


def test_observe_reports_the_chat_without_building_array_events():
    """The chat is reported through the document's transactions (an array event walks the whole
    chat); maps are reported as before, each transaction once per root it changed."""
    doc = YInfra()
    seen: list = []
    doc.observe(lambda root, event: seen.append(root))
    ychat.append(doc._ychat, [{"id": "m1", "author": "a", "text": "hi", "time": 1}])
    assert seen == ["chat"]
    seen.clear()
    doc._ymeta["name"] = "n"
    assert seen == ["meta"]
    seen.clear()
    with doc.ydoc.transaction():
        ychat.append(doc._ychat, [{"id": "m2", "author": "a", "text": "again", "time": 2}])
        doc._ydeployments["sandbox"] = {"status": "COMPLETE"}
    assert seen == ["deployments"], "a map changed too: the map is reported, once"
    seen.clear()
    str(doc._ychat)  # reading is no change
    assert seen == []
