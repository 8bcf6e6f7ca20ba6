"""One answer from Claude: streamed Messages API turns with tool use.

The anthropic SDK does the wire work: streaming, timeouts, and retries with
exponential backoff (its own `max_retries`, honouring `retry-after`) on
timeouts, 429, 5xx and 529.  This module runs the tool loop, adds up token
usage and cost across the answer's requests, and turns every failure into a
sentence a person can act on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from .config import Assistant

if TYPE_CHECKING:
    import anthropic

# `anthropic` is imported where a model is called, not with this module: the SDK's import
# costs about 3 s of CPU, which every Jupyter server start and CLI command would pay even
# without a key (the offline planner answers then).

USAGE_FIELDS = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")


@dataclass
class Usage:
    """Tokens of one answer: totals, and each request's own counts (`per_request`)."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    per_request: list = field(default_factory=list)

    def add(self, usage) -> None:
        self.requests += 1
        counts = {name: int(getattr(usage, name, 0) or 0) for name in USAGE_FIELDS}
        self.per_request.append(counts)
        for name, value in counts.items():
            setattr(self, name, getattr(self, name) + value)

    def cost(self, price: list[float] | None) -> float | None:
        """USD; None when the model has no price on file."""
        if price is None:
            return None
        per = [p / 1_000_000 for p in price]
        return round(
            self.input_tokens * per[0] + self.output_tokens * per[1]
            + self.cache_creation_input_tokens * per[2] + self.cache_read_input_tokens * per[3], 6
        )

    def to_dict(self) -> dict:
        return asdict(self)


class ModelFailure(Exception):
    """The model could not answer; the message is for the chat, `fields` go on the message."""

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message)
        self.fields = fields or {}


def make_client(config: Assistant) -> anthropic.AsyncAnthropic | anthropic.AsyncAnthropicBedrock:
    """Key and base URL from the environment (the SDK reads them); limits from the config.  Bedrock: the
    SDK's Bedrock client (AWS credentials from botocore's default chain, requests signed with SigV4)."""
    import anthropic

    if config.provider == "bedrock":
        return anthropic.AsyncAnthropicBedrock(aws_region=config.aws_region or None, timeout=config.timeout,
                                               max_retries=config.max_retries)
    return anthropic.AsyncAnthropic(timeout=config.timeout, max_retries=config.max_retries)


def too_many_turns(config: Assistant) -> ModelFailure:
    return ModelFailure(f"Stopped after {config.max_turns} model turns without a final answer; what was done so far is kept.")


def said(kind: str, config: Assistant, detail: str = "", where: str = "ANTHROPIC_BASE_URL", key: str = "ANTHROPIC_API_KEY") -> str:
    """The sentence the chat shows for one kind of failure, whichever provider's SDK raised it."""
    tries = f"{config.max_retries + 1} attempt(s)"
    return {
        "timeout": f"The model did not answer within {config.timeout:g} s ({tries}). Try again, or ask for a smaller change.",
        "unreachable": f"Could not reach the model's API ({tries}): {detail}. Check the network or {where}.",
        "key": f"The API key was refused (401). Check {key}.",
        "forbidden": "The API key may not use this model (403).",
        "no_model": f"The model {config.model!r} was not found (404). Set another with Assistant.model.",
        "rate": f"Rate limited by the API (429) after {tries}. Wait a minute and ask again.",
        "overloaded": f"The model's API is overloaded ({detail}) and still was after {tries}. Please try again in a minute.",
        "status": f"The model's API answered {detail}",
        "stopped": f"The model's API stopped the answer: {detail}",
    }.get(kind, f"The model's reply could not be used: {detail}")


# the failures both SDKs (anthropic, openai) raise by the same class names, and how each is said
_COMMON = (("APITimeoutError", "timeout"), ("APIConnectionError", "unreachable"), ("AuthenticationError", "key"),
           ("PermissionDeniedError", "forbidden"), ("NotFoundError", "no_model"), ("RateLimitError", "rate"))


