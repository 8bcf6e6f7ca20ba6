"""The REST API under /isshoni/api/: catalog, templates, and per-design canvas,
chat, generate, check and jobs.

Every handler is a jupyter_server `APIHandler` behind `@web.authenticated` and
`@authorized`, so Jupyter's own tokens, cookies, XSRF rules and authorizer
apply.  Design endpoints read and write the live Yjs document (documents.py);
slow work (compiling, cfn-lint, terraform, checkov) runs in worker processes
(workers.py) so the event loop, and with it every open canvas, keeps moving.
"""

from __future__ import annotations

import asyncio

from jupyter_server.auth.decorator import authorized
from tornado import web
from tornado.ioloop import IOLoop

from ..design import DesignError
from ..design.errors import describe
from ..design.history import MAX_TEXT, author_of
from . import workers
from .base import DesignHandler, IsshoniHandler
from .costing import ROUTES as COST_ROUTES
from .deploying import ROUTES as DEPLOY_ROUTES
from .documents import LiveDesigns, check_path, existing
from .errors import ApiError, bad_input
from .gallery import ROUTES as GALLERY_ROUTES
from .importing import ROUTES as IMPORT_ROUTES
from .versioning import ROUTES as VERSION_ROUTES

API = "/isshoni/api"
MAX_CHAT = MAX_TEXT
EDIT_ATTEMPTS = 5  # a canvas edit validated again on newer content at most this often
HISTORY = ("chat", "deployments", "versions")  # kept as the server has them: a canvas edit never writes them


class CatalogHandler(IsshoniHandler):
    @web.authenticated
    @authorized("read")
    async def get(self):
        """The resource types, exactly as `isshoni catalog --json` lists them."""
        from ..catalog import summaries

        self.reply({"types": summaries()})


REGISTRY_TIMEOUT = 120  # s: the first look at the registry imports cfn-lint (seconds on a loaded machine)


async def _registry(fn, *args):
    """A registry look-up off the event loop, with a deadline; its refusals as 400 answers."""
    from ..generic.registry import RegistryUnavailable

    try:
        return await asyncio.wait_for(IOLoop.current().run_in_executor(None, fn, *args), REGISTRY_TIMEOUT)
    except asyncio.TimeoutError:
        raise ApiError(503, f"the CloudFormation registry did not answer within {REGISTRY_TIMEOUT} s") from None
    except (RegistryUnavailable, ValueError) as exc:
        raise ApiError(400, str(exc)) from None


def _region(handler: IsshoniHandler) -> str:
    from ..generic.registry import REGION

    region = handler.get_argument("region", "us-east-1")
    if not REGION.match(region):
        raise ApiError(400, f"not a region: {region!r}")
    return region


class CfnTypesHandler(IsshoniHandler):
    @web.authenticated
    @authorized("read")
    async def get(self):
        """Search every CloudFormation registry type (`?q=words&region=...&limit=...`): a design
        uses one as a generic resource, type `cfn:<type>`."""
        from ..generic.registry import search

        try:
            limit = min(max(int(self.get_argument("limit", "50")), 0), 2000)
        except ValueError:
            raise ApiError(400, "'limit' must be a whole number") from None
        query = self.get_argument("q", "")[:200]
        found, total = await _registry(search, query, _region(self), limit)
        self.reply({"types": found, "total": total})


class CfnTypeHandler(IsshoniHandler):
    @web.authenticated
    @authorized("read")
    async def get(self, cfn_type):
        """One registry type: its schema, read-only properties, attributes and Terraform counterpart."""
        from ..generic import design_type
        from ..generic import registry as reg

        name = design_type(cfn_type)[4:]

        def describe():
            try:
                return reg.profile(region, name).to_dict()
            except KeyError:
                return None

        region = _region(self)
        found = await _registry(describe)
        if found is None:
            raise ApiError(404, f"no CloudFormation type {name} in {region}")
        self.reply(found)


