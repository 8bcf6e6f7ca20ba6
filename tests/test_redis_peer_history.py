"""What a server writes into a design itself crosses to the other servers on the same Redis (issue 7
with issue 14's history rules).

Real redis-server, two real Jupyter servers with RedisYStore, a Python client on each.  The room of
server A starts first and follows the live channel before B's room starts, so A never reads B's
first write back from the store (jupyter's room sets the document's path in its constructor, with
B's Yjs client id).  Since the server signs history (job records through the job route, messages a
client wrote in another's name appended again), B writes with that client id; Yjs applies its later
items only after that first one, so it must reach A too.
"""

from __future__ import annotations

import asyncio
import os
import time

import httpx
import redis

from isshoni.design.history import author_of
from rooms import joined_as, servers_on_one_redis, until

DESIGN = "peers.infra.json"


def _ids(doc) -> list:
    return [m.get("id") for m in doc.to_dict()["chat"] if isinstance(m, dict)]


def _message(key: str, author: str) -> dict:
    return {"id": key, "author": author, "text": f"message {key}", "time": time.time()}


async def _record(http: httpx.AsyncClient, base: str, job: str, state: str, key: str) -> None:
    response = await http.post(f"{base}/isshoni/api/designs/{DESIGN}/jobs",
                                json={"record": {"id": job, "kind": "deploy", "state": state}, "key": key})
    assert response.status_code in (200, 201), response.text


def test_job_records_and_signed_messages_of_either_server_reach_every_client(tmp_path, monkeypatch):
    with servers_on_one_redis(tmp_path, monkeypatch, DESIGN) as (server, base_a, base_b, token):
        live = redis.Redis.from_url(server.url)
        key = os.urandom(32).hex()  # the jobs' write key

        async def run():
            async with httpx.AsyncClient(headers={"Authorization": f"token {token}"}, timeout=60) as http:
                async with joined_as(base_a, token, DESIGN) as (a, a_identity):
                    assert await until(lambda: live.pubsub_channels("*:live"), timeout=10), "A's room never followed its peers"
                    async with joined_as(base_b, token, DESIGN) as (b, b_identity):
                        # job records through each server's job route
                        await _record(http, base_b, "deploy-20260101T000000-b0b0b0", "running", key)
                        await _record(http, base_a, "deploy-20260101T000000-a0a0a0", "running", key)
                        await _record(http, base_b, "deploy-20260101T000000-b0b0b0", "succeeded", key)
                        states = {"deploy-20260101T000000-a0a0a0": "running", "deploy-20260101T000000-b0b0b0": "succeeded"}

                        def jobs_seen(doc):
                            return {job: record.get("state") for job, record in doc.to_dict()["deployments"].items()} == states

                        assert await until(lambda: jobs_seen(a) and jobs_seen(b), timeout=10), (
                            f"job records: A's client {a.to_dict()['deployments']}, B's client {b.to_dict()['deployments']}")

                        # a message B's room signs again, and the next one built on it
                        me = author_of(b_identity)
                        b._ychat.append(_message("forged", "assistant"))
                        assert await until(lambda: b.to_dict()["chat"][-1].get("author") == me, timeout=10)
                        b._ychat.append(_message("after", me))
                        # messages from both servers at once
                        a._ychat.append(_message("from-a", author_of(a_identity)))
                        b._ychat.append(_message("from-b", me))
                        expected = {"forged", "after", "from-a", "from-b"}
                        assert await until(lambda: expected <= set(_ids(a)) and _ids(a) == _ids(b), timeout=10), (
                            f"chat: A's client {_ids(a)[-6:]}, B's client {_ids(b)[-6:]}")
                        assert a.to_dict() == b.to_dict()
                        assert len(_ids(a)) == len(set(_ids(a)))

        asyncio.run(run())
