"""The price table (prices.json): unit prices per region, with where they come from and when.

Shipped with the package; a refreshed table (`isshoni prices update`, from the AWS Price List
Query API) is written to the user's data folder and read first, so the shipped one is never
edited in place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

SHIPPED = Path(__file__).with_name("prices.json")


@dataclass(frozen=True)
class PriceTable:
    currency: str
    source: str
    as_of: str
    regions: dict = field(default_factory=dict)

    def price(self, region: str, key: str) -> float | None:
        value = (self.regions.get(region) or {}).get(key)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def has_region(self, region: str) -> bool:
        return bool(self.regions.get(region))


def read(path: Path) -> PriceTable:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("regions"), dict):
        raise ValueError(f"{path}: not a price table (expected currency, source, as_of and regions)")
    return PriceTable(str(data.get("currency", "USD")), str(data.get("source", "")), str(data.get("as_of", "")), data["regions"])


@lru_cache(maxsize=1)
def shipped() -> PriceTable:
    return read(SHIPPED)
