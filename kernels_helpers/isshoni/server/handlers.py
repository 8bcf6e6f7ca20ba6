"""The REST API under /isshoni/api/: catalog, templates, and per-design canvas,
chat, generate, check and jobs.

Every handler is a jupyter_server `APIHandler` behind `@web.authenticated` and
`@authorized`, so Jupyter's own tokens, cookies, XSRF rules and authorizer
apply.  Design endpoints read and write the live Yjs document (documents.py);
slow work (compiling, cfn-lint, terraform, checkov) runs in worker processes
(workers.py) so the event loop, and with it every open canvas, keeps moving.
"""

from __future__ import annotations

import json
import os

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from tornado import web
from tornado.ioloop import IOLoop

from ..design import Design, DesignError
from ..design.errors import describe
from ..design.ops import apply_ops
from . import workers
from .documents import LiveDesigns, check_path
from .errors import ApiError, bad_input

API = "/isshoni/api"
MAX_CHAT = 20_000


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
            data = json.loads(self.request.body or b"{}")
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, f"the body is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ApiError(400, "the body must be a JSON object")
        return data

    def reply(self, data, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))


class CatalogHandler(IsshoniHandler):
    @web.authenticated
    @authorized("read")
    async def get(self):
        """The resource types, exactly as `isshoni catalog --json` lists them."""
        from ..catalog import summaries

        self.reply({"types": summaries()})


class TemplatesHandler(IsshoniHandler):
    @web.authenticated
    @authorized("read")
    async def get(self):
        from .. import templates

        described = await IOLoop.current().run_in_executor(None, templates.describe)  # validates each
        self.reply({"templates": [{"name": n, "description": d} for n, d in described]})


class OpenApiHandler(IsshoniHandler):
    @web.authenticated
    @authorized("read")
    async def get(self):
        from .openapi import spec

        self.reply(spec(self.base_url))


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


class CanvasHandler(DesignHandler):
    @web.authenticated
    @authorized
    async def get(self, path):
        self.reply({"design": (await self.live(path)).to_dict()})

    @web.authenticated
    @authorized
    async def post(self, path):
        """`{"ops": [...]}` all-or-nothing, or `{"design": {...}}` to replace the content."""
        body = self.body()
        if ("ops" in body) == ("design" in body) or set(body) - {"ops", "design"}:
            raise ApiError(400, "send either {'ops': [...]} or {'design': {...}}")
        path = check_path(path)
        async with self.designs.lock(path):
            doc = await self.designs.open(self.settings, path)
            with bad_input():
                if "ops" in body:
                    design = apply_ops(doc.design(), body["ops"])
                else:
                    if not isinstance(body["design"], dict):
                        raise ApiError(400, "'design' must be a JSON object")
                    design = Design.loads(json.dumps(body["design"]), source="design")
            # no await between reading the document and writing it: nothing can interleave
            doc.apply(design.data)
            self.reply({"design": doc.to_dict()})


class ChatHandler(DesignHandler):
    @web.authenticated
    @authorized
    async def get(self, path):
        self.reply({"messages": (await self.snapshot(path)).chat})

    @web.authenticated
    @authorized
    async def post(self, path):
        """Post a message as the signed-in Jupyter user (never an author named in the body)."""
        text = self.body().get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "'text' must be a non-empty string")
        if len(text) > MAX_CHAT:
            raise ApiError(400, f"'text' is longer than {MAX_CHAT} characters")
        user = self.current_user
        author = getattr(user, "display_name", "") or getattr(user, "username", "") or "anonymous"
        path = check_path(path)
        async with self.designs.lock(path):
            doc = await self.designs.open(self.settings, path)
            design = doc.design()
            message = design.add_message(author, text)
            doc.apply(design.data)
        self.reply(message, 201)


