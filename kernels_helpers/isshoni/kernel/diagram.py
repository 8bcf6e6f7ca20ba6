"""A design as a static SVG diagram (a notebook's rich display of a design).

The canvas draws the same picture live: containers (VPC, subnets) as boxes
around their children in the AWS group colours, resources at their saved
positions with the canvas's AWS icons (`icons.json`, written with the
canvas's `icons.ts` by scripts/make_icons.py), connections as lines.  Each
icon used is embedded once (a data URI in <defs>, so icons' own ids cannot
collide), wrapped in a <symbol> so <use> can size it.  Every label is XML-escaped, every attribute quoted and escaped (quoteattr).
"""

from __future__ import annotations

import base64
import json
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..catalog import CATALOG
from ..design.boxes import Measures, is_container
from ..design.boxes import boxes as node_boxes
from ..design.containers import depths
from ..generic import references

# the canvas's GROUP_COLORS (extension/src/components/canvas/style.ts)
GROUP_COLORS = {"vpc": "#8c4fff", "public": "#7aa116", "private": "#00a4a6", "other": "#7d8998"}
ROLE_COLORS = {"blue": "#1f6feb", "green": "#2da44e"}
TILE, PAD, LABEL = 48, 28, 16
DIAGRAM = Measures(tile=TILE, pad=PAD, label=LABEL)


@cache
def icons() -> dict[str, str]:
    """Catalog icon id (or `category:<name>`) -> SVG text."""
    return json.loads(Path(__file__).with_name("icons.json").read_text(encoding="utf-8"))


def _icon_key(resource: dict) -> str:
    entry = CATALOG.get(resource["type"])
    if entry is None:  # a generic resource (cfn:<type>) gets CloudFormation's icon
        return "category:generic" if str(resource["type"]).startswith("cfn:") else "category:compute"
    if resource["type"] == "subnet" and (resource.get("properties") or {}).get("tier") == "public":
        return "aws-subnet"
    return entry.icon if entry.icon in icons() else f"category:{entry.category}"


def _container_color(resource: dict) -> str:
    if resource["type"] == "vpc":
        return GROUP_COLORS["vpc"]
    if resource["type"] == "subnet":
        return GROUP_COLORS["public" if (resource.get("properties") or {}).get("tier") == "public" else "private"]
    return GROUP_COLORS["other"]


def svg(data: dict, max_width: int = 900) -> str:
    """The SVG text of a design's content (the plain `.infra.json` dict)."""
    resources, connections = data.get("resources") or {}, data.get("connections") or {}
    name_text = str((data.get("meta") or {}).get("name", "design"))
    name = escape(name_text)
    if not resources:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="320" height="60"><text x="10" y="35" '
                f'font-family="sans-serif" font-size="14" fill="#616161">{name}: empty design</text></svg>')
    depth = depths(resources)
    boxes = node_boxes(resources, DIAGRAM, depth)
    x0, y0 = min(b[0] for b in boxes.values()) - 10, min(b[1] for b in boxes.values()) - 10
    x1, y1 = max(b[2] for b in boxes.values()) + 10, max(b[3] for b in boxes.values()) + 10
    width, height = x1 - x0, y1 - y0
    shown_w = min(max_width, width)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0:.0f} {y0:.0f} {width:.0f} {height:.0f}" '
             f'width="{shown_w:.0f}" height="{height * shown_w / width:.0f}" font-family="sans-serif" '
             f'role="img" aria-label={quoteattr(name_text)}><title>{name}</title>']
    containers = sorted((r for r in resources if is_container(resources[r])), key=lambda r: depth[r])
    used: dict[str, str] = {}

    def use(resource: dict, x: float, y: float, size: float) -> str:
        key = _icon_key(resource)
        ref = used.setdefault(key, f"icon{len(used)}")
        return f'<use href="#{ref}" x="{x:.0f}" y="{y:.0f}" width="{size:.0f}" height="{size:.0f}"/>'

    for rid in containers:
        res, (a, b, c, d) = resources[rid], boxes[rid]
        color = _container_color(res)
        parts.append(f'<g class="container" data-id={quoteattr(rid)}><rect x="{a:.0f}" y="{b:.0f}" width="{c - a:.0f}" '
                     f'height="{d - b:.0f}" fill="{color}" fill-opacity="0.06" stroke="{color}" stroke-width="2"/>'
                     f'{use(res, a, b, 20)}<text x="{a + 26:.0f}" y="{b + 14:.0f}" font-size="12" fill="{color}">'
                     f'{escape(str(res.get("label") or rid))}</text></g>')
    centre = {r: ((boxes[r][0] + boxes[r][2]) / 2, (boxes[r][1] + boxes[r][3] - LABEL) / 2) for r in resources}
    for cid, conn in sorted(connections.items()):
        if conn.get("source") not in centre or conn.get("target") not in centre:
            continue
        (sx, sy), (tx, ty) = centre[conn["source"]], centre[conn["target"]]
        color = ROLE_COLORS.get((conn.get("properties") or {}).get("role"), "#8a8f98")
        parts.append(f'<line data-id={quoteattr(cid)} x1="{sx:.0f}" y1="{sy:.0f}" x2="{tx:.0f}" y2="{ty:.0f}" '
                     f'stroke="{color}" stroke-width="1.5" marker-end="url(#arrow)"/>')
    for rid, res in sorted(resources.items()):  # a generic resource's references, dashed
        for target in references.targets(res.get("properties") or {}) if res["type"].startswith("cfn:") else ():
            if target in centre and target != rid:
                (sx, sy), (tx, ty) = centre[rid], centre[target]
                parts.append(f'<line class="reference" x1="{sx:.0f}" y1="{sy:.0f}" x2="{tx:.0f}" y2="{ty:.0f}" '
                             'stroke="#8a8f98" stroke-width="1.5" stroke-dasharray="4 3" marker-end="url(#arrow)"/>')
    for rid, res in sorted(resources.items()):
        if rid in containers:
            continue
        entry = CATALOG.get(res["type"])
        x, y = centre[rid]
        kind = escape(entry.label if entry else res["type"])
        parts.append(f'<g class="resource" data-id={quoteattr(rid)}><title>{kind}</title>{use(res, x - TILE / 2, y - TILE / 2, TILE)}'
                     f'<text x="{x:.0f}" y="{y + TILE / 2 + 13:.0f}" font-size="11" fill="#212121" text-anchor="middle">'
                     f'{escape(str(res.get("label") or rid))}</text></g>')
    defs = "".join(
        f'<symbol id="{ref}" viewBox="0 0 64 64"><image width="64" height="64" href="data:image/svg+xml;base64,'
        f'{base64.b64encode(icons()[key].encode()).decode()}"/></symbol>' for key, ref in used.items())
    parts.insert(1, '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
                    f'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#8a8f98"/></marker>{defs}</defs>')
    parts.append("</svg>")
    return "".join(parts)
