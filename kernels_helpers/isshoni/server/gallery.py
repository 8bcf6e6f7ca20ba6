"""The template gallery: the ready designs, each with a picture and its content.

`GET /isshoni/api/templates` lists them (name, description, counts),
`GET /isshoni/api/templates/{name}` gives one design (the canvas saves it as a new file), and
`GET /isshoni/api/templates/{name}/preview.svg` its diagram (kernel/diagram.py, the picture a
notebook shows).  Templates are read and drawn off the event loop; the SVG is served with a
policy that lets nothing in it run or load (labels are escaped anyway).
"""

from __future__ import annotations

import functools

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import JupyterHandler
from tornado import web
from tornado.ioloop import IOLoop

from .base import IsshoniHandler
from .errors import ApiError

API = "/isshoni/api"
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _listing() -> list[dict]:
    from .. import templates

    out = []
    for name in templates.names():
        design = templates.load(name)  # validates it
        out.append({"name": name, "title": templates.title(name), "description": design.meta.get("description", ""),
                    "resources": len(design.resources), "connections": len(design.connections)})
    return out


def _design(name: str) -> dict:
    from .. import templates

    try:
        return templates.load(name).data
    except KeyError as exc:
        raise ApiError(404, str(exc.args[0])) from None


@functools.lru_cache(maxsize=64)  # templates ship with the package: a picture per name and version
def _preview(name: str) -> str:
    from ..kernel.diagram import svg

    return svg(_design(name), max_width=480)


class TemplatesHandler(IsshoniHandler):
    @web.authenticated
    @authorized("read")
    async def get(self):
        self.reply({"templates": await IOLoop.current().run_in_executor(None, _listing)})


class TemplateHandler(IsshoniHandler):
    @web.authenticated
    @authorized("read")
    async def get(self, name: str):
        self.reply(await IOLoop.current().run_in_executor(None, _design, name))


class TemplatePreviewHandler(JupyterHandler):
    """An image, not JSON (an API handler would answer every response as JSON)."""

    auth_resource = IsshoniHandler.auth_resource

    @web.authenticated
    @authorized("read")
    async def get(self, name: str):
        try:
            text = await IOLoop.current().run_in_executor(None, _preview, name)
        except ApiError as exc:
            raise web.HTTPError(exc.status_code, exc.message) from None
        self.set_header("Content-Type", "image/svg+xml; charset=utf-8")
        self.set_header("Content-Security-Policy", SVG_POLICY)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Cache-Control", "private, max-age=3600")
        self.finish(text)


ROUTES = [
    (f"{API}/templates", TemplatesHandler),
    (f"{API}/templates/{{name}}", TemplateHandler),
    (f"{API}/templates/{{name}}/preview.svg", TemplatePreviewHandler),
]
