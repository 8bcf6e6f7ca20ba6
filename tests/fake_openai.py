"""A fake OpenAI-compatible Chat Completions API on 127.0.0.1 that plays a scripted conversation.

It speaks the real wire format to the real `openai` SDK (pointed at it by OPENAI_BASE_URL):
`POST /v1/chat/completions` with `"stream": true` answers with server-sent `chat.completion.chunk`
events (content deltas, tool calls in pieces keyed by index, a finish reason, a usage chunk,
`data: [DONE]`), errors answer with the API's JSON error body and status (503 overloaded ...), a
stream can end in an error event, and a step can stall to provoke a timeout.  The steps are
fake_anthropic's (Reply, Text, ToolUse, Status, Stall, StreamError), so one script reads the same
for either provider.  Every request body is kept for assertions.
"""

from __future__ import annotations

import json
import time
import uuid
from contextlib import contextmanager

from fake_anthropic import Reply, Stall, Status, StreamError, Text, _chunks
from loopback_api import Handler, ScriptedAPI

CHAT = "/v1/chat/completions"


def chunks(step: Reply, model: str) -> list[dict]:
    """The chunks of one streamed reply, as the API sends them."""
    ident, created = "chatcmpl-" + uuid.uuid4().hex[:20], int(time.time())

    def chunk(delta: dict, finish=None) -> dict:
        return {"id": ident, "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    out = [chunk({"role": "assistant", "content": ""})]
    calls = 0
    for block in step.blocks:
        if isinstance(block, Text):
            out.extend(chunk({"content": piece}) for piece in _chunks(block.text))
            continue
        out.append(chunk({"tool_calls": [{"index": calls, "id": "call_" + block.id[6:], "type": "function",
                                          "function": {"name": block.name, "arguments": ""}}]}))
        out.extend(chunk({"tool_calls": [{"index": calls, "function": {"arguments": piece}}]})
                   for piece in _chunks(json.dumps(block.input), 20))
        calls += 1
    out.append(chunk({}, "tool_calls" if calls else "stop"))
    prompt, completion = step.usage.get("input_tokens", 0), step.usage.get("output_tokens", 0)
    cached = step.usage.get("cache_read_input_tokens", 0)
    out.append({"id": ident, "object": "chat.completion.chunk", "created": created, "model": model, "choices": [],
                "usage": {"prompt_tokens": prompt + cached, "completion_tokens": completion, "total_tokens": prompt + cached + completion,
                          "prompt_tokens_details": {"cached_tokens": cached}}})
    return out


class FakeOpenAI(ScriptedAPI):
    """`with FakeOpenAI(steps) as api:` -> api.base_url (ends in /v1), api.requests (bodies, in order)."""

    name, suffix = "fake-openai", "/v1"

    def handler(self) -> type:
        fake = self

        class Completions(Handler):
            def do_POST(self):
                body = self.body()
                if self.path.split("?")[0] != CHAT:
                    return self.send_json(404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}})
                step = fake.take(body, dict(self.headers), Status(500, "server_error", "the fake's script is exhausted"))
                if isinstance(step, Stall):
                    time.sleep(step.seconds)
                    return self.send_json(500, {"error": {"message": "stalled", "type": "server_error"}})
                if isinstance(step, Status):
                    return self.send_json(step.status, {"error": {"message": step.message, "type": step.type, "code": None}},
                                          {"retry-after-ms": "20"})
                if not body.get("stream"):
                    return self.send_json(400, {"error": {"message": "expected stream", "type": "invalid_request_error"}})
                if isinstance(step, StreamError):
                    start = chunks(Reply([Text(step.text)]), body.get("model", ""))[:2]
                    return self._stream([*start, {"error": {"message": step.message, "type": step.type}}], 0)
                self._stream(chunks(step, body.get("model", "")), step.delay)

            def _stream(self, items: list[dict], delay: float):
                self.send_events([*(f"data: {json.dumps(data)}\n\n" for data in items), "data: [DONE]\n\n"], delay)

        return Completions

    def tool_messages(self, index: int) -> list[dict]:
        """The tool result messages the client sent in request `index`."""
        return [m for m in self.requests[index]["messages"] if m.get("role") == "tool"]


@contextmanager
def serving(monkeypatch):
    """A FakeOpenAI the real SDK reaches (OPENAI_API_KEY / OPENAI_BASE_URL set for the test)."""
    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "test-key-not-a-secret")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        yield fake
