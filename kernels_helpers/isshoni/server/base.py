"""The base of every REST handler: JSON in, JSON out, errors as `{"message", "problems"?}`."""

from __future__ import annotations

import json
import os

from jupyter_server.base.handlers import APIHandler

from ..design import Design, jsonvalues
from .documents import LiveDesigns, check_path
from .errors import ApiError

MAX_BODY_DEPTH = jsonvalues.MAX_DEPTH + 8  # a design nested to the limit, inside {"design": ...} or an op


class IsshoniHandler(APIHandler):
    """JSON in, JSON out; errors as `{"message", "problems"?}`."""

    # designs are files: a role that may not write contents may not edit a design either
    auth_resource = "contents"

    def write_error(self, status_code: int, **kwargs) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, ApiError):
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps(exc.to_dict()))
        else:
            super().write_error(status_code, **kwargs)

    def body(self) -> dict:
        try:
            data = jsonvalues.loads(self.request.body or b"{}")  # strict: no NaN, Infinity or 1e999
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, f"the body is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ApiError(400, "the body must be a JSON object")
        if jsonvalues.nested_deeper_than(data, MAX_BODY_DEPTH):  # nothing past here need cope with it
            raise ApiError(400, f"the body is nested too deeply (more than {MAX_BODY_DEPTH} levels)")
        return data

    def body_with(self, allowed, required=()) -> dict:
        """The JSON body, refused (400, saying which) when it has a field this route does not take
        or lacks one it needs."""
        data = self.body()
        unknown, missing = sorted(set(data) - set(allowed)), sorted(set(required) - set(data))
        if unknown or missing:
            said = "unknown field(s) " + ", ".join(unknown) if unknown else "missing " + ", ".join(missing)
            raise ApiError(400, f"{said}; this takes {', '.join(sorted(allowed))}")
        return data

    def reply(self, data, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))


class DesignHandler(IsshoniHandler):
    """A handler for one design: `path` is relative to the server root."""

    def initialize(self, designs: LiveDesigns) -> None:
        self.designs = designs

    async def live(self, path: str):
        return await self.designs.open(self.settings, check_path(path))

    async def snapshot(self, path: str) -> Design:
        return (await self.live(path)).design()

    def folder(self, path: str) -> str | None:
        """The folder holding the design file (Lambda code_path folders are relative to it)."""
        root = getattr(self.settings["contents_manager"], "root_dir", None)
        return os.path.dirname(os.path.join(root, check_path(path))) if root else None


__all__ = ["MAX_BODY_DEPTH", "DesignHandler", "IsshoniHandler"]
