"""References the catalog gives a meaning, folded into connections.

Two typed nodes whose source resources refer to each other (directly, or through resources no
catalog entry claimed: an IAM policy naming a role and a table, a target group and a listener
rule between a load balancer and a service) may be joined by a connection the catalog allows
(`links` of the source's entry).  Which one, with which property values, is asked of the
compiler: each candidate is compiled into the design, and accepted when every part its wiring
makes is a source resource, value for value (lift.compiled), and what it fills on its ends
(`Slot`, `Env`: a service's load balancers, a function's environment) is the source's.  Enum
properties (an access level, a blue/green role) are tried in turn, the candidates leaving one
node together (a blue/green pair is decided as one); the others are read back from probe values
compiled where the property goes (a port, a path, a weight), and the connection's id from the
names the wiring derives from it.  There is no table per link: the wiring is the data.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from ...catalog import CATALOG
from ...compiler.resolve import resolve
from ...design import Design
from ...design.errors import DesignError
from .binding import Mismatch
from .compiled import Compiled, Probes, at, unify
from .compiled_tf import CompiledTf
from .groups import referred

MAX_ROUNDS = 24  # compiles of the design while candidates are tried
MAX_COMBOS = 27  # enum value combinations tried for the connections leaving one node
_REACH = 3  # references followed through unclaimed resources, looking for the other end
_INTS = (4093, 3571, 2729, 1777, 1301, 997, 733, 577, 83, 71, 67, 61, 59, 53, 47, 43)
_TEXTS = ("/zqprobe{}", "zqprobe{}", "GET /zqprobe{}")


@dataclass
class Candidate:
    source: str
    target: str
    link: object
    key: str  # its id while probing
    enums: dict = field(default_factory=dict)  # property -> values to try, default first
    probed: dict = field(default_factory=dict)  # property -> probe value
    inferred: dict = field(default_factory=dict)  # property -> value read from the source
    cid: str = ""  # the id read from the names its wiring makes
    found: tuple | None = None  # (properties, cid, parts) of its first match
    evidence: bool = False  # an end's connection-filled value names the other end


@dataclass
class Folded:
    """One connection recovered: its ends, properties, and the source resources it makes."""

    cid: str
    source: str
    target: str
    properties: dict
    parts: dict  # compiled part name -> source id


class _Cluster:
    """The candidates leaving one node, with the enum combinations still to try."""

    def __init__(self, cands: list):
        self.cands = cands
        ranges = [list(itertools.product(*c.enums.values())) or [()] for c in cands]
        combos = sorted(itertools.product(*(range(len(r)) for r in ranges)), key=lambda ix: (sum(ix), ix))[:MAX_COMBOS]
        self.combos = [[ranges[i][j] for i, j in enumerate(ix)] for ix in combos]
        self.index = 0
        self.probing = True  # each combination is first compiled with probes, then with what they read

    def props(self, i: int) -> dict:
        cand = self.cands[i]
        values = dict(zip(cand.enums, self.combos[self.index][i], strict=True))
        values.update(cand.probed if self.probing else cand.inferred)
        return values

    def advance(self) -> bool:
        self.index += 1
        self.probing = True
        for c in self.cands:
            c.inferred, c.cid = {}, ""
        return self.index < len(self.combos)


def fold(nodes: dict, source, data: dict, region: str, free: set) -> list[Folded]:
    """The connections the source's references make, between the typed nodes of `nodes`; `free` holds
    the ids of the source resources no node claimed (generic, or not understood), which they may make."""
    members = {sid: rid for rid, n in nodes.items() if n.kind == "typed"
               for sid in {n.source.id, *n.parts.values(), *(r.id for _k, r, _p in n.companions)}}
    free = set(free) - members.keys()
    groups: dict[str, set] = {}
    for sid, rid in members.items():
        groups.setdefault(rid, set()).add(sid)
    cands = _candidates(nodes, members, groups, free, source)
    if not cands:
        return []
    data = _without(data, free)
    probes = Probes()
    for n, cand in enumerate(cands):
        _probe(cand, n, probes)
    clusters = [_Cluster([c for c in cands if c.source == rid]) for rid in dict.fromkeys(c.source for c in cands)]
    accepted: list[Folded] = []
    claimed: set = set()
    open_ = list(clusters)
    for _ in range(MAX_ROUNDS):
        if not open_:
            break
        trying = {}
        for cl in open_:
            for i, cand in enumerate(cl.cands):
                cid = cand.key if cl.probing else cand.cid or f"{cand.source}_to_{cand.target}"
                trying[cid] = (cl, i, cand)
        view = _compile(data, accepted, {cid: (c.source, c.target, cl.props(i)) for cid, (cl, i, c) in trying.items()},
                        region, source.side)
        if isinstance(view, DesignError):
            bad = {cl for cid, (cl, _i, _c) in trying.items() if any(cid in str(p.path) for p in view.problems)}
            for cl in bad or set(open_):
                if not cl.advance():
                    open_.remove(cl)
                    _fallback(cl, accepted, claimed)
            continue
        names = _names(nodes, view)
        for cl in list(open_):
            if _evaluate(cl, view, names, source, groups, free, claimed, probes, trying, accepted):
                open_.remove(cl)
    for cl in open_:
        _fallback(cl, accepted, claimed)
    return accepted


def check(nodes: dict, source, data: dict, region: str, accepted: list[Folded], resolved=None) -> tuple[list, dict]:
    """Compile with the accepted connections (or take `resolved`, that compile): those whose parts are still
    the source's are kept, and each typed node whose connection-filled values differ from the source's is
    named with the reason."""
    view = view_of(resolved, region, source.side) if resolved is not None else _compile(data, accepted, {}, region, source.side)
    if isinstance(view, DesignError):
        return [], {}
    names = _names(nodes, view)
    kept = []
    for conn in accepted:
        trial = dict(names)
        try:
            for name in view.parts_of(conn.cid):
                sid = conn.parts.get(name)
                if sid is None:
                    raise Mismatch("a part the source does not have")
                trial[name] = sid
                unify(view.props(name), source.props[sid], trial)
        except Mismatch:
            continue
        names.update(trial)
        kept.append(conn)
    wrong = {}
    for rid, node in nodes.items():
        if node.kind != "typed":
            continue
        for key, path, value in node.given:
            name = view.name_of(rid, key)
            compiled = at(view.props(name), path) if name else at({}, ("-",))
            try:
                unify(compiled, value, dict(names))
            except Mismatch as exc:
                where = ".".join(map(str, path))
                wrong[rid] = (f"its {where} is what a connection gives, and no connection the catalog allows gives "
                              f"the source's ({exc})")
                break
    return kept, wrong


def _candidates(nodes, members, groups, free, source) -> list[Candidate]:
    found: dict[tuple, Candidate] = {}
    for rid, node in nodes.items():
        if node.kind != "typed":
            continue
        for other in _reached(groups[rid], members, free, source) - {rid}:
            link = CATALOG[node.design["type"]].link_to(nodes[other].design["type"])
            if link is None or link.wiring == "external" or (rid, other) in found:
                continue
            cand = Candidate(rid, other, link, f"zqc{len(found)}q")
            cand.evidence = any(_names_member(value, members, {rid, other} - {owner}) for owner in (rid, other)
                                for _k, _p, value in nodes[owner].given)
            found[(rid, other)] = cand
    return list(found.values())


def _reached(mine: set, members: dict, free: set, source) -> set:
    reached, frontier, seen = set(), set(mine), set(mine)
    for _ in range(_REACH):
        nxt = set()
        for sid in frontier:
            for other in source.refers.get(sid, set()) | source.referrers.get(sid, set()):
                if other in seen:
                    continue
                seen.add(other)
                if other in members:
                    reached.add(members[other])
                elif other in free:
                    nxt.add(other)
        frontier = nxt
    return reached


def _near(mine: set, free: set, source) -> set:
    """The free resources a connection between two nodes may make: those next to either end, or next to
    one that is (a listener rule names the load balancer's listener, itself not claimed yet)."""
    near, frontier = set(), set(mine)
    for _ in range(2):
        frontier = {o for sid in frontier for o in source.refers.get(sid, set()) | source.referrers.get(sid, set())} & free - near
        near |= frontier
    return near


def _names_member(value, members: dict, owners: set) -> bool:
    return any(members.get(sid) in owners for sid in referred(value))


def _probe(cand: Candidate, n: int, probes: Probes) -> None:
    from jsonschema import Draft202012Validator

    probes.texts[cand.key] = (cand.key, "@id")
    for name, schema in cand.link.properties.items():
        if "enum" in schema:
            cand.enums[name] = [schema.get("default"), *(v for v in schema["enum"] if v != schema.get("default"))]
            continue
        check = Draft202012Validator(schema).is_valid
        if schema.get("type") == "integer":
            options = [v for v in _INTS if v not in probes.values]
            if not any(check(v) for v in _INTS):  # a narrow range (a batch of 1 to 10): a value inside it, the
                top = int(schema.get("maximum", 0))  # compile with what it reads checks it again after
                options = [v for v in range(top, max(int(schema.get("minimum", 0)), top - 64) - 1, -1) if v not in probes.values]
        else:
            options = [t.format(f"{n}x{name.replace('_', '')}") for t in _TEXTS]
        value = next((v for v in options if check(v) and v != schema.get("default")), None)
        if value is not None:
            cand.probed[name] = value
            probes.values[value] = (cand.key, name)


def _without(data: dict, free: set) -> dict:
    """The design without the free source resources (a connection may make them: kept, they would
    hold the logical ids its parts are to get) and what refers to them."""
    from ...generic.references import targets

    resources = {rid: r for rid, r in data["resources"].items() if rid not in free}
    while True:
        gone = {rid for rid, r in resources.items() if set(targets(r.get("properties") or {})) - resources.keys()}
        if not gone:
            return {**data, "resources": resources}
        resources = {rid: r for rid, r in resources.items() if rid not in gone}


def view_of(resolved, region: str, side: str):
    """The compiled design as the source's reader would read it (CloudFormation or Terraform)."""
    return Compiled(resolved, region) if side == "cfn" else CompiledTf(resolved, region)


def _compile(data: dict, accepted: list, trying: dict, region: str, side: str):
    conns = {c.cid: {"source": c.source, "target": c.target, "properties": c.properties} for c in accepted}
    conns.update({cid: {"source": s, "target": t, "properties": p} for cid, (s, t, p) in trying.items()})
    try:
        return view_of(resolve(Design({**data, "connections": conns})), region, side)
    except DesignError as exc:
        return exc


def _names(nodes: dict, view: Compiled) -> dict:
    """Compiled part name -> source id, for the parts of the typed nodes."""
    names = {}
    for rid, node in nodes.items():
        if node.kind == "typed":
            for key, sid in node.parts.items():
                name = view.name_of(rid, key)
                if name:
                    names[name] = sid
    return names


def _evaluate(cl: _Cluster, view, names, source, groups, free, claimed, probes, trying, accepted) -> bool:
    """One round of a cluster: True when it is done (accepted, or nothing more to try)."""
    results = []
    for cid, (owner, i, cand) in trying.items():
        if owner is not cl:
            continue
        near = _near(groups[cand.source] | groups[cand.target], free - claimed, source)
        inferred: dict = {}
        parts = _match_parts(view, view.parts_of(cid), near, source, dict(names), probes if cl.probing else None, inferred)
        results.append((i, cand, cid, parts, inferred))
    if cl.probing:
        for _i, cand, _cid, _parts, inferred in results:
            cand.inferred, cand.cid = _read(cand, inferred, set(names.values()) | set(source.props))
        cl.probing = False
        return False
    matched = [(i, cand, cid, parts) for i, cand, cid, parts, _inf in results if parts is not None and (parts or cand.evidence)]
    for i, cand, cid, parts in matched:
        if cand.found is None:
            cand.found = (cl.props(i), cid, parts)
    if len(matched) == len(cl.cands) and not set().union(*(set(p.values()) for *_x, p in matched)) & claimed:
        for i, cand, cid, parts in matched:
            _accept(Folded(cid, cand.source, cand.target, cl.props(i), parts), accepted, claimed)
        return True
    if cl.advance():
        return False
    _fallback(cl, accepted, claimed)
    return True


def _fallback(cl: _Cluster, accepted: list, claimed: set) -> None:
    """Combinations exhausted: each candidate that matched alone once is taken as it matched (the final check decides)."""
    for cand in cl.cands:
        if cand.found is not None and not set(cand.found[2].values()) & claimed:
            props, cid, parts = cand.found
            _accept(Folded(cid, cand.source, cand.target, props, parts), accepted, claimed)


def _accept(conn: Folded, accepted: list, claimed: set) -> None:
    accepted.append(conn)
    claimed.update(conn.parts.values())


def _match_parts(view, wanted: list, near: set, source, names: dict, probes, inferred) -> dict | None:
    """Compiled part name -> source id for each part a candidate makes, or None when one is not in the source."""
    found: dict = {}
    pending = list(wanted)
    while pending:
        progress = False
        for name in list(pending):
            options = [names[name]] if name in names else sorted(s for s in near if source.types.get(s) == view.types[name])
            best = None
            for sid in options:
                if sid in found.values():
                    continue
                trial, misses, got = dict(names), [] if probes else None, {}
                trial[name] = sid
                try:
                    unify(view.props(name), source.props[sid], trial, probes, got, misses)
                except Mismatch:
                    continue
                if best is None or len(misses or ()) < len(best[1] or ()):
                    best = (sid, misses, trial, got)
                if not misses:
                    break
            if best is not None:
                found[name] = best[0]
                names.update(best[2])
                for what, values in best[3].items():
                    inferred.setdefault(what, set()).update(values)
                pending.remove(name)
                progress = True
        if not progress:
            return None
    return found


def _read(cand: Candidate, inferred: dict, taken_ids) -> tuple[dict, str]:
    """Property values and the id read back at the candidate's probes (one value each, else the default)."""
    values, cid = {}, ""
    for (key, name), found in inferred.items():
        if key != cand.key or len(found) != 1:
            continue
        (value,) = found
        if name == "@id":
            cid = value if isinstance(value, str) and value not in taken_ids else ""
            continue
        schema = cand.link.properties.get(name, {})
        if schema.get("type") == "integer" and isinstance(value, str) and value.isdigit():
            value = int(value)
        values[name] = value
    return values, cid


__all__ = ["Folded", "check", "fold"]
