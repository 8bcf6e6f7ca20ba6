"""REST for deploying a live design: preview, deploy, destroy, canary, rollback, drift, and `GET /me`.

Every action asks `permissions.require_deploy` first (one check, jupyter_server's own
authorizer), then checks its input here, in the request, so a mistake answers at once with
a 4xx; the job itself runs in a child process (deploy_jobs.py) and the answer is its first
record (202): every canvas follows the rest in the design's `deployments`.  Real AWS is used
only when the server says so (`c.IsshoniExtension.really_aws = True`); the sandbox is the default.
"""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..deploy.canary import AUTO_STEPS
from ..deploy.child import ANSWERS
from ..deploy.engines import ENGINES
from ..deploy.targets import TARGETS
from ..design.history import author_of
from .base import DesignHandler, IsshoniHandler
from .deploy_jobs import DeployJobs
from .documents import check_path
from .errors import ApiError
from .permissions import may_deploy, require_deploy, role_of

API = "/isshoni/api"
STEPS = tuple(AUTO_STEPS)  # the canary steps a canvas offers: 10, 50, 90, 100 % green


def _jobs(handler) -> DeployJobs:
    jobs = handler.settings.get("isshoni_deploy")
    if jobs is None:
        raise ApiError(503, "deploy jobs are not running on this server")
    return jobs


def _really_aws(handler) -> bool:
    return bool(handler.settings.get("isshoni_really_aws"))


def targets_for(handler) -> list[str]:
    return [t for t in TARGETS if t != "aws" or _really_aws(handler)]


class MeHandler(IsshoniHandler):
    @web.authenticated
    @authorized("read")
    async def get(self):
        """Who the request's user is, their role, and what the canvas may offer them."""
        self.reply({"name": author_of(self.current_user), **await role_of(self), "can_deploy": await may_deploy(self),
                    "targets": targets_for(self), "engines": list(ENGINES), "canary_steps": list(STEPS)})


class DeployAction(DesignHandler):
    """One deploy action on a design: check who and what, then start its job."""

    kind = ""
    fields: frozenset[str] = frozenset({"target"})
    status = 202

    def options(self, body: dict) -> dict:
        """The runner's keyword arguments for this action, from a checked body."""
        target = body.get("target", "sandbox")
        if target not in TARGETS:
            raise ApiError(400, f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")
        if target == "aws" and not _really_aws(self):
            raise ApiError(403, "this server does not deploy to a real AWS account (its operator can allow it with "
                           "c.IsshoniExtension.really_aws = True); use the sandbox")
        return {"target": target, **({"really_aws": True} if target == "aws" else {})}

    def confirm(self, body: dict, design) -> None:
        """Refuse unless the body confirms the action (destroy asks for the design's name)."""

    @web.authenticated
    async def post(self, path):
        await require_deploy(self)
        body = self.body_with(self.fields)
        options = self.options(body)
        path = check_path(path)
        design = (await self.designs.open(self.settings, path)).design()
        self.confirm(body, design)
        started = await _jobs(self).start(self.settings, path, self.kind, options, author_of(self.current_user), design)
        self.reply({"job": started} if self.kind not in ANSWERS else started, self.status)


def _engine(body: dict, *, required: bool) -> dict:
    engine = body.get("engine", "cloudformation" if required else None)
    if engine is None:
        return {}
    if engine not in ENGINES:
        raise ApiError(400, f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    return {"engine": engine}


class DeployHandler(DeployAction):
    kind = "deploy"
    fields = frozenset({"target", "engine"})

    def options(self, body: dict) -> dict:
        return {**super().options(body), **_engine(body, required=True)}


class PreviewHandler(DeployHandler):
    """The engine's own plan for a deploy (a change set, `terraform plan`), as a diff; nothing changes."""

    kind = "preview"
    status = 200


class DestroyHandler(DeployAction):
    kind = "destroy"
    fields = frozenset({"target", "engine", "confirm"})

    def options(self, body: dict) -> dict:
        return {**super().options(body), **_engine(body, required=False)}

    def confirm(self, body: dict, design) -> None:
        typed = body.get("confirm")
        if not isinstance(typed, str) or typed != design.name:
            raise ApiError(400, f"destroying deletes everything deployed from this design: send 'confirm' with the "
                           f"design's name exactly ({design.name!r})" + ("" if typed is None else f", not {typed!r}"))


class CanaryHandler(DeployAction):
    kind = "canary"
    fields = frozenset({"target", "green", "auto", "accept_unchecked"})

    def options(self, body: dict) -> dict:
        green, auto, unchecked = body.get("green"), body.get("auto", False), body.get("accept_unchecked", False)
        if not isinstance(auto, bool) or not isinstance(unchecked, bool):
            raise ApiError(400, "'auto' and 'accept_unchecked' are true or false")
        if (green is None) == (not auto):
            raise ApiError(400, "send either 'green' (one step) or 'auto': true (the walk "
                           f"{' -> '.join(map(str, STEPS))})")
        if green is not None and (type(green) is not int or green not in STEPS):
            raise ApiError(400, f"a canary step is one of {', '.join(map(str, STEPS))} (% of traffic to green), not {green!r}")
        step = {"auto": True, "accept_unchecked": unchecked} if auto else {"green": green}
        return {**super().options(body), **step}


class RollbackHandler(DeployAction):
    kind = "rollback"


class DriftHandler(DeployAction):
    """Does what runs still match the design?  Reads the deployment (describe calls; Terraform's
    refresh-only plan), changes nothing; the answer is the drift report (deploy/drift.py)."""

    kind = "drift"
    status = 200


ROUTES = [
    (f"{API}/me", MeHandler),
    (f"{API}/designs/{{path}}/deploy", DeployHandler),
    (f"{API}/designs/{{path}}/deploy/preview", PreviewHandler),
    (f"{API}/designs/{{path}}/destroy", DestroyHandler),
    (f"{API}/designs/{{path}}/canary", CanaryHandler),
    (f"{API}/designs/{{path}}/rollback", RollbackHandler),
    (f"{API}/designs/{{path}}/drift", DriftHandler),
]

__all__ = ["ROUTES", "may_deploy"]
