"""The assistant with the real anthropic SDK against a scripted fake Messages API on 127.0.0.1.

Each test plays a conversation: the fake streams text and tool_use blocks in the
real SSE wire format, or fails (stall -> timeout, 529 overloaded); the tests look
at the design and at the assistant's chat message, as collaborators would."""

from __future__ import annotations

import asyncio

import pytest
from pycrdt import Array

from fake_anthropic import Stall, Status, StreamError, ToolUse, reply, serving
from isshoni import Design, templates
from isshoni.assistant import Assistant, aask, apply_proposal, discard_proposal, undo
from isshoni.assistant.targets import NothingToUndo
from isshoni.yinfra import YInfra


@pytest.fixture
def api(monkeypatch):
    with serving(monkeypatch) as fake:
        yield fake


def config(**kw) -> Assistant:
    kw.setdefault("timeout", 5.0)
    kw.setdefault("max_retries", 1)
    kw.setdefault("check_after", False)
    return Assistant(**kw)


def live(template: str | None = None) -> YInfra:
    doc = YInfra()
    if template:
        doc.set(templates.load(template).dumps())
    return doc


def ask(doc, prompt, **kw):
    kw.setdefault("config", config())
    kw.setdefault("author", "alice")
    return asyncio.run(aask(doc, prompt, **kw))


def test_a_prompt_builds_a_design_through_tool_calls(api):
    api.add(
        reply("I'll build a serverless API: an HTTP API, a function and a table.",
              ToolUse("add_resource", {"type": "api_gateway_http", "id": "api", "label": "Public API"}),
              ToolUse("add_resource", {"type": "lambda_function", "id": "handler"}), delay=0.005,
              usage={"input_tokens": 900, "output_tokens": 60, "cache_creation_input_tokens": 3000}),
        reply(ToolUse("add_resource", {"type": "dynamodb_table", "id": "items"}),
              ToolUse("connect", {"source": "api", "target": "handler"}),
              ToolUse("connect", {"source": "handler", "target": "items", "properties": {"access": "readwrite"}}),
              usage={"input_tokens": 1000, "output_tokens": 70, "cache_read_input_tokens": 3000}),
        reply("Done: requests reach the function through the HTTP API, and it keeps items in DynamoDB.", delay=0.005,
              usage={"input_tokens": 1100, "output_tokens": 40, "cache_read_input_tokens": 3000}),
    )
    doc = live()
    doc.design()  # empty
    seen: list[tuple[str, str]] = []
    # what every collaborator's copy receives: each change of the chat array, as inserted values
    def inserted(events) -> None:  # a message in a page, or a new page of messages
        for event in events:
            for d in event.delta:
                for value in d.get("insert", ()):
                    seen.extend((m.get("status"), m.get("text")) for m in (value.to_py() if isinstance(value, Array) else [value]))

    subscription = doc.ydoc.get("chat", type=Array).observe_deep(inserted)  # noqa: F841 - kept alive while asking
    message = ask(doc, "I want a serverless API that stores items", config=config(check_after=True))

    design = doc.design()
    assert {r: v["type"] for r, v in design.resources.items()} == {
        "api": "api_gateway_http", "handler": "lambda_function", "items": "dynamodb_table"}
    assert {(c["source"], c["target"]) for c in design.connections.values()} == {("api", "handler"), ("handler", "items")}
    assert design.resources["api"]["label"] == "Public API"
    # the answer in the chat: streamed, then final, with usage, cost and the checks' verdict
    chat = doc.to_dict()["chat"]
    assert len(chat) == 1 and chat[0]["author"] == "assistant" and chat[0]["id"] == message["id"]
    assert chat[0]["status"] == "done" and chat[0]["engine"] == "model" and chat[0]["model"] == "claude-sonnet-5-5"
    assert chat[0]["text"].startswith("I'll build a serverless API")
    assert "keeps items in DynamoDB" in chat[0]["text"] and "• connected handler → items" in chat[0]["text"]
    assert "a function and a table.\n\nDone: requests" in chat[0]["text"]  # each model turn its own paragraph
    assert design.resources["items"]["position"] != design.resources["api"]["position"]  # placed apart
    streaming = [text for status, text in seen if status == "streaming"]
    assert len(set(streaming)) >= 2 and all(t and len(t) < len(chat[0]["text"]) for t in streaming)
    usage = chat[0]["usage"]
    assert {k: v for k, v in usage.items() if k != "per_request"} == {
        "requests": 3, "input_tokens": 3000, "output_tokens": 170, "cache_creation_input_tokens": 3000,
        "cache_read_input_tokens": 6000}
    assert [r["cache_read_input_tokens"] for r in usage["per_request"]] == [0, 3000, 3000]  # the prefix is cached
    assert [r["output_tokens"] for r in usage["per_request"]] == [60, 70, 40]
    # claude-sonnet-5-5: $2 in, $10 out, $2.50 cache write, $0.20 cache read per million tokens
    assert chat[0]["cost_usd"] == pytest.approx((3000 * 2 + 170 * 10 + 3000 * 2.5 + 6000 * 0.2) / 1e6)
    assert chat[0]["checks"]["error"] == 0
    assert [op["op"] for op in chat[0]["ops"]] == ["add", "add", "add", "connect", "connect"]
    # what the model was sent: cached system prompt + catalog, tools from the catalog, the design and the chat
    first = api.requests[0]
    assert first["model"] == "claude-sonnet-5-5" and first["stream"] is True
    assert first["system"][-1]["cache_control"] == {"type": "ephemeral"} and "elasticache_redis" in first["system"][-1]["text"]
    tools = {t["name"]: t for t in first["tools"]}
    assert {"add_resource", "connect", "set_properties", "remove", "move_into", "list_catalog", "read_design",
            "run_check", "generate_code"} <= set(tools)
    assert "dynamodb_table" in tools["add_resource"]["input_schema"]["properties"]["type"]["enum"]
    assert not any("deploy" in name for name in tools)
    assert "alice asks you: I want a serverless API" in first["messages"][0]["content"]
    assert all(not r.get("is_error") for i in (1, 2) for r in api.tool_results(i))
    # the key comes from the environment, through the SDK's own header
    sent = {k.lower(): v for k, v in api.headers[0].items()}
    assert "test-key-not-a-secret" in (sent.get("x-api-key", "") + sent.get("authorization", ""))


