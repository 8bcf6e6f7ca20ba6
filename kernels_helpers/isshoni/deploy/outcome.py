"""What a finished deploy says: counts that add up, and every warning.

A design resource (or connection) becomes one or more AWS resources, so the
two are counted separately, each with its own statuses that add up to its
total: "11 design resources + 2 connections: ...; 35 AWS resources: ...".
Anything missing, created with settings dropped, not checked or not emulated
is a warning: the job then "succeeded with warnings", never plainly
"succeeded".
"""

from __future__ import annotations

from .verify import STATUSES, Report

WORDS = {
    "verified": "verified",
    "created_but_settings_dropped": "settings dropped",
    "unverified": "unverified",
    "not_emulated": "not emulated",
    "missing": "missing",
}
WARN = {
    "missing": "missing (not created, or describe cannot find it)",
    "created_but_settings_dropped": "created with settings dropped",
    "unverified": "not checked (no describe check for the type, or the check failed)",
    "not_emulated": "not emulated by the sandbox (left out)",
}
NAMES_SHOWN = 6


def counts(report: Report, design, created: int) -> dict:
    """{"design": {...}, "aws": {...}}: per side a total and statuses that add up to it."""
    by = report.by_resource()
    groups = {"resources": 0, "connections": 0, "design_level": 0}
    status = dict.fromkeys(STATUSES, 0)
    for source, entry in by.items():
        status[entry["status"]] += 1
        group = "resources" if source in design.resources else "connections" if source in design.connections else "design_level"
        groups[group] += 1
    return {
        "design": {"total": len(by), **groups, "status": status,
                   "nothing_to_deploy": sorted(set(design.resources) - set(by))},
        "aws": {"total": len(report.parts), "status": report.counts(), "created": created},
    }


def _statuses(status: dict) -> str:
    return ", ".join(f"{n} {WORDS[s]}" for s, n in status.items() if n) or "none"


def text(c: dict) -> str:
    """`11 design resources + 2 connections: 8 verified, ...; 35 AWS resources: 19 verified, ...`"""
    d, a = c["design"], c["aws"]
    what = _n(d["resources"], "design resource")
    if d["connections"]:
        what += f" + {_n(d['connections'], 'connection')}"
    if d["design_level"]:
        what += f" + {_n(d['design_level'], 'design-level setting')}"
    out = f"{what}: {_statuses(d['status'])}; {_n(a['total'], 'AWS resource')}: {_statuses(a['status'])}"
    if a["created"] != a["total"]:
        out += f" ({a['created']} of them reported created by the engine)"
    if d["nothing_to_deploy"]:
        out += f"; {_n(len(d['nothing_to_deploy']), 'design resource')} without an AWS resource of its own"
    return out


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _names(items: list[str]) -> str:
    shown = ", ".join(items[:NAMES_SHOWN])
    return shown + (f" and {len(items) - NAMES_SHOWN} more" if len(items) > NAMES_SHOWN else "")


def warnings(report: Report | None, *, dropped_outputs: list[str] = ()) -> list[str]:
    """One line per kind of shortfall, naming the AWS resources (by design id)."""
    if report is None:
        return ["not verified: the describe checks were skipped, so nothing is confirmed to exist"]
    out = []
    for status, words in WARN.items():
        lids = sorted(p.lid for p in report.parts if p.status == status)
        if lids:
            out.append(f"{_n(len(lids), 'AWS resource')} {words}: {_names(lids)}")
    if dropped_outputs:
        out.append(f"{_n(len(dropped_outputs), 'output')} unavailable (their resources are not emulated): {_names(list(dropped_outputs))}")
    return out
