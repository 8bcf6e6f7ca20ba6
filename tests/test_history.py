"""History cannot be forged (issue 14, defect 4): a design's chat authors and job records come
from the server's identity, through every route.  A real Jupyter server; REST over httpx, the
websocket through a real pycrdt client in the room, the kernel through `isshoni.open`."""

from __future__ import annotations

import asyncio
import copy
import json
import os
import subprocess
import sys
import time

import httpx
import pytest

import isshoni
from isshoni import templates, ychat
from isshoni.design.history import author_of
from isshoni.kernel import close_all
from rooms import isshoni_server, joined_as, until

API = "/isshoni/api"
JOB = "deploy-20260101T000000-abcdef"
CHAT = [
    {"id": "m1", "author": "ana", "text": "let's use two AZs", "time": 1700000000.0},
    {"id": "m2", "author": "assistant", "text": "Added a second private subnet.", "time": 1700000001.0,
     "status": "done", "reply_to": "m1"},
]
RECORD = {"id": JOB, "kind": "deploy", "design": "vpc", "state": "succeeded", "target": "sandbox",
          "created": "2026-01-01T00:00:00Z", "summary": "3 resources"}
KEY = "k" * 40


def _seeded(root, name: str) -> str:
    design = templates.load("vpc_basic")
    design.data["chat"] = copy.deepcopy(CHAT)
    design.data["deployments"] = {JOB: dict(RECORD)}
    design.save(root / name)
    return name


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("history")
    root = tmp / "root"
    root.mkdir()
    with pytest.MonkeyPatch.context() as mp, isshoni_server(root, tmp) as (base, token):
        mp.delenv("ANTHROPIC_API_KEY", raising=False)  # the offline planner answers
        with httpx.Client(base_url=base, headers={"Authorization": f"token {token}"}, timeout=60) as client:
            yield {"base": base, "token": token, "root": root, "client": client}
    close_all()


def _history(server, name: str) -> tuple[list, dict]:
    design = server["client"].get(f"{API}/designs/{name}/canvas").json()["design"]
    return design["chat"], design["deployments"]


def _me(server) -> str:
    return author_of(server["client"].get("/api/me").json()["identity"])


def test_full_replace_changes_the_design_never_the_history(server):
    name = _seeded(server["root"], "replace.infra.json")
    design = server["client"].get(f"{API}/designs/{name}/canvas").json()["design"]
    design["meta"]["description"] = "replaced"
    design["chat"][0].update(author="mallory", text="ana agreed to open port 22 to the world")
    design["chat"].append({"id": "m3", "author": "assistant", "text": "I deployed it to aws.", "time": time.time()})
    design["deployments"][JOB]["state"] = "failed"
    design["deployments"]["deploy-20260102T000000-fedcba"] = {**RECORD, "target": "aws", "state": "succeeded"}
    response = server["client"].post(f"{API}/designs/{name}/canvas", json={"design": design})
    assert response.status_code == 200, response.text
    assert response.json()["design"]["meta"]["description"] == "replaced"
    chat, deployments = _history(server, name)
    assert chat == CHAT and deployments == {JOB: RECORD}


def test_ops_change_the_design_never_the_history(server):
    name = _seeded(server["root"], "ops.infra.json")
    response = server["client"].post(f"{API}/designs/{name}/canvas", json={"ops": [
        {"op": "set_meta", "description": "by ops"}, {"op": "add", "type": "s3_bucket", "id": "assets"}]})
    assert response.status_code == 200, response.text
    forged = server["client"].post(f"{API}/designs/{name}/canvas", json={"ops": [
        {"op": "set_meta", "chat": []}]})
    assert forged.status_code == 400
    assert _history(server, name) == (CHAT, {JOB: RECORD})


def test_rest_chat_appends_as_the_signed_in_user_only(server):
    name = _seeded(server["root"], "chat.infra.json")
    response = server["client"].post(f"{API}/designs/{name}/chat",
                                     json={"text": "hi", "author": "assistant", "id": "m1", "time": 1})
    assert response.status_code == 201, response.text
    message = response.json()
    assert message["author"] == _me(server) != "assistant" and message["id"] != "m1" and message["time"] > 1
    chat, _ = _history(server, name)
    assert chat[:2] == CHAT and chat[2] == message


def test_a_websocket_client_cannot_rewrite_history(server):
    """A browser's Yjs update that rewrites a message, deletes one, edits or adds a job record and
    posts as the assistant: the server takes it back and signs the new message with its identity."""
    name = _seeded(server["root"], "ws.infra.json")

    async def scenario():
        async with joined_as(server["base"], server["token"], name) as (doc, identity):
            me = author_of(identity)
            with doc.ydoc.transaction():  # rewrite one message, delete another
                page = doc._ychat[0]
                first = dict(page[0])
                del page[0]
                page.insert(0, {**first, "author": "mallory", "text": "forged"})
                del page[1]
            ychat.append(doc._ychat, [{"id": "fake", "author": "assistant", "text": "Deployed to aws.",
                                       "time": time.time(), "status": "done", "reply_to": "m1"}])
            with doc.ydoc.transaction():
                doc._ydeployments[JOB] = {**RECORD, "state": "failed"}
                doc._ydeployments["deploy-20260102T000000-fedcba"] = {**RECORD, "target": "aws"}
            mine = {"id": "mine", "author": me, "text": "hello, as myself", "time": time.time()}
            ychat.append(doc._ychat, [mine])

            def settled():
                chat, deployments = _history(server, name)
                return chat if len(chat) == 4 and doc.to_dict()["chat"] == chat else None

            chat = await until(settled, timeout=20, step=0.1)
            assert chat, (_history(server, name), doc.to_dict()["chat"])
            assert chat[:2] == CHAT  # the rewritten and the deleted message are back as they were
            assert chat[2] == {"id": "fake", "author": me, "text": "Deployed to aws.", "time": chat[2]["time"]}
            assert chat[3] == mine  # appending as yourself is kept exactly as written
            assert _history(server, name)[1] == {JOB: RECORD} == doc.to_dict()["deployments"]

    asyncio.run(scenario())


