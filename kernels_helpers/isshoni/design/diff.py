"""What changed between two versions of a design: nodes, connections and design settings.

A design is stable JSON, so two versions compare item by item: a node or connection is added,
removed or changed, and a changed one lists each value that differs by its JSON Pointer path
(RFC 6901, written by `jsonpointer`) with its old and new value.  Objects are compared key by
key; a list is one value (a JSON Patch would number list items as edits shift them, which reads
badly in a review: `ports: [80] -> [80, 443]` is what a reviewer wants).  Where a node sits on
the canvas is kept apart (`moved`): a drag is not a change to the infrastructure.  The chat and the deploy records are
history, not the design, and are not compared.  Rendering is diff_render.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from jsonpointer import JsonPointer

ABSENT = object()  # a value one side does not have
_LAYOUT = ("position", "size")  # where a node is drawn, not what it is


@dataclass
class Change:
    """One value that differs inside a changed item: `path` a JSON Pointer into the item."""

    path: str
    old: object = ABSENT
    new: object = ABSENT


@dataclass
class ItemDiff:
    """A node or connection that was added, removed or changed (`changes` for a changed one)."""

    kind: str  # "added" | "removed" | "changed"
    id: str
    summary: str  # "sqs_queue" for a node, "api -> jobs" for a connection
    changes: list[Change] = field(default_factory=list)


@dataclass
class DesignDiff:
    """`old` -> `new`: nodes, connections, design settings (name, region, parameters ...) and the
    nodes only moved on the canvas."""

    old_name: str
    new_name: str
    resources: list[ItemDiff] = field(default_factory=list)
    connections: list[ItemDiff] = field(default_factory=list)
    meta: list[Change] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    cost: dict | None = None  # what the change does to the monthly estimate (cost/change.py)

    @property
    def empty(self) -> bool:
        return not (self.resources or self.connections or self.meta)

    def counts(self) -> dict[str, int]:
        out = {}
        for what, items in (("resources", self.resources), ("connections", self.connections)):
            for kind in ("added", "removed", "changed"):
                out[f"{what}_{kind}"] = sum(1 for i in items if i.kind == kind)
        out["settings_changed"] = len(self.meta)
        out["moved"] = len(self.moved)
        return out

    def to_json(self) -> dict:
        def change(c: Change) -> dict:
            return {"path": c.path, **({"old": c.old} if c.old is not ABSENT else {}), **({"new": c.new} if c.new is not ABSENT else {})}

        def item(i: ItemDiff) -> dict:
            return {"kind": i.kind, "id": i.id, "summary": i.summary, "changes": [change(c) for c in i.changes]}

        return {"old": self.old_name, "new": self.new_name, "counts": self.counts(),
                "resources": [item(i) for i in self.resources], "connections": [item(i) for i in self.connections],
                "settings": [change(c) for c in self.meta], "moved": list(self.moved),
                **({"cost": self.cost} if self.cost is not None else {})}

    def _repr_markdown_(self) -> str:  # a notebook shows a diff as its review table
        from .diff_render import markdown

        return markdown(self)

    def __str__(self) -> str:
        from .diff_render import text

        return text(self)


def diff(old: dict, new: dict) -> DesignDiff:
    """The difference between two design documents (plain JSON, as a file or a Design's data)."""
    old_meta, new_meta = old.get("meta") or {}, new.get("meta") or {}
    out = DesignDiff(str(old_meta.get("name", "")), str(new_meta.get("name", "")))
    out.meta = changes(old_meta, new_meta)
    old_res, new_res = old.get("resources") or {}, new.get("resources") or {}
    for rid in sorted(old_res.keys() | new_res.keys()):
        before, after = old_res.get(rid), new_res.get(rid)
        summary = str((after or before).get("type", ""))
        if before is None:
            out.resources.append(ItemDiff("added", rid, summary))
        elif after is None:
            out.resources.append(ItemDiff("removed", rid, summary))
        else:
            found = changes(_without_layout(before), _without_layout(after))
            if found:
                out.resources.append(ItemDiff("changed", rid, summary, found))
            elif any(before.get(k) != after.get(k) for k in _LAYOUT):
                out.moved.append(rid)
    old_con, new_con = old.get("connections") or {}, new.get("connections") or {}
    for cid in sorted(old_con.keys() | new_con.keys()):
        before, after = old_con.get(cid), new_con.get(cid)
        either = after or before
        summary = f"{either.get('source', '?')} -> {either.get('target', '?')}"
        if before is None:
            out.connections.append(ItemDiff("added", cid, summary))
        elif after is None:
            out.connections.append(ItemDiff("removed", cid, summary))
        else:
            found = changes(before, after)
            if found:
                out.connections.append(ItemDiff("changed", cid, summary, found))
    if out.resources or out.connections or out.meta:
        from ..cost.change import cost_change

        out.cost = cost_change(old, new)
    return out


def changes(old: dict, new: dict, at: tuple = ()) -> list[Change]:
    """Each value that differs between two JSON objects, by path, with both values."""
    out = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key, ABSENT), new.get(key, ABSENT)
        if _same(before, after):
            continue
        if type(before) is dict and type(after) is dict:
            out += changes(before, after, (*at, key))
        else:
            out.append(Change(JsonPointer.from_parts([*at, key]).path, before, after))
    return out


def _same(a, b) -> bool:
    """Equal as JSON: Python's == takes True for 1 and 1.0 for 1, which JSON tells apart."""
    if a is b:
        return True
    if type(a) is not type(b) or a != b:
        return False
    return type(a) is not list or json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _without_layout(item: dict) -> dict:
    return {k: v for k, v in item.items() if k not in _LAYOUT}


__all__ = ["ABSENT", "Change", "DesignDiff", "ItemDiff", "changes", "diff"]
