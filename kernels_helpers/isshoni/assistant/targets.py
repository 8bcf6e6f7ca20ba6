"""Where an answer lands: an offline `Design` or the live `YInfra` of a room.

Both give the same four things: a snapshot to read, `commit` to write a new
design state, the chat to post and update the assistant's message in, and
one undoable step per answer.

Live documents: every edit of the assistant is a transaction whose origin is
`ORIGIN`; a pycrdt `UndoManager` per document tracks that origin only (the
canvas's own undo managers track their users' origins only), over the
design roots only (never the chat).  Its clock is an answer counter, so all
the edits of one answer merge into one undo item and two answers never do;
undoing it reverts exactly the assistant's edits, keeping what people
changed in between.  Offline designs keep the state before each answer.
"""

from __future__ import annotations

import copy
import time
import uuid
import weakref
from typing import TYPE_CHECKING

from ..design import Design
from ..design.history import ASSISTANT

if TYPE_CHECKING:  # live documents need the collaboration extra (pycrdt, jupyter_ydoc); files do not
    from ..yinfra import YInfra

ORIGIN = "isshoni-assistant"
CHAT_ORIGIN = "isshoni-assistant-chat"
AUTHOR = ASSISTANT
SECTIONS = ("meta", "resources", "connections")
_STEP_MS = 10**9  # one answer's clock tick: far more than the capture timeout below
_CAPTURE_MS = 10**6


class NothingToUndo(ValueError):
    """No assistant change to undo (or not the latest one)."""


def new_message(text: str = "", **fields) -> dict:
    return {"id": uuid.uuid4().hex, "author": AUTHOR, "text": text, "time": time.time(), **fields}


class _Undo:
    """The answers that changed the design, newest last, and how to revert the newest."""

    def __init__(self) -> None:
        self.answers: list[str] = []

    def check(self, answer_id: str | None) -> str:
        if not self.answers:
            raise NothingToUndo("the assistant has no change here to undo")
        if answer_id is not None and answer_id != self.answers[-1]:
            if answer_id in self.answers:
                raise NothingToUndo("only the assistant's latest change can be undone; undo that one first")
            raise NothingToUndo("that answer changed nothing that can still be undone")
        return self.answers[-1]


class DesignTarget:
    """An in-memory `Design` (a file the CLI loaded, a notebook object)."""

    _history: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __init__(self, design: Design):
        self.design = design
        self.undo_log = self._history.setdefault(design, _UndoSnapshots())

    def snapshot(self) -> Design:
        return self.design.copy()

    def commit(self, new: Design) -> None:
        for section in SECTIONS:
            self.design.data[section] = copy.deepcopy(new.data[section])

    def commit_if(self, before: Design, new: Design) -> bool:
        """`commit(new)` if the design still reads as `before` (see `LiveTarget.commit_if`)."""
        if any(self.design.data[s] != before.data[s] for s in SECTIONS):
            return False
        self.commit(new)
        return True

    def begin(self, answer_id: str) -> None:
        self._before = {s: copy.deepcopy(self.design.data[s]) for s in SECTIONS}

    def end(self, answer_id: str) -> None:
        if any(self.design.data[s] != self._before[s] for s in SECTIONS):
            self.undo_log.answers.append(answer_id)
            self.undo_log.states.append(self._before)

    def undo(self, answer_id: str | None = None) -> str:
        answer = self.undo_log.check(answer_id)
        self.design.data.update(self.undo_log.states.pop())
        self.undo_log.answers.pop()
        return answer

    # chat
    def messages(self) -> list[dict]:
        return self.design.chat

    def post(self, message: dict) -> dict:
        self.design.chat.append(dict(message))
        return message

    def update(self, message_id: str, **fields) -> None:
        for message in self.design.chat:
            if message.get("id") == message_id:
                message.update(fields)
                return
        raise KeyError(f"no chat message {message_id!r}")


class _UndoSnapshots(_Undo):
    def __init__(self) -> None:
        super().__init__()
        self.states: list[dict] = []


class _LiveUndo(_Undo):
    def __init__(self, doc: YInfra):
        from pycrdt import Map, UndoManager

        super().__init__()
        self.epoch = 1
        self.manager = UndoManager(
            scopes=[doc.ydoc.get(s, type=Map) for s in SECTIONS],
            capture_timeout_millis=_CAPTURE_MS,
            timestamp=lambda: self.epoch * _STEP_MS,
        )
        self.manager.include_origin(ORIGIN)


class LiveTarget:
    """The live document of a room (server side) or a kernel's synced copy."""

    _history: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __init__(self, doc: YInfra):
        from pycrdt import Array, Map

        self.doc = doc
        self.deployments = doc.ydoc.get("deployments", type=Map)
        if doc not in self._history:
            self._history[doc] = _LiveUndo(doc)
        self.undo_log: _LiveUndo = self._history[doc]
        self.chat = doc.ydoc.get("chat", type=Array)

    def snapshot(self) -> Design:
        return self.doc.design()

    def commit(self, new: Design) -> None:
        """Write only what differs in the design sections, as the assistant (no await: nobody
        interleaves).  Chat and deployments are neither read nor written."""
        with self.doc.ydoc.transaction(origin=ORIGIN):
            self.doc.apply({s: new.data[s] for s in SECTIONS}, sections=SECTIONS)

    def commit_if(self, before: Design, new: Design) -> bool:
        """`commit(new)` only if the design sections still read as `before`, the snapshot `new` was
        computed from (away from the event loop): False, and nothing written, when someone changed
        them meanwhile."""
        return self.doc.replace_if({s: before.data[s] for s in SECTIONS}, {s: new.data[s] for s in SECTIONS},
                                   origin=ORIGIN)

    def begin(self, answer_id: str) -> None:
        self.undo_log.epoch += 1
        self._depth = len(self.undo_log.manager.undo_stack)

    def end(self, answer_id: str) -> None:
        if len(self.undo_log.manager.undo_stack) > self._depth:
            self.undo_log.answers.append(answer_id)

    def undo(self, answer_id: str | None = None) -> str:
        answer = self.undo_log.check(answer_id)
        self.undo_log.manager.undo()
        self.undo_log.answers.pop()
        return answer

    # chat
    def messages(self) -> list[dict]:
        from .. import ychat

        return [m for m in ychat.messages(self.chat) if isinstance(m, dict)]

    def post(self, message: dict) -> dict:
        from .. import ychat

        with self.doc.ydoc.transaction(origin=CHAT_ORIGIN):
            ychat.append(self.chat, [dict(message)])
        return message

    def update(self, message_id: str, **fields) -> None:
        """Replace the message in place, searched from the end: the assistant updates its latest
        message, many times while streaming (ychat.replace)."""
        from .. import ychat

        with self.doc.ydoc.transaction(origin=CHAT_ORIGIN):
            ychat.replace(self.chat, message_id, fields)


def wrap(target) -> DesignTarget | LiveTarget:
    """A target for a `Design`, a `YInfra`, or a target already."""
    if isinstance(target, (DesignTarget, LiveTarget)):
        return target
    if isinstance(target, Design):
        return DesignTarget(target)
    if type(target).__name__ == "YInfra" and hasattr(target, "ydoc"):  # without importing the collaboration extra
        return LiveTarget(target)
    raise TypeError(f"the assistant works on a Design or a YInfra, not {type(target).__name__}")
