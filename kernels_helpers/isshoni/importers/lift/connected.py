"""The connections of an imported design while it settles: found once, checked every round.

lift.connections finds them; here the source resources they make leave the design (folded into
the connection, not kept a second time), come back when a connection goes (one of its ends was
made generic, or a later round's compile no longer gives them), and typed nodes whose
connection-filled values no connection gives are made generic with the reason.
"""

from __future__ import annotations

from dataclasses import replace

from . import connections


class Links:
    def __init__(self, nodes: dict, report, source, region: str, generic, dissolve):
        self.nodes, self.report, self.source, self.region = nodes, report, source, region
        self._generic, self._dissolve = generic, dissolve
        self.conns: list[connections.Folded] = []
        self.taken: dict[str, tuple] = {}  # source id -> what it was before it was folded (a node or a report entry)
        self.found = False

    def data(self) -> dict:
        return {c.cid: {"source": c.source, "target": c.target, "properties": c.properties} for c in self.conns}

    def settle(self, data: dict, resolved=None) -> bool:
        """Find the connections (first call) or check them (in `resolved`, the design compiled with them
        when given); True when the nodes changed."""
        if not self.found:
            self.found = True
            free = {rid for rid, n in self.nodes.items() if n.kind in ("generic", "unheld")}
            free |= {e.source_id for e in self.report.not_understood if e.source_id in self.source.props}
            self.conns = connections.fold(self.nodes, self.source, data, self.region, free)
            for conn in self.conns:
                for sid in conn.parts.values():
                    self._take(sid)
            return bool(self.conns)
        if not self.conns and not any(n.given for n in self.nodes.values() if n.kind == "typed"):
            return False
        kept, wrong = connections.check(self.nodes, self.source, data, self.region, self.conns, resolved)
        changed = len(kept) != len(self.conns)
        for conn in self.conns:
            if conn not in kept:
                self._give_back(conn)
        self.conns = kept
        for rid, why in wrong.items():
            self._dissolve(self.nodes, rid, why)
            changed = True
        self.drop_loose()
        return changed

    def ends(self) -> dict:
        """Source id of each resource a connection makes -> that connection's two ends."""
        return {sid: {c.source, c.target} for c in self.conns for sid in c.parts.values()}

    def drop_loose(self) -> None:
        """Connections whose ends are no longer typed nodes go, their parts back to the design."""
        typed = {rid for rid, n in self.nodes.items() if n.kind == "typed"}
        for conn in [c for c in self.conns if not {c.source, c.target} <= typed]:
            self.conns.remove(conn)
            self._give_back(conn)

    def write_report(self, entry) -> None:
        """The connection count, and each folded part named with the connection that makes it."""
        self.report.connections = len(self.conns)
        for conn in self.conns:
            meaning = _meaning(conn)
            for sid in conn.parts.values():
                kind, was = self.taken[sid]
                if kind == "node":
                    self.report.folded.append(entry(was.source, conn.cid, meaning))
                else:
                    self.report.folded.append(replace(was, design_id=conn.cid, reason=meaning))

    def _take(self, sid: str) -> None:
        node = self.nodes.pop(sid, None)
        if node is not None:
            self.taken[sid] = ("node", node)
            return
        for i, e in enumerate(self.report.not_understood):
            if e.source_id == sid:
                self.taken[sid] = ("entry", self.report.not_understood.pop(i))
                return

    def _give_back(self, conn) -> None:
        for sid in conn.parts.values():
            kind, was = self.taken.pop(sid)
            if kind == "node":
                self.nodes[sid] = was
            else:
                self.report.not_understood.append(was)


def _meaning(conn) -> str:
    return f"made by the connection {conn.cid} ({conn.source} -> {conn.target})"


__all__ = ["Links"]
