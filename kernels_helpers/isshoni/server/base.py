"""The base of every REST handler: JSON in, JSON out, errors as `{"message", "problems"?}`."""

from __future__ import annotations

import json

from jupyter_server.base.handlers import APIHandler

from ..design import jsonvalues
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

    def reply(self, data, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))


__all__ = ["MAX_BODY_DEPTH", "IsshoniHandler"]
