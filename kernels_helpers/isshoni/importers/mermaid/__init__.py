"""Mermaid flowchart -> design (issue 15, item 3).

`read(text)` parses with Mermaid's own grammar (parser.py: node, deadline, size limits), types
each box by its label's catalog aliases or the assistant (classify.py), makes VPCs and subnets
from subgraphs whose label says so (network.py), and connects boxes where the catalog accepts
the connection.  Everything else is in the report: boxes that became external nodes and why,
edges the catalog does not accept, subgraphs kept only as a note, styling lines ignored.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict

from ...catalog import CATALOG
from ...catalog.aliases import match, plain_text, words
from ...design import Design, DesignError
from .. import Entry, Imported, ImportReport, NotImportable
from .classify import classify
from .network import Network, fits
from .parser import Flowchart, parse

__all__ = ["read", "NotImportable"]

LABEL_MAX = 256


def read(text: str, *, source: str = "<text>", name: str | None = None, region: str | None = None,
         fmt: str | None = None, assistant=None) -> Imported:
    """The design a Mermaid flowchart draws, and the report of what became of each box and edge.

    `assistant` is an `isshoni.assistant.config.Assistant` (model, timeout, retries) used to type
    boxes no alias names, when an API key is set; without it such boxes become external nodes.
    Raises NotImportable (naming file:line) for anything that is not a readable flowchart."""
    started = time.perf_counter()
    chart = parse(text, source=source)
    design = Design(name=_design_name(name, source))
    if region:
        design.data["meta"]["region"] = region
    report = ImportReport(source=source, format="mermaid")
    _Builder(chart, design, report, assistant).build()
    report.seconds = time.perf_counter() - started
    return Imported(design=design, report=report)


def _design_name(name: str | None, source: str) -> str:
    if name:
        return name
    stem = re.sub(r"\.(mmd|mermaid|md)$", "", source.replace("\\", "/").rsplit("/", 1)[-1])
    return re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_")[:60] or "mermaid"


def _safe_id(raw: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_-]+", "_", raw).strip("_") or "box"
    base = base if base[0].isalpha() else f"n_{base}"
    rid, n = base[:60], 2
    while rid in taken:
        rid, n = f"{base[:57]}_{n}", n + 1
    taken.add(rid)
    return rid


class _Builder:
    def __init__(self, chart: Flowchart, design: Design, report: ImportReport, assistant):
        self.chart, self.design, self.report, self.assistant = chart, design, report, assistant
        self.net = Network(design, report.notes)
        self.ids: set[str] = set()
        self.node_of: dict[str, str] = {}  # Mermaid box id -> design id
        self.parent_sub: dict[str, str] = {}  # Mermaid box/subgraph id -> enclosing subgraph id
        self.container_of: dict[str, str] = {}  # subgraph id -> design container (vpc/subnet) it became
        self.subgraph_ids = {s.id for s in chart.subgraphs}

    def build(self) -> None:
        for sub in self.chart.subgraphs:
            for member in sub.members:
                self.parent_sub.setdefault(member, sub.id)
        self._containers()
        self._boxes()
        self.net.complete()
        self._edges()
        self._ignored()

    # ---------------------------------------------------------------- subgraphs
    def _kind(self, sub) -> tuple[str | None, str]:
        found = match(sub.title or sub.id)
        if found.type == "vpc":
            return "vpc", ""
        if found.type == "subnet":
            return "subnet", "public" if "public" in words(sub.title or sub.id) else "private"
        return None, ""

    def _enclosing(self, member: str, kind: str | None = None) -> str | None:
        """The nearest enclosing subgraph that became a container (of `kind`, if given)."""
        seen, sub = set(), self.parent_sub.get(member)
        while sub and sub not in seen:
            seen.add(sub)
            container = self.container_of.get(sub)
            if container and (kind is None or self.design.resources[container]["type"] == kind):
                return container
            sub = self.parent_sub.get(sub)
        return None

    def _containers(self) -> None:
        # outermost first, so a subnet finds the VPC around it
        depth = {s.id: self._depth(s.id) for s in self.chart.subgraphs}
        for sub in sorted(self.chart.subgraphs, key=lambda s: depth[s.id]):
            kind, tier = self._kind(sub)
            title = plain_text(sub.title or sub.id)[:LABEL_MAX]
            where = f"subgraph '{sub.id}' (line {sub.line})" if sub.line else f"subgraph '{sub.id}'"
            if kind is None:
                self.report.notes.append(f"{where} '{title}' kept as a note only: the design has no plain group "
                                         "(only a VPC or a subnet contains resources); its members are at top level")
                continue
            rid = _safe_id(sub.id, self.ids)
            note = f"From Mermaid {where}."
            if kind == "vpc":
                self.net.add_vpc(rid, title, notes=note)
            else:
                vpc = self._enclosing(sub.id, "vpc") or self.net.default_vpc()
                self.net.add_subnet(rid, vpc, title, tier, notes=note)
            self.container_of[sub.id] = rid
            self.report.typed.append(Entry(sub.id, f"subgraph {kind}", sub.line, rid))

    def _depth(self, sub_id: str) -> int:
        depth, seen, sub = 0, set(), self.parent_sub.get(sub_id)
        while sub and sub not in seen:
            seen.add(sub)
            depth, sub = depth + 1, self.parent_sub.get(sub)
        return depth

    # ---------------------------------------------------------------- boxes
    def _boxes(self) -> None:
        vertices = [v for v in self.chart.vertices if v.id not in self.subgraph_ids]
        choices, notes = classify({v.id: v.text for v in vertices}, self.assistant)
        self.report.notes.extend(notes)
        for vertex in vertices:
            choice = choices[vertex.id]
            label = plain_text(vertex.text)[:LABEL_MAX] or vertex.id
            origin = f"From Mermaid box '{vertex.id}'" + (f" (line {vertex.line})." if vertex.line else ".")
            kind = f"box {vertex.shape}"
            if choice.type in ("vpc", "subnet"):
                self.report.not_understood.append(Entry(vertex.id, kind, vertex.line, reason=(
                    f"'{label}' is a {choice.type} drawn as a box: draw it as a subgraph around what it holds")))
                continue
            rid = _safe_id(vertex.id, self.ids)
            if choice.type != "external":
                try:
                    self.design.add(choice.type, rid, label=label, properties=choice.properties,
                                    parent=self._parent(vertex.id, choice.type), notes=origin)
                except DesignError as exc:
                    choice.type, choice.reason = "external", f"as {choice.type} it would not be valid: {exc}"[:300]
                else:
                    self.node_of[vertex.id] = rid
                    how = " (typed by the model)" if choice.how == "model" else ""
                    self.report.typed.append(Entry(vertex.id, kind + how, vertex.line, rid))
                    continue
            reason = choice.reason or "not an AWS service"
            self.design.add("external", rid, label=label, notes=f"{origin} External: {reason}.")
            self.node_of[vertex.id] = rid
            self.report.external.append(Entry(vertex.id, kind, vertex.line, rid, reason))

    def _parent(self, box: str, rtype: str) -> str | None:
        container = self._enclosing(box)
        entry = CATALOG[rtype]
        if container is None:
            if not entry.needs_container:
                return None
            container = self.net.default_vpc()
            self.report.notes.append(f"box '{box}' ({rtype}) needs a VPC and was drawn outside one: placed in '{container}'")
        ctype = self.design.resources[container]["type"]
        vpc = container if ctype == "vpc" else self.design.resources[container]["parent"]
        if ctype == "subnet" and fits(rtype, "subnet"):
            return container
        if fits(rtype, "subnet"):
            return self.net.subnet_for(vpc, rtype)
        if fits(rtype, "vpc"):
            return vpc
        self.report.notes.append(f"box '{box}' ({rtype}) cannot sit in a VPC or subnet: kept at top level")
        return None

    # ---------------------------------------------------------------- edges
    def _edges(self) -> None:
        seen: dict[tuple[str, str], str] = {}
        for edge in self.chart.edges:
            name = f"{edge.start} --> {edge.end}"
            label = plain_text(edge.text)[:LABEL_MAX]
            ends = [self.node_of.get(edge.start), self.node_of.get(edge.end)]
            reason = ""
            if edge.start in self.subgraph_ids or edge.end in self.subgraph_ids:
                reason = "an edge to or from a subgraph: connections join boxes"
            elif None in ends:
                reason = "one end is not a node of the design (see its own entry)"
            elif ends[0] == ends[1]:
                reason = "a box connected to itself"
            if not reason:
                source, target = ends
                stype, ttype = (self.design.resources[r]["type"] for r in ends)
                if (source, target) in seen:
                    self.report.notes.append(f"edge {name} (line {edge.line}) repeats connection '{seen[source, target]}'")
                    continue
                if CATALOG[stype].link_to(ttype) is None:
                    back = " (the catalog accepts the other direction)" if CATALOG[ttype].link_to(stype) else ""
                    reason = (f"{CATALOG[stype].label} '{edge.start}' cannot connect to {CATALOG[ttype].label} "
                              f"'{edge.end}'{back}")
                else:
                    try:
                        cid = self.design.connect(source, target, id=_safe_id(f"{source}_to_{target}", self.ids), label=label)
                    except DesignError as exc:
                        reason = f"the design refused it: {exc}"[:300]
                    else:
                        seen[source, target] = cid
                        self.report.connections += 1
                        continue
            self.report.not_understood.append(Entry(name, "edge", edge.line, reason=reason))

    def _ignored(self) -> None:
        lines = defaultdict(set)
        for kind, line in self.chart.ignored:
            lines[kind].add(line)
        for kind in sorted(lines):
            at = ", ".join(str(n) for n in sorted(x for x in lines[kind] if x))
            self.report.notes.append(f"{kind} line(s) ignored (styling and clicks mean nothing in a design)"
                                     + (f": line {at}" if at else ""))