def test_the_reading_tools_and_the_chat_context(api):
    api.add(
        reply(ToolUse("read_design", {}), ToolUse("list_catalog", {"category": "data"}),
              ToolUse("describe_type", {"type": "elasticache_redis"})),
        reply(ToolUse("run_check", {}), ToolUse("generate_code", {"format": "terraform"}),
              ToolUse("generate_code", {"format": "yaml"})),
        reply("The design is clean; nothing to change."),
    )
    doc = live("serverless_api")
    people = doc.design()
    people.add_message("bob", "Let's keep the table on demand, traffic is spiky.")
    doc.apply(people.data)
    message = ask(doc, "review the design please")
    assert message["ops"] == [] and message["status"] == "done" and "checks" not in message  # nothing changed
    sent = api.requests[0]["messages"][0]["content"]
    assert "bob: Let's keep the table on demand" in sent and '"handler_items"' in sent
    read, catalog, described = (r["content"] for r in api.tool_results(1))
    assert '"handler"' in read and '"chat"' not in read and '"deployments"' not in read
    assert "- dynamodb_table: DynamoDB table [data]" in catalog and "lambda_function:" not in catalog
    assert '"node_type"' in described
    check, code, bad = api.tool_results(2)
    assert '"error": 0' in check["content"] and not check.get("is_error")
    assert 'resource "aws_lambda_function"' in code["content"]
    assert bad["is_error"] and "'yaml' is not one of the allowed values" in bad["content"]


