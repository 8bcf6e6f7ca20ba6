"""Resources the compiler makes by itself, recognised in the source instead of kept twice.

Compiling typed nodes makes parts no catalog entry emits as its own: the route tables,
routes and subnet associations a VPC's subnets imply (compiler/network.py), the role VPC
flow logs write with, the topic alarms notify.  When the compile check (lift.verify) finds
such a part and the source has a resource of the same type next to the node that makes it
(referring to one of its parts, or referred to by one), that resource is that part: it is
folded into the node, not kept as a generic resource that would regenerate a second time.
"""

from __future__ import annotations

from .verify import DESIGN


def absorb(nodes: dict, diffs: dict, source, held: list, kept=(), design_names=frozenset()) -> bool:
    """Fold source resources into the nodes whose compile makes them; True when any was.
    `held` collects (SourceResource, props) of what the compiler makes for the design as a whole;
    `kept` names other source resources that stay (the parts of connections); `design_names` are
    the logical ids the compile gives its parts for the whole design (a source resource of that
    name is taken first: the flow logs' role, not a service's)."""
    before = dict(nodes)
    held_before, companions_before = list(held), {rid: n.companions for rid, n in nodes.items()}
    changed = False
    while _absorb_once(nodes, diffs, source, held, design_names):  # a route folds once its route table has
        changed = True
    taken = before.keys() - nodes.keys()
    # a typed node may refer to what the compiler makes for the design as a whole (an alarm notifies the
    # design's alerts topic): it is filled in again on compile; anything else referring to what was folded
    # would lose it (a gateway endpoint naming a route table the VPC's routing took)
    design_made = {r.id for r, _p in held} - {r.id for r, _p in held_before}

    def refers_to_taken(rid: str) -> set:
        found = source.refers.get(rid, set()) & taken
        return found - design_made if rid in nodes and nodes[rid].kind == "typed" else found

    if any(refers_to_taken(rid) for rid in [*nodes, *kept] if rid not in taken):
        # something kept would refer to a folded resource: the source's wiring is not the compiler's, fold nothing
        nodes.clear()
        nodes.update(before)
        held[:] = held_before
        for rid, node in nodes.items():
            node.companions = companions_before[rid]
        return False
    return changed


def _absorb_once(nodes: dict, diffs: dict, source, held: list, design_names=frozenset()) -> bool:
    changed = False
    wanted = {kind for extra, _missing in diffs.values() for kind, n in extra.items() if n > 0}
    by_type: dict[str, list] = {}
    for rid in sorted(nodes):
        if nodes[rid].source.type in wanted:
            by_type.setdefault(nodes[rid].source.type, []).append(rid)
    for rid, (extra, _missing) in diffs.items():
        owner = nodes.get(rid)
        if rid != DESIGN and (owner is None or owner.kind != "typed"):
            continue
        for kind, count in list(extra.items()):
            for _ in range(max(count, 0)):
                members = _members(nodes, held) if rid == DESIGN else {owner.source.id, *(r.id for _k, r, _p in owner.companions)}
                candidates = by_type.get(kind, ())
                if rid == DESIGN:  # a resource of the name the compile gives, if the source has one (the flow
                    # logs' policy, taken once its role is: not a service role's policy meanwhile)
                    candidates = [c for c in candidates if _named(c, design_names)] or candidates
                found = _next_to(nodes, members, candidates, source)
                if found is None:
                    break
                node = nodes.pop(found)
                parts = [(node.source, node.generic_properties), *((r, p) for _k, r, p in node.companions)]
                if rid == DESIGN:
                    held.extend(parts)
                else:
                    owner.companions = (*owner.companions, *(("implied", *part) for part in parts))
                extra[kind] -= 1
                changed = True
    return changed


def _named(rid: str, names) -> bool:
    """Whether the compile names a part `rid` (or `rid2`, `rid3` ...: the source's own resource of that
    name, still in the design, made it number its part)."""
    return rid in names or any(n.startswith(rid) and n[len(rid):].isdigit() for n in names)


def _members(nodes: dict, held: list) -> set:
    typed = {rid for rid, n in nodes.items() if n.kind == "typed"}
    return typed | {r.id for n in nodes.values() if n.kind == "typed" for _k, r, _p in n.companions} | {r.id for r, _p in held}


def _next_to(nodes: dict, members: set, candidates, source) -> str | None:
    """One of `candidates` (resources of the wanted type, in id order) that refers to a member, or is referred to by one."""
    for rid in candidates:
        node = nodes.get(rid)
        if node is None or rid in members or node.generic_properties is None:
            continue
        if (source.refers.get(rid, set()) | source.referrers.get(rid, set())) & members:
            return rid
    return None


def expected(held: list) -> list[str]:
    return [r.type for r, _p in held]


__all__ = ["absorb", "expected"]
