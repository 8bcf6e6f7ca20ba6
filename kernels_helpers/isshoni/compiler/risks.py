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


def accepted(ctx, rid: str) -> dict[str, str]:
    """check id -> reason for one design resource."""
    entry, props = ctx.entry(rid), ctx.props(rid)
    found: dict[str, str] = {}
    for risk in entry.risks:
        prop, wanted = risk.when
        value = ctx.condition(rid, prop)
        if value in wanted if isinstance(wanted, tuple) else value == wanted:
            text = reason_text(risk.reason, props)
            for check in risk.checks:
                found[check] = text
    for check, reason in (props.get("accepted_risks") or {}).items():
        if reason:
            found[check] = one_line(reason)
    return found


def apply(ctx, parts: list[Part]) -> None:
    """Put each resource's accepted checks on the parts they inspect."""
    owners: dict[str, list[Part]] = defaultdict(list)
    connections = ctx.design.connections
    for part in parts:
        owner = part.source
        if owner in connections:
            owner = connections[owner]["source"]
        owners[owner].append(part)
    for rid in sorted(ctx.resources):
        checks = accepted(ctx, rid)
        if not checks:
            continue
        items = sorted(checks.items())
        for part in owners.get(rid, ()):
            part.cfn_skips = tuple((c, r) for c, r in items if inspects(c, "cfn", part.cfn_type))
            part.tf_skips = tuple((c, r) for c, r in items if inspects(c, "tf", part.tf_type))
