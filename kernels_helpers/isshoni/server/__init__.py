"""Isshoni's Jupyter server extension (one small module per concern, as in
jupyter_server_ydoc): `app` the extension, `handlers` the REST API, `documents`
access to the live Yjs designs, `openapi` the API
description, `nodelay` TCP_NODELAY on collaboration websockets.
"""

from .app import IsshoniExtension

__all__ = ["IsshoniExtension"]
