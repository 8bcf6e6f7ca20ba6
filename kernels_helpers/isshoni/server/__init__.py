"""Isshoni's Jupyter server extension (one small module per concern, as in
jupyter_server_ydoc): `app` the extension, `handlers` the REST API, `documents`
access to the live Yjs designs, `openapi` the API description, `nodelay`
TCP_NODELAY on collaboration websockets, `roles`/`authorizer`/`identity` who may
do what.  The extension is imported when asked for, so the command line can use
the light modules (roles, the users file) without loading the server.
"""

from __future__ import annotations

__all__ = ["IsshoniExtension"]


def __getattr__(name: str):
    if name == "IsshoniExtension":
        from .app import IsshoniExtension

        return IsshoniExtension
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
