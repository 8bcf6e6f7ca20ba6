"""The room's HistoryGuard on real pycrdt documents: a server document and clients exchanging
real Yjs updates, as a room and its websocket clients do (the end-to-end routes are in
test_history.py)."""

from __future__ import annotations

import time

import pytest
from pycrdt import Array, Doc, Map

from isshoni import ychat
from isshoni.stores import history_guard
from isshoni.stores.history_guard import HistoryGuard
from isshoni.yinfra import YInfra

ME = "Anonymous Io"
CHAT = [{"id": f"m{i}", "author": "ana", "text": f"message {i}", "time": 1700000000.0 + i} for i in range(30)]
JOBS = {"deploy-20260101T000000-abcdef": {"id": "deploy-20260101T000000-abcdef", "state": "succeeded"}}


class Room:
    """A server document behind a guard, and a way to make clients that sync with it."""

    def __init__(self):
        self.doc = YInfra()
        self.doc.set(__import__("json").dumps({"meta": {"name": "d", "region": "us-east-1"}, "chat": CHAT,
                                               "deployments": JOBS}))  # one block, as a room loads a file
        self.guard = HistoryGuard(self.doc.ydoc)

    def client(self) -> YInfra:
        client = YInfra()
        client.ydoc.apply_update(self.doc.ydoc.get_update())
        return client

    def send(self, client: YInfra, edit, author: str = ME) -> str | None:
        """`edit(client)` in one transaction, its update applied through the guard; the server's
        answer (the compensation) goes back to the client."""
        state = client.ydoc.get_state()
        with client.ydoc.transaction():
            edit(client)
        server_state = self.doc.ydoc.get_state()
        taken = self.guard.apply(client.ydoc.get_update(state), author)
        client.ydoc.apply_update(self.doc.ydoc.get_update(server_state))
        return taken

    @property
    def chat(self) -> list:
        return self.doc.to_dict()["chat"]


def own(text: str, **fields) -> dict:
    return {"id": f"id{abs(hash(text)) % 10**8}", "author": ME, "text": text, "time": time.time(), **fields}


