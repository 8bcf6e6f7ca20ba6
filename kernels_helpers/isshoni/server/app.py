"""The Jupyter server extension: the REST API, the assistant, TCP_NODELAY on collaboration rooms.

Extensions load in alphabetical order, so `isshoni` loads before
`jupyter_server_ydoc`: the handlers therefore read the collaboration app from
the web app's settings at request time, and the websocket handler swap is
tried at load and again once every extension has loaded.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool

from ..assistant import Assistant
from . import nodelay, shutdown, workers
from .assistant import AssistantService
from .deploy_jobs import DeployJobs
from .documents import LiveDesigns
from .handlers import handlers


class IsshoniExtension(ExtensionApp):
    """Isshoni on a Jupyter server: `/isshoni/api/...` and low-latency rooms."""

    name = "isshoni"
    description = "Isshoni: collaborative AWS infrastructure designs (REST API, room tuning)"

    tcp_nodelay = Bool(
        True,
        config=True,
        help="Turn Nagle's algorithm off on collaboration websockets (set_nodelay). "
        "Off only to measure what it costs: benchmarks/bench_latency.py.",
    )
    _reaper: asyncio.Future | None = None  # stops idle worker pools (workers.reap_idle) while the server runs

    durable_store = Bool(
        True,
        config=True,
        help="Newer wins: keep edits the store has and the file lacks (server killed before autosave), "
        "and use Isshoni's SQLite store when no ystore_class is configured. See isshoni/stores/rooms.py.",
    )

    really_aws = Bool(
        False,
        config=True,
        help="Let users of this server deploy the designs to the real AWS account of the server's credentials "
        "(target 'aws' in the canvas and the REST API). Off: only the sandbox.",
    )

    roles = Bool(
        True,
        config=True,
        help="Decide every request with Isshoni's roles (viewer, editor, deployer: c.IsshoniAuthorizer, "
        "docs/jupyterhub.md) unless the server is configured with another ServerApp.authorizer_class.",
    )

    def _link_jupyter_server_extension(self, serverapp) -> None:
        """Linking comes before the server makes its authorizer: Isshoni's takes the default's place."""
        super()._link_jupyter_server_extension(serverapp)
        from jupyter_server.auth.authorizer import AllowAllAuthorizer

        from .authorizer import IsshoniAuthorizer

        if self.roles and serverapp.authorizer_class is AllowAllAuthorizer:
            serverapp.authorizer_class = IsshoniAuthorizer
        elif serverapp.authorizer_class is not IsshoniAuthorizer:
            self.log.info("isshoni: the server's authorizer is %s: Isshoni's roles are not used", serverapp.authorizer_class.__name__)

    def initialize_handlers(self) -> None:
        from ..stores import rooms

        rooms.install()  # Isshoni's rooms also keep the chat and job records honest (stores/history_guard.py)
        # who edited what (stores/edit_trail.py), as a Jupyter event besides the log
        self.serverapp.event_logger.register_event_schema(Path(__file__).parent / "events" / "edit.yaml")
        if self.durable_store:
            rooms.use_isshoni_store(self.serverapp, self.log)
        self.designs = LiveDesigns()
        # `c.Assistant.model = ...` and friends configure the assistant (see isshoni.assistant.config)
        self.assistant = AssistantService(self.serverapp, Assistant(parent=self), self.log)
        self.assistant.listen()
        self.serverapp.web_app.settings["isshoni_assistant"] = self.assistant
        self.deploys = DeployJobs(self.designs, self.log)
        self.serverapp.web_app.settings["isshoni_deploy"] = self.deploys
        self.serverapp.web_app.settings["isshoni_really_aws"] = self.really_aws
        self.handlers.extend(handlers(self.designs))
        self._nodelay_routes = nodelay.install(self.serverapp.web_app, self.log) if self.tcp_nodelay else 0

    async def _start_jupyter_server_extension(self, serverapp) -> None:
        """Every extension has loaded by now: jupyter_server_ydoc's routes exist if it is enabled."""
        self._reaper = asyncio.ensure_future(workers.reap_idle(self.log))
        if self.tcp_nodelay and not self._nodelay_routes:
            self._nodelay_routes = nodelay.install(serverapp.web_app, self.log)
            if not self._nodelay_routes:
                self.log.warning(
                    "isshoni: no jupyter_server_ydoc room handler found; collaboration websockets keep "
                    "Nagle's algorithm (about 40 ms more per request/response round trip)"
                )

    async def stop_extension(self) -> None:
        """Answers in flight and worker processes go with the server, which then exits promptly."""
        shutdown.exit_promptly()
        self.deploys.stop()
        await self.assistant.stop()
        if self._reaper is not None:
            self._reaper.cancel()
        workers.shutdown()