class OpenApiHandler(IsshoniHandler):
    @web.authenticated
    @authorized("read")
    async def get(self):
        from .openapi import spec

        self.reply(spec(self.base_url))


class CanvasHandler(DesignHandler):
    @web.authenticated
    @authorized
    async def get(self, path):
        self.reply({"design": (await self.live(path)).to_dict()})

    @web.authenticated
    @authorized
    async def post(self, path):
        """`{"ops": [...]}` all-or-nothing, or `{"design": {...}}` to replace the content.  Either way
        only the design (meta, resources, connections) changes: the chat and the job records are
        history, kept as the server has them (a body's `chat`, `deployments` and `versions` are ignored).

        The edit is validated in a worker process, with a deadline, from a snapshot; it is
        written only if the parts it read are still as they were (else it runs again on the
        new content), so neither a slow edit nor anyone else's edits meanwhile are lost or
        held up."""
        body = self.body()
        if ("ops" in body) == ("design" in body) or set(body) - {"ops", "design"}:
            raise ApiError(400, "send either {'ops': [...]} or {'design': {...}}")
        if "design" in body and not isinstance(body["design"], dict):
            raise ApiError(400, "'design' must be a JSON object")
        doc = await self.live(path)
        for _ in range(EDIT_ATTEMPTS):
            before = doc.to_dict(without=HISTORY)
            with bad_input():
                after = await workers.run("edit", workers.edit, before, body)
            for root in HISTORY:  # whatever the body said of them
                after.pop(root, None)
            if doc.replace_if(before, after):
                self.reply({"design": doc.to_dict()})
                return
        raise ApiError(409, "the design kept changing while this edit was checked: send it again")


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
        path = check_path(path)
        async with self.designs.lock(path):
            doc = await self.designs.open(self.settings, path)
            design = doc.design()
            message = design.add_message(author_of(self.current_user), text)
            doc.apply(design.data, sections=("chat",))
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
            code = await workers.run("generate", workers.generate_mapped, design.data, fmt, self.folder(path))
        self.reply({"format": fmt, **code})


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
        return author_of(self.current_user)

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
        doc.apply(design.data, sections=("chat",))
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
        from ..assistant import aapply_proposal, discard_proposal
        from .assistant import run_in_workers

        body = self.body()
        action, message = body.get("action"), body.get("message")
        if action not in ("apply", "discard") or not isinstance(message, str):
            raise ApiError(400, "send {'message': <id>, 'action': 'apply' | 'discard'}")
        doc = await self.live(path)
        async with self.assistant.lock(doc):
            try:
                if action == "apply":  # the ops are validated in a worker process
                    self.reply(await aapply_proposal(doc, message, by=self.author(), runner=run_in_workers))
                else:
                    self.reply(discard_proposal(doc, message, by=self.author()))
            except KeyError as exc:
                raise ApiError(404, describe(exc)) from None
            except DesignError as exc:
                raise ApiError(409, "the design changed since the proposal: " + "; ".join(map(str, exc.problems[:3])),
                               exc.problems) from None
            except ValueError as exc:
                raise ApiError(409, str(exc)) from None
            except TimeoutError as exc:
                raise ApiError(504, str(exc)) from None