def test_a_bad_tool_input_is_corrected_after_the_tool_error(api):
    api.add(
        reply("Adding a cache.", ToolUse("add_resource", {"type": "redis", "id": "cache"})),
        reply(ToolUse("add_resource", {"type": "elasticache_redis", "id": "cache", "parent": "private_a",
                                       "properties": {"node_count": 3}})),
        reply(ToolUse("add_resource", {"type": "elasticache_redis", "id": "cache", "properties": {"nodes": 3}})),
        reply(ToolUse("add_resource", {"type": "elasticache_redis", "id": "cache", "parent": "private_a", "properties": {"nodes": 3}})),
        reply("Added a three-node Redis cache in the private subnet."),
    )
    doc = live("vpc_basic")
    message = ask(doc, "add a redis cache")
    errors = [api.tool_results(i)[0] for i in (1, 2, 3)]
    assert all(e["is_error"] for e in errors)
    assert "'redis' is not one of the allowed values" in errors[0]["content"] and "elasticache_redis" in errors[0]["content"]
    assert "node_count" in errors[1]["content"]
    assert "subnet" in errors[2]["content"] or "container" in errors[2]["content"]
    assert not api.tool_results(4)[0].get("is_error")
    cache = doc.design().resources["cache"]
    assert cache["parent"] == "private_a" and cache["properties"] == {"nodes": 3}
    assert message["status"] == "done" and [op["id"] for op in message["ops"]] == ["cache"]


def test_a_timeout_is_shown_in_the_chat(api):
    api.add(Stall(3), Stall(3))
    doc = live("vpc_basic")
    before = doc.design().data
    message = ask(doc, "add a queue", config=config(timeout=0.4, max_retries=1))
    assert len(api.requests) == 2  # the SDK retried once
    chat = doc.to_dict()["chat"][-1]
    assert chat["status"] == "error" and chat["id"] == message["id"]
    assert "did not answer within 0.4 s (2 attempt(s))" in chat["text"]
    assert doc.design().data["resources"] == before["resources"]


def test_a_529_overload_is_retried_then_shown_in_the_chat(api):
    api.add(Status(529, "overloaded_error", "Overloaded"), Status(529, "overloaded_error", "Overloaded"),
            Status(529, "overloaded_error", "Overloaded"))
    doc = live()
    message = ask(doc, "a static site", config=config(max_retries=2))
    assert len(api.requests) == 3
    assert message["status"] == "error"
    assert "overloaded (529)" in doc.to_dict()["chat"][-1]["text"] and "3 attempt(s)" in message["text"]
    # once the API recovers, a retry inside one request is invisible to the people in the chat
    api.add(Status(529, "overloaded_error", "Overloaded"), reply("Hello again."))
    again = ask(doc, "are you there?", config=config(max_retries=2))
    assert again["status"] == "done" and again["text"] == "Hello again."


def test_an_overload_in_the_middle_of_a_stream_is_shown_and_the_edits_so_far_kept(api):
    api.add(reply("Adding a queue first.", ToolUse("add_resource", {"type": "sqs_queue", "id": "jobs"})),
            StreamError("Now the wor"))
    doc = live()
    message = ask(doc, "a queue and a worker")
    assert message["status"] == "error" and "overloaded (529)" in message["text"]
    assert "Now the wor" in message["text"] and "Undo reverts it" in message["text"]
    assert "jobs" in doc.design().resources
    undo(doc, message["id"])
    assert "jobs" not in doc.design().resources


def test_stop_ends_the_answer_in_the_chat_and_keeps_what_it_did(api):
    api.add(reply("Adding a queue.", ToolUse("add_resource", {"type": "sqs_queue", "id": "jobs"})),
            reply("Now a long explanation of queues. " * 40, delay=0.02))
    doc = live()

    async def stopped():
        task = asyncio.ensure_future(aask(doc, "a queue", config=config(), author="alice"))
        while "long explanation" not in doc.to_dict()["chat"][-1]["text"] if doc.to_dict()["chat"] else True:
            await asyncio.sleep(0.01)
        task.cancel()  # what the Stop button does on the server
        return await task

    message = asyncio.run(stopped())
    assert message["status"] == "stopped" and doc.to_dict()["chat"][-1]["status"] == "stopped"
    assert "⏹ Stopped before the answer was finished" in message["text"] and "Undo reverts it" in message["text"]
    assert "jobs" in doc.design().resources
    undo(doc, message["id"])
    assert "jobs" not in doc.design().resources


