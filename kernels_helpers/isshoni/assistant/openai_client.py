"""One answer from a model behind an OpenAI-compatible API: streamed Chat Completions with tools.

OpenAI, Azure OpenAI, vLLM, Ollama and LiteLLM all speak this API; the `openai` SDK does the
wire work (streaming, timeouts, retries with backoff on 408/409/429/5xx).  The tool loop is the
same as client.converse's for Claude: the same tools (their JSON schemas as function parameters),
the same callbacks, the same usage figures and readable failures.  Key and base URL come from
the environment (OPENAI_API_KEY, OPENAI_BASE_URL) or `c.Assistant.base_url`; none is stored.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING

from .client import ModelFailure, Usage, common_failure, said, too_many_turns
from .config import Assistant

if TYPE_CHECKING:
    import openai

# `openai` is imported where a model is called (its import costs seconds of CPU that a server
# without this provider configured would pay at start).


def make_client(config: Assistant) -> openai.AsyncOpenAI:
    import openai

    return openai.AsyncOpenAI(base_url=config.base_url or None, timeout=config.timeout, max_retries=config.max_retries)


def explain(exc: Exception, config: Assistant) -> str:
    import openai

    where, key = "OPENAI_BASE_URL or Assistant.base_url", "OPENAI_API_KEY"
    common = common_failure(exc, openai, config, where, key)
    if common:
        return common
    if isinstance(exc, openai.APIStatusError) and exc.status_code in (503, 529):
        return said("overloaded", config, str(exc.status_code))
    if isinstance(exc, openai.APIStatusError):
        return said("status", config, f"{exc.status_code}: {_message(exc)}")
    if isinstance(exc, openai.APIError):  # an error event inside a stream (HTTP 200)
        return said("stopped", config, _message(exc))
    return said("other", config, str(exc))


def _message(exc) -> str:
    body = exc.body if isinstance(getattr(exc, "body", None), dict) else {}
    error = body.get("error") if isinstance(body.get("error"), dict) else body
    return str(error.get("message") or exc.message)[:300]


def functions(tools: list[dict]) -> list[dict]:
    """The assistant's tools (Anthropic's shape: name, description, input_schema) as OpenAI functions."""
    return [{"type": "function", "function": {"name": t["name"], "description": t.get("description", ""),
                                              "parameters": t["input_schema"]}} for t in tools]


def _text(content) -> str:
    if isinstance(content, str):
        return content
    return "\n\n".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text")


def _counted(found) -> SimpleNamespace:
    """OpenAI's usage as the figures Usage adds (cached prompt tokens counted as cache reads)."""
    if found is None:
        return SimpleNamespace()
    cached = getattr(getattr(found, "prompt_tokens_details", None), "cached_tokens", 0) or 0
    return SimpleNamespace(input_tokens=(found.prompt_tokens or 0) - cached, output_tokens=found.completion_tokens or 0,
                           cache_read_input_tokens=cached)


async def converse(
    client: openai.AsyncOpenAI,
    config: Assistant,
    *,
    system: list[dict],
    tools: list[dict],
    messages: list[dict],
    on_text: Callable[[str], Awaitable[None]],
    on_tool: Callable[[str, dict], Awaitable[tuple[bool, str]]],
    usage: Usage,
) -> str:
    """Run turns until the model stops calling tools; returns the finish reason (client.converse's contract)."""
    import openai

    chat = [{"role": "system", "content": _text(system)}, *({"role": m["role"], "content": _text(m["content"])} for m in messages)]
    offered = functions(tools)
    for _turn in range(config.max_turns):
        said, calls, finish, counted = [], {}, None, None
        try:
            stream = await client.chat.completions.create(
                model=config.model, messages=chat, tools=offered, stream=True, stream_options={"include_usage": True},
                max_completion_tokens=config.max_tokens,
            )
            async for chunk in stream:
                counted = chunk.usage or counted
                for choice in chunk.choices:
                    delta = choice.delta
                    if delta.content:
                        said.append(delta.content)
                        await on_text(delta.content)
                    for call in delta.tool_calls or ():  # a call arrives in pieces, keyed by its index
                        slot = calls.setdefault(call.index, {"id": "", "name": "", "arguments": ""})
                        slot["id"] = call.id or slot["id"]
                        if call.function is not None:
                            slot["name"] += call.function.name or ""
                            slot["arguments"] += call.function.arguments or ""
                    finish = choice.finish_reason or finish
        except openai.OpenAIError as exc:
            raise ModelFailure(explain(exc, config)) from exc
        usage.add(_counted(counted))
        ordered = [calls[i] for i in sorted(calls)]
        chat.append({"role": "assistant", "content": "".join(said) or None, **({"tool_calls": [
            {"id": c["id"], "type": "function", "function": {"name": c["name"], "arguments": c["arguments"]}} for c in ordered]}
            if ordered else {})})
        if not ordered:
            return finish or "stop"
        for call in ordered:
            try:
                data = json.loads(call["arguments"] or "{}")
            except ValueError as exc:
                ok, text = False, f"the arguments were not JSON ({exc}); send them again as one JSON object"
            else:
                ok, text = await on_tool(call["name"], data)
            chat.append({"role": "tool", "tool_call_id": call["id"], "content": text if ok else f"Error: {text}"})
    raise too_many_turns(config)


__all__ = ["converse", "explain", "functions", "make_client"]
