"""A fake Anthropic Messages API on 127.0.0.1 that plays a scripted conversation.

It speaks the real wire format to the real `anthropic` SDK (pointed at it by
`base_url` / ANTHROPIC_BASE_URL): `POST /v1/messages` with `"stream": true`
answers with server-sent events (message_start, content_block_start /
_delta / _stop with text_delta and input_json_delta, ping, message_delta,
message_stop), errors answer with the API's JSON error body and status
(529 overloaded_error ...), and a step can stall to provoke a timeout.
Every request body is kept for assertions.
"""

from __future__ import annotations

import json
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

from loopback_api import Handler, ScriptedAPI


@dataclass
class Text:
    text: str


@dataclass
class ToolUse:
    name: str
    input: dict
    id: str = field(default_factory=lambda: "toolu_" + uuid.uuid4().hex[:20])


@dataclass
class Reply:
    """One streamed model reply; `delay` seconds between events, so streaming is visible."""

    blocks: list
    usage: dict = field(default_factory=lambda: {"input_tokens": 1200, "output_tokens": 80})
    delay: float = 0.0

    @property
    def stop_reason(self) -> str:
        return "tool_use" if any(isinstance(b, ToolUse) for b in self.blocks) else "end_turn"


@dataclass
class Status:
    """An HTTP error answer with the API's error body."""

    status: int
    type: str
    message: str


@dataclass
class StreamError:
    """A stream that starts, then sends an `error` event (how the API reports overload mid-answer)."""

    text: str
    type: str = "overloaded_error"
    message: str = "Overloaded"


@dataclass
class Stall:
    """Answer nothing for `seconds` (the client times out first)."""

    seconds: float


def reply(*blocks, **kw) -> Reply:
    return Reply([Text(b) if isinstance(b, str) else b for b in blocks], **kw)


def _chunks(text: str, size: int = 12) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


def events(step: Reply, model: str) -> list[tuple[str, dict]]:
    usage = {"input_tokens": step.usage.get("input_tokens", 0), "output_tokens": 1,
             "cache_creation_input_tokens": step.usage.get("cache_creation_input_tokens", 0),
             "cache_read_input_tokens": step.usage.get("cache_read_input_tokens", 0)}
    out = [("message_start", {"type": "message_start", "message": {
        "id": "msg_" + uuid.uuid4().hex[:20], "type": "message", "role": "assistant", "model": model, "content": [],
        "stop_reason": None, "stop_sequence": None, "usage": usage}}), ("ping", {"type": "ping"})]
    for index, block in enumerate(step.blocks):
        if isinstance(block, Text):
            out.append(("content_block_start", {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}}))
            for piece in _chunks(block.text):
                out.append(("content_block_delta", {"type": "content_block_delta", "index": index,
                                                    "delta": {"type": "text_delta", "text": piece}}))
        else:
            out.append(("content_block_start", {"type": "content_block_start", "index": index, "content_block": {
                "type": "tool_use", "id": block.id, "name": block.name, "input": {}}}))
            for piece in _chunks(json.dumps(block.input), 20):
                out.append(("content_block_delta", {"type": "content_block_delta", "index": index,
                                                    "delta": {"type": "input_json_delta", "partial_json": piece}}))
        out.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    out.append(("message_delta", {"type": "message_delta", "delta": {"stop_reason": step.stop_reason, "stop_sequence": None},
                                  "usage": {"output_tokens": step.usage.get("output_tokens", 0)}}))
    out.append(("message_stop", {"type": "message_stop"}))
    return out


class FakeAnthropic(ScriptedAPI):
    """`with FakeAnthropic(steps) as api:` -> api.base_url, api.requests (bodies, in order)."""

    name = "fake-anthropic"

    def handler(self) -> type:
        fake = self

        class Messages(Handler):
            def do_POST(self):
                body = self.body()
                if self.path.split("?")[0] != "/v1/messages":
                    return self.send_json(404, {"type": "error", "error": {"type": "not_found_error", "message": self.path}})
                step = fake.take(body, dict(self.headers), Status(500, "api_error", "the fake's script is exhausted"))
                if isinstance(step, Stall):
                    time.sleep(step.seconds)
                    return self.send_json(500, {"type": "error", "error": {"type": "api_error", "message": "stalled"}})
                if isinstance(step, Status):
                    return self.send_json(step.status, {"type": "error", "error": {"type": step.type, "message": step.message}},
                                          {"retry-after-ms": "20"})
                if isinstance(step, StreamError):
                    start = events(Reply([Text(step.text)]), body.get("model", ""))[:4]  # message_start .. first delta
                    error = ("error", {"type": "error", "error": {"type": step.type, "message": step.message}})
                    return self._stream([*start, error], 0)
                if not body.get("stream"):
                    return self.send_json(400, {"type": "error", "error": {"type": "invalid_request_error", "message": "expected stream"}})
                self._stream(events(step, body.get("model", "")), step.delay)

            def _stream(self, items: list[tuple[str, dict]], delay: float):
                frames = (f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in items)
                self.send_events(frames, delay, {"request-id": "req_fake"})

        return Messages

    def tool_results(self, index: int) -> list[dict]:
        """The tool_result blocks the client sent in request `index`."""
        last = self.requests[index]["messages"][-1]
        return [b for b in last["content"] if isinstance(b, dict) and b.get("type") == "tool_result"]


@contextmanager
def serving(monkeypatch):
    """A FakeAnthropic the real SDK reaches (ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL set for the test)."""
    with FakeAnthropic() as fake:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key-not-a-secret")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
        monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
        yield fake
