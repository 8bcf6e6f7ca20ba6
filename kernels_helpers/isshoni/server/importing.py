"""`POST /isshoni/api/import`: a template (its text, or a file on the server) becomes a design.

The import runs in a worker process with a deadline (workers.py, pool "import"), never on the
event loop: reading a template, the SAM translator and the registry checks are seconds of CPU.
The design is written to `output` (a path relative to the server root, refused if it exists
unless `overwrite`) or returned; the answer always carries the import report.
"""

from __future__ import annotations

import os
import posixpath

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..importers import FORMATS
from ..importers.cfn_source import MAX_BYTES
from . import workers
from .base import IsshoniHandler
from .documents import check_path
from .errors import ApiError, bad_input

FIELDS = {"text", "path", "format", "region", "name", "output", "overwrite", "target"}
TARGETS = ("sandbox", "aws")  # format "account": the region of which account is scanned (read-only)


def _source_path(path: object) -> str:
    """A file relative to the server root: no absolute paths, no `..`."""
    if not isinstance(path, str) or not path or path.startswith(("/", "\\")) or "\\" in path or "\x00" in path \
            or ".." in path.split("/") or ":" in path.split("/")[0]:
        raise ApiError(400, f"{path!r}: give the source's path relative to the server root")
    return posixpath.normpath(path)


class ImportHandler(IsshoniHandler):
    @web.authenticated
    @authorized("write")
    async def post(self):
        """Import `text` or the file at `path` (format given or detected) into a design, or scan the region
        of the sandbox or the server's AWS account (format `account`, `target`)."""
        body = self.body()
        unknown = sorted(set(body) - FIELDS)
        account = body.get("format") == "account"
        if account and ("text" in body or "path" in body or body.get("target", "sandbox") not in TARGETS):
            raise ApiError(400, f"format 'account' scans a region: send 'target' ({' or '.join(TARGETS)}) and 'region', "
                           "not 'text' or 'path'")
        if not account and "target" in body:
            raise ApiError(400, "'target' is for format 'account'")
        if unknown or (not account and ("text" in body) == ("path" in body)):
            raise ApiError(400, f"send 'text' or 'path' (and optionally {', '.join(sorted(FIELDS - {'text', 'path'}))})"
                           + (f"; unknown: {', '.join(unknown)}" if unknown else ""))
        fmt, region, name = body.get("format"), body.get("region"), body.get("name")
        if fmt is not None and fmt not in FORMATS:
            raise ApiError(400, f"'format' is one of {', '.join(FORMATS)}")
        for key, value in (("region", region), ("name", name)):
            if value is not None and (not isinstance(value, str) or not value or len(value) > 128):
                raise ApiError(400, f"'{key}' must be a short string")
        root = getattr(self.settings["contents_manager"], "root_dir", None) or "."
        output = check_path(body["output"]) if body.get("output") is not None else None
        if output and os.path.exists(os.path.join(root, output)) and body.get("overwrite") is not True:
            raise ApiError(409, f"{output} exists: send overwrite: true to replace it")
        if account:
            args = (None, None, fmt, region, name, body.get("target", "sandbox"))
        elif "text" in body:
            if not isinstance(body["text"], str):
                raise ApiError(400, "'text' must be a string")
            if len(body["text"]) > MAX_BYTES:
                raise ApiError(413, f"the text is more than an import takes ({MAX_BYTES // 1024 // 1024} MB)")
            args = (body["text"], None, fmt, region, name)
        else:
            source = _source_path(body["path"])
            args = (None, os.path.join(root, source), fmt, region, name or None)
        with bad_input():
            done = await workers.run("import", workers.import_source, *args)
        reply = {"report": done["report"]}
        if output:
            with bad_input():
                written = await workers.run("edit", workers.save_design, done["design"], os.path.join(root, output))
            reply["path"] = output if written else None
        else:
            reply["design"] = done["design"]
        self.reply(reply)


ROUTES = [("/isshoni/api/import", ImportHandler)]

__all__ = ["ROUTES", "ImportHandler"]
