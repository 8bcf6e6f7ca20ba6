"""A fake Amazon Bedrock runtime on 127.0.0.1 that plays a scripted Claude conversation.

It speaks Bedrock's wire format to the real anthropic SDK's Bedrock client (pointed at it by
ANTHROPIC_BEDROCK_BASE_URL; the client signs with SigV4 from test credentials, which this fake does
not check): `POST /model/{model}/invoke-with-response-stream` answers with an AWS event stream
(`application/vnd.amazon.eventstream`: binary messages with a prelude, headers and CRC32s, each
`chunk` event carrying one Messages API event as base64 JSON bytes, as Bedrock sends them), errors
answer with Bedrock's JSON body and `x-amzn-ErrorType`, a stream can end in an exception frame
(`throttlingException`), and a step can stall.  The steps are fake_anthropic's.
"""

from __future__ import annotations

import base64
import json
import struct
import time
import urllib.parse
import zlib
from contextlib import contextmanager

from fake_anthropic import Reply, Stall, Status, StreamError, Text, events
from loopback_api import Handler, ScriptedAPI

STRING = 7  # the event stream header value type of a string


def frame(headers: dict[str, str], payload: bytes) -> bytes:
    """One AWS event stream message: total and headers lengths, prelude CRC, headers, payload, message CRC."""
    encoded = b"".join(struct.pack("B", len(k)) + k.encode() + struct.pack("!BH", STRING, len(v.encode())) + v.encode()
                       for k, v in headers.items())
    prelude = struct.pack("!II", 12 + len(encoded) + len(payload) + 4, len(encoded))
    prelude += struct.pack("!I", zlib.crc32(prelude))
    message = prelude + encoded + payload
    return message + struct.pack("!I", zlib.crc32(message))


def chunk(event: dict) -> bytes:
    body = json.dumps({"bytes": base64.b64encode(json.dumps(event).encode()).decode()}).encode()
    return frame({":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}, body)


def exception(kind: str, message: str) -> bytes:
    return frame({":exception-type": kind, ":content-type": "application/json", ":message-type": "exception"},
                 json.dumps({"message": message}).encode())


class FakeBedrock(ScriptedAPI):
    """`with FakeBedrock(steps) as api:` -> api.base_url, api.requests (bodies), api.models (from each URL)."""

    name = "fake-bedrock"

    def __init__(self, steps=()):
        super().__init__(steps)
        self.models: list[str] = []

    def handler(self) -> type:
        fake = self

        class Runtime(Handler):
            def do_POST(self):
                body = self.body()
                parts = self.path.split("?")[0].split("/")
                if len(parts) != 4 or parts[1] != "model" or parts[3] != "invoke-with-response-stream":
                    return self.send_json(404, {"message": f"no route {self.path}"}, {"x-amzn-ErrorType": "UnknownOperationException"})
                fake.models.append(urllib.parse.unquote(parts[2]))
                step = fake.take(body, dict(self.headers), Status(500, "InternalServerException", "the fake's script is exhausted"))
                if isinstance(step, Stall):
                    time.sleep(step.seconds)
                    return self.send_json(500, {"message": "stalled"}, {"x-amzn-ErrorType": "InternalServerException"})
                if isinstance(step, Status):
                    return self.send_json(step.status, {"message": step.message}, {"x-amzn-ErrorType": f"{step.type}:http://internal"})
                model = urllib.parse.unquote(parts[2])
                if isinstance(step, StreamError):
                    start = [chunk(data) for _name, data in events(Reply([Text(step.text)]), model)[:4]]
                    return self._stream([*start, exception(step.type, step.message)], 0)
                self._stream([chunk(data) for _name, data in events(step, model)], step.delay)

            def _stream(self, frames: list[bytes], delay: float):
                self.send_stream(frames, "application/vnd.amazon.eventstream", delay, {"x-amzn-RequestId": "fake-request"})

        return Runtime


@contextmanager
def serving(monkeypatch):
    """A FakeBedrock the SDK's Bedrock client reaches, with test AWS credentials (not a secret: moto's kind)."""
    with FakeBedrock() as fake:
        monkeypatch.setenv("ANTHROPIC_BEDROCK_BASE_URL", fake.base_url)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        monkeypatch.setenv("AWS_REGION", "us-west-2")
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_BEARER_TOKEN_BEDROCK", "ANTHROPIC_API_KEY"):
            monkeypatch.delenv(name, raising=False)
        yield fake
