"""TCP_NODELAY on the collaboration websockets.

Tornado leaves Nagle's algorithm on for websocket handlers.  A Yjs exchange is
small writes answered by small writes, so Nagle holding a write back until the
peer's delayed ACK arrives puts a ~40 ms floor under every request/response
round trip (measured: 47.6 ms median -> 5.2 ms with nodelay; see
benchmarks/bench_latency.py).  jupyter_server_ydoc does not set it, so its
handler is swapped in the tornado routing table for a subclass that does.
"""

from __future__ import annotations

from functools import lru_cache
from logging import Logger

from tornado.routing import RuleRouter


@lru_cache(maxsize=1)
def nodelay_handler():
    """The subclass of jupyter_server_ydoc's room handler (built lazily: collaboration is optional)."""
    from jupyter_server_ydoc.handlers import YDocWebSocketHandler

    class NoDelayYDocWebSocketHandler(YDocWebSocketHandler):
        """The collaboration room websocket, with Nagle's algorithm off."""

        async def open(self, *args, **kwargs):
            self.set_nodelay(True)
            return await super().open(*args, **kwargs)

    return NoDelayYDocWebSocketHandler


def _rules(router):
    """Every rule under a router, depth first (host rules hold routers of path rules)."""
    for rule in router.rules:
        yield rule
        if isinstance(rule.target, RuleRouter):
            yield from _rules(rule.target)


def install(web_app, log: Logger) -> int:
    """Swap the room handler in every routing rule; returns how many rules now use the subclass."""
    try:
        from jupyter_server_ydoc.handlers import YDocWebSocketHandler
    except ImportError:
        return 0
    subclass = nodelay_handler()
    count = 0
    for rule in _rules(web_app.default_router):  # its last rule holds the wildcard router
        if rule.target is YDocWebSocketHandler:
            rule.target = subclass
        if rule.target is subclass:
            count += 1
    if count:
        log.info("isshoni: TCP_NODELAY set on collaboration websockets (%d route(s))", count)
    return count