def append(value):
    """What a client does to post: append to the last page (or a new one)."""
    return lambda c: ychat.append(c._ychat, [value])


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 8: CHAT is 4 pages (8, 8, 8, 6), so edits reach old pages and page boundaries."""
    monkeypatch.setattr(ychat, "PAGE", 8)


def pages(doc: YInfra) -> list[int]:
    return [len(page) for page in ychat_pages(doc)]


def ychat_pages(doc: YInfra) -> list:
    return ychat.items(doc._ychat)


@pytest.mark.parametrize("page", [128, 8, 10])  # one page; a last page with room; a full last page
def test_appending_your_own_message_is_kept_as_written(monkeypatch, page):
    monkeypatch.setattr(ychat, "PAGE", page)
    room = Room()
    client = room.client()
    message = own("hello")
    assert room.send(client, append(message)) is None
    assert room.chat == [*CHAT, message] == client.to_dict()["chat"]
    assert sum(pages(room.doc)) == 31 and max(pages(room.doc)) <= page


def test_many_messages_in_one_update_fill_the_last_page_and_start_new_ones(small_pages):
    room = Room()
    client = room.client()
    mine = [own(f"burst {i}") for i in range(20)]
    assert room.send(client, lambda c: ychat.append(c._ychat, mine)) is None
    assert room.chat == [*CHAT, *mine] == client.to_dict()["chat"]
    assert pages(room.doc) == [8, 8, 8, 8, 8, 8, 2]


@pytest.mark.parametrize("forged", [
    {"author": "assistant"}, {"author": "ana"}, {"status": "done", "reply_to": "m1"}, {"time": 4e12}])
def test_a_new_message_in_someone_elses_name_or_with_server_fields_is_signed_again(forged):
    room = Room()
    client = room.client()
    message = own("I deployed it", **forged)
    assert "signed" in room.send(client, append(message))
    last = room.chat[-1]
    assert last["author"] == ME and last["id"] == message["id"] and last["text"] == "I deployed it"
    assert set(last) == {"id", "author", "text", "time"} and last["time"] <= time.time() + 1
    assert room.chat[:-1] == CHAT and client.to_dict()["chat"] == room.chat


def test_rewriting_or_deleting_a_message_is_taken_back_whole(small_pages):
    room = Room()
    client = room.client()

    def rewrite(c):
        page = c._ychat[0]
        first = dict(page[3])
        del page[3]
        page.insert(3, {**first, "author": "mallory", "text": "forged"})
        del c._ychat[2][1]
        ychat.append(c._ychat, [own("and a new one in the same update")])

    assert "deletion or rewrite" in room.send(client, rewrite)
    assert room.chat == CHAT == client.to_dict()["chat"]
    assert "deletion" in room.send(client, lambda c: c._ychat.__delitem__(slice(0, 4)))
    assert room.chat == CHAT == client.to_dict()["chat"]
    assert "deletion" in room.send(client, lambda c: c._ychat[3].__delitem__(slice(0, 6)))
    assert room.chat == CHAT == client.to_dict()["chat"] and pages(room.doc) == [8, 8, 8, 6]


def test_job_records_are_taken_back_and_the_chat_part_of_the_update_stays():
    room = Room()
    client = room.client()
    message = own("deploying")

    def forge(c):
        c._ydeployments["deploy-20260101T000000-abcdef"] = {"state": "failed"}
        c._ydeployments["deploy-20260102T000000-fedcba"] = {"state": "succeeded", "target": "aws"}
        ychat.append(c._ychat, [message])

    assert room.send(client, forge) == "a change to the job records"
    assert room.doc.to_dict()["deployments"] == JOBS == client.to_dict()["deployments"]
    assert room.chat == [*CHAT, message]
    assert room.send(client, lambda c: c._ydeployments.clear()) == "a change to the job records"
    assert room.doc.to_dict()["deployments"] == JOBS


@pytest.mark.parametrize("page", [128, 8, 10])  # into one last page; two of them starting a page at once
def test_concurrent_appends_of_clients_that_had_not_seen_each_other_are_both_kept(monkeypatch, page):
    monkeypatch.setattr(ychat, "PAGE", page)
    room = Room()
    clients = [room.client() for _ in range(5)]
    messages = [own(f"at once {i}") for i in range(5)]
    for client, message in zip(clients, messages, strict=True):
        room.send(client, append(message))
    assert room.chat[:30] == CHAT
    assert sorted(m["id"] for m in room.chat[30:]) == sorted(m["id"] for m in messages)
    assert len(room.chat) == 35


@pytest.mark.parametrize("unseen", [[], CHAT[:3]])
def test_a_concurrent_first_message_that_lands_ahead_of_the_others_is_kept(unseen):
    """A client writes the first message of a chat it saw empty while the room got others (`unseen`,
    and one from a client of a peer server): Yjs orders items with no left neighbour by client
    id, so the client's page may land ahead of all of them.  It is moved to the end, not refused."""
    room = Room()
    room.doc._ychat.clear()
    client = YInfra(Doc(client_id=1))  # the lowest client id: Yjs puts its page first
    client.ydoc.apply_update(room.doc.ydoc.get_update())
    ychat.append(room.doc._ychat, unseen)
    peer = YInfra(Doc(client_id=2**40))
    peer.ydoc.apply_update(room.doc.ydoc.get_update())
    state = peer.ydoc.get_state()
    ychat.append(peer._ychat, [{"id": "peer", "author": "ana", "text": "from another server", "time": time.time()}])
    room.doc.ydoc.apply_update(peer.ydoc.get_update(state))  # as the relay applies it: not judged
    message = own("mine")
    assert room.send(client, append(message)) is None
    client.ydoc.apply_update(room.doc.ydoc.get_update(client.ydoc.get_state()))
    assert [m["id"] for m in room.chat] == [m["id"] for m in unseen] + ["peer", message["id"]]
    assert room.chat[-1] == message and client.to_dict()["chat"] == room.chat


def test_a_message_slipped_into_an_old_page_is_moved_to_the_end(small_pages):
    """Insertion into the past: the history stays as it was, the message goes to the end, signed."""
    room = Room()
    client = room.client()
    slipped = {"id": "slipped", "author": "ana", "text": "backdated", "time": 1700000000.5}
    assert "signed" in room.send(client, lambda c: c._ychat[0].insert(1, slipped))
    assert room.chat[:30] == CHAT and room.chat[30]["id"] == "slipped" and room.chat[30]["author"] == ME
    assert len(room.chat) == 31 and client.to_dict()["chat"] == room.chat


@pytest.mark.parametrize("where", ["last page", "root"])
def test_a_message_inserted_before_the_end_is_moved_to_the_end(small_pages, where):
    """Inside the last page, or a page slipped in among the old ones: a change event says only where
    an insert starts (not what follows it), so the guard checks the insert reaches the end."""
    room = Room()
    client = room.client()
    message = own("middle")
    edit = (lambda c: c._ychat[3].insert(2, message)) if where == "last page" else \
        (lambda c: c._ychat.insert(1, Array([message])))
    assert room.send(client, edit) is None  # the client's own message, moved: nothing to report
    assert room.chat == [*CHAT, message] == client.to_dict()["chat"]


