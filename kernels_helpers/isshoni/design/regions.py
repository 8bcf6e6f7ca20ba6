"""Which CloudFormation resource types AWS offers in each region.

The answer comes from cfn-lint's public schema manager (`cfnlint.schema.
PROVIDER_SCHEMA_MANAGER.get_resource_types`), which every cfn-lint 1.x keeps,
whatever layout its data files have on disk (Python modules up to 1.5x, JSON
since).  Importing cfn-lint costs about a second, which every `isshoni`
command that loads a design would pay, so the table for all regions is worked
out once per cfn-lint version and kept in the user's cache folder.  When the
table cannot be had, `availability()` says why, so checks can report "not
checked" instead of passing silently.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

CACHE_FORMAT = 1


@dataclass(frozen=True)
class Availability:
    """The resource types offered in `region`, or None with the reason they are unknown."""

    region: str
    types: frozenset | None
    reason: str = ""


def region_types(region: str) -> frozenset | None:
    return availability(region).types


@lru_cache(maxsize=64)
def availability(region: str) -> Availability:
    try:
        version = metadata.version("cfn-lint")
    except metadata.PackageNotFoundError:
        return Availability(region, None, "cfn-lint is not installed")
    table = _cached_table(version)
    if table is None:
        try:
            table = _table_from_cfnlint()
        except Exception as exc:  # noqa: BLE001 - any failure inside cfn-lint means "unknown", said plainly
            return Availability(region, None, f"cfn-lint {version} could not list region types ({type(exc).__name__}: {exc})")
        _store_table(version, table)
    if region not in table:
        return Availability(region, None, f"cfn-lint {version} has no data for region {region!r}")
    return Availability(region, frozenset(table[region]))


def cache_dir() -> Path:
    """`ISSHONI_CACHE_DIR`, else the platform's user cache folder for isshoni."""
    explicit = os.environ.get("ISSHONI_CACHE_DIR")
    if explicit:
        return Path(explicit)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("isshoni", appauthor=False))


def _cache_file(version: str) -> Path:
    return cache_dir() / "cfn-lint-regions" / f"{version}-v{CACHE_FORMAT}.json"


def _cached_table(version: str) -> dict[str, list[str]] | None:
    try:
        data = json.loads(_cache_file(version).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        return None
    return data


def _table_from_cfnlint() -> dict[str, list[str]]:
    """Every region cfn-lint knows, with its resource types (cfn-lint's public names only)."""
    from cfnlint.helpers import REGIONS
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    table = {region: sorted(set(PROVIDER_SCHEMA_MANAGER.get_resource_types(region))) for region in REGIONS}
    if not table or not all(table.values()):
        raise LookupError("cfn-lint returned an empty region table")
    return table


def _store_table(version: str, table: dict[str, list[str]]) -> None:
    store_json(_cache_file(version), table)


def store_json(path: Path, data) -> None:
    """Write a cache file atomically; a read-only or full cache folder only costs speed next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp") as out:
            json.dump(data, out, separators=(",", ":"), sort_keys=True)
        os.replace(out.name, path)
    except OSError:
        pass
