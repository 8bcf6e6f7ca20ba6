"""What a design will cost per month: the catalog's charges (charges.py), a price table per
region (prices.json, prices.py) and the estimate (estimate.py).  Imported lazily by the
catalog, which adds each type's usage assumptions to its properties."""

from __future__ import annotations

__all__ = ["estimate"]


def estimate(design, prices=None, region=None):
    from .estimates import estimate as run

    return run(design, prices, region)