def test_a_message_straight_in_the_root_goes_into_a_page(small_pages):
    """A client from before pages appends a message as a root item: kept, as a page's message."""
    room = Room()
    client = room.client()
    message = own("old client")
    assert room.send(client, lambda c: c._ychat.append(message)) is None
    assert room.chat == [*CHAT, message] and pages(room.doc) == [8, 8, 8, 7]


def test_an_oversized_page_is_split(small_pages):
    room = Room()
    client = room.client()
    mine = [own(f"big {i}") for i in range(history_guard.PAGE_LIMIT + 1)]
    assert room.send(client, lambda c: c._ychat.append(Array(mine))) is None  # own messages: no complaint
    assert room.chat == [*CHAT, *mine] and max(pages(room.doc)) <= 8


@pytest.mark.parametrize("value", ["just text", 42, {"id": "x", "author": ME, "text": "", "time": 1.0},
                                   {"id": "x", "author": ME, "text": "x" * 20_001, "time": 1.0}])
def test_values_that_are_no_message_are_dropped(value):
    room = Room()
    client = room.client()
    assert "appended again as 0" in room.send(client, append(value))
    assert room.chat == CHAT == client.to_dict()["chat"]
    assert "appended again as 0" in room.send(client, lambda c: c._ychat.append(Array([value])))
    assert room.chat == CHAT == client.to_dict()["chat"]


@pytest.mark.parametrize("where", ["last page", "new page"])
def test_a_shared_map_posing_as_a_message_is_stored_as_plain_data(where):
    room = Room()
    client = room.client()
    edit = append(Map(own("a map"))) if where == "last page" else (lambda c: c._ychat.append(Array([Map(own("a map"))])))
    assert "signed" in room.send(client, edit)
    last = ychat_pages(room.doc)[-1]
    raw = last[len(last) - 1]
    assert isinstance(raw, dict) and raw["text"] == "a map" and raw["author"] == ME


def test_a_change_inside_a_message_is_taken_back():
    room = Room()
    client = room.client()
    room.send(client, append(Map(own("a map"))))  # stored as plain data: there is no shared map to edit
    assert room.send(client, lambda c: c._ychat[0].append("tail")) is not None
    assert room.chat[:30] == CHAT


def test_the_server_itself_writes_freely():
    """The assistant updates its own messages and the job route writes records on the server's
    document directly: the guard only sees clients' updates."""
    room = Room()
    with room.doc.ydoc.transaction():
        ychat.replace(room.doc._ychat, "m0", {"text": "edited by the server"})
        room.doc._ydeployments["deploy-20260102T000000-fedcba"] = {"state": "running"}
    assert room.chat[0]["text"] == "edited by the server" and len(room.doc.to_dict()["deployments"]) == 2


def test_a_deletion_hidden_behind_balanced_inserts_is_still_seen(small_pages):
    """Delete an old message, slip a forged one in before the last, append one at the end: the
    last message stays where it was and the chat grows by one, as a plain append would."""
    room = Room()
    client = room.client()

    def sneak(c):
        del c._ychat[0][5]
        c._ychat[3].insert(4, {"id": "slipped", "author": "ana", "text": "forged", "time": 1700000028.5})
        ychat.append(c._ychat, [own("innocent")])

    assert "deletion or rewrite" in room.send(client, sneak)
    assert room.chat == CHAT == client.to_dict()["chat"]


def test_a_reconnecting_clients_merged_edits_keep_its_messages():
    """Offline, a kernel changed the design (overwriting a value is a deletion) and wrote a
    message; its reconnect sends both in one update: the edit stays and so does the message."""
    room = Room()
    client = room.client()
    message = own("written while offline")

    def offline(c):
        c._ymeta["name"] = "renamed offline"
        ychat.append(c._ychat, [message])

    assert room.send(client, offline) is None
    assert room.chat == [*CHAT, message] == client.to_dict()["chat"]
    assert room.doc.to_dict()["meta"]["name"] == "renamed offline"


