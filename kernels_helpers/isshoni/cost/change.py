"""What a change to a design does to its monthly estimate: both sides estimated (each in its own
region, from the same price table), the totals, the difference ("+$41.20/month") and the nodes
whose figure moved.  A side that cannot be estimated (not a design) gives no cost change
rather than a wrong one."""

from __future__ import annotations

from .render import _money


def cost_change(old: dict, new: dict) -> dict | None:
    from ..design.model import Design
    from .estimates import estimate

    try:
        before = estimate(Design({**old, "meta": old.get("meta") or {}}))  # (Design copies what it is given)
        after = estimate(Design({**new, "meta": new.get("meta") or {}}))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    nodes = {}
    for rid in sorted(before.nodes.keys() | after.nodes.keys()):
        was = before.nodes[rid].monthly if rid in before.nodes else 0.0
        now = after.nodes[rid].monthly if rid in after.nodes else 0.0
        if round(now - was, 2):
            nodes[rid] = round(now - was, 2)
    return {"currency": after.currency, "before": before.total, "after": after.total,
            "change": round(after.total - before.total, 2), "nodes": nodes,
            "not_priced": {"before": before.counts()["not priced"], "after": after.counts()["not priced"]}}


def signed(amount: float, currency: str = "USD") -> str:
    """+$41.20 / -$3.00 / $0.00."""
    return ("+" if amount > 0 else "-" if amount < 0 else "") + _money(abs(amount), currency)


def line(change: dict | None) -> str:
    """The one line a diff shows, or "" when there is no estimate."""
    if not change:
        return ""
    currency = change["currency"]
    unpriced = change["not_priced"]["after"]
    note = f"; {unpriced} node(s) not priced" if unpriced else ""
    return (f"cost: {signed(change['change'], currency)}/month ({_money(change['before'], currency)} -> "
            f"{_money(change['after'], currency)}, list-price estimate{note})")
