"""The design as a collaborative Yjs document (`infra`), for jupyter-collaboration.

Roots mirror the design: `meta` (Map), `resources` (Map of Maps, each with a
nested `properties` Map, so two people editing two properties of one node
both win), `connections` (Map of Maps), `chat` (Array), `deployments` (Map).
`get()` gives the canonical `.infra.json` text (sorted, stable: opening a file
never shows as a change in git); `set()` replaces the content in one
transaction.  The TypeScript `YInfra` in the extension uses the same roots.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from jupyter_ydoc.ybasedoc import YBaseDoc
from pycrdt import Array, Awareness, Doc, Map

from .design.model import dumps, empty

ROOTS = ("meta", "resources", "connections", "chat", "deployments")
NESTED = {"resources": ("properties",), "connections": ("properties",)}


def _plain(value):
    """pycrdt values -> plain JSON values (Yjs numbers are doubles: whole ones become ints,
    as JSON and JavaScript make no difference)."""
    if isinstance(value, (Map, dict)):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (Array, list)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _item_map(section: str, item: dict) -> Map:
    """A resource or connection as a Map whose `properties` is a Map of its own."""
    fields = {k: v for k, v in item.items() if k not in NESTED[section]}
    for key in NESTED[section]:
        fields[key] = Map(dict(item.get(key) or {}))
    return Map(fields)


class YInfra(YBaseDoc):
    """A design document shared through a collaboration room."""

    def __init__(self, ydoc: Doc | None = None, awareness: Awareness | None = None):
        super().__init__(ydoc, awareness)
        self._ymeta = self._ydoc.get("meta", type=Map)
        self._yresources = self._ydoc.get("resources", type=Map)
        self._yconnections = self._ydoc.get("connections", type=Map)
        self._ychat = self._ydoc.get("chat", type=Array)
        self._ydeployments = self._ydoc.get("deployments", type=Map)
        self._roots = {
            "meta": self._ymeta,
            "resources": self._yresources,
            "connections": self._yconnections,
            "chat": self._ychat,
            "deployments": self._ydeployments,
        }
        for root in self._roots.values():
            self.undo_manager.expand_scope(root)

    @property
    def version(self) -> str:
        return "1.0.0"

    # ------------------------------------------------------------ whole document
    def to_dict(self) -> dict:
        data = {"version": 1}
        data.update({name: _plain(root) for name, root in self._roots.items()})
        if not data["meta"]:
            data["meta"] = empty("design")["meta"]
        return data

    def get(self) -> str:
        return dumps(self.to_dict())

    def set(self, value: str) -> None:
        data = json.loads(value) if value.strip() else empty("design")
        with self._ydoc.transaction():
            self._ymeta.clear()
            self._ymeta.update(dict(data.get("meta") or {}))
            for section in ("resources", "connections"):
                root = self._roots[section]
                root.clear()
                for key, item in sorted((data.get(section) or {}).items()):
                    root[key] = _item_map(section, item)
            self._ychat.clear()
            self._ychat.extend(list(data.get("chat") or []))
            self._ydeployments.clear()
            self._ydeployments.update(dict(data.get("deployments") or {}))

    def observe(self, callback: Callable[[str, Any], None]) -> None:
        """Every root, deeply: autosave hangs off this, a forgotten root is never saved."""
        self.unobserve()
        self._subscriptions[self._ystate] = self._ystate.observe(partial(callback, "state"))
        for name, root in self._roots.items():
            self._subscriptions[root] = root.observe_deep(partial(callback, name))
