"""Who wrote the chat: authors come from the server's identity, never from what a client claims.

A design's `chat` is history.  Anyone may add to it, nobody may rewrite it: a new message
carries the name the server authenticated (the Jupyter user of the REST request or of the
collaboration websocket), whatever name the client wrote, and an existing message's author
and text never change (the room takes such changes back: stores/history_guard.py).  The
assistant's name is reserved for the server's assistant.  Job records (`deployments`) have
their own rules: deploy/records.py.
"""

from __future__ import annotations

import math
import re
import uuid

ASSISTANT = "assistant"  # the author the server's assistant writes under
MAX_TEXT = 20_000
MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MODES = ("apply", "suggest")
FUTURE_SLACK_S = 300  # a client's clock may run this far ahead


def author_of(identity) -> str:
    """The name a signed-in Jupyter user writes under: what the canvas shows for them (display
    name, else name, else user name).  `identity` is a jupyter_server `User` or its JSON (`/api/me`).
    A user whose name is the assistant's writes as "assistant (user)"."""
    if isinstance(identity, dict):
        fields = (identity.get("display_name"), identity.get("name"), identity.get("username"))
    else:
        fields = tuple(getattr(identity, key, None) for key in ("display_name", "name", "username"))
    name = next((str(value) for value in fields if value), "anonymous")
    return f"{name} (user)" if name.strip().lower() == ASSISTANT else name


def new_message(value, author: str, now: float) -> dict | None:
    """A client's new chat message as the server keeps it, or None when it is no message: the
    author is `author`, the text a non-empty string of at most MAX_TEXT characters; the id is
    kept when it is a plain id, the time when it is a number not ahead of `now`; other fields
    (the assistant's status, proposals, usage ...) are the server's to write and are dropped."""
    if not isinstance(value, dict):
        return None
    text = value.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        return None
    message_id = value.get("id")
    if not isinstance(message_id, str) or not MESSAGE_ID.match(message_id):
        message_id = uuid.uuid4().hex
    when = value.get("time")
    if isinstance(when, bool) or not isinstance(when, (int, float)) or not math.isfinite(when) \
            or not 0 <= when <= now + FUTURE_SLACK_S:
        when = now
    message = {"id": message_id, "author": author, "text": text, "time": when}
    if value.get("mode") in MODES:
        message["mode"] = value["mode"]
    return message
