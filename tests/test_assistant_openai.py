"""The assistant through any OpenAI-compatible endpoint (issue 17, item 3): the real `openai` SDK against a
scripted fake Chat Completions API on 127.0.0.1 (tests/fake_openai.py), the same scripts as Claude's tests.
A design is built through tool calls and streamed into the shared chat; a timeout, an overload and an
error inside a stream are readable chat messages; a Claude model id on this provider is said, not sent."""

from __future__ import annotations

import pytest

from asking import ask_with, short_config
from fake_anthropic import Stall, Status, StreamError, ToolUse, reply
from fake_openai import serving
from isshoni.assistant import Assistant, undo
from isshoni.yinfra import YInfra


@pytest.fixture
def api(monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with serving(monkeypatch) as fake:
        yield fake


def config(**kw) -> Assistant:
    return short_config(**{"provider": "openai", "model": "local-model-7b", **kw})


def ask(doc, prompt, **kw):
    return ask_with(config(), doc, prompt, **kw)


def test_a_prompt_builds_a_design_through_tool_calls_and_streams_into_the_chat(api):
    api.add(
        reply("A queue and a worker that reads it.",
              ToolUse("add_resource", {"type": "sqs_queue", "id": "jobs", "label": "Jobs"}),
              ToolUse("add_resource", {"type": "lambda_function", "id": "worker"}), delay=0.005,
              usage={"input_tokens": 900, "output_tokens": 60}),
        reply(ToolUse("connect", {"source": "worker", "target": "jobs", "properties": {"access": "read"}}),
              usage={"input_tokens": 1000, "output_tokens": 30, "cache_read_input_tokens": 800}),
        reply("Done: the worker reads jobs from the queue.", usage={"input_tokens": 1100, "output_tokens": 20}),
    )
    doc = YInfra()
    doc.design()
    message = ask(doc, "a queue with a worker")
    design = doc.design()
    assert {r: v["type"] for r, v in design.resources.items()} == {"jobs": "sqs_queue", "worker": "lambda_function"}
    assert [(c["source"], c["target"], c["properties"]) for c in design.connections.values()] == [("worker", "jobs", {"access": "read"})]
    chat = doc.to_dict()["chat"][-1]
    assert chat["status"] == "done" and chat["provider"] == "openai" and chat["model"] == "local-model-7b"
    assert chat["text"].startswith("A queue and a worker that reads it.") and "Done: the worker reads jobs" in chat["text"]
    # usage of the three requests, cached prompt tokens counted as cache reads; no price on file for this model
    assert message["usage"]["requests"] == 3 and message["usage"]["cache_read_input_tokens"] == 800
    assert message["usage"]["input_tokens"] == 900 + 1000 + 1100 and message["cost_usd"] is None
    # what the endpoint was sent: the system prompt, the tools as functions, then each tool's result
    first = api.requests[0]
    assert first["model"] == "local-model-7b" and first["stream"] is True and first["messages"][0]["role"] == "system"
    assert {t["function"]["name"] for t in first["tools"]} >= {"add_resource", "connect", "remove"}
    assert all(t["type"] == "function" and t["function"]["parameters"]["type"] == "object" for t in first["tools"])
    results = api.tool_messages(1)
    assert len(results) == 2 and all(not m["content"].startswith("Error") for m in results)
    assistant_turn = next(m for m in api.requests[1]["messages"] if m["role"] == "assistant")
    assert [c["function"]["name"] for c in assistant_turn["tool_calls"]] == ["add_resource", "add_resource"]
    undo(doc, message["id"])  # one undo step for the whole answer
    assert doc.design().resources == {}


def test_a_refused_tool_call_is_answered_with_the_error_and_corrected(api):
    api.add(reply(ToolUse("add_resource", {"type": "no_such_type", "id": "x"})),
            reply(ToolUse("add_resource", {"type": "sns_topic", "id": "alerts"})),
            reply("Added a topic."))
    doc = YInfra()
    message = ask(doc, "a topic for alerts")
    (refusal,) = api.tool_messages(1)
    assert refusal["content"].startswith("Error:") and "no_such_type" in refusal["content"]
    assert message["status"] == "done" and list(doc.design().resources) == ["alerts"]


def test_a_timeout_is_shown_in_the_chat(api):
    api.add(Stall(3), Stall(3))
    doc = YInfra()
    message = ask(doc, "add a queue", config=config(timeout=0.4, max_retries=1))
    assert len(api.requests) == 2  # the SDK retried once
    assert message["status"] == "error" and "did not answer within 0.4 s (2 attempt(s))" in doc.to_dict()["chat"][-1]["text"]
    assert doc.design().resources == {}


def test_an_overload_is_retried_then_shown_in_the_chat(api):
    api.add(*(Status(503, "server_error", "The engine is currently overloaded") for _ in range(3)))
    doc = YInfra()
    message = ask(doc, "a static site", config=config(max_retries=2))
    assert len(api.requests) == 3
    assert message["status"] == "error" and "overloaded (503)" in message["text"] and "3 attempt(s)" in message["text"]
    api.add(Status(503, "server_error", "The engine is currently overloaded"), reply("Hello again."))
    again = ask(doc, "are you there?", config=config(max_retries=2))
    assert again["status"] == "done" and again["text"] == "Hello again."


def test_an_error_inside_a_stream_is_shown_and_the_edits_so_far_kept(api):
    api.add(reply("Adding a queue first.", ToolUse("add_resource", {"type": "sqs_queue", "id": "jobs"})),
            StreamError("Now the wor", type="server_error", message="The server had an error while processing your request"))
    doc = YInfra()
    message = ask(doc, "a queue and a worker")
    assert message["status"] == "error" and "stopped the answer" in message["text"] and "processing your request" in message["text"]
    assert "jobs" in doc.design().resources and "Undo reverts it" in message["text"]


def test_a_claude_model_id_on_this_provider_is_said_not_sent(api):
    doc = YInfra()
    message = ask(doc, "a queue", config=config(model="claude-sonnet-5-5"))
    assert message["status"] == "error" and "set c.Assistant.model" in message["text"]
    assert api.requests == []


def test_without_a_key_the_offline_planner_answers(api, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY")
    doc = YInfra()
    message = ask(doc, "a static website")
    assert message["engine"] == "offline-planner" and api.requests == []
