"""REST for a live design's named versions and comparisons (design/versions.py, design/diff.py).

- `GET  .../versions`: the versions, oldest first.
- `POST .../versions` `{"name", "note"?}`: keep the live design as a version, signed with the
  user's name (an editor's right: a viewer is refused by jupyter_server's `write` check).
- `POST .../versions/restore` `{"name"}`: bring the live design back to a version as one edit
  (validated in a worker; what others changed meanwhile, away from what the restore changes, stays).
- `POST .../compare` `{"against": "HEAD" | "deploy" | "version:NAME", "format"?}`: what changed
  from the other side to the live design, as `isshoni diff` says it, with the other side's
  content (the canvas draws added, removed and changed items) and, with `format`, the diff of the
  generated code.  `HEAD` is the file as committed in git (git runs with a deadline, off the
  event loop); `deploy` the design as last deployed to `target` (default the sandbox).
The canvas names and restores versions in the shared document itself (one undoable step); these
routes are for scripts and for anyone without a canvas.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..deploy.state import DeploymentState
from ..deploy.targets import TARGETS
from ..design import versions
from ..design.diff_sources import from_git
from ..design.history import author_of
from ..design.model import Design
from . import workers
from .base import DesignHandler
from .documents import check_path
from .errors import ApiError, bad_input

API = "/isshoni/api"
FORMATS = ("terraform", "cloudformation")
HISTORY = ("chat", "deployments")  # what a version never holds


class VersionsHandler(DesignHandler):
    @web.authenticated
    @authorized("read")
    async def get(self, path):
        self.reply({"versions": versions.listing((await self.live(path)).to_dict(without=HISTORY))})

    @web.authenticated
    @authorized
    async def post(self, path):
        body = self.body_with({"name", "note"}, {"name"})
        doc = await self.live(path)
        before = doc.to_dict(without=HISTORY)
        with bad_input():
            after = versions.named(before, body["name"], note=body.get("note", ""), author=author_of(self.current_user))
        doc.replace_if(before, after)  # nothing awaited since `before`: nobody changed it meanwhile
        self.reply({"version": next(v for v in versions.listing(after) if v["name"] == body["name"])}, 201)


class RestoreHandler(DesignHandler):
    @web.authenticated
    @authorized
    async def post(self, path):
        """The version's content is checked in a worker, then written as the difference between
        the design as it was read and the version: what others changed meanwhile on items the
        restore does not touch (a node added, another node's property) survives it."""
        body = self.body_with({"name"}, {"name"})
        doc = await self.live(path)
        before = doc.to_dict(without=HISTORY)
        with bad_input():
            content = versions.restored(before, body["name"])
            checked = await workers.run("edit", workers.edit, before, {"design": {k: content[k] for k in ("version", *versions.CONTENT) if k in content}})
        doc.apply({k: checked[k] for k in versions.CONTENT}, sections=versions.CONTENT, current=before)
        self.reply({"design": doc.to_dict(), "restored": body["name"]})


class CompareHandler(DesignHandler):
    @web.authenticated
    @authorized("read")
    async def post(self, path):
        body = self.body_with({"against", "format", "target"}, {"against"})
        against, fmt = body["against"], body.get("format")
        if fmt is not None and fmt not in FORMATS:
            raise ApiError(400, f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        live = (await self.live(path)).to_dict(without=HISTORY)
        other, label = await self._other(check_path(path), live, against, body.get("target", "sandbox"))
        with bad_input():
            found = await workers.run("generate", workers.compare, other, label, {k: v for k, v in live.items() if k != "versions"}, fmt)
        self.reply({"against": against, "label": label, "design": other, **found})

    async def _other(self, path: str, live: dict, against, target: str) -> tuple[dict, str]:
        if not isinstance(against, str):
            raise ApiError(400, "'against' is HEAD, deploy or version:NAME")
        if against.startswith("version:"):
            with bad_input():
                return versions.content(live, against[8:]), f"version {against[8:]}"
        if against == "deploy":
            if target not in TARGETS:
                raise ApiError(400, f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")
            meta = live.get("meta") or {}
            state = DeploymentState(target, meta.get("region", ""), meta.get("name", "")).load()
            if not state.get("deployed_design") or state.get("status") in ("destroyed", None):
                raise ApiError(404, f"{meta.get('name', 'this design')} has no deploy to {target} on record to compare with")
            return {"version": 1, **state["deployed_design"]}, f"last deploy ({target})"
        if against == "HEAD":
            root = getattr(self.settings["contents_manager"], "root_dir", None)
            if not root:
                raise ApiError(400, "this server's files are not on a disk git can read")
            with bad_input():
                text = await asyncio.to_thread(from_git, Path(root) / path, "HEAD")
                return Design.loads(text, f"{path}@HEAD", validate=False).data, "git HEAD"
        raise ApiError(400, f"'against' is HEAD, deploy or version:NAME, not {against!r}")


ROUTES = [
    (f"{API}/designs/{{path}}/versions", VersionsHandler),
    (f"{API}/designs/{{path}}/versions/restore", RestoreHandler),
    (f"{API}/designs/{{path}}/compare", CompareHandler),
]