class GenerateHandler(DesignHandler):
    @web.authenticated
    @authorized("read")
    async def post(self, path):
        from ..compiler import FORMATS

        fmt = self.body().get("format", "cloudformation")
        if fmt not in FORMATS:
            raise ApiError(400, f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        design = await self.snapshot(path)
        with bad_input():
            files = await workers.run("generate", workers.generate, design.data, fmt, self.folder(path))
        self.reply({"format": fmt, "files": files})


def _tools(body: dict) -> tuple[str, ...]:
    from ..checks import TOOLS

    chosen = {}
    for key in ("only", "skip"):
        value = body.get(key, [])
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            raise ApiError(400, f"'{key}' must be a list of tool names")
        unknown = sorted(set(value) - set(TOOLS))
        if unknown:
            raise ApiError(400, f"unknown check tool(s): {', '.join(unknown)}; choose from {', '.join(TOOLS)}")
        chosen[key] = value
    only = chosen["only"] or TOOLS
    return tuple(t for t in only if t not in chosen["skip"])


class CheckHandler(DesignHandler):
    @web.authenticated
    @authorized("read")
    async def post(self, path):
        """Graph rules, cfn-lint, terraform validate, checkov: seconds of work, off the event loop."""
        tools = _tools(self.body())
        design = await self.snapshot(path)
        with bad_input():
            report = await workers.run("check", workers.check, design.data, tools, self.folder(path))
        self.reply(report)


class AssistantHandler(DesignHandler):
    """The assistant answers a request, in the chat everyone sees (for scripts; in the chat
    panel and notebooks a message mentioning @isshoni does the same)."""

    @property
    def assistant(self):
        service = self.settings.get("isshoni_assistant")
        if service is None:
            raise ApiError(503, "the assistant is not running on this server")
        return service

    def author(self) -> str:
        user = self.current_user
        return getattr(user, "display_name", "") or getattr(user, "username", "") or "anonymous"

    @web.authenticated
    @authorized
    async def post(self, path):
        body = self.body()
        prompt, mode = body.get("prompt"), body.get("mode")
        if not isinstance(prompt, str) or not prompt.strip() or len(prompt) > MAX_CHAT:
            raise ApiError(400, f"'prompt' must be a non-empty string of at most {MAX_CHAT} characters")
        if mode not in (None, "apply", "suggest"):
            raise ApiError(400, "'mode' is 'apply' or 'suggest'")
        doc = await self.live(path)
        design = doc.design()
        request = design.add_message(self.author(), prompt)
        request["via"] = "rest"  # the room watcher leaves this one to this request
        doc.apply(design.data)
        self.reply(await self.assistant.answer(doc, prompt, author=request["author"], reply_to=request["id"], mode=mode,
                                               path=path))


class AssistantUndoHandler(AssistantHandler):
    @web.authenticated
    @authorized
    async def post(self, path):
        """Revert the assistant's latest answer (`message` must be it when given)."""
        from ..assistant import undo
        from ..assistant.targets import NothingToUndo

        message = self.body().get("message")
        doc = await self.live(path)
        async with self.assistant.lock(doc):
            try:
                self.reply({"undone": undo(doc, message)})
            except NothingToUndo as exc:
                raise ApiError(409, str(exc)) from None


class AssistantStopHandler(AssistantHandler):
    @web.authenticated
    @authorized
    async def post(self, path):
        """Stop the answer running on this design (what it changed so far stays, undoable)."""
        if not self.assistant.stop_answer(await self.live(path)):
            raise ApiError(409, "the assistant is not answering on this design")
        self.reply({"stopping": True})


class AssistantProposalHandler(AssistantHandler):
    @web.authenticated
    @authorized
    async def post(self, path):
        """Apply or discard a suggest-mode answer's proposed change."""
        from ..assistant import apply_proposal, discard_proposal

        body = self.body()
        action, message = body.get("action"), body.get("message")
        if action not in ("apply", "discard") or not isinstance(message, str):
            raise ApiError(400, "send {'message': <id>, 'action': 'apply' | 'discard'}")
        doc = await self.live(path)
        act = apply_proposal if action == "apply" else discard_proposal
        async with self.assistant.lock(doc):
            try:
                self.reply(act(doc, message, by=self.author()))
            except KeyError as exc:
                raise ApiError(404, describe(exc)) from None
            except DesignError as exc:
                raise ApiError(409, "the design changed since the proposal: " + "; ".join(map(str, exc.problems[:3])),
                               exc.problems) from None
            except ValueError as exc:
                raise ApiError(409, str(exc)) from None


JOB_TIME_KEYS = ("started", "created", "time", "updated")


def _job_time(job: dict) -> float:
    for key in JOB_TIME_KEYS:
        value = job.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return float("-inf")


class JobsHandler(DesignHandler):
    @web.authenticated
    @authorized
    async def get(self, path):
        """The design's deployments, newest first (by `started`, else `created`/`time`/`updated`)."""
        deployments = (await self.snapshot(path)).deployments
        jobs = [{**job, "id": job_id} if isinstance(job, dict) else {"id": job_id, "value": job}
                for job_id, job in deployments.items()]
        jobs.sort(key=lambda j: (_job_time(j), j["id"]), reverse=True)
        self.reply({"jobs": jobs})


# route template (OpenAPI spelling) -> handler; `{path}` may hold slashes
ROUTES: list[tuple[str, type[IsshoniHandler]]] = [
    (f"{API}/catalog", CatalogHandler),
    (f"{API}/templates", TemplatesHandler),
    (f"{API}/openapi.json", OpenApiHandler),
    (f"{API}/designs/{{path}}/canvas", CanvasHandler),
    (f"{API}/designs/{{path}}/chat", ChatHandler),
    (f"{API}/designs/{{path}}/generate", GenerateHandler),
    (f"{API}/designs/{{path}}/check", CheckHandler),
    (f"{API}/designs/{{path}}/jobs", JobsHandler),
    (f"{API}/designs/{{path}}/assistant", AssistantHandler),
    (f"{API}/designs/{{path}}/assistant/undo", AssistantUndoHandler),
    (f"{API}/designs/{{path}}/assistant/stop", AssistantStopHandler),
    (f"{API}/designs/{{path}}/assistant/proposal", AssistantProposalHandler),
]


def methods(handler: type[IsshoniHandler]) -> list[str]:
    """The HTTP methods a handler answers (those it defines itself)."""
    return [m for m in ("get", "post", "put", "patch", "delete") if m in vars(handler)]


def handlers(designs: LiveDesigns) -> list[tuple]:
    """Tornado rules: `{path}` becomes a regex group; design handlers share one LiveDesigns."""
    out = []
    for template, handler in ROUTES:
        pattern = template.replace(".", r"\.").replace("{path}", "(?P<path>.+)")
        kwargs = {"designs": designs} if issubclass(handler, DesignHandler) else {}
        out.append((pattern + "$", handler, kwargs))
    return out
