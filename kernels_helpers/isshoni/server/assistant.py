"""The assistant on a Jupyter server: it answers `@isshoni` in every open design's chat.

Whoever writes the mention (a canvas, a notebook kernel in the room, a script
posting to the REST chat endpoint) writes it into the document's chat array,
so the server watches the chat arrays themselves: jupyter-collaboration emits
a session event when a room initialises, and for each `infra` room the
service observes the chat.  Answers stream into the same chat for everyone.
One answer at a time per design (undo and proposal actions wait their turn
too); compiling and checking run in the server's worker processes.
"""

from __future__ import annotations

import asyncio
import re
import time
import weakref
from functools import partial

from pycrdt import Array

from .. import ychat
from ..assistant import MENTION, Assistant, aask
from ..assistant.targets import AUTHOR
from ..yinfra import YInfra
from . import workers

SESSION_EVENTS = "https://schema.jupyter.org/jupyter_collaboration/session/v1"
FRESH_SECONDS = 300  # a mention older than this (a re-inserted old message) is not answered
_MENTION = re.compile(re.escape(MENTION) + r"\b", re.IGNORECASE)
_MENTION_BYTES = re.compile(re.escape(MENTION.encode()), re.IGNORECASE)  # in a Yjs update: UTF-8 text


def request_of(message) -> str | None:
    """The request in a chat message addressed to the assistant, or None."""
    if not isinstance(message, dict) or message.get("author") == AUTHOR or message.get("via") == "rest":
        return None
    text = str(message.get("text") or "")
    if not _MENTION.search(text):
        return None
    when = message.get("time")
    if isinstance(when, (int, float)) and time.time() - when > FRESH_SECONDS:
        return None
    return _MENTION.sub("", text).strip(" ,:\n\t") or "Look at the design and the chat, and suggest what to improve."


def mode_of(message: dict, prompt: str) -> tuple[str | None, str]:
    """`@isshoni suggest ...` asks for a proposal only; a `mode` field on the message says the same."""
    words = prompt.split(None, 1)
    if words and words[0].lower().rstrip(":,") == "suggest" and len(words) > 1:
        return "suggest", words[1]
    mode = message.get("mode")
    return (mode if mode in ("apply", "suggest") else None), prompt


def _chat(doc: YInfra) -> Array:
    return doc.ydoc.get("chat", type=Array)


REGISTRY_TIMEOUT = 120  # s: the first registry look-up imports cfn-lint


async def run_in_workers(kind: str, data: dict, arg):
    if kind == "registry":  # in a thread of this process: what it loads serves the checks the server runs itself
        from ..assistant.tools import registry_answer

        return await asyncio.wait_for(asyncio.to_thread(registry_answer, data, arg), REGISTRY_TIMEOUT)
    return await workers.run(kind, getattr(workers, kind), data, arg)