def test_a_stale_clients_page_is_emptied_not_deleted_so_its_next_message_survives(monkeypatch):
    """Two clients start a page at once (the last page is full); Yjs puts B's (lower client id) before
    A's, so B's message is moved to the end.  B, before it hears of that, appends to its page again:
    were the page deleted, Yjs would drop that message silently; emptied, it is moved like the first."""
    monkeypatch.setattr(ychat, "PAGE", 10)  # CHAT fills three pages: the next message starts a page
    room = Room()
    a, b = YInfra(Doc(client_id=2**40)), YInfra(Doc(client_id=1))
    for client in (a, b):
        client.ydoc.apply_update(room.doc.ydoc.get_update())
    assert room.send(a, append(own("from a"))) is None
    b_state = b.ydoc.get_state()
    ychat.append(b._ychat, [own("from b")])
    assert room.guard.apply(b.ydoc.get_update(b_state), ME) is None  # its own message, moved: no complaint
    b_state = b.ydoc.get_state()
    ychat.append(b._ychat, [own("b again")])  # into its own page: it has not heard back yet
    room.guard.apply(b.ydoc.get_update(b_state), ME)
    texts = [m["text"] for m in room.chat]
    assert texts[:30] == [m["text"] for m in CHAT] and sorted(texts[30:]) == ["b again", "from a", "from b"]
    assert texts.index("from b") < texts.index("b again")
    assert pages(room.doc) == [10, 10, 10, 0, 3]  # B's page, emptied, ahead of A's, which took all three
    b.ydoc.apply_update(room.doc.ydoc.get_update(b.ydoc.get_state()))
    assert b.to_dict()["chat"] == room.chat


def _version(author: str = ME, **design) -> dict:
    return {"created": time.time(), "author": author,
            "design": {"meta": {"name": "d", "region": "us-east-1"}, "resources": {}, "connections": {}, **design}}


def test_named_versions_are_only_added_and_signed_by_their_client():
    room = Room()
    client = room.client()
    assert room.send(client, lambda c: c._yversions.__setitem__("v1", _version())) is None
    assert room.doc.to_dict()["versions"]["v1"]["author"] == ME
    # a version in someone else's name is signed again with the client's identity
    assert room.send(client, lambda c: c._yversions.__setitem__("v2", _version(author="ana"))) == \
        "1 new version(s) signed with the client's identity"
    assert room.doc.to_dict()["versions"]["v2"]["author"] == ME == client.to_dict()["versions"]["v2"]["author"]
    kept = room.doc.to_dict()["versions"]
    # rewriting or deleting one is taken back whole, with what else the update did to versions
    for forge in (lambda c: c._yversions.__setitem__("v1", _version(resources={"x": {"type": "vpc"}})),
                  lambda c: c._yversions.pop("v1"),
                  lambda c: (c._yversions.pop("v2"), c._yversions.__setitem__("v3", _version()))):
        taken = room.send(client, forge)
        assert taken.startswith("a change to the named versions") and "only new, well-formed versions may be added" in taken
        assert room.doc.to_dict()["versions"] == kept == client.to_dict()["versions"]


@pytest.mark.parametrize("name, value", [
    ("-bad name", _version()),
    ("v9", {"created": 1.0, "design": {"meta": {}}}),
    ("v9", {"created": time.time() + 86400, "design": _version()["design"]}),
    ("v9", {**_version(), "extra": 1}),
    ("v9", "not a version"),
])
def test_a_malformed_version_is_taken_back(name, value):
    room = Room()
    client = room.client()
    assert room.send(client, lambda c: c._yversions.__setitem__(name, value)).startswith("a change to the named versions")
    assert "versions" not in room.doc.to_dict()


def test_the_edit_trail_gathers_a_collaborators_updates_into_one_record():
    import logging

    from isshoni.stores.edit_trail import EditTrail

    room = Room()
    room.doc.set(__import__("json").dumps({"meta": {"name": "d", "region": "us-east-1"},
                                           "resources": {"q": {"type": "sqs_queue", "properties": {}}}}))
    trail = EditTrail(room.doc.ydoc, "d.infra.json", logging.getLogger("test"))
    client = room.client()
    for n in range(5):  # a drag: several updates, one edit to a person
        trail.applying("Ana", "ana")
        room.send(client, lambda c, n=n: c._yresources["q"]["properties"].__setitem__("delay_seconds", n), author="Ana")
        trail.applied()
    trail.applying("Ana", "ana")
    room.send(client, lambda c: ychat.append(c._ychat, [own("hi")]))  # chat only: not an edit of the design
    trail.applied()
    trail.applying("Bo", "bo")
    room.send(client, lambda c: c._ymeta.__setitem__("description", "shop"), author="Bo")
    trail.applied()
    assert trail.flush() == [
        {"path": "d.infra.json", "author": "Ana", "username": "ana", "updates": 6, "resources": ["q"], "connections": [], "meta": False},
        {"path": "d.infra.json", "author": "Bo", "username": "bo", "updates": 1, "resources": [], "connections": [], "meta": True},
    ]
    assert trail.flush() == []
