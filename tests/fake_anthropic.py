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
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


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


class FakeAnthropic:
    """`with FakeAnthropic(steps) as api:` -> api.base_url, api.requests (bodies, in order)."""

    def __init__(self, steps=()):
        self.steps = list(steps)
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                if self.path.split("?")[0] != "/v1/messages":
                    return self._json(404, {"type": "error", "error": {"type": "not_found_error", "message": self.path}})
                with fake._lock:
                    fake.requests.append(body)
                    fake.headers.append(dict(self.headers))
                    step = fake.steps.pop(0) if fake.steps else Status(500, "api_error", "the fake's script is exhausted")
                if isinstance(step, Stall):
                    time.sleep(step.seconds)
                    return self._json(500, {"type": "error", "error": {"type": "api_error", "message": "stalled"}})
                if isinstance(step, Status):
                    return self._json(step.status, {"type": "error", "error": {"type": step.type, "message": step.message}},
                                      {"retry-after-ms": "20"})
                if isinstance(step, StreamError):
                    start = events(Reply([Text(step.text)]), body.get("model", ""))[:4]  # message_start .. first delta
                    error = ("error", {"type": "error", "error": {"type": step.type, "message": step.message}})
                    return self._stream([*start, error], 0)
                if not body.get("stream"):
                    return self._json(400, {"type": "error", "error": {"type": "invalid_request_error", "message": "expected stream"}})
                self._stream(events(step, body.get("model", "")), step.delay)

            def _stream(self, items: list[tuple[str, dict]], delay: float):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.send_header("request-id", "req_fake")
                self.end_headers()
                try:
                    for name, data in items:
                        self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
                        self.wfile.flush()
                        if delay:
                            time.sleep(delay)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

            def _json(self, status: int, data: dict, headers: dict | None = None):
                raw = json.dumps(data).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True, name="fake-anthropic")
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def add(self, *steps) -> None:
        with self._lock:
            self.steps.extend(steps)

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
