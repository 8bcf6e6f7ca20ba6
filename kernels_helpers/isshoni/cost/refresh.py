"""`isshoni prices update`: refresh one region's prices from the AWS Price List Query API.

The keys refreshed are those the estimates use (the shipped us-east-1 keys and whatever the
region already has); each is looked up (price_list.py), and the region is written to the
user's table (prices.current() reads it first) with its source and date.  A key the API does
not answer keeps its old price and is reported; nothing is written when nothing was found.
The report's counts add up to the keys asked for.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import prices
from .price_list import Found, lookup
from .price_queries import resolve

SOURCE = "AWS Price List Query API (pricing GetProducts, OnDemand terms, first paid tier)"


class NoCredentials(RuntimeError):
    pass


@dataclass
class Report:
    region: str
    changed: dict = field(default_factory=dict)  # key -> (old, new)
    same: list = field(default_factory=list)
    not_found: dict = field(default_factory=dict)  # key -> why (old price kept, if any)
    not_checked: list = field(default_factory=list)  # deadline reached before asking
    written: str = ""
    stopped: str = ""  # why the refresh stopped early, if it did
    seconds: float = 0.0

    @property
    def asked(self) -> int:
        return len(self.changed) + len(self.same) + len(self.not_found) + len(self.not_checked)

    def summary(self) -> str:
        where = f"written to {self.written}" if self.written else "nothing written (no price found)"
        stopped = f" Stopped early: {self.stopped}." if self.stopped else ""
        return (f"{self.region}: {self.asked} price(s) asked in {self.seconds:.1f} s: {len(self.changed)} changed, "
                f"{len(self.same)} unchanged, {len(self.not_found)} not found (old price kept), "
                f"{len(self.not_checked)} not checked; {where}.{stopped}")


def keys_for(region: str, table: prices.PriceTable) -> list[str]:
    wanted = set(prices.shipped().regions.get("us-east-1") or {}) | set(table.regions.get(region) or {})
    return sorted(k for k in wanted if resolve(k) is not None)


def check_credentials() -> None:
    import boto3

    if boto3.Session().get_credentials() is None:
        raise NoCredentials("no AWS credentials found (environment, shared credentials file, SSO or instance role)")


def update(region: str, pricing=None, *, deadline_s: float = 300.0, progress=None, target: Path | None = None) -> Report:
    """Refresh `region` in the user's table; `progress(i, n, found)` after each key."""
    from .price_list import client

    started = time.monotonic()
    table = prices.current()
    if pricing is None:
        check_credentials()
        pricing = client()
    keys = keys_for(region, table)
    report = Report(region)
    fresh: dict[str, float] = {}
    for i, key in enumerate(keys, 1):
        if time.monotonic() - started > deadline_s:
            report.not_checked.extend(keys[i - 1:])
            break
        found, fatal = _ask(pricing, key, region)
        if fatal:  # the API cannot answer anything: asking the rest would only wait
            report.not_found[key] = found.why
            report.not_checked.extend(keys[i:])
            report.stopped = found.why
            break
        old = table.price(region, key)
        if found.price is None:
            report.not_found[key] = found.why
        else:
            fresh[key] = _tidy(found.price)
            if old is not None and abs(old - fresh[key]) < 1e-12:
                report.same.append(key)
            else:
                report.changed[key] = (old, fresh[key])
        if progress:
            progress(i, len(keys), found)
    if fresh:
        report.written = str(_write(table, region, fresh, target or prices.user_path()))
    report.seconds = time.monotonic() - started
    return report


_FATAL = {"AccessDeniedException", "UnrecognizedClientException", "ExpiredTokenException",
          "InvalidSignatureException", "InvalidClientTokenId"}


def _ask(pricing, key: str, region: str) -> tuple[Found, bool]:
    """(what the API said, whether asking again is pointless)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return lookup(pricing, resolve(key), region), False
    except ClientError as exc:
        error = exc.response.get("Error") or {}
        code = str(error.get("Code", "?"))
        return Found(key, None, f"the API refused: {code}: {error.get('Message', '')}".strip()), code in _FATAL
    except BotoCoreError as exc:
        return Found(key, None, f"could not reach the API: {exc}"), True


def _tidy(value: float) -> float:
    return float(f"{value:.10g}")  # 0.20000000000000004 -> 0.2


def _write(table: prices.PriceTable, region: str, fresh: dict, target: Path) -> Path:
    data = table.to_json()
    data["regions"] = {**data["regions"], region: {**(table.regions.get(region) or {}), **fresh}}
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    data["sources"] = {**data["sources"], region: {"source": SOURCE, "as_of": stamp}}
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".prices-", suffix=".json", dir=target.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=1, sort_keys=True)
        out.write("\n")
    os.replace(tmp, target)  # readers see the old table or the new one, never half of it
    return target
