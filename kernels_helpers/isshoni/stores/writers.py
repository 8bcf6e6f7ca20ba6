"""Whether a room's client may change the document: asked once per connection of the server's
authorizer (`write` on `contents`, as for saving a file), so a viewer's websocket can read and
show presence while every document update it sends is dropped (server/roles.py)."""

from __future__ import annotations

from jupyter_server.utils import ensure_async


async def may_write(channel) -> bool:
    """True for a channel that is no Jupyter handler (another server's relay, a test's channel)."""
    known = getattr(channel, "_isshoni_may_write", None)
    if known is not None:
        return known
    authorizer, user = getattr(channel, "authorizer", None), getattr(channel, "current_user", None)
    allowed = True if authorizer is None else bool(await ensure_async(authorizer.is_authorized(channel, user, "write", "contents")))
    try:
        channel._isshoni_may_write = allowed
    except AttributeError:  # a channel without a __dict__: ask again next time
        pass
    return allowed
