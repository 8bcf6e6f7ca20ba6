"""What every scripted model API fake shares: a threaded HTTP server on 127.0.0.1, a script of
steps played one per request, the request bodies kept, JSON answers and server-sent event streams.

fake_anthropic and fake_openai say only their wire format (paths, event shapes, error bodies)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ScriptedAPI:
    """`with Fake(steps) as api:` -> api.base_url, api.requests (bodies, in order); `api.add(*steps)`."""

    suffix = ""  # what the SDK's base URL ends with (`/v1` for OpenAI's)
    name = "fake-api"

    def __init__(self, steps=()):
        self.steps = list(steps)
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}{self.suffix}"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """The request handler class (a subclass of `Handler` bound to this fake)."""
        raise NotImplementedError

    def take(self, body: dict, headers: dict, exhausted):
        """Keep the request; the next step of the script (`exhausted` when there is none)."""
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            return self.steps.pop(0) if self.steps else exhausted

    def add(self, *steps) -> None:
        with self._lock:
            self.steps.extend(steps)

    def __enter__(self):
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True, name=self.name)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class Handler(BaseHTTPRequestHandler):
    """HTTP/1.1, quiet, with the two kinds of answer an API gives."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def body(self) -> dict:
        return json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")

    def send_json(self, status: int, data: dict, headers: dict | None = None) -> None:
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

    def send_events(self, frames, delay: float, headers: dict | None = None) -> None:
        """A server-sent event stream of already formatted frames (`data: ...` and a blank line), then the close."""
        self.send_stream((frame.encode() for frame in frames), "text/event-stream", delay, headers)

    def send_stream(self, frames, content_type: str, delay: float, headers: dict | None = None) -> None:
        """A streamed answer of byte frames, one write each, `delay` seconds apart; then the close."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            for frame in frames:
                self.wfile.write(frame)
                self.wfile.flush()
                if delay:
                    time.sleep(delay)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True
