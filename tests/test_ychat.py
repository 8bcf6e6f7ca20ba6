"""The chat's pages (isshoni/ychat.py) on real pycrdt documents: order, page sizes, the Redis
mirror's partial reads, in-place truncation, and the migration of chats stored before pages."""

from __future__ import annotations

import pytest
from pycrdt import Array, Doc

from isshoni import ychat
from isshoni.yinfra import YInfra


def message(n: int) -> dict:
    return {"id": f"m{n}", "author": "ana", "text": f"message {n}", "time": 1700000000 + n}


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(ychat, "PAGE", 4)


def root_of(doc: Doc) -> Array:
    return doc.get("chat", type=Array)


def lengths(root: Array) -> list[int]:
    return [len(root[i]) for i in range(len(root))]


def test_appends_fill_the_last_page_then_start_new_ones(small_pages):
    root = root_of(Doc())
    ychat.append(root, [message(n) for n in range(3)])
    ychat.append(root, [message(3)])
    ychat.append(root, [message(n) for n in range(4, 13)])
    ychat.append(root, [])
    assert lengths(root) == [4, 4, 4, 1]
    assert ychat.messages(root) == [message(n) for n in range(13)] and ychat.count(root) == 13


@pytest.mark.parametrize("first", [0, 3, 4, 5, 12, 13, 40])
def test_since_reads_the_messages_from_an_index_on(small_pages, first):
    root = root_of(Doc())
    ychat.append(root, [message(n) for n in range(13)])
    assert ychat.since(root, first) == (13, [message(n) for n in range(first, 13)])


@pytest.mark.parametrize("keep", [0, 2, 4, 9, 13])
def test_truncate_deletes_messages_but_keeps_the_pages(small_pages, keep):
    root = root_of(Doc())
    ychat.append(root, [message(n) for n in range(13)])
    ychat.truncate(root, keep)
    assert ychat.messages(root) == [message(n) for n in range(keep)] and len(root) == 4


def test_replace_rewrites_one_message_in_its_page(small_pages):
    root = root_of(Doc())
    ychat.append(root, [message(n) for n in range(6)])
    assert ychat.replace(root, "m5", {"text": "edited"})["text"] == "edited"
    ychat.replace(root, "m1", {"status": "done"})
    assert [m["text"] for m in ychat.messages(root)][4:] == ["message 4", "edited"]
    assert ychat.messages(root)[1]["status"] == "done" and lengths(root) == [4, 2]
    with pytest.raises(KeyError):
        ychat.replace(root, "nope", {})


def legacy_doc(count: int) -> Doc:
    """A design stored before pages: its messages straight in the chat root."""
    doc = Doc()
    root_of(doc).extend([message(n) for n in range(count)])
    return doc


def test_a_chat_from_before_pages_reads_in_order_and_migrates_into_pages(small_pages):
    doc = legacy_doc(10)
    ychat.append(root_of(doc), [message(10)])  # a new-style append after old messages: a page of its own
    assert ychat.messages(root_of(doc)) == [message(n) for n in range(11)] and not ychat.paged(root_of(doc))
    assert ychat.migrate(doc) == 11
    assert ychat.paged(root_of(doc)) and lengths(root_of(doc)) == [4, 4, 3]
    assert ychat.messages(root_of(doc)) == [message(n) for n in range(11)]
    assert ychat.migrate(doc) == 0  # once


def test_two_servers_migrating_the_same_stored_chat_write_it_once(small_pages):
    """Both load the same store and migrate: the migrations are one Yjs change, not two copies."""
    stored = legacy_doc(9).get_update()
    first, second = Doc(), Doc()
    for doc in (first, second):
        doc.apply_update(stored)
        assert ychat.migrate(doc) == 9
    first.apply_update(second.get_update(first.get_state()))
    second.apply_update(first.get_update(second.get_state()))
    for doc in (first, second):
        assert ychat.messages(root_of(doc)) == [message(n) for n in range(9)] and lengths(root_of(doc)) == [4, 4, 1]


def test_the_design_document_reads_and_writes_the_chat_as_pages(small_pages):
    doc = YInfra()
    design = {"version": 1, "meta": {"name": "d", "region": "us-east-1"}, "resources": {}, "connections": {},
              "chat": [message(n) for n in range(6)], "deployments": {}}
    doc.set(__import__("json").dumps(design))
    assert lengths(doc._ychat) == [4, 2] and doc.to_dict()["chat"] == design["chat"]
    doc.apply({**design, "chat": [*design["chat"], message(6), message(7), message(8)]}, sections=("chat",))
    assert lengths(doc._ychat) == [4, 4, 1] and [m["id"] for m in doc.to_dict()["chat"]][-1] == "m8"
