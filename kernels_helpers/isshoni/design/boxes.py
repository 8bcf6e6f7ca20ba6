"""Where each node of a design is drawn: a box per resource from the saved positions, a
container's box wrapping its descendants (as the canvas's compound nodes do).

One computation for the static diagram (kernel/diagram.py) and for placing new nodes
(design/placement.py), each with its own measures of a tile, a container's padding and
its label band.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import CATALOG
from .containers import depths, parent_of

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class Measures:
    tile: float  # a leaf's icon
    pad: float  # a container's padding around its children
    label: float  # the band of a leaf's name (below it) and of a container's (above its children)


def is_container(resource: dict) -> bool:
    entry = CATALOG.get(resource["type"])
    return bool(entry and entry.is_container)


def boxes(resources: dict, m: Measures, depth: dict[str, int] | None = None) -> dict[str, Box]:
    """(x0, y0, x1, y1) of every node; a container wraps its descendants.  Deepest first, so
    each container's children are done before it (no recursion: any depth, loops included)."""
    depth = depths(resources) if depth is None else depth
    kids: dict[str, list[str]] = {}
    for rid in resources:
        parent = parent_of(resources, rid)
        if parent is not None and depth[rid] > depth[parent]:  # a loop's members wrap nobody
            kids.setdefault(parent, []).append(rid)
    out: dict[str, Box] = {}
    for rid in sorted(resources, key=lambda r: -depth[r]):
        res = resources[rid]
        pos = res.get("position") or {}
        x, y = float(pos.get("x", 0)), float(pos.get("y", 0))
        inner = [out[k] for k in kids.get(rid, ())]
        if is_container(res) and inner:
            out[rid] = (min(b[0] for b in inner) - m.pad, min(b[1] for b in inner) - m.pad - m.label,
                        max(b[2] for b in inner) + m.pad, max(b[3] for b in inner) + m.pad)
        else:
            half = m.tile / 2 + (m.pad if is_container(res) else 0)
            out[rid] = (x - half, y - half, x + half, y + half + m.label)
    return out
