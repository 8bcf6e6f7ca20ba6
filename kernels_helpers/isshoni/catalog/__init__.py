"""The resource catalog: one module per AWS category, each a tuple of entries.

Adding a service is adding an entry to its category module; the palette,
inspector, validation, compiler and checks all read it from here.
"""

from __future__ import annotations

import dataclasses
from importlib import import_module

from .spec import ResourceType, accepted_risks

CATEGORIES = ("networking", "compute", "data", "messaging", "security", "observability", "external")


def _load() -> dict[str, ResourceType]:
    catalog: dict[str, ResourceType] = {}
    for category in CATEGORIES:
        module = import_module(f"{__name__}.{category}")
        for entry in module.TYPES:
            if entry.type in catalog:
                raise RuntimeError(f"catalog type {entry.type!r} defined twice")
            if entry.category != category:
                raise RuntimeError(f"catalog type {entry.type!r} is in {category}.py but says {entry.category!r}")
            catalog[entry.type] = with_usage(with_accepted_risks(entry))
    return _with_external_links(dict(sorted(catalog.items())))


def _with_external_links(catalog: dict[str, ResourceType]) -> dict[str, ResourceType]:
    """Every type connects to `external` and `external` to every type; such connections emit nothing."""
    from .external import external_link

    out = {name: dataclasses.replace(entry, links=(*entry.links, external_link(("external",))))
           for name, entry in catalog.items() if name != "external"}
    out["external"] = dataclasses.replace(catalog["external"], links=(external_link(tuple(catalog)),))
    return dict(sorted(out.items()))


def with_accepted_risks(entry: ResourceType) -> ResourceType:
    """The entry with its `accepted_risks` property (defaulting to the trade-offs it accepts)."""
    return dataclasses.replace(entry, properties={**entry.properties, "accepted_risks": accepted_risks(entry.accepted)})


def with_usage(entry: ResourceType) -> ResourceType:
    """The entry with its cost's usage assumptions as properties (isshoni.cost.charges: they emit nothing)."""
    from ..cost.charges import usage_properties

    usage = usage_properties(entry.type)
    clash = sorted(set(usage) & set(entry.properties))
    if clash:
        raise RuntimeError(f"catalog type {entry.type!r}: usage assumption(s) {clash} clash with its properties")
    return dataclasses.replace(entry, properties={**entry.properties, **usage}) if usage else entry


CATALOG: dict[str, ResourceType] = _load()


class UnknownType(KeyError):
    def __str__(self) -> str:
        return f"unknown resource type {self.args[0]!r}; `isshoni catalog` lists the types"


def get_type(name: str) -> ResourceType:
    try:
        return CATALOG[name]
    except KeyError:
        raise UnknownType(name) from None


def summaries() -> list[dict]:
    """Every type as plain JSON (what `isshoni catalog --json` prints and the REST API serves)."""
    return [entry.summary() for entry in CATALOG.values()]


def by_category() -> dict[str, list[ResourceType]]:
    out: dict[str, list[ResourceType]] = {c: [] for c in CATEGORIES}
    for entry in CATALOG.values():
        out[entry.category].append(entry)
    return out


__all__ = ["CATALOG", "CATEGORIES", "ResourceType", "UnknownType", "by_category", "get_type", "summaries", "with_accepted_risks"]
