"""The assistant on a real Jupyter server: a message mentioning @isshoni in a design's
room is answered in the same room (two Python clients joined like kernels), and the
REST endpoints ask, undo and resolve proposals.  The model is the fake Messages API
on 127.0.0.1, reached by the server's real anthropic SDK through ANTHROPIC_BASE_URL."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from fake_anthropic import FakeAnthropic, ToolUse, reply
from isshoni import Design, DesignError, templates
from isshoni.design.history import author_of
from rooms import isshoni_server, joined, joined_as, until

PATH = "team/app.infra.json"
API = "/isshoni/api"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("assistant-server")
    root = tmp / "root"
    (root / "team").mkdir(parents=True)
    templates.load("chat_canary").save(root / PATH)
    with FakeAnthropic() as api, pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANTHROPIC_API_KEY", "test-key-not-a-secret")
        mp.setenv("ANTHROPIC_BASE_URL", api.base_url)
        with isshoni_server(root, tmp) as (base, token):
            yield {"base": base, "token": token, "api": api, "root": root}


def cache_script():
    return (
        reply("I'll add a Redis cache in a private subnet and let the blue service use it.",
              ToolUse("add_resource", {"type": "elasticache_redis", "id": "api_cache", "parent": "private_c",
                                       "label": "API cache"}), delay=0.01),
        reply(ToolUse("connect", {"source": "blue", "target": "api_cache"})),
        reply("Done: the blue service reaches the cache on 6379 and gets its endpoint as environment.", delay=0.01),
    )


def test_a_mention_in_the_room_is_answered_for_everyone(server):
    server["api"].add(*cache_script())

    async def scenario():
        async with joined_as(server["base"], server["token"], PATH) as (alice, identity), \
                joined(server["base"], server["token"], PATH) as bob:
            design = alice.design()
            mention = design.add_message(author_of(identity), "@isshoni add a Redis cache for the API")
            alice.apply(design.data)
            statuses = set()

            def answer():
                found = [m for m in bob.to_dict()["chat"] if m.get("reply_to") == mention["id"]]
                if found:
                    statuses.add(found[0].get("status"))
                return found and found[0].get("status") in ("done", "error") and found[0]

            final = await until(answer, timeout=60)
            assert final and final["status"] == "done", bob.to_dict()["chat"][-1]
            assert "streaming" in statuses or "thinking" in statuses
            assert final["author"] == "assistant" and "cache on 6379" in final["text"]
            assert final["checks"]["error"] == 0
            for doc in (alice, bob):
                assert await until(lambda d=doc: "api_cache" in d.design().resources, timeout=10)
                assert any(c["source"] == "blue" and c["target"] == "api_cache" for c in doc.design().connections.values())
            request = server["api"].requests[-3]
            assert f"{author_of(identity)} asks you: add a Redis cache for the API" in request["messages"][0]["content"]
            return final

    final = asyncio.run(scenario())
    # undo over REST reverts the whole answer, in the room and then on disk
    with httpx.Client(base_url=server["base"], headers={"Authorization": f"token {server['token']}"}) as client:
        response = client.post(f"{API}/designs/{PATH}/assistant/undo", json={"message": final["id"]})
        assert response.status_code == 200 and response.json() == {"undone": final["id"]}
        design = client.get(f"{API}/designs/{PATH}/canvas").json()["design"]
        assert "api_cache" not in design["resources"]
        again = client.post(f"{API}/designs/{PATH}/assistant/undo", json={})
        assert again.status_code == 409 and "no change" in again.json()["message"]


def test_rest_ask_in_suggest_mode_then_apply(server):
    server["api"].add(reply("Proposing a topic for canary alarms.", ToolUse("add_resource", {"type": "sns_topic", "id": "canary_alerts"})),
                      reply(ToolUse("connect", {"source": "errors_5xx", "target": "canary_alerts"})),
                      reply("Apply it to page the team."))
    with httpx.Client(base_url=server["base"], headers={"Authorization": f"token {server['token']}"}, timeout=60) as client:
        response = client.post(f"{API}/designs/{PATH}/assistant", json={"prompt": "alert us on canary errors", "mode": "suggest"})
        assert response.status_code == 200, response.text
        message = response.json()
        assert message["proposal"] == "pending" and message["mode"] == "suggest"
        design = client.get(f"{API}/designs/{PATH}/canvas").json()["design"]
        assert "canary_alerts" not in design["resources"]
        chat = design["chat"]
        assert chat[-2]["text"] == "alert us on canary errors" and chat[-1]["reply_to"] == chat[-2]["id"]
        bad = client.post(f"{API}/designs/{PATH}/assistant/proposal", json={"message": message["id"], "action": "maybe"})
        assert bad.status_code == 400
        applied = client.post(f"{API}/designs/{PATH}/assistant/proposal", json={"message": message["id"], "action": "apply"})
        assert applied.status_code == 200 and applied.json()["proposal"] == "applied"
        design = client.get(f"{API}/designs/{PATH}/canvas").json()["design"]
        assert design["resources"]["canary_alerts"]["type"] == "sns_topic"
        twice = client.post(f"{API}/designs/{PATH}/assistant/proposal", json={"message": message["id"], "action": "apply"})
        assert twice.status_code == 409
    # the room saved the file: the change is in the design on disk too
    assert asyncio.run(_eventually_on_disk(server["root"] / PATH, "canary_alerts"))


async def _eventually_on_disk(path, rid: str) -> bool:
    def saved() -> bool:
        try:
            return rid in Design.load(path, validate=False).resources
        except DesignError:  # caught between the room's truncate and write
            return False

    return bool(await until(saved, timeout=10))


def test_stop_over_rest_ends_a_running_answer(server):
    server["api"].add(reply("Let me explain the whole architecture first. " * 60, delay=0.05))

    async def scenario():
        async with joined(server["base"], server["token"], PATH) as carol, \
                httpx.AsyncClient(base_url=server["base"], headers={"Authorization": f"token {server['token']}"}) as client:
            design = carol.design()
            mention = design.add_message("carol", "@isshoni explain the architecture")
            carol.apply(design.data)

            def answer(status: str):
                found = [m for m in carol.to_dict()["chat"] if m.get("reply_to") == mention["id"]]
                return found and found[0].get("status") == status and found[0]

            assert await until(lambda: answer("streaming"), timeout=60)
            response = await client.post(f"{API}/designs/{PATH}/assistant/stop", json={})
            assert response.status_code == 200
            final = await until(lambda: answer("stopped"), timeout=20)
            assert final and "⏹ Stopped" in final["text"] and len(final["text"]) < 46 * 60
            again = await client.post(f"{API}/designs/{PATH}/assistant/stop", json={})
            assert again.status_code == 409

    asyncio.run(scenario())


def test_an_assistant_run_in_a_kernel_cannot_speak_as_the_assistant(server):
    """The assistant run on a kernel's synced copy (not the server's): its design edits travel
    through the room and undo for everyone, but the room signs chat messages with the kernel's
    Jupyter identity, so nothing appears under the assistant's name (`design.ask` on a live
    design asks the server's assistant instead)."""
    from isshoni.assistant import Assistant, aask, undo

    async def scenario():
        async with joined(server["base"], server["token"], PATH) as kernel, \
                joined(server["base"], server["token"], PATH) as browser:
            message = await aask(kernel, "add a dashboard", author="dana", config=Assistant(offline=True, check_after=False))
            assert message["status"] == "done" and message["engine"] == "offline-planner"
            added = message["ops"][0]["id"]
            assert await until(lambda: added in browser.design().resources, timeout=10)
            undo(kernel)
            assert await until(lambda: added not in browser.design().resources, timeout=10)
            await asyncio.sleep(1)
            chat = browser.to_dict()["chat"]
            assert not [m for m in chat if m["id"] == message["id"] and m["author"] == "assistant"]
            assert not [m for m in chat if m.get("reply_to") == message["id"]]  # and the server does not answer it

    asyncio.run(scenario())
