"""One answer to one request, on a design target, visible in its chat.

The assistant's message is posted at once ("thinking"), its text streams into
it in place, and it ends with what changed (or what is proposed), the checks'
verdict, token usage and cost, or a readable failure.  The model answers when
a key is configured; otherwise the offline planner does, and says so.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from ..design import Design
from ..design.ops import apply_ops
from . import planner, prompt
from .client import ModelFailure, Usage, converse, make_client
from .config import Assistant
from .targets import new_message, wrap
from .tools import EDIT_ATTEMPTS, FAST_CHECKS, Toolbox, definitions, summarize

log = logging.getLogger(__name__)
STREAM_EVERY = 0.08  # seconds between in-place updates of a streaming message


def _work(kind: str, data: dict, arg):
    from .. import tasks

    if kind == "registry":
        from .tools import registry_answer

        return registry_answer(data, arg)
    return {"check": tasks.check, "generate": tasks.generate, "edit": tasks.edit}[kind](data, arg)


async def thread_runner(kind: str, data: dict, arg):
    """Compile, check or validate an edit off the event loop (the server passes its worker processes instead)."""
    return await asyncio.to_thread(_work, kind, data, arg)


class _Stream:
    """Streamed text into the chat message, at most every STREAM_EVERY seconds."""

    def __init__(self, target, message_id: str, echo: Callable[[str], None] | None):
        self.target, self.id, self.echo = target, message_id, echo
        self.text, self._last, self._turn_ended = "", 0.0, False

    def turn_ended(self) -> None:
        """Text after tool calls starts a new paragraph (the model's turns are separate replies)."""
        self._turn_ended = True

    async def __call__(self, delta: str) -> None:
        if self._turn_ended and self.text.strip() and delta:
            delta = "\n\n" + delta.lstrip()
        self._turn_ended = False
        self.text += delta
        if self.echo:
            self.echo(delta)
        now = time.monotonic()
        if now - self._last >= STREAM_EVERY:
            self._last = now
            self.target.update(self.id, text=self.text, status="streaming")
            await asyncio.sleep(0)  # let the room send the update


async def answer(
    target,
    request: str,
    *,
    author: str = "someone",
    mode: str | None = None,
    config: Assistant | None = None,
    reply_to: str | None = None,
    client=None,
    runner: Callable[[str, dict, object], Awaitable] | None = None,
    echo: Callable[[str], None] | None = None,
) -> dict:
    """Answer `request` on `target` (a Design, a YInfra or a target); returns the final message."""
    config = config or Assistant()
    mode = mode or config.mode
    if mode not in ("apply", "suggest"):
        raise ValueError(f"mode must be 'apply' or 'suggest', not {mode!r}")
    target, runner = wrap(target), runner or thread_runner
    offline = client is None and (config.offline or not config.has_key())
    message = new_message(
        "", status="thinking", mode=mode, reply_to=reply_to,
        engine="offline-planner" if offline else "model",
        **({} if offline else {"model": config.model, "provider": config.provider}),
    )
    target.post(message)
    toolbox = Toolbox(target, mode, runner)
    stream = _Stream(target, message["id"], echo)
    target.begin(message["id"])
    fields: dict = {}
    try:
        if offline:
            await _plan(toolbox, request, stream, planner.CHOSEN if config.offline else planner.NOTICE)
        else:
            fields = await _ask_model(toolbox, request, author, reply_to, message["id"], config, client, stream)
    except ModelFailure as exc:
        fields = {**exc.fields, "status": "error", "error": str(exc)}
    except Exception as exc:  # a bug must not leave the message "thinking" forever: say so, and log it
        log.exception("the assistant failed")
        fields = {"status": "error", "error": f"The assistant failed unexpectedly ({type(exc).__name__}: {exc})."}
    except asyncio.CancelledError:
        # someone pressed Stop: the answer ends here, in the chat, and what it changed stays undoable
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        fields = {"status": "stopped", "error": "Stopped before the answer was finished."}
    finally:
        target.end(message["id"])
    fields.setdefault("status", "done")
    if fields["status"] == "stopped":
        fields["ops"] = toolbox.ops
        fields["proposal"] = "pending" if mode == "suggest" and toolbox.ops else None
    else:
        fields.update(await _outcome(toolbox, mode, config))
    fields["text"] = _final_text(stream.text, fields, toolbox.ops, mode)
    target.update(message["id"], **fields)
    return {**message, **fields}


async def _plan(toolbox: Toolbox, request: str, stream: _Stream, notice: str) -> None:
    # off the event loop: reading a long chat for decisions and composing are bounded, but not free
    plan = await asyncio.to_thread(planner.plan, request, toolbox.current(), notice, toolbox.target.messages())
    await stream(plan.text)
    for op in plan.ops:
        ok, text = await toolbox.call_op(op)
        if not ok:
            raise ModelFailure(f"The offline planner's step was refused ({summarize(op)}): {text}")


async def _ask_model(toolbox, request, author, reply_to, message_id, config, client, stream) -> dict:
    problem = config.model_problem()
    if problem:
        raise ModelFailure(problem)
    if config.provider == "openai":
        from . import openai_client

        client, converse_with = client or openai_client.make_client(config), openai_client.converse
    else:
        client, converse_with = client or make_client(config), converse
    skip = {message_id} | ({reply_to} if reply_to else set())
    text = prompt.request(toolbox.current(), toolbox.target.messages(), request, author, config.history, skip)
    usage = Usage()

    async def on_tool(name: str, data) -> tuple[bool, str]:
        stream.turn_ended()
        return await toolbox.call(name, data)

    try:
        await converse_with(
            client, config, system=prompt.system_blocks(), tools=definitions(),
            messages=[{"role": "user", "content": text}], on_text=stream, on_tool=on_tool, usage=usage,
        )
    except ModelFailure as exc:
        raise ModelFailure(str(exc), _usage_fields(usage, config)) from exc
    return _usage_fields(usage, config)


def _usage_fields(usage: Usage, config: Assistant) -> dict:
    return {"usage": usage.to_dict(), "cost_usd": usage.cost(config.price(config.model))}


async def _outcome(toolbox: Toolbox, mode: str, config: Assistant) -> dict:
    """The ops (applied or proposed) and, when something changed, the fast checks' verdict."""
    out: dict = {"ops": toolbox.ops}
    if mode == "suggest" and toolbox.ops:
        out["proposal"] = "pending"
    if toolbox.ops and config.check_after:
        try:
            report = await toolbox.runner("check", toolbox.current().data, FAST_CHECKS)
            out["checks"] = report["counts"]
        except Exception as exc:  # noqa: BLE001 - a failed check is reported, not fatal to the answer
            out["checks"] = {"failed": str(exc)}
    return out


def _final_text(streamed: str, fields: dict, ops: list[dict], mode: str) -> str:
    parts = [streamed.strip()] if streamed.strip() else []
    if ops:
        head = "Proposed change (not applied yet):" if mode == "suggest" else "Changes:"
        parts.append(head + "\n" + "\n".join(f"• {summarize(op)}" for op in ops))
    checks = fields.get("checks")
    if checks and "error" in checks:
        parts.append(f"Checks: {checks['error']} error(s), {checks['warning']} warning(s).")
    if fields.get("status") in ("error", "stopped"):
        kept = " What was changed before that is kept (Undo reverts it)." if ops and mode == "apply" else ""
        parts.append(f"{'⚠' if fields['status'] == 'error' else '⏹'} {fields['error']}{kept}")
    return "\n\n".join(parts)


# ---------------------------------------------------------------- after the answer


def _find(target, message_id: str) -> dict:
    for message in target.messages():
        if message.get("id") == message_id:
            return message
    raise KeyError(f"no chat message {message_id!r}")


def _pending(target, message_id: str) -> dict:
    message = _find(target, message_id)
    if message.get("proposal") != "pending":
        raise ValueError(f"that message has no pending proposal ({message.get('proposal') or 'none'})")
    return message


def _applied(target, message: dict, by: str) -> dict:
    fields = {"proposal": "applied", "resolved_by": by}
    target.update(message["id"], **fields)
    return {**message, **fields}


def apply_proposal(target, message_id: str, by: str = "") -> dict:
    """Apply a suggest-mode answer's ops to the design now (one undoable step)."""
    target = wrap(target)
    message = _pending(target, message_id)
    target.begin(message_id)
    try:
        target.commit(apply_ops(target.snapshot(), message["ops"]))
    finally:
        target.end(message_id)
    return _applied(target, message, by)


async def aapply_proposal(target, message_id: str, by: str = "", runner=None) -> dict:
    """`apply_proposal` with the ops validated by `runner` (on a server: a worker process, with a
    deadline) on a snapshot, committed only if the design did not change meanwhile (else again)."""
    target, runner = wrap(target), runner or thread_runner
    for _ in range(EDIT_ATTEMPTS):
        message = _pending(target, message_id)
        before = target.snapshot()
        content = {k: v for k, v in before.data.items() if k not in ("chat", "deployments")}
        new = Design(await runner("edit", content, {"ops": message["ops"]}))
        message = _pending(target, message_id)  # still pending after the wait
        target.begin(message_id)
        try:
            committed = target.commit_if(before, new)
        finally:
            target.end(message_id)
        if committed:
            return _applied(target, message, by)
    raise ValueError("the design kept changing while the proposal was checked: apply it again")


def discard_proposal(target, message_id: str, by: str = "") -> dict:
    target = wrap(target)
    message = _pending(target, message_id)
    fields = {"proposal": "discarded", "resolved_by": by}
    target.update(message_id, **fields)
    return {**message, **fields}


def undo(target, message_id: str | None = None) -> str:
    """Revert the assistant's latest answer (all its edits, one step); returns that answer's id."""
    target = wrap(target)
    answered = target.undo(message_id)
    target.update(answered, undone=True)
    return answered
