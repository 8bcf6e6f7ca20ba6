"""The assistant through Amazon Bedrock (issue 17, item 3): the anthropic SDK's real Bedrock client (SigV4,
AWS event stream) against a scripted fake Bedrock runtime on 127.0.0.1 (tests/fake_bedrock.py), the same
scripts as the other providers' tests.  A design is built through tool calls and streamed into the chat;
a timeout, a 503 and a throttling exception inside the stream are readable chat messages."""

from __future__ import annotations

import pytest

from asking import ask_with, short_config
from fake_anthropic import Stall, Status, StreamError, ToolUse, reply
from fake_bedrock import serving
from isshoni.assistant import Assistant
from isshoni.yinfra import YInfra

MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"


@pytest.fixture
def api(monkeypatch):
    with serving(monkeypatch) as fake:
        yield fake


def config(**kw) -> Assistant:
    return short_config(**{"provider": "bedrock", "model": MODEL, **kw})


def ask(doc, prompt, **kw):
    return ask_with(config(), doc, prompt, **kw)


def test_a_prompt_builds_a_design_through_tool_calls_and_streams_into_the_chat(api):
    api.add(
        reply("A topic that e-mails the team.", ToolUse("add_resource", {"type": "sns_topic", "id": "alerts"}), delay=0.005,
              usage={"input_tokens": 700, "output_tokens": 40}),
        reply("Done: alerts go to the topic.", usage={"input_tokens": 800, "output_tokens": 20}),
    )
    doc = YInfra()
    message = ask(doc, "a topic for alerts")
    assert list(doc.design().resources) == ["alerts"]
    chat = doc.to_dict()["chat"][-1]
    assert chat["status"] == "done" and chat["provider"] == "bedrock" and chat["model"] == MODEL
    assert chat["text"].startswith("A topic that e-mails the team.") and "Done: alerts go to the topic." in chat["text"]
    assert message["usage"]["requests"] == 2 and message["usage"]["input_tokens"] == 1500
    assert message["cost_usd"] is not None  # priced as the Claude model the Bedrock id names
    # Bedrock's request: the model in the URL, the Messages body with its version field, signed with SigV4
    assert api.models == [MODEL, MODEL]
    assert api.requests[0]["anthropic_version"] and "model" not in api.requests[0] and "stream" not in api.requests[0]
    assert api.headers[0]["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=testing/")
    assert "/us-west-2/bedrock/aws4_request" in api.headers[0]["Authorization"]
    results = [b for b in api.requests[1]["messages"][-1]["content"] if b.get("type") == "tool_result"]
    assert len(results) == 1 and not results[0].get("is_error")


def test_a_timeout_is_shown_in_the_chat(api):
    api.add(Stall(3), Stall(3))
    doc = YInfra()
    message = ask(doc, "add a queue", config=config(timeout=0.4))
    assert len(api.requests) == 2 and message["status"] == "error"
    assert "did not answer within 0.4 s (2 attempt(s))" in doc.to_dict()["chat"][-1]["text"]


def test_service_unavailable_is_retried_then_shown_as_an_overload(api):
    api.add(*(Status(503, "ServiceUnavailableException", "Bedrock is unable to process your request.") for _ in range(3)))
    doc = YInfra()
    message = ask(doc, "a static site", config=config(max_retries=2))
    assert len(api.requests) == 3
    assert message["status"] == "error" and "overloaded (503)" in message["text"] and "3 attempt(s)" in message["text"]


def test_throttling_inside_the_stream_is_shown_and_the_edits_so_far_kept(api):
    api.add(reply("Adding a queue first.", ToolUse("add_resource", {"type": "sqs_queue", "id": "jobs"})),
            StreamError("Now the wor", type="throttlingException", message="Too many tokens, please wait before trying again."))
    doc = YInfra()
    message = ask(doc, "a queue and a worker")
    assert message["status"] == "error" and "overloaded (throttlingException)" in message["text"]
    assert "jobs" in doc.design().resources and "Undo reverts it" in message["text"]


def test_a_model_id_that_is_not_bedrocks_is_said_not_sent(api):
    message = ask(YInfra(), "a queue", config=config(model="claude-sonnet-5-5"))
    assert message["status"] == "error" and "not a Bedrock model id" in message["text"] and api.requests == []


def test_without_aws_credentials_the_offline_planner_answers(api, monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    message = ask(YInfra(), "a static website")
    assert message["engine"] == "offline-planner" and api.requests == []
