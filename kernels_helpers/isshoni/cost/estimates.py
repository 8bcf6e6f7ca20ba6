"""A design's monthly cost estimate, node by node, from the catalog's charges (charges.py), the
node's properties (its usage assumptions included) and the price table (prices.py).

Every node ends in one of four states, and the totals say how many of each: `priced` (its
charges, each with quantity x unit price), `free` (AWS does not bill for it), `not priced` (no
cost model for its type, a generic resource, or a price missing in this region: the reason is
given, and the node is never counted as zero).  Figures are estimates: list prices, no free tier.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..catalog import CATALOG
from ..design.validate import GENERIC_PREFIX
from .charges import FREE, MODELS, Charge
from .prices import PriceTable, current


@dataclass
class Line:
    what: str
    quantity: float
    unit: str
    unit_price: float
    monthly: float


@dataclass
class NodeCost:
    id: str
    type: str
    status: str  # "priced" | "free" | "not priced"
    monthly: float = 0.0
    lines: list[Line] = field(default_factory=list)
    why: str = ""


@dataclass
class Estimate:
    region: str
    currency: str
    source: str
    as_of: str
    nodes: dict[str, NodeCost] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return round(sum(n.monthly for n in self.nodes.values() if n.status == "priced"), 2)

    def counts(self) -> dict[str, int]:
        out = {"priced": 0, "free": 0, "not priced": 0}
        for node in self.nodes.values():
            out[node.status] += 1
        return out

    def by_service(self) -> dict[str, float]:
        """Monthly total per catalog type label (the breakdown a chart shows), largest first."""
        sums: dict[str, float] = {}
        for node in self.nodes.values():
            if node.status == "priced":
                label = CATALOG[node.type].label if node.type in CATALOG else node.type
                sums[label] = sums.get(label, 0.0) + node.monthly
        return {k: round(v, 2) for k, v in sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))}

    def __str__(self) -> str:
        from .render import text

        return text(self)

    def _repr_markdown_(self) -> str:  # a notebook shows the estimate as a table
        from .render import markdown

        return markdown(self)

    def to_json(self) -> dict:
        return {
            "region": self.region, "currency": self.currency, "source": self.source, "as_of": self.as_of,
            "monthly_total": self.total, "counts": self.counts(), "by_service": self.by_service(),
            "nodes": {rid: {"type": n.type, "status": n.status, "monthly": round(n.monthly, 2),
                            **({"why": n.why} if n.why else {}),
                            "lines": [{"what": ln.what, "quantity": ln.quantity, "unit": ln.unit, "unit_price": ln.unit_price,
                                       "monthly": round(ln.monthly, 2)} for ln in n.lines]}
                      for rid, n in sorted(self.nodes.items())},
        }


def estimate(design, prices: PriceTable | None = None, region: str | None = None) -> Estimate:
    """The monthly estimate of a (valid) design in its region (or `region`)."""
    table = prices or current()
    region = region or design.region
    out = Estimate(region, table.currency, *table.provenance(region))
    for rid in sorted(design.resources):
        out.nodes[rid] = node_cost(rid, design.resources[rid], region, table)
    return out


def node_cost(rid: str, resource: dict, region: str, table: PriceTable) -> NodeCost:
    type_name = str(resource.get("type", ""))
    if type_name.startswith(GENERIC_PREFIX):
        return NodeCost(rid, type_name, "not priced", why="a generic resource has no cost model")
    if type_name in FREE:
        return NodeCost(rid, type_name, "free")
    model = MODELS.get(type_name)
    entry = CATALOG.get(type_name)
    if model is None or entry is None:
        return NodeCost(rid, type_name, "not priced", why=f"no cost model for {type_name} yet")
    props = {**entry.defaults(), **(resource.get("properties") or {})}
    node = NodeCost(rid, type_name, "priced")
    for charge in model:
        if not all(props.get(key) == value for key, value in charge.when):
            continue
        try:
            key = charge.price.format(**props)
        except (KeyError, IndexError, ValueError):
            return NodeCost(rid, type_name, "not priced", why=f"its {charge.what} price depends on a property it lacks")
        unit_price = table.price(region, key)
        if unit_price is None:
            where = f"in {region}" if table.has_region(region) else f"for {region} (no prices for that region)"
            return NodeCost(rid, type_name, "not priced", why=f"no price for {key} {where}")
        quantity = _quantity(charge, props)
        node.lines.append(Line(charge.what, quantity, charge.unit, unit_price, quantity * unit_price))
    node.monthly = sum(line.monthly for line in node.lines)
    return node


def _quantity(charge: Charge, props: dict) -> float:
    total = 1.0
    for factor in charge.quantity:
        if isinstance(factor, tuple):
            name, table = factor
            total *= float(table.get(props.get(name), 1))
        elif isinstance(factor, str):
            value = props.get(factor)
            total *= float(value) if value is not None and not isinstance(value, bool) else 0.0
        else:
            total *= float(factor)
    return total
