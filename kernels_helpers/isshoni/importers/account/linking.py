"""Ids and ARNs -> references between scanned resources, and the lifter's SourceResources.

A value equal to what another scanned resource's `Ref` gives becomes `{"Ref": id}`, one equal to
one of its attributes (an ARN ...) `{"Fn::GetAtt": [id, attribute]}`; values inside JSON documents
(policy statements) too.  An ARN that names a part of a resource (`table/T/index/*`) stays text.
CloudFormation never has reference cycles; an account can (a role's policy naming the function
that runs as it): such a reference is kept as its plain value, and the report says which.
"""

from __future__ import annotations

import graphlib

from ..lift import SourceResource
from .scanned import Found, design_id


def source_resources(found: list[Found], notes: list[str]) -> list[SourceResource]:
    taken: set = set()
    ids = [design_id(f.name or f.address or f.type.split("::")[-1], f.type, taken) for f in found]
    index: dict = {}
    for rid, f in zip(ids, found, strict=True):
        for attribute, value in ((None, f.ref), *f.attributes.items()):
            if isinstance(value, str) and len(value) >= 4:
                index.setdefault(value, set()).add((rid, attribute))
    ambiguous = sorted(v for v, owners in index.items() if len({o[0] for o in owners}) > 1)
    if ambiguous:
        notes.append(f"{len(ambiguous)} value(s) name more than one scanned resource and are kept as text: "
                     f"{', '.join(ambiguous[:5])}{' ...' if len(ambiguous) > 5 else ''}")
    index = {v: min(owners, key=lambda o: o[1] or "") for v, owners in index.items() if v not in ambiguous}
    raw = {rid: f.properties for rid, f in zip(ids, found, strict=True)}
    props = {rid: _link(body, index, rid, ()) for rid, body in raw.items()}
    _break_cycles(props, raw, index, notes)
    return [SourceResource(id=rid, type=f.type, properties={k: v for k, v in props[rid].items() if v not in (None, "", [], {})},
                           address=f.address or rid, problem=f.problem)
            for rid, f in zip(ids, found, strict=True)]


def _link(value, index: dict, owner: str, skip):
    if isinstance(value, dict):
        return {k: _link(v, index, owner, skip) for k, v in value.items()}
    if isinstance(value, list):
        return [_link(v, index, owner, skip) for v in value]
    if isinstance(value, str) and value in index and index[value][0] != owner and index[value][0] not in skip:
        rid, attribute = index[value]
        return {"Ref": rid} if attribute is None else {"Fn::GetAtt": [rid, attribute]}
    return value


def _targets(value) -> set:
    found, stack = set(), [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if set(node) == {"Ref"}:
                found.add(node["Ref"])
            elif set(node) == {"Fn::GetAtt"}:
                found.add(node["Fn::GetAtt"][0])
            else:
                stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _break_cycles(props: dict, raw: dict, index: dict, notes: list[str]) -> None:
    """Unlink one reference of each cycle (the edge closing it) until none is left."""
    skip: dict[str, set] = {}
    for _ in range(len(props) + 1):
        graph = {rid: _targets(p) & props.keys() for rid, p in props.items()}
        try:
            graphlib.TopologicalSorter(graph).prepare()
            return
        except graphlib.CycleError as exc:
            cycle = exc.args[1]
            source, target = cycle[-2], cycle[-1]
            skip.setdefault(source, set()).add(target)
            props[source] = _link(raw[source], index, source, skip[source])
            notes.append(f"{source} and {target} refer to each other ({' -> '.join(cycle)}): {source} keeps the "
                         f"id or ARN of {target} as text (a design has no reference cycles)")


__all__ = ["source_resources"]
