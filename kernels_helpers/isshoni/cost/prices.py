"""The price table (prices.json): unit prices per region, with where they come from and when.

Shipped with the package; a refreshed table (`isshoni prices update`, from the AWS Price List
Query API) is written to the user's data folder and read first, so the shipped one is never
edited in place.  Each region says its own source and date (`sources`), because a refresh
updates one region at a time.
"""

from __future__ import annotations

import json
import os
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
    sources: dict = field(default_factory=dict)  # region -> {"source": ..., "as_of": ...} for refreshed regions
    path: str = ""

    def price(self, region: str, key: str) -> float | None:
        value = (self.regions.get(region) or {}).get(key)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def has_region(self, region: str) -> bool:
        return bool(self.regions.get(region))

    def provenance(self, region: str) -> tuple[str, str]:
        """(source, as of) of a region's prices: its refresh when it had one, else the table's."""
        own = self.sources.get(region) or {}
        return str(own.get("source") or self.source), str(own.get("as_of") or self.as_of)

    def to_json(self) -> dict:
        return {"currency": self.currency, "source": self.source, "as_of": self.as_of,
                "sources": self.sources, "regions": self.regions}


def read(path: Path) -> PriceTable:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("regions"), dict):
        raise ValueError(f"{path}: not a price table (expected currency, source, as_of and regions)")
    sources = data.get("sources") if isinstance(data.get("sources"), dict) else {}
    return PriceTable(str(data.get("currency", "USD")), str(data.get("source", "")), str(data.get("as_of", "")),
                      data["regions"], sources, str(path))


@lru_cache(maxsize=1)
def shipped() -> PriceTable:
    return read(SHIPPED)


def user_path() -> Path:
    """Where a refreshed table lives: $ISSHONI_PRICES, else the Jupyter data folder."""
    explicit = os.environ.get("ISSHONI_PRICES")
    if explicit:
        return Path(explicit)
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "isshoni" / "prices.json"


def current() -> PriceTable:
    """The refreshed table when there is a readable one, else the shipped table (re-read when
    the refreshed file changes, so a running server picks up `isshoni prices update`)."""
    path = user_path()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return shipped()
    return _read_cached(str(path), stamp) or shipped()


@lru_cache(maxsize=4)
def _read_cached(path: str, _stamp: int) -> PriceTable | None:
    try:
        return read(Path(path))
    except (OSError, ValueError):
        return None  # a broken refreshed file never hides the shipped prices
