"""Connections to or from an `external` node (a system outside AWS): drawn, never emitted."""

from __future__ import annotations

from .wiring import unit


@unit("external")
def external(ctx, cid: str, source: str, target: str, props: dict) -> None:
    """Nothing: no rule, policy, environment variable or output comes from such a connection."""
