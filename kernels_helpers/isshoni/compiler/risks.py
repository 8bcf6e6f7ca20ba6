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


def reason_text(template: str, props: dict) -> str:
    """A reason on one line, properties filled in (`{name}`), at most MAX_REASON characters."""
    values = _Props({k: _plain(v) for k, v in props.items()})
    return one_line(_FORMATTER.vformat(template, (), values))


def one_line(text: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", text).strip()[:MAX_REASON]


def _plain(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def rules(ctx, rid: str) -> list[tuple]:
    """(check, reason, parts, sides) a design resource accepts, most specific first: risks tied to
    some parts, then the `accepted_risks` map, then property-driven risks for all parts."""
    entry, props = ctx.entry(rid), ctx.props(rid)
    specific, general = [], []
    for risk in entry.risks:
        if risk.when is not None:
            prop, wanted = risk.when
            value = ctx.condition(rid, prop)
            if not (value in wanted if isinstance(wanted, tuple) else value == wanted):
                continue
        text = reason_text(risk.reason, props)
        for check in risk.checks:
            (specific if risk.parts else general).append((check, text, risk.parts, risk.sides))
    mapped = [(check, one_line(reason), None, SIDES) for check, reason in sorted((props.get("accepted_risks") or {}).items()) if reason]
    return specific + mapped + general


SIDES = ("cfn", "tf")


def accepted(ctx, rid: str) -> dict[str, str]:
    """check id -> reason for one design resource (the first rule for each check)."""
    found: dict[str, str] = {}
    for check, reason, _parts, _sides in rules(ctx, rid):
        found.setdefault(check, reason)
    return found


def _chosen(applicable: list[tuple], side: str, rtype: str | None, key: str | None, via_link: bool) -> tuple:
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
    keys = {lid: key for (_owner, key), lid in ctx._lids.items()}
    for rid in sorted(ctx.resources):
        applicable = rules(ctx, rid)
        if not applicable:
            continue
        for part in owners.get(rid, ()):
            key, via_link = keys.get(part.lid), part.source != rid
            part.cfn_skips = _chosen(applicable, "cfn", part.cfn_type, key, via_link)
            part.tf_skips = _chosen(applicable, "tf", part.tf_type, key, via_link)
