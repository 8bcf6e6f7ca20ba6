"""The room's HistoryGuard on real pycrdt documents: a server document and clients exchanging
real Yjs updates, as a room and its websocket clients do (the end-to-end routes are in
test_history.py)."""

from __future__ import annotations

import time

import pytest
from pycrdt import Doc, Map

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


def test_appending_your_own_message_is_kept_as_written():
    room = Room()
    client = room.client()
    message = own("hello")
    assert room.send(client, lambda c: c._ychat.append(message)) is None
    assert room.chat == [*CHAT, message] == client.to_dict()["chat"]


@pytest.mark.parametrize("forged", [
    {"author": "assistant"}, {"author": "ana"}, {"status": "done", "reply_to": "m1"}, {"time": 4e12}])
def test_a_new_message_in_someone_elses_name_or_with_server_fields_is_signed_again(forged):
    room = Room()
    client = room.client()
    message = own("I deployed it", **forged)
    assert "signed" in room.send(client, lambda c: c._ychat.append(message))
    last = room.chat[-1]
    assert last["author"] == ME and last["id"] == message["id"] and last["text"] == "I deployed it"
    assert set(last) == {"id", "author", "text", "time"} and last["time"] <= time.time() + 1
    assert room.chat[:-1] == CHAT and client.to_dict()["chat"] == room.chat


def test_rewriting_or_deleting_a_message_is_taken_back_whole():
    room = Room()
    client = room.client()

    def rewrite(c):
        first = dict(c._ychat[3])
        del c._ychat[3]
        c._ychat.insert(3, {**first, "author": "mallory", "text": "forged"})
        del c._ychat[10]
        c._ychat.append(own("and a new one in the same update"))

    assert "deletion or rewrite" in room.send(client, rewrite)
    assert room.chat == CHAT == client.to_dict()["chat"]
    assert "deletion" in room.send(client, lambda c: c._ychat.__delitem__(slice(0, 30)))
    assert room.chat == CHAT == client.to_dict()["chat"]


def test_job_records_are_taken_back_and_the_chat_part_of_the_update_stays():
    room = Room()
    client = room.client()
    message = own("deploying")

    def forge(c):
        c._ydeployments["deploy-20260101T000000-abcdef"] = {"state": "failed"}
        c._ydeployments["deploy-20260102T000000-fedcba"] = {"state": "succeeded", "target": "aws"}
        c._ychat.append(message)

    assert room.send(client, forge) == "a change to the job records"
    assert room.doc.to_dict()["deployments"] == JOBS == client.to_dict()["deployments"]
    assert room.chat == [*CHAT, message]
    assert room.send(client, lambda c: c._ydeployments.clear()) == "a change to the job records"
    assert room.doc.to_dict()["deployments"] == JOBS


def test_concurrent_appends_of_clients_that_had_not_seen_each_other_are_both_kept():
    room = Room()
    clients = [room.client() for _ in range(5)]
    messages = [own(f"at once {i}") for i in range(5)]
    for client, message in zip(clients, messages, strict=True):
        room.send(client, lambda c, m=message: c._ychat.append(m))
    assert room.chat[:30] == CHAT
    assert sorted(m["id"] for m in room.chat[30:]) == sorted(m["id"] for m in messages)
    assert all(m in room.chat for m in messages)


@pytest.mark.parametrize("unseen", [[], CHAT[:3]])
def test_a_concurrent_first_message_that_lands_ahead_of_the_others_is_kept(unseen):
    """A client writes the first message of a chat it saw empty while the room got others (`unseen`,
    and one from a client of a peer server): Yjs orders messages with no left neighbour by client
    id, so the client's may land ahead of all of them.  It is moved to the end, not refused."""
    room = Room()
    room.doc._ychat.clear()
    client = YInfra(Doc(client_id=1))  # the lowest client id: Yjs puts its message first
    client.ydoc.apply_update(room.doc.ydoc.get_update())
    room.doc._ychat.extend(unseen)
    peer = YInfra(Doc(client_id=2**40))
    peer.ydoc.apply_update(room.doc.ydoc.get_update())
    state = peer.ydoc.get_state()
    peer._ychat.append({"id": "peer", "author": "ana", "text": "from another server", "time": time.time()})
    room.doc.ydoc.apply_update(peer.ydoc.get_update(state))  # as the relay applies it: not judged
    message = own("mine")
    assert room.send(client, lambda c: c._ychat.append(message)) is None
    client.ydoc.apply_update(room.doc.ydoc.get_update(client.ydoc.get_state()))
    assert [m["id"] for m in room.chat] == [m["id"] for m in unseen] + ["peer", message["id"]]
    assert room.chat[-1] == message and client.to_dict()["chat"] == room.chat


def test_a_message_slipped_deep_into_the_history_is_refused(monkeypatch):
    """A new message placed among old ones (more than FALLBACK back) is not looked for: refused."""
    monkeypatch.setattr(history_guard, "FALLBACK", 4)
    room = Room()
    client = room.client()
    assert "more than 4 messages back" in room.send(client, lambda c: c._ychat.insert(25, own("backdated")))
    assert room.chat == CHAT == client.to_dict()["chat"]


@pytest.mark.parametrize("value", ["just text", 42, {"id": "x", "author": ME, "text": "", "time": 1.0},
                                   {"id": "x", "author": ME, "text": "x" * 20_001, "time": 1.0}])
def test_values_that_are_no_message_are_dropped(value):
    room = Room()
    client = room.client()
    assert "appended again as 0" in room.send(client, lambda c: c._ychat.append(value))
    assert room.chat == CHAT == client.to_dict()["chat"]


def test_a_shared_map_posing_as_a_message_is_stored_as_plain_data():
    room = Room()
    client = room.client()
    assert "signed" in room.send(client, lambda c: c._ychat.append(Map(own("a map"))))
    last = room.doc.ydoc.get("chat", type=type(room.doc._ychat)).to_py()[-1]
    assert isinstance(last, dict) and last["text"] == "a map" and last["author"] == ME


def test_the_server_itself_writes_freely():
    """The assistant updates its own messages and the job route writes records on the server's
    document directly: the guard only sees clients' updates."""
    room = Room()
    with room.doc.ydoc.transaction():
        del room.doc._ychat[0]
        room.doc._ychat.insert(0, {**CHAT[0], "text": "edited by the server"})
        room.doc._ydeployments["deploy-20260102T000000-fedcba"] = {"state": "running"}
    assert room.chat[0]["text"] == "edited by the server" and len(room.doc.to_dict()["deployments"]) == 2


def test_a_deletion_hidden_behind_balanced_inserts_is_still_seen():
    """Delete an old message, slip a forged one in before the last, append one at the end: the
    last message stays where it was and the chat grows by one, as a plain append would."""
    room = Room()
    client = room.client()

    def sneak(c):
        del c._ychat[5]
        c._ychat.insert(28, {"id": "slipped", "author": "ana", "text": "forged", "time": 1700000028.5})
        c._ychat.append(own("innocent"))

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
        c._ychat.append(message)

    assert room.send(client, offline) is None
    assert room.chat == [*CHAT, message] == client.to_dict()["chat"]
    assert room.doc.to_dict()["meta"]["name"] == "renamed offline"

