"""The design assistant: a participant in the shared design, answering in its chat.

`ask(target, prompt)` answers on a `Design` or a live `YInfra`: with Claude
(anthropic SDK, tool use, streaming) when a key is configured, else with the
offline planner.  Its edits are one undoable step (`undo`); in suggest mode
they wait in the chat message for `apply_proposal` / `discard_proposal`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures

from .config import DEFAULT_MODEL, Assistant
from .session import aapply_proposal, answer, apply_proposal, discard_proposal, undo

MENTION = "@isshoni"


async def aask(target, prompt: str, **options) -> dict:
    """Answer `prompt` on `target`; returns the assistant's final chat message.

    Options: author, mode ('apply' | 'suggest'), config (an `Assistant`), reply_to,
    client (an `anthropic.AsyncAnthropic`), runner, echo (called with streamed text)."""
    return await answer(target, prompt, **options)


def ask(target, prompt: str, **options):
    """`aask` for code without an event loop (scripts, the CLI).

    Inside a running loop (a notebook kernel) it returns a Task instead, to `await`:
    a live document's edits must happen on the loop that syncs it.  An offline
    Design is answered at once in a helper thread."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(aask(target, prompt, **options))
    from ..design import Design

    if isinstance(target, Design):
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, aask(target, prompt, **options)).result()
    return loop.create_task(aask(target, prompt, **options))


__all__ = [
    "DEFAULT_MODEL", "MENTION", "Assistant", "aapply_proposal", "aask", "answer", "apply_proposal", "ask", "discard_proposal",
    "undo",
]
