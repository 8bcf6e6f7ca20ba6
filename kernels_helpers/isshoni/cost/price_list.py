"""Reading one price from the AWS Price List Query API (boto3 `pricing`, GetProducts).

The API answers with price-list documents (JSON strings: the product and its terms); this
module pages through them, keeps the products whose usage type the query names, and reads
the on-demand price of the first tier that is not free.  Every call has a deadline (connect
and read timeouts, the SDK's standard retry mode); the endpoint is the SDK's own (so
`AWS_ENDPOINT_URL_PRICING` points it elsewhere, as the tests do).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .price_queries import Resolved

PRICING_REGION = "us-east-1"  # the Price List Query API answers from us-east-1 (and a few others)


@dataclass(frozen=True)
class Found:
    key: str
    price: float | None  # in the table's unit, or None when not found
    why: str = ""  # when not found: what the API said
    sku: str = ""


def client(timeout: float = 20.0):
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=min(timeout, 10.0), read_timeout=timeout,
                    retries={"mode": "standard", "max_attempts": 3})
    return boto3.client("pricing", region_name=PRICING_REGION, config=config)


def lookup(pricing, want: Resolved, region: str, max_pages: int = 20) -> Found:
    """The table price of one key in one region."""
    filters = [{"Type": "TERM_MATCH", "Field": name, "Value": value} for name, value in want.filters]
    if want.query.regional:
        filters.append({"Type": "TERM_MATCH", "Field": "regionCode", "Value": region})
    matches: dict[str, float] = {}
    token, pages = None, 0
    while True:
        kwargs = {"ServiceCode": want.query.service, "Filters": filters, "FormatVersion": "aws_v1", "MaxResults": 100}
        if token:
            kwargs["NextToken"] = token
        reply = pricing.get_products(**kwargs)
        for document in reply.get("PriceList") or []:
            product = json.loads(document) if isinstance(document, str) else document
            price = _on_demand(product, want)
            if price is not None:
                matches[str((product.get("product") or {}).get("sku", ""))] = price
        token, pages = reply.get("NextToken"), pages + 1
        if not token or pages >= max_pages:
            break
    if not matches:
        return Found(want.key, None, f"no {want.query.service} product with usage type *{want.usagetype_suffix or '(any)'} "
                                     f"priced in {want.query.unit or 'any unit'}")
    prices = set(matches.values())
    if len(prices) > 1:
        return Found(want.key, None, f"{len(matches)} products match with different prices ({', '.join(sorted(matches))})")
    sku = sorted(matches)[0]
    return Found(want.key, prices.pop() * want.query.factor, sku=sku)


def _on_demand(product: dict, want: Resolved) -> float | None:
    attributes = (product.get("product") or {}).get("attributes") or {}
    usagetype = str(attributes.get("usagetype", ""))
    suffix = want.usagetype_suffix
    if suffix and usagetype != suffix and not usagetype.endswith("-" + suffix):
        return None
    tiers = []
    for term in ((product.get("terms") or {}).get("OnDemand") or {}).values():
        for dim in (term.get("priceDimensions") or {}).values():
            if want.query.unit and dim.get("unit") != want.query.unit:
                continue
            try:
                usd = float((dim.get("pricePerUnit") or {}).get("USD"))
                begin = float(dim.get("beginRange", 0) or 0)
            except (TypeError, ValueError):
                continue
            tiers.append((begin, usd))
    paid = [usd for _, usd in sorted(tiers) if usd > 0]
    return paid[0] if paid else None
