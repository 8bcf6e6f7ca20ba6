"""The several AWS resources one catalog entry makes, found together in a source.

A catalog entry emits a primary part and helper parts (an ECS service's task definition,
roles, log group, security group and scaling; a bucket's policy).  Which source resource is
which part is read from the entry's own templates: a `Self(key)` placeholder matched against
a reference names the part it refers to, and a part no matched template names is looked for
among the resources of its type that refer to one already found.  Each part's template is
matched like the primary's (lift.match), so its values become the node's properties (a log
group's retention, the scaling limits).  There is no table per type: the emits are the data.
"""

from __future__ import annotations

from . import match as matching
from .values import Opaque, references


class Source:
    """The converted resources of one source, with who refers to whom (both ways)."""

    def __init__(self, resources: dict, converted: dict, side: str):
        self.side = side
        self.types = {rid: res.type for rid, res in resources.items() if rid in converted}
        self.props = converted
        self.refers: dict[str, set] = {rid: referred(props) & converted.keys() for rid, props in converted.items()}
        self.referrers: dict[str, set] = {}
        for rid, targets in self.refers.items():
            for target in targets:
                self.referrers.setdefault(target, set()).add(rid)

    def companions(self, entry, b: matching.Binding) -> None:
        """Bind the entry's other parts to source resources where the source has them (Mismatch when a
        part a template names is not what the catalog makes)."""
        emits = [e for e in entry.emits if e.key and (e.cfn_type if self.side == "cfn" else e.tf_type)]
        done: set[str] = set()
        progress = True
        while progress:
            progress = False
            for emit in emits:
                if emit.key in done:
                    continue
                kind = emit.cfn_type if self.side == "cfn" else emit.tf_type
                bound = b.parts.get(emit.key)
                taken = set(b.parts.values())
                near = {c for m in taken for c in self.referrers.get(m, set()) | self.refers.get(m, set())}
                # the compiler names a part after its node (`Vpc` -> `VpcFlowLog`): such a name first, so a
                # node takes its own parts before another node's that refer to it too
                primary = b.parts.get("", "")
                candidates = [bound] if bound else sorted(
                    (c for c in near - taken if self.types.get(c) == kind), key=lambda c: (not c.startswith(primary), c))
                reason = ""
                for candidate in candidates:
                    if self.types.get(candidate) != kind:
                        reason = f"{candidate} is not a {kind}"
                        continue
                    trial = b.copy()
                    try:
                        trial.bind_part(emit.key, candidate)
                        matching.match_part(entry, emit, self.props[candidate], trial)
                    except matching.Mismatch as exc:
                        reason = reason or f"{candidate}: {exc}"
                        continue
                    b.__dict__.update(trial.__dict__)
                    done.add(emit.key)
                    progress = True
                    break
                else:
                    if bound:
                        raise matching.Mismatch(f"its {emit.key} part is not what the catalog makes ({reason})")


def referred(value) -> set[str]:
    """Resource ids a converted value refers to (design references, and references inside kept intrinsics)."""
    found: set[str] = set()
    stack = [value]
    while stack:
        node = stack.pop()
        if type(node) is Opaque:
            found |= references(node.raw)
        elif isinstance(node, dict):
            if "ref" in node and isinstance(node.get("ref"), str) and set(node) <= {"ref", "attribute"}:
                found.add(node["ref"])
            else:
                stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def choose(candidates: dict[str, list], order: list[str]) -> dict[str, tuple]:
    """Primary id -> (entry, binding): the largest groups first (then source order), no resource in two."""
    rank = {rid: i for i, rid in enumerate(order)}
    claimed: set[str] = set()
    chosen: dict[str, tuple] = {}
    flat = [(rid, entry, b) for rid, found in candidates.items() for entry, b in found]
    for rid, entry, b in sorted(flat, key=lambda x: (-len(x[2].parts), rank[x[0]])):
        members = set(b.parts.values())
        if rid in chosen or members & claimed:
            continue
        chosen[rid] = (entry, b)
        claimed |= members
    return chosen


__all__ = ["Source", "choose", "referred"]
