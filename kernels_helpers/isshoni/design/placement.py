"""Where a new node goes when nobody said (the assistant, kernel helpers, an edit op without a
position): inside the container the model puts it in, in free space, and without making any
other container look nested in it.

The canvas draws a container around its children, so a child placed far from its siblings
stretches its container over whatever lies between.  A spot is therefore taken (1) inside
the container's current box, on a grid, away from other nodes and outside any nested
container, else (2) just beside that box, where the grown box would cover no other
container; a node with no container goes beside everything, outside every container box.
"""

from __future__ import annotations

from .boxes import Box, Measures, boxes, is_container
from .containers import ancestors

CANVAS = Measures(tile=48, pad=34, label=24)  # the canvas's icon, container padding, label band
STEP_X, STEP_Y = 110, 100  # one node and its name, with air around it
CLEAR = 60  # how close another node may be


def _inside(p: tuple[float, float], b: Box, margin: float = 0.0) -> bool:
    return b[0] - margin <= p[0] <= b[2] + margin and b[1] - margin <= p[1] <= b[3] + margin


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def free_spot(resources: dict, parent: str | None) -> dict:
    """A position {x, y} for a new node whose container is `parent` (None: top level)."""
    if not resources:
        return {"x": 0, "y": 0}
    box = boxes(resources, CANVAS)
    leaves = [(float((r.get("position") or {}).get("x", 0)), float((r.get("position") or {}).get("y", 0)))
              for r in resources.values() if not is_container(r)]
    home = set(ancestors(resources, parent)) | {parent} if parent in resources else set()
    others = {rid: box[rid] for rid, r in resources.items() if is_container(r) and rid not in home}
    nested = {rid for rid in others if parent in ancestors(resources, rid)}  # inside the parent already
    grow = CANVAS.tile / 2 + CANVAS.pad  # how far a container's box reaches past a child's centre
    near = CANVAS.tile / 2 + 8  # a node's own half, and a little air

    def free(p: tuple[float, float], margin: float) -> bool:
        return (all(abs(p[0] - q[0]) >= CLEAR or abs(p[1] - q[1]) >= CLEAR for q in leaves)
                and not any(_inside(p, b, margin) for b in others.values()))

    def covers_nothing(grown: Box) -> bool:
        return not any(_overlap(grown, b) for rid, b in others.items() if rid not in nested)

    if parent in resources and is_container(resources[parent]):
        x0, y0, x1, y1 = box[parent]
        has_children = any(r.get("parent") == parent for r in resources.values())
        if not has_children:
            pos = resources[parent].get("position") or {}
            return {"x": round(float(pos.get("x", 0))), "y": round(float(pos.get("y", 0)))}
        # (1) inside its box, row by row
        top = y0 + CANVAS.pad + CANVAS.label + CANVAS.tile / 2
        y = top
        while y <= y1 - CANVAS.tile / 2:
            x = x0 + CANVAS.pad + CANVAS.tile / 2
            while x <= x1 - CANVAS.tile / 2:
                if free((x, y), near):
                    return {"x": round(x), "y": round(y)}
                x += STEP_X
            y += STEP_Y
        # (2) beside it: right, then below, where the grown box covers no other container
        for ring in range(1, 20):
            for p in [(x1 + STEP_X * ring - grow, top + STEP_Y * row) for row in range(ring)] + \
                     [(x0 + CANVAS.pad + CANVAS.tile / 2 + STEP_X * col, y1 + STEP_Y * ring - grow) for col in range(ring)]:
                grown = (x0, y0, max(x1, p[0] + grow), max(y1, p[1] + grow + CANVAS.label))
                if free(p, near) and covers_nothing(grown):
                    return {"x": round(p[0]), "y": round(p[1])}
    # top level (or a container that is no container): right of everything, outside every box
    x0 = min(b[0] for b in box.values())
    right = max(b[2] for b in box.values()) + STEP_X / 2 + CANVAS.pad
    top = min(b[1] for b in box.values()) + CANVAS.tile / 2
    for col in range(50):
        for row in range(12):
            p = (right + STEP_X * col, top + STEP_Y * row)
            if free(p, CANVAS.tile):
                return {"x": round(p[0]), "y": round(p[1])}
    return {"x": round(x0), "y": round(max(b[3] for b in box.values()) + STEP_Y)}


def laid_out(resources: dict) -> bool:
    """Whether the design has been drawn (some node moved off the origin); a design built from
    scratch keeps every node at 0,0 and the canvas lays it out as a whole (ELK)."""
    return any((r.get("position") or {}).get("x", 0) or (r.get("position") or {}).get("y", 0) for r in resources.values())


def position_for(resources: dict, parent: str | None) -> dict:
    """A new node's position: free space where the model puts it in a drawn design; the origin
    in one being built from scratch (the canvas lays that out whole)."""
    return free_spot(resources, parent) if laid_out(resources) else {"x": 0, "y": 0}
