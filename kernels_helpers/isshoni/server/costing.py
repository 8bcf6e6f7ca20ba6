"""`GET /isshoni/api/designs/{path}/cost`: the live design's monthly estimate (isshoni.cost), for the
canvas's cost badges.  A few milliseconds for 1,000 nodes (benchmarks/bench_cost.py): answered
in the request, read-only (viewers see it too)."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..cost import estimate
from .base import DesignHandler
from .errors import bad_input

API = "/isshoni/api"


class CostHandler(DesignHandler):
    @web.authenticated
    @authorized("read")
    async def get(self, path):
        design = await self.snapshot(path)
        with bad_input():
            self.reply(estimate(design).to_json())


ROUTES = [(f"{API}/designs/{{path}}/cost", CostHandler)]
