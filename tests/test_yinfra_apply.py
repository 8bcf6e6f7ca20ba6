"""`YInfra.apply`: the live document reaches new content by writing only what
differs, in one transaction, so a server-side edit never clobbers a concurrent
edit of another property of the same node."""

from __future__ import annotations

import copy
import json

import pytest

from isshoni import Design, templates
from isshoni.yinfra import YInfra


def loaded(name: str = "chat_canary") -> YInfra:
    doc = YInfra()
    doc.set(templates.load(name).dumps())
    return doc


def sync(a: YInfra, b: YInfra) -> None:
    b.ydoc.apply_update(a.ydoc.get_update(b.ydoc.get_state()))
    a.ydoc.apply_update(b.ydoc.get_update(a.ydoc.get_state()))


def transactions(doc: YInfra) -> list:
    """Every update the document emits (one per transaction that changed something)."""
    seen: list = []
    doc.ydoc.observe(lambda event: seen.append(event.update))
    return seen


@pytest.mark.parametrize("name", templates.names())
def test_apply_of_the_same_content_writes_nothing(name):
    doc = loaded(name)
    updates = transactions(doc)
    doc.apply(json.loads(doc.get()))
    assert updates == []


@pytest.mark.parametrize("name", templates.names())
def test_apply_reaches_the_target_exactly(name):
    doc = YInfra()
    doc.apply(templates.load(name).data)
    assert doc.get() == templates.load(name).dumps()
    doc.apply(templates.load("vpc_basic").data)  # and from one design to another
    assert doc.get() == templates.load("vpc_basic").dumps()


def test_apply_is_one_transaction_touching_only_the_changed_property():
    doc = loaded()
    data = json.loads(doc.get())
    data["resources"]["alb"]["properties"]["idle_timeout"] = 99
    data["meta"]["notes"] = "n"
    roots: list = []
    doc.observe(lambda root, event: roots.append(root))
    updates = transactions(doc)
    doc.apply(data)
    assert len(updates) == 1
    assert set(roots) == {"resources", "meta"}
    assert json.loads(doc.get()) == data
    # the update carries the two new values, not the rest of the design
    assert len(updates[0]) < 200


def test_removed_keys_fields_and_resources_are_deleted():
    doc = loaded()
    data = json.loads(doc.get())
    rid = "vpc"
    data["resources"][rid]["notes"] = "x"
    doc.apply(data)
    design = doc.design()
    design.remove("alb")  # takes its connections with it
    design.data["resources"][rid].pop("notes")
    design.data["deployments"]["job1"] = {"status": "queued"}
    doc.apply(design.data)
    after = json.loads(doc.get())
    assert "alb" not in after["resources"]
    assert not any(c["source"] == "alb" or c["target"] == "alb" for c in after["connections"].values())
    assert "notes" not in after["resources"][rid]
    assert after["deployments"] == {"job1": {"status": "queued"}}


def test_bool_and_number_are_different_values():
    doc = YInfra()
    doc.apply({"meta": {"name": "d"}, "resources": {"a": {"type": "vpc", "properties": {"x": 1}}}})
    doc.apply({"meta": {"name": "d"}, "resources": {"a": {"type": "vpc", "properties": {"x": True}}}})
    assert doc.to_dict()["resources"]["a"]["properties"]["x"] is True
    doc.apply({"meta": {"name": "d"}, "resources": {"a": {"type": "vpc", "properties": {"x": 1.0}}}})
    assert doc.to_dict()["resources"]["a"]["properties"]["x"] == 1


def test_chat_is_appended_and_replaced_only_when_it_is_not_an_extension():
    doc = loaded()
    design = doc.design()
    first = design.add_message("ana", "hello", time_=1)
    doc.apply(design.data)
    old = doc._ychat[0][0]
    design.add_message("ben", "hi", time_=2)
    updates = transactions(doc)
    doc.apply(design.data)
    assert len(updates) == 1 and [m["text"] for m in doc.design().chat] == ["hello", "hi"]
    assert doc._ychat[0][0] == old and len(doc._ychat) == 1  # the first message was not rewritten: one page
    design.data["chat"] = [{**first, "text": "edited"}]
    doc.apply(design.data)
    assert [m["text"] for m in doc.design().chat] == ["edited"]


def test_concurrent_applies_to_two_properties_of_one_node_both_survive():
    a = loaded()
    b = YInfra()
    sync(a, b)
    data_a, data_b = json.loads(a.get()), json.loads(b.get())
    data_a["resources"]["alb"]["properties"]["idle_timeout"] = 77
    data_b["resources"]["alb"]["properties"]["deletion_protection"] = True
    data_b["resources"]["alb"]["label"] = "front door"
    a.apply(data_a)
    b.apply(data_b)  # neither has seen the other's change
    sync(a, b)
    for doc in (a, b):
        alb = doc.design().resources["alb"]
        assert alb["properties"]["idle_timeout"] == 77
        assert alb["properties"]["deletion_protection"] is True
        assert alb["label"] == "front door"
    assert a.get() == b.get()


