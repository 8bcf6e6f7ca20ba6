"""Accepted security findings: which checkov checks a design resource accepts, and where
the suppressions go in the generated code.

A resource accepts a check for one of two reasons, both visible in the design: a property
value its catalog entry names (`Risk`: e.g. log retention shorter than a year because the
design says so), or its `accepted_risks` property (a map of check id -> reason, whose
default is the entry's usual trade-offs, shown and edited in the inspector).  The
suppression lands on exactly the parts the check inspects (per `checkov_types.json`), in
the resource's own parts and in the parts of connections it starts.
"""

from __future__ import annotations

import functools
import json
import re
import string
from collections import defaultdict
from importlib import resources

from .model import Part

MAX_REASON = 250


@functools.cache
def check_types() -> dict[str, dict[str, frozenset[str]]]:
    """check id -> {"cfn"|"tf": the resource types it inspects} (from checkov's registries)."""
    text = resources.files("isshoni.compiler").joinpath("checkov_types.json").read_text("utf-8")
    return {cid: {side: frozenset(types) for side, types in sides.items()} for cid, sides in json.loads(text)["checks"].items()}


def inspects(check: str, side: str, rtype: str | None) -> bool:
    if not rtype:
        return False
    types = check_types().get(check)
    if types is None:  # a check this table does not know: it goes on every part (checkov ignores it where it does not apply)
        return True
    found = types.get(side, frozenset())
    return rtype in found or "*" in found


class _Props(dict):
    def __missing__(self, key):
        return "?"


_FORMATTER = string.Formatter()


@functools.lru_cache(maxsize=4096)
def _fields(template: str) -> tuple[str, ...]:
    return tuple(name for _text, name, _spec, _conv in _FORMATTER.parse(template) if name)


def reason_text(template: str, props: dict) -> str:
    """A reason on one line, properties filled in (`{name}`), at most MAX_REASON characters."""
    return _reason(template, tuple((name, _plain(props.get(name, "?"))) for name in _fields(template)))


@functools.lru_cache(maxsize=4096)  # designs repeat their settings: one formatting per distinct reason
def _reason(template: str, values: tuple) -> str:
    return one_line(_FORMATTER.vformat(template, (), _Props(values)))


@functools.lru_cache(maxsize=4096)
def one_line(text: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", text).strip()[:MAX_REASON]


def _plain(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def rules(ctx, rid: str) -> tuple:
    """(check, reason, parts, sides) a design resource accepts, most specific first: risks tied to
    some parts, then the `accepted_risks` map, then property-driven risks for all parts.

    Resources of one type with the same settings accept the same: the answer is kept per
    (type, the conditions' values, the reasons' fields, the accepted map) for the resolve."""
    entry, props = ctx.entry(rid), ctx.props(rid)
    conditions = tuple(ctx.condition(rid, risk.when[0]) if risk.when else None for risk in entry.risks)
    accepted_map = props.get("accepted_risks") or {}
    default_map = entry.defaults().get("accepted_risks")
    key = (
        entry.type, conditions, tuple(_plain(props.get(name)) for name in _risk_fields(entry)),
        None if accepted_map is default_map else tuple(sorted(accepted_map.items())),
    )
    cache = ctx.memo.setdefault("risk_rules", {})
    found = cache.get(key)
    if found is None:
        found = cache[key] = _rules(entry, props, conditions, accepted_map)
    return found


_FIELDS: dict[str, tuple[str, ...]] = {}  # catalog type -> the properties its risks' reasons name


def _risk_fields(entry) -> tuple[str, ...]:
    found = _FIELDS.get(entry.type)
    if found is None:
        found = _FIELDS[entry.type] = tuple(sorted({name for risk in entry.risks for name in _fields(risk.reason)}))
    return found


def _rules(entry, props: dict, conditions: tuple, accepted_map: dict) -> tuple:
    specific, general = [], []
    for risk, value in zip(entry.risks, conditions, strict=True):
        if risk.when is not None:
            wanted = risk.when[1]
            if not (value in wanted if isinstance(wanted, tuple) else value == wanted):
                continue
        text = reason_text(risk.reason, props)
        for check in risk.checks:
            (specific if risk.parts else general).append((check, text, risk.parts, risk.sides))
    mapped = [(check, one_line(reason), None, SIDES) for check, reason in sorted(accepted_map.items()) if reason]
    return tuple(specific + mapped + general)


SIDES = ("cfn", "tf")


def accepted(ctx, rid: str) -> dict[str, str]:
    """check id -> reason for one design resource (the first rule for each check)."""
    found: dict[str, str] = {}
    for check, reason, _parts, _sides in rules(ctx, rid):
        found.setdefault(check, reason)
    return found


@functools.lru_cache(maxsize=1 << 14)  # the same rules meet the same part types over and over
def _chosen(applicable: tuple, side: str, rtype: str | None, key: str | None, via_link: bool) -> tuple:
    chosen: dict[str, str] = {}
    for check, reason, parts, sides in applicable:
        if side not in sides or check in chosen or not inspects(check, side, rtype):
            continue
        if parts is not None and not (("@links" in parts) if via_link else (key in parts)):
            continue
        chosen[check] = reason
    return tuple(sorted(chosen.items()))


def apply(ctx, parts: list[Part]) -> None:
    """Put each resource's accepted checks on the parts they inspect."""
    owners: dict[str, list[Part]] = defaultdict(list)
    connections = ctx.design.connections
    for part in parts:
        owner = part.source
        if owner in connections:
            owner = connections[owner]["source"]
        owners[owner].append(part)
    # rules() gives resources with the same settings one and the same tuple: its choices are kept
    # by identity (hashing the whole tuple for every part was a tenth of a resolve)
    chosen_for: dict[int, dict] = {}
    for rid in sorted(ctx.resources):
        applicable = rules(ctx, rid)
        if not applicable:
            continue
        memo = chosen_for.setdefault(id(applicable), {})
        for part in owners.get(rid, ()):
            key, via_link = part.key, part.source != rid
            which = (part.cfn_type, part.tf_type, key, via_link)
            found = memo.get(which)
            if found is None:
                found = memo[which] = (_chosen(applicable, "cfn", part.cfn_type, key, via_link),
                                       _chosen(applicable, "tf", part.tf_type, key, via_link))
            part.cfn_skips, part.tf_skips = found