def test_suggest_mode_changes_nothing_until_applied(api):
    script = (reply("I propose a queue for the handler.", ToolUse("add_resource", {"type": "sqs_queue", "id": "jobs"}),
                    ToolUse("connect", {"source": "handler", "target": "jobs"})),
              reply("Apply it if you agree."))
    api.add(*script)
    doc = live("serverless_api")
    before = doc.design().data
    message = ask(doc, "add a job queue", mode="suggest")
    assert doc.design().data["resources"] == before["resources"]
    assert doc.design().data["connections"] == before["connections"]
    assert message["proposal"] == "pending" and "Proposed change (not applied yet)" in message["text"]
    assert [op["op"] for op in message["ops"]] == ["add", "connect"]
    apply_proposal(doc, message["id"], by="bob")
    assert doc.design().resources["jobs"]["type"] == "sqs_queue"
    assert doc.to_dict()["chat"][-1]["proposal"] == "applied" and doc.to_dict()["chat"][-1]["resolved_by"] == "bob"
    with pytest.raises(ValueError, match="no pending proposal"):
        apply_proposal(doc, message["id"])
    # the applied proposal is one undoable step too
    undo(doc, message["id"])
    assert "jobs" not in doc.design().resources
    # a discarded proposal never touches the design
    api.add(reply(ToolUse("add_resource", {"type": "sns_topic", "id": "events"})), reply("Proposed."))
    second = ask(doc, "add a topic", mode="suggest")
    discard_proposal(doc, second["id"], by="bob")
    assert "events" not in doc.design().resources and doc.to_dict()["chat"][-1]["proposal"] == "discarded"


def test_undo_removes_the_whole_answer_and_keeps_what_people_did(api):
    doc = live("serverless_api")
    api.add(reply(ToolUse("add_resource", {"type": "sqs_queue", "id": "jobs"})),
            reply(ToolUse("set_properties", {"id": "handler", "properties": {"memory_size": 1024}}),
                  ToolUse("connect", {"source": "jobs", "target": "handler"})),
            reply(ToolUse("set_label", {"id": "items", "label": "Orders"})),
            reply("Jobs now trigger the handler."))
    first = ask(doc, "process jobs from a queue")
    # a person edits the design after the answer (not as the assistant)
    people = doc.design()
    people.add("s3_bucket", "uploads")
    people.set("handler", timeout=60)
    doc.apply(people.data)
    api.add(reply(ToolUse("add_resource", {"type": "sns_topic", "id": "events"})), reply("Added a topic."))
    second = ask(doc, "add a topic")
    with pytest.raises(NothingToUndo, match="latest"):
        undo(doc, first["id"])
    assert undo(doc) == second["id"]
    assert "events" not in doc.design().resources and "jobs" in doc.design().resources
    assert undo(doc, first["id"]) == first["id"]
    after = doc.design()
    assert "jobs" not in after.resources and set(after.connections) == {"api_handler", "handler_items"}
    assert after.resources["items"]["label"] != "Orders"
    assert "memory_size" not in after.resources["handler"]["properties"]
    assert after.resources["uploads"]["type"] == "s3_bucket" and after.resources["handler"]["properties"]["timeout"] == 60
    chat = {m["id"]: m for m in doc.to_dict()["chat"]}
    assert chat[first["id"]]["undone"] and chat[second["id"]]["undone"]
    with pytest.raises(NothingToUndo):
        undo(doc)


def test_an_offline_design_gets_the_same_answer_and_undo(api):
    api.add(reply(ToolUse("add_resource", {"type": "s3_bucket", "id": "assets"})), reply("Added a bucket."))
    design = Design(name="offline")
    message = design.ask("add a bucket", config=config(), author="carol")
    assert design.resources["assets"]["type"] == "s3_bucket" and design.chat[-1]["id"] == message["id"]
    undo(design)
    assert not design.resources and design.chat[-1]["undone"]


def test_the_server_extension_and_cli_load_without_the_sdk():
    """The SDK costs seconds to import; a server or CLI without a key (the offline planner)
    must not pay for it on every start."""
    import subprocess
    import sys

    code = "import sys, isshoni.server.app, isshoni.cli, isshoni.assistant; print('anthropic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