def test_concurrent_chat_messages_both_survive():
    a = loaded()
    b = YInfra()
    sync(a, b)
    da, db = a.design(), b.design()
    da.add_message("ana", "from a", time_=1)
    db.add_message("ben", "from b", time_=1)
    a.apply(da.data)
    b.apply(db.data)
    sync(a, b)
    assert sorted(m["text"] for m in a.design().chat) == ["from a", "from b"]
    assert a.get() == b.get()


def test_design_is_an_unvalidated_copy():
    doc = loaded()
    doc._yresources["alb"]["properties"]["idle_timeout"] = "not a number"
    design = doc.design()
    assert isinstance(design, Design) and design.problems()  # no exception: the canvas may be mid-edit
    design.resources["alb"]["label"] = "changed"
    assert doc.design().resources["alb"]["label"] != "changed"  # a copy, not a view


def test_apply_replaces_an_item_that_is_not_a_map():
    doc = YInfra()
    doc._yresources["odd"] = {"type": "vpc"}  # a plain value where a Map belongs
    target = {"meta": {"name": "d"}, "resources": {"odd": {"type": "vpc", "properties": {"cidr": "10.0.0.0/16"}}}}
    doc.apply(copy.deepcopy(target))
    assert doc.to_dict()["resources"]["odd"]["properties"] == {"cidr": "10.0.0.0/16"}


def test_replace_if_writes_an_edit_computed_away_only_onto_what_it_was_computed_from():
    """Validation runs in a worker on a snapshot: its result must not revert what someone wrote
    meanwhile.  A change to the design roots makes the edit compute again; a chat message does not."""
    doc = loaded()
    before = doc.to_dict(without=("chat", "deployments"))
    after = copy.deepcopy(before)
    after["resources"]["vpc"]["notes"] = "from the worker"

    other = copy.deepcopy(doc.to_dict())
    other["chat"].append({"id": "m1", "author": "bob", "text": "hi", "time": 1.0})
    doc.apply(other)  # someone chats meanwhile: irrelevant to a design edit
    assert doc.replace_if(before, after)
    assert doc.to_dict()["resources"]["vpc"]["notes"] == "from the worker"
    assert doc.to_dict()["chat"][-1]["id"] == "m1"

    stale = doc.to_dict(without=("chat", "deployments"))
    edit = copy.deepcopy(stale)
    edit["resources"]["vpc"]["label"] = "mine"
    moved = doc.to_dict()
    moved["connections"] = {}  # someone else removes the connections meanwhile
    doc.apply(moved)
    assert not doc.replace_if(stale, edit)  # computed from what is gone: nothing written
    assert doc.to_dict()["resources"]["vpc"].get("label") != "mine" and doc.to_dict()["connections"] == {}


def test_replace_if_reads_again_only_the_items_the_edit_changed(monkeypatch):
    """What the document holds was just read and compared (`current`): an edit of one node of a design
    reads and patches that node only (not every item of the design again), and a removal still deletes."""
    import isshoni.yinfra as yinfra

    doc = loaded()
    before = doc.to_dict(without=("chat", "deployments"))
    after = copy.deepcopy(before)
    after["resources"]["vpc"]["notes"] = "one node"
    gone = next(iter(after["connections"]))
    del after["connections"][gone]
    patched: list = []
    original = yinfra._apply_map
    monkeypatch.setattr(yinfra, "_apply_map", lambda ymap, new, skip=(): (patched.append(new), original(ymap, new, skip)))
    assert doc.replace_if(before, after)
    assert patched == [after["resources"]["vpc"], after["resources"]["vpc"]["properties"]]  # the item and its properties
    assert doc.to_dict(without=("chat", "deployments")) == after


def test_numbers_read_from_the_document_as_the_design_wrote_them():
    """Yjs numbers are doubles: whole ones read as ints (a port stays 80, not 80.0), others stay
    floats, and a whole double beyond 2**53 stays a float (no exact integer)."""
    doc = YInfra()
    values = {"port": 80, "weight": 0.25, "edge": 2**53 - 1, "huge": 1e300, "neg": -3.0, "nested": [{"x": 2.0}]}
    doc.apply({"meta": {"name": "d", "values": values}})
    read = doc.to_dict()["meta"]["values"]
    assert read == {"port": 80, "weight": 0.25, "edge": 2**53 - 1, "huge": 1e300, "neg": -3, "nested": [{"x": 2}]}
    assert type(read["port"]) is int and type(read["neg"]) is int and type(read["nested"][0]["x"]) is int
    assert type(read["weight"]) is float and type(read["huge"]) is float
