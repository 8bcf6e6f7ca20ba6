"""Resources the compiler makes by itself, recognised in the source instead of kept twice.

Compiling typed nodes makes parts no catalog entry emits as its own: the route tables,
routes and subnet associations a VPC's subnets imply (compiler/network.py), the role VPC
flow logs write with, the topic alarms notify.  When the compile check (lift.verify) finds
such a part and the source has a resource of the same type next to the node that makes it
(referring to one of its parts, or referred to by one), that resource is that part: it is
folded into the node, not kept as a generic resource that would regenerate a second time.
"""

from __future__ import annotations

from .groups import referred
from .verify import DESIGN


def absorb(nodes: dict, diffs: dict, source, held: list, kept: dict | None = None, compiled_names: dict | None = None) -> bool:
    """Fold source resources into the nodes whose compile makes them; True when any was.
    `held` collects (SourceResource, props) of what the compiler makes for the design as a whole;
    `kept` maps other source resources that stay (the parts of connections) to the ends of the
    connection that makes each (their compile names what those ends fold); `compiled_names` maps
    each node (and DESIGN) to the logical ids the compile gives its parts (a source resource of
    such a name is taken first: the flow logs' role, not a service's; the VPC's own route tables,
    not a route table node next to it)."""
    kept = kept or {}
    before = dict(nodes)
    held_before, companions_before = list(held), {rid: n.companions for rid, n in nodes.items()}
    taken_by: dict[str, str] = {}  # source id -> the node (or DESIGN) it was folded into
    while _absorb_once(nodes, diffs, source, held, compiled_names or {}, taken_by):  # a route folds once its route table has
        pass
    # a typed node may refer to what the compiler makes for the design as a whole (an alarm notifies the
    # design's alerts topic): it is filled in again on compile; anything else referring to what was folded
    # would lose it (a listener rule naming a listener the load balancer's compile took)
    design_made = {r.id for r, _p in held} - {r.id for r, _p in held_before}

    def refers_to_taken(rid: str) -> set:
        found = source.refers.get(rid, set()) & taken_by.keys()
        node = nodes.get(rid)
        if node is None or node.kind != "typed":
            return found
        # a typed node's values the compiler fills (a gateway endpoint's route tables: the VPC's implied
        # ones) are made again on compile; if the node is made generic later, release() gives them back
        return found - design_made - given_references(node)

    def kept_refers_to_taken(rid: str) -> set:  # what a connection makes may name what its own ends fold
        return {t for t in source.refers.get(rid, set()) & taken_by.keys() if taken_by[t] not in kept[rid]}

    while True:  # the folds something kept refers to are undone, owner by owner (the source's wiring is not the compiler's)
        wrong = {taken_by[t] for rid in before if rid not in taken_by for t in refers_to_taken(rid)}
        wrong |= {taken_by[t] for rid in kept for t in kept_refers_to_taken(rid)}
        if not wrong:
            break
        back = {rid for rid, owner in taken_by.items() if owner in wrong}
        for rid in back:
            del taken_by[rid]
        for owner in wrong - {DESIGN}:
            nodes[owner].companions = companions_before[owner]
        if DESIGN in wrong:
            held[:] = held_before
        restored = {rid: nodes[rid] if rid in nodes else before[rid] for rid in before if rid in nodes or rid in back}
        nodes.clear()
        nodes.update(restored)
    return bool(taken_by)


def _absorb_once(nodes: dict, diffs: dict, source, held: list, compiled_names: dict, taken_by: dict) -> bool:
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
                # a resource of the name the compile gives, if the source has one (the flow logs' policy,
                # taken once its role is: not a service role's policy meanwhile)
                names = compiled_names.get(rid, ())
                named = [c for c in by_type.get(kind, ()) if _named(c, names)]
                # a typed node of exactly the name the compile gives this owner's part is that part (a VPC's
                # route table read back from Terraform also matches the route table node)
                found = _next_to(nodes, members, named, source, _alone(nodes, named)) if named else None
                if found is None:
                    found = _next_to(nodes, members, named or by_type.get(kind, ()), source)
                if found is None:
                    break
                node = nodes.pop(found)
                taken_by[found] = rid
                parts = [(node.source, node.generic_properties), *((r, p) for _k, r, p in node.companions)]
                if rid == DESIGN:
                    held.extend(parts)
                else:
                    owner.companions = (*owner.companions, *(("implied", *part) for part in parts))
                extra[kind] -= 1
                changed = True
    return changed


def _named(rid: str, names) -> bool:
    """Whether the compile names a part `rid` (or `rid2`, `rid3` ..., `rid_2` in Terraform: the source's own
    resource of that name, still in the design, made it number its part)."""
    return rid in names or any(n.startswith(rid) and n[len(rid):].lstrip("_").isdigit() for n in names)


def _members(nodes: dict, held: list) -> set:
    typed = {rid for rid, n in nodes.items() if n.kind == "typed"}
    return typed | {r.id for n in nodes.values() if n.kind == "typed" for _k, r, _p in n.companions} | {r.id for r, _p in held}


def _alone(nodes: dict, named: list) -> set:
    """The typed nodes among `named` (the names the compile gives) that are one resource."""
    return {r for r in named if r in nodes and nodes[r].kind == "typed" and not nodes[r].companions}


def _next_to(nodes: dict, members: set, candidates, source, takeable: set = frozenset()) -> str | None:
    """One of `candidates` (resources of the wanted type, in id order) that refers to a member, or is referred
    to by one; a member itself only when `takeable` names it."""
    for rid in candidates:
        node = nodes.get(rid)
        if node is None or rid in members and rid not in takeable or node.generic_properties is None:
            continue
        if (source.refers.get(rid, set()) | source.referrers.get(rid, set())) & (members - {rid}):
            return rid
    return None


def given_references(node) -> set:
    """The source resources a typed node's compiler-filled values name (lift.match's `given`)."""
    return {r for _key, _path, value in node.given for r in referred(value)} if node.given else set()


def release(nodes: dict, held: list, source, make_generic) -> bool:
    """Parts folded as implied (or as the design's own) that a node now generic refers to become
    nodes of their own again (and what those refer to), so no generic node names a resource the
    design lacks; True when any did.  (A typed node's compiler-filled references let a fold
    through; when that node is made generic later, its references are the source's again.)"""
    changed = False
    while True:
        wanted = {r for rid, node in nodes.items() if node.kind == "generic" for r in source.refers.get(rid, set())} - nodes.keys()
        owners = [rid for rid, node in nodes.items()
                  if node.kind == "typed" and any(k == "implied" and r.id in wanted for k, r, _p in node.companions)]
        back = [(r, p) for r, p in held if r.id in wanted]
        if not owners and not back:
            return changed
        for rid in owners:
            give_back(nodes, rid, "implied", make_generic, f"not folded into {rid}: a generic resource refers to it")
        held[:] = [(r, p) for r, p in held if r.id not in wanted]
        for res, props in back:
            nodes[res.id] = make_generic(res, props, "not folded into the design's own parts: a generic resource refers to it")
        changed = True


def give_back(nodes: dict, rid: str, key: str, make_generic, why: str) -> None:
    """The parts folded into node `rid` under `key` become nodes of their own again (`make_generic`, with `why`)."""
    node = nodes[rid]
    for _k, res, props in [c for c in node.companions if c[0] == key]:
        nodes[res.id] = make_generic(res, props, why)
    node.companions = tuple(c for c in node.companions if c[0] != key)


def expected(held: list) -> list[str]:
    return [r.type for r, _p in held]


__all__ = ["absorb", "expected", "give_back", "given_references", "release"]
