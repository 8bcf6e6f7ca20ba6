"""Regenerating must give back the source's resources and no others: the compiler's own check.

A catalog entry that matched a resource may still make more than the source had: routing the
compiler implies for subnets (a route table and association), parts that depend on a container.
Resolving the design shows them; the typed nodes that own such parts are made generic again.
"""

from __future__ import annotations

from ...compiler.resolve import resolve


def extra_parts(design, typed: set[str]) -> dict[str, list[str]]:
    """Typed resource id -> the CloudFormation parts it makes besides its primary one."""
    resolved = resolve(design)
    primary = {rid: None for rid in typed}
    extra: dict[str, list[str]] = {}
    for part in resolved.parts:
        if part.source in primary and part.cfn_type:
            if part.cfn_name == part.source or (primary[part.source] is None and part.lid == _lid(part.source)):
                primary[part.source] = part.lid
                continue
            extra.setdefault(part.source, []).append(f"{part.cfn_type} {part.cfn_name}")
    return extra


def _lid(rid: str) -> str:
    from ...compiler.names import tf_identifier

    return tf_identifier(rid)


def to_demote(extra: dict[str, list[str]], types: dict[str, str]) -> dict[str, list[str]]:
    """Which owners to make generic this round: what sits inside a VPC first (a VPC's implied route
    tables exist because of its subnets, and go when they do)."""
    inner = {rid: parts for rid, parts in extra.items() if types.get(rid) != "vpc"}
    return inner or extra


__all__ = ["extra_parts", "to_demote"]
