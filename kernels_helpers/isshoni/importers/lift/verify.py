"""Regenerating must give back the source's resources and no others: the compiler's own check.

A catalog entry that matched a group of resources may still make more (routing the compiler
implies for subnets, parts that depend on a container) or fewer (a part only a connection
would make) than the source had.  Resolving the design shows what each typed node makes;
a node whose parts differ from its group's by type is made generic again.
"""

from __future__ import annotations

from collections import Counter

from ...compiler.resolve import resolve

DESIGN = "@design"  # what the compiler makes for the design as a whole (the flow logs' role, the alarms' topic)


def differences(design, groups: dict[str, list[str]], side: str = "cfn", resolved=None) -> dict[str, tuple[Counter, Counter]]:
    """Typed resource id (or DESIGN) -> (types compiling it makes that its group in the source lacks, types of
    its group compiling does not make); types on the source's side, a Terraform-only part the source lacks
    being what the provider needs, not a difference."""
    made = {rid: Counter() for rid in groups}
    made.setdefault(DESIGN, Counter())
    for part in (resolved or resolve(design)).parts:
        if part.source in made:
            kind = part.cfn_type if side == "cfn" else part.tf_type
            if kind and (side == "tf" or part.cfn_type):
                made[part.source][kind] += 1
    out = {}
    for rid in made:
        expected = Counter(groups.get(rid, ()))
        extra, missing = made[rid] - expected, expected - made[rid]
        if side == "tf":
            extra = Counter({k: v for k, v in extra.items() if k not in _tf_only()})
        if extra or missing:
            out[rid] = (extra, missing)
    return out


def said(extra: Counter, missing: Counter) -> list[str]:
    return [f"also make {k}" + (f" x{n}" if n > 1 else "") for k, n in sorted(extra.items())] + [
        f"not make the source's {k}" + (f" x{n}" if n > 1 else "") for k, n in sorted(missing.items())]


def _tf_only() -> frozenset:
    from ...catalog import CATALOG

    return frozenset(e.tf_type for entry in CATALOG.values() for e in entry.emits if e.tf_type and not e.cfn_type)


def to_demote(extra: dict[str, list[str]], types: dict[str, str]) -> dict[str, list[str]]:
    """Which owners to make generic this round: what sits inside a VPC first (a VPC's implied route
    tables exist because of its subnets, and go when they do)."""
    inner = {rid: parts for rid, parts in extra.items() if types.get(rid) != "vpc"}
    return inner or extra


__all__ = ["DESIGN", "differences", "said", "to_demote"]