def common_failure(exc: Exception, sdk, config: Assistant, where: str, key: str) -> str | None:
    """The sentence for a failure every provider's SDK has (`sdk`: the module that raised it), else None."""
    for name, kind in _COMMON:  # a timeout is a connection error too: the order matters
        if isinstance(exc, getattr(sdk, name)):
            return said(kind, config, str(exc) if kind == "unreachable" else "", where=where, key=key)
    return None


def explain(exc: Exception, config: Assistant) -> str:
    import anthropic

    where, key = (("the AWS region (Assistant.aws_region, AWS_REGION)", "the AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID ...)")
                  if config.provider == "bedrock" else ("ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY"))
    common = common_failure(exc, anthropic, config, where, key)
    if common:
        return common
    if isinstance(exc, anthropic.APIStatusError) and (exc.status_code == 529 or _error_type(exc) == "overloaded_error"):
        # 529, or an `overloaded_error` event in the middle of a stream (HTTP status 200)
        return said("overloaded", config, "529")
    if isinstance(exc, anthropic.APIStatusError) and (exc.status_code == 503 or _error_type(exc) in BEDROCK_BUSY):
        # Bedrock: ServiceUnavailable (503), or a throttling / unavailable exception frame inside the stream
        return said("overloaded", config, str(exc.status_code) if exc.status_code != 200 else _error_type(exc))
    if isinstance(exc, anthropic.APIStatusError):
        return said("status", config, f"{exc.status_code}: {_error_message(exc)}")
    return said("other", config, str(exc))


BEDROCK_BUSY = ("throttlingException", "serviceUnavailableException", "modelNotReadyException")


def _error(exc: anthropic.APIStatusError) -> dict:
    body = exc.body if isinstance(exc.body, dict) else {}
    return body.get("error") if isinstance(body.get("error"), dict) else {}


def _error_type(exc: anthropic.APIStatusError) -> str:
    return str(_error(exc).get("type") or "")


def _error_message(exc: anthropic.APIStatusError) -> str:
    return str(_error(exc).get("message") or exc.message)


def _block(block) -> dict:
    """A reply content block as a request block (only the fields the API takes back)."""
    if block.type == "text":
        return {"type": "text", "text": block.text}
    if block.type == "tool_use":
        return {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
    return block.to_dict()


async def converse(
    client: anthropic.AsyncAnthropic,
    config: Assistant,
    *,
    system: list[dict],
    tools: list[dict],
    messages: list[dict],
    on_text: Callable[[str], Awaitable[None]],
    on_tool: Callable[[str, dict], Awaitable[tuple[bool, str]]],
    usage: Usage,
) -> str:
    """Run turns until the model stops asking for tools; returns the stop reason.

    Raises ModelFailure with a readable message; `usage` holds what was spent so far."""
    import anthropic

    for _turn in range(config.max_turns):
        try:
            async with client.messages.stream(
                model=config.model, max_tokens=config.max_tokens, system=system, tools=tools, messages=messages
            ) as stream:
                async for event in stream:
                    if event.type == "text":
                        await on_text(event.text)
                reply = await stream.get_final_message()
        except anthropic.AnthropicError as exc:
            raise ModelFailure(explain(exc, config)) from exc
        usage.add(reply.usage)
        messages.append({"role": "assistant", "content": [_block(b) for b in reply.content]})
        calls = [b for b in reply.content if b.type == "tool_use"]
        if reply.stop_reason != "tool_use" or not calls:
            return reply.stop_reason or "end_turn"
        results = []
        for call in calls:
            ok, text = await on_tool(call.name, call.input)
            result = {"type": "tool_result", "tool_use_id": call.id, "content": text}
            if not ok:
                result["is_error"] = True
            results.append(result)
        messages.append({"role": "user", "content": results})
    raise too_many_turns(config)