def test_kernel_writes_cannot_rewrite_history(server, monkeypatch):
    name = _seeded(server["root"], "kernel.infra.json")
    monkeypatch.chdir(server["root"])
    design = isshoni.open(name, live=True, url=server["base"], token=server["token"])
    design._edit(lambda d: d.chat[0].update(author="mallory", text="forged"))
    design._conn.call(lambda: design._conn.doc._ydeployments.__setitem__(JOB, {**RECORD, "state": "failed"}))
    said = design.add_message("assistant", "hello from the notebook")

    def settled():
        chat, deployments = _history(server, name)
        return len(chat) == 3 and design.chat == chat and deployments == design.deployments and chat

    chat = asyncio.run(until(settled, timeout=20, step=0.1))
    assert chat, (_history(server, name), design.chat)
    assert chat[:2] == CHAT and design.deployments == {JOB: RECORD}
    assert chat[2]["id"] == said["id"] and chat[2]["text"] == "hello from the notebook"
    assert chat[2]["author"] == author_of(design._conn.identity) != "assistant"  # the room's name for the kernel
    design.close()


def _post_record(server, name: str, record: dict, key: str = KEY) -> httpx.Response:
    return server["client"].post(f"{API}/designs/{name}/jobs", json={"record": record, "key": key})


def test_job_records_are_written_by_their_job_through_the_server_only(server):
    name = _seeded(server["root"], "jobs.infra.json")
    job = {**RECORD, "id": "deploy-20260103T000000-0a0b0c", "state": "queued", "pid": os.getpid()}
    created = _post_record(server, name, job)
    assert created.status_code == 201, created.text
    assert created.json()["by"] == _me(server) and created.json()["writer"] != KEY
    assert _post_record(server, name, {**job, "state": "running"}).status_code == 200
    stolen = _post_record(server, name, {**job, "state": "succeeded"}, key="x" * 40)
    assert stolen.status_code == 403, stolen.text
    assert _post_record(server, name, {**job, "state": "succeeded", "by": "someone else"}).json()["by"] == _me(server)
    frozen = _post_record(server, name, {**job, "state": "failed"})
    assert frozen.status_code == 409 and "ended" in frozen.json()["message"]
    assert _post_record(server, name, RECORD).status_code == 409  # the seeded, finished record
    born_done = _post_record(server, name, {**RECORD, "id": "deploy-20260104T000000-0d0e0f"})
    assert born_done.status_code == 409 and "starts queued or running" in born_done.json()["message"]
    assert _post_record(server, name, {**job, "id": "nonsense"}).status_code == 400
    assert _post_record(server, name, {**job, "id": "deploy-20260105T000000-aaaaaa"}, key="short").status_code == 400
    _, deployments = _history(server, name)
    assert deployments[JOB] == RECORD and deployments[job["id"]]["state"] == "succeeded"
    assert deployments[job["id"]]["by"] == _me(server)


def test_a_job_whose_process_died_is_marked_interrupted_by_the_next_one(server):
    """What jobs.recover does from another process: allowed once the server sees the PID is gone."""
    name = _seeded(server["root"], "recover.infra.json")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    running = {**RECORD, "id": "deploy-20260106T000000-123456", "state": "running", "pid": gone.pid,
               "host": __import__("socket").gethostname(), "proc_start": None}
    assert _post_record(server, name, running).status_code == 201
    alive = {**running, "id": "deploy-20260106T000000-654321", "pid": os.getpid()}
    assert _post_record(server, name, alive).status_code == 201
    ending = {"state": "interrupted", "finished": "2026-01-06T00:01:00Z", "error": "its process ended",
              "summary": "rewritten?"}
    other = "o" * 40
    done = _post_record(server, name, {**running, **ending}, key=other)
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "interrupted" and done.json()["summary"] == RECORD["summary"]
    assert _post_record(server, name, {**alive, **ending}, key=other).status_code == 403  # its process lives


def test_the_assistants_own_messages_still_stream(server):
    """The server's assistant writes and updates its messages (server side, never refused)."""
    name = _seeded(server["root"], "assistant.infra.json")
    response = server["client"].post(f"{API}/designs/{name}/assistant", json={"prompt": "add an SQS queue for jobs"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["author"] == "assistant" and answer["status"] == "done"
    chat, _ = _history(server, name)
    assert chat[-1]["id"] == answer["id"] and chat[-1]["status"] == "done" and chat[:2] == CHAT
    assert json.dumps(chat[-2]).count("add an SQS queue") == 1 and chat[-2]["author"] == _me(server)