class AssistantService:
    """Watches rooms, runs answers, serialises assistant actions per design."""

    def __init__(self, serverapp, config: Assistant, log):
        self.serverapp, self.config, self.log = serverapp, config, log
        self._watched: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._asked: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # doc -> request ids seen
        self._locks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._tasks: set[asyncio.Task] = set()
        self._running: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def lock(self, doc: YInfra) -> asyncio.Lock:
        if doc not in self._locks:
            self._locks[doc] = asyncio.Lock()
        return self._locks[doc]

    # ------------------------------------------------------------ rooms
    def listen(self) -> None:
        self.serverapp.event_logger.add_listener(schema_id=SESSION_EVENTS, listener=self.on_session_event)

    async def on_session_event(self, logger, schema_id: str, data: dict) -> None:
        """jupyter_events calls listeners by keyword; a failure here must never reach the room."""
        try:
            self.log.debug("isshoni assistant: session event %s", data)
            room = str(data.get("room") or "")
            if data.get("action") != "initialize" or not room.startswith("text:infra:"):
                return
            collaboration = self.serverapp.web_app.settings.get("jupyter_server_ydoc")
            if collaboration is None:
                return
            doc = await collaboration.get_document(room_id=room, copy=False)
            if isinstance(doc, YInfra):
                self.watch(doc, str(data.get("path") or room))
        except Exception:  # noqa: BLE001 - logged; the room works on without the assistant
            self.log.exception("isshoni assistant: could not watch room %s", data.get("room"))

    def watch(self, doc: YInfra, path: str) -> None:
        """Answer the mentions that arrive from now on (the ones already in the chat were asked
        before: answered then, or too old).  Watches the document's transactions and looks
        into the chat only when an update carries the mention's bytes: an array change event
        costs a walk of the whole chat, on every message of a busy room."""
        if doc in self._watched:
            return
        self.log.info("isshoni assistant: watching the chat of %s", path)
        self._asked[doc] = {m.get("id") for m in ychat.messages(_chat(doc)) if request_of(m) is not None}
        self._watched[doc] = doc.ydoc.observe(partial(self._on_update, doc, path))

    def _on_update(self, doc: YInfra, path: str, event) -> None:
        """Runs as a transaction ends: only looks at the update's bytes and schedules a scan."""
        try:
            if _MENTION_BYTES.search(event.update):  # no lower-cased copy of every update
                asyncio.get_running_loop().call_soon(self._scan, doc, path)
        except Exception:  # noqa: BLE001 - never break the room's update
            self.log.exception("isshoni assistant: could not read a chat change in %s", path)

    def _scan(self, doc: YInfra, path: str) -> None:
        """Schedule an answer to each request in the chat not seen before."""
        try:
            asked = self._asked.setdefault(doc, set())
            for message in ychat.messages(_chat(doc)):
                prompt = request_of(message)
                if prompt is not None and message.get("id") not in asked:
                    asked.add(message.get("id"))
                    self._schedule(doc, path, message, prompt)
        except Exception:  # noqa: BLE001 - logged; the room works on without the assistant
            self.log.exception("isshoni assistant: could not read the chat of %s", path)

    def _schedule(self, doc: YInfra, path: str, message: dict, prompt: str) -> None:
        self.log.info("isshoni assistant: %s asked in %s", message.get("author"), path)
        mode, prompt = mode_of(message, prompt)
        task = asyncio.get_running_loop().create_task(
            self.answer(doc, prompt, author=str(message.get("author") or "someone"), reply_to=message["id"],
                        mode=mode, path=path))
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self.log.error("isshoni assistant: an answer failed", exc_info=task.exception())

    @staticmethod
    def _answered(doc: YInfra, message_id: str) -> bool:
        return any(isinstance(m, dict) and m.get("reply_to") == message_id for m in ychat.messages(_chat(doc)))

    # ------------------------------------------------------------ answers
    async def answer(self, doc: YInfra, prompt: str, *, author: str, reply_to: str | None = None,
                     mode: str | None = None, path: str = "") -> dict:
        mode = mode if mode in ("apply", "suggest") else None
        async with self.lock(doc):
            if reply_to and self._answered(doc, reply_to):
                return {}
            self.log.info("isshoni assistant: answering %s in %s", author, path)
            task = asyncio.ensure_future(aask(doc, prompt, author=author, reply_to=reply_to, mode=mode,
                                              config=self.config, runner=run_in_workers))
            self._running[doc] = task
            try:
                return await asyncio.shield(task)  # a caller going away (a closed HTTP request) does not stop it
            finally:
                self._running.pop(doc, None)

    def stop_answer(self, doc: YInfra) -> bool:
        """Stop the answer running on this design (its message says so); False when none runs."""
        task = self._running.get(doc)
        if task is None or task.done():
            return False
        task.cancel()
        return True

    async def stop(self) -> None:
        running = [t for t in self._running.values() if not t.done()]
        for task in [*self._tasks, *running]:
            task.cancel()
        await asyncio.gather(*self._tasks, *running, return_exceptions=True)