class RecoveryHandler(DesignHandler):
    """A design file that is no design (stores/file_check.py): what is wrong with it, the last good
    version the collaboration store holds, and a way to put that version back (stores/recovery.py)."""

    def collaboration(self):
        collaboration = self.settings.get("jupyter_server_ydoc")
        if collaboration is None:
            raise ApiError(503, "real-time collaboration (jupyter-collaboration) is not enabled on this server")
        return collaboration

    async def checked(self, path: str) -> str:
        path = check_path(path)
        await existing(self.settings, path)
        return path

    @web.authenticated
    @authorized("read")
    async def get(self, path):
        """`{"file": {"valid", "message", "line", "column"}, "design": <the store's version> | null}`."""
        from ..stores import recovery

        path = await self.checked(path)
        problem = await recovery.file_problem(self.settings["contents_manager"], path)
        if problem is None:
            self.reply({"file": {"valid": True}, "design": None})
            return
        doc = await recovery.last_good(self.collaboration(), path)
        self.reply({"file": {"valid": False, **problem.to_dict()}, "design": doc.to_dict() if doc else None})

    @web.authenticated
    @authorized
    async def post(self, path):
        """Write the store's last good version over the broken file."""
        from ..stores import recovery

        path = await self.checked(path)
        async with self.designs.lock(path):
            try:
                doc = await recovery.restore(self.collaboration(), self.settings["contents_manager"], path)
            except recovery.NothingToRestore as exc:
                raise ApiError(exc.status, str(exc)) from None
        self.reply({"design": doc.to_dict()})


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

    @web.authenticated
    @authorized
    async def post(self, path):
        """Store a job's record `{"record": {...}, "key": "<the job's write key>"}`: the one way job
        records reach a live design (deploy/records.py says who may write what); a job record is a
        deploy, so only a user who may deploy writes one."""
        from .job_records import store
        from .permissions import require_deploy

        await require_deploy(self)
        body = self.body()
        stored, new = await store(self.designs, self.settings, check_path(path), body.get("record"), body.get("key"),
                                  author_of(self.current_user))
        self.reply(stored, 201 if new else 200)


# route template (OpenAPI spelling) -> handler; `{path}` may hold slashes
ROUTES: list[tuple[str, type[IsshoniHandler]]] = [
    (f"{API}/catalog", CatalogHandler),
    (f"{API}/cfn-types", CfnTypesHandler),
    (f"{API}/cfn-types/{{cfn_type}}", CfnTypeHandler),
    (f"{API}/openapi.json", OpenApiHandler),
    (f"{API}/designs/{{path}}/canvas", CanvasHandler),
    (f"{API}/designs/{{path}}/chat", ChatHandler),
    (f"{API}/designs/{{path}}/generate", GenerateHandler),
    (f"{API}/designs/{{path}}/check", CheckHandler),
    (f"{API}/designs/{{path}}/jobs", JobsHandler),
    (f"{API}/designs/{{path}}/recovery", RecoveryHandler),
    (f"{API}/designs/{{path}}/assistant", AssistantHandler),
    (f"{API}/designs/{{path}}/assistant/undo", AssistantUndoHandler),
    (f"{API}/designs/{{path}}/assistant/stop", AssistantStopHandler),
    (f"{API}/designs/{{path}}/assistant/proposal", AssistantProposalHandler),
    *IMPORT_ROUTES,
    *GALLERY_ROUTES,
    *DEPLOY_ROUTES,
    *VERSION_ROUTES,
    *COST_ROUTES,
]


def methods(handler: type[IsshoniHandler]) -> list[str]:
    """The HTTP methods a handler answers (those it or an Isshoni base of it defines)."""
    own = [c for c in handler.__mro__ if c is handler or issubclass(c, IsshoniHandler)]
    return [m for m in ("get", "post", "put", "patch", "delete") if any(m in vars(c) for c in own)]


def handlers(designs: LiveDesigns) -> list[tuple]:
    """Tornado rules: `{path}` becomes a regex group; design handlers share one LiveDesigns."""
    out = []
    for template, handler in ROUTES:
        pattern = template.replace(".", r"\.").replace("{path}", "(?P<path>.+)").replace("{cfn_type}", "(?P<cfn_type>[A-Za-z0-9:]+)")
        pattern = pattern.replace("{name}", "(?P<name>[A-Za-z0-9_-]{1,64})")
        kwargs = {"designs": designs} if issubclass(handler, DesignHandler) else {}
        out.append((pattern + "$", handler, kwargs))
    return out
