"""Two people edit two different properties of one node at the same moment,
over the real collaboration websocket: both values win, on both clients and
in the saved file.  The same holds when one of the edits comes through REST."""

from __future__ import annotations

import asyncio
import json
import time

import httpx

from isshoni import templates
from rooms import isshoni_server, joined, until


def alb(doc) -> dict:
    return doc.design().resources["alb"]["properties"]


def wait_for_file(path, predicate, timeout: float = 15) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        try:
            content = json.loads(path.read_text())
        except json.JSONDecodeError:  # Jupyter's atomic writing rewrites the file in place
            content = None
        if content is not None and predicate(content) or time.monotonic() > deadline:
            return content
        time.sleep(0.1)


async def two_clients_edit_one_node(base: str, token: str, path: str, rounds: int) -> list[dict]:
    async with joined(base, token, path) as a, joined(base, token, path) as b:
        for n in range(rounds):
            # no await between the two edits: neither client can have seen the other's update
            a._yresources["alb"]["properties"]["idle_timeout"] = 100 + n
            b._yresources["alb"]["properties"]["ingress_cidr"] = f"10.{n}.0.0/16"
            assert alb(a).get("ingress_cidr") != f"10.{n}.0.0/16" and alb(b)["idle_timeout"] != 100 + n
            want = {"idle_timeout": 100 + n, "ingress_cidr": f"10.{n}.0.0/16"}

            def both(want=want):
                return all({k: alb(doc).get(k) for k in want} == want for doc in (a, b))

            assert await until(both), (alb(a), alb(b))
        assert a.get() == b.get()
        return [alb(a), alb(b)]


def test_two_clients_edit_two_properties_of_one_node_at_once(tmp_path):
    root = tmp_path / "work"
    root.mkdir()
    templates.load("chat_canary").save(root / "app.infra.json")
    with isshoni_server(root, tmp_path) as (base, token):
        seen = asyncio.run(two_clients_edit_one_node(base, token, "app.infra.json", rounds=20))
        want = {"idle_timeout": 119, "ingress_cidr": "10.19.0.0/16", "https": True}  # https: untouched
        for properties in seen:
            assert {k: properties[k] for k in want} == want
        on_disk = wait_for_file(root / "app.infra.json",
                                lambda c: all(c["resources"]["alb"]["properties"].get(k) == v for k, v in want.items()))
        assert {k: on_disk["resources"]["alb"]["properties"][k] for k in want} == want
        assert on_disk["resources"]["alb"]["label"] == templates.load("chat_canary").resources["alb"]["label"]


async def rest_and_websocket_edit_one_node(base: str, token: str, path: str) -> dict:
    headers = {"Authorization": f"token {token}"}
    async with joined(base, token, path) as a, httpx.AsyncClient(headers=headers, timeout=60) as client:
        a._yresources["alb"]["properties"]["idle_timeout"] = 42  # in flight while REST edits
        response = await client.post(f"{base}/isshoni/api/designs/{path}/canvas",
                                      json={"ops": [{"op": "set", "id": "alb", "properties": {"https": False}}]})
        assert response.status_code == 200, response.text
        assert await until(lambda: alb(a).get("https") is False and alb(a).get("idle_timeout") == 42)
        response = await client.get(f"{base}/isshoni/api/designs/{path}/canvas")
        return response.json()["design"]["resources"]["alb"]["properties"]


def test_a_rest_edit_and_a_websocket_edit_of_one_node_both_survive(tmp_path):
    root = tmp_path / "work"
    root.mkdir()
    templates.load("chat_canary").save(root / "app.infra.json")
    with isshoni_server(root, tmp_path) as (base, token):
        server_side = asyncio.run(rest_and_websocket_edit_one_node(base, token, "app.infra.json"))
        assert server_side["idle_timeout"] == 42 and server_side["https"] is False
        on_disk = wait_for_file(root / "app.infra.json", lambda c: c["resources"]["alb"]["properties"].get("idle_timeout") == 42
                                and c["resources"]["alb"]["properties"].get("https") is False)
        assert on_disk["resources"]["alb"]["properties"]["idle_timeout"] == 42
        assert on_disk["resources"]["alb"]["properties"]["https"] is False
