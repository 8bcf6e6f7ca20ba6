"""Honest sandbox reports: check every deployed part through the service's describe APIs.

The engine saying "created" is not evidence; moto in particular reports
CREATE_COMPLETE for things it skipped and drops settings silently.  Each AWS
type has a small verifier (a registry, like cfn-lint rules) that finds the
resource by its physical id and compares the settings the design asked for.
Per part the verdict is one of:

- verified: found, and every checked setting matches;
- created_but_settings_dropped: found, but listed settings differ;
- not_emulated: the sandbox cannot create it (left out, with the reason);
- missing: the engine did not create it, or describe cannot find it;
- unverified: no describe check exists for the type, or the check errored.
  Existence is not claimed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from botocore.exceptions import BotoCoreError, ClientError

from ...compiler import expr as e
from ...compiler.model import Part, Resolved

STATUSES = ("verified", "created_but_settings_dropped", "unverified", "not_emulated", "missing")
_RANK = {s: i for i, s in enumerate(STATUSES)}


class Unknown:
    """A value the verifier cannot know (an attribute the engine did not report)."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


class NotFound(Exception):
    """describe could not find the resource."""


@dataclass
class PartReport:
    lid: str
    source: str
    type: str
    status: str
    physical_id: str | None = None
    dropped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    # each dropped setting as data: {"setting", "path" (the property path in the part's template), "design", "live"}
    differences: list[dict] = field(default_factory=list)


@dataclass
class Report:
    parts: list[PartReport]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for p in self.parts:
            out[p.status] += 1
        return out

    def by_resource(self) -> dict[str, dict]:
        """Per design resource: the worst part status, what was dropped, why not emulated."""
        out: dict[str, dict] = {}
        for p in self.parts:
            entry = out.setdefault(p.source, {"status": "verified", "parts": 0, "dropped": [], "not_emulated": [], "missing": []})
            entry["parts"] += 1
            if _RANK[p.status] > _RANK[entry["status"]]:
                entry["status"] = p.status
            entry["dropped"] += [f"{p.lid}: {d}" for d in p.dropped]
            if p.status == "not_emulated":
                entry["not_emulated"].append(f"{p.lid} ({p.type}): {'; '.join(p.notes)}")
            if p.status == "missing":
                entry["missing"].append(f"{p.lid} ({p.type}): {'; '.join(p.notes)}")
        return out

    def summary(self, details: int = 2, width: int = 120) -> dict:
        """What goes into the job record (small): every resource's status, details for the others."""
        by = self.by_resource()
        out: dict = {"counts": self.counts(), "status": {src: e["status"] for src, e in sorted(by.items())}, "details": {}}
        for src, entry in sorted(by.items()):
            if entry["status"] == "verified":
                continue
            lines = entry["missing"] + entry["not_emulated"] + entry["dropped"]
            short = [line if len(line) <= width else line[: width - 3] + "..." for line in lines[:details]]
            if len(lines) > details:
                short.append(f"... {len(lines) - details} more in the report file")
            out["details"][src] = short
        return out

    def to_dict(self) -> dict:
        return {"counts": self.counts(), "parts": [asdict(p) for p in self.parts]}

    def baseline_after(self, previous: dict) -> dict:
        """The baseline of a deploy that follows the deployment state `previous`."""
        before = previous.get("baseline") if previous.get("status") == "deployed" else None
        return self.baseline(before, frozenset(previous.get("inventory") or {}) if before is not None else frozenset())

    def baseline(self, before: dict | None = None, existed: frozenset = frozenset()) -> dict:
        """What was already off when the part was made (the target dropped a setting, never made
        the part): kept with the deployment so a drift check reports only what changed since.
        A part that existed before this deploy keeps only what its earlier baseline excused
        (an update that leaves drift in place must not excuse it)."""
        out = {}
        for p in self.parts:
            if p.status == "verified":
                continue
            live = {d["setting"]: d["live"] for d in p.differences}
            if before is not None and p.lid in existed:
                earlier = before.get(p.lid)
                if earlier is None:
                    continue
                live = {k: v for k, v in live.items() if k in earlier.get("live", {}) and earlier["live"][k] == v}
                if p.status != earlier.get("status") and not live:
                    continue
            out[p.lid] = {"status": p.status, "live": live}
        return out

    def part(self, lid: str) -> PartReport:
        return next(p for p in self.parts if p.lid == lid)


# ---------------------------------------------------------------- the registry

VERIFIERS: dict[str, object] = {}


def verifier(*types: str):
    """Register a check for CloudFormation and/or Terraform resource types."""

    def register(fn):
        for t in types:
            VERIFIERS[t] = fn
        return fn

    return register


class Check:
    """What a verifier works with for one part; it records findings on `report`."""

    def __init__(self, part: Part, found, run: Run, report: PartReport):
        self.part, self.found, self.run, self.report = part, found, run, report
        self.id = found.id if found else None
        self.attrs = (found.attrs if found else {}) or {}

    @property
    def props(self) -> dict:
        """The settings asked for, CloudFormation-shaped when the part has a CFN form."""
        return (self.part.cfn if self.part.cfn_type else self.part.tf) or {}

    def value(self, key_or_expr, default=UNKNOWN):
        if isinstance(key_or_expr, str):
            if key_or_expr not in self.props:
                return default
            return self.run.value(self.props[key_or_expr])
        return self.run.value(key_or_expr)

    def client(self, service: str):
        return self.run.target.client(service)

    def expect(self, label: str, expected, actual, path: str | None = None) -> None:
        """Compare one setting; unknown expectations are skipped, differences recorded as dropped.
        `path`: where the setting is in the part's template (`A.B`), when the label is not it."""
        if _unknown(expected):
            return
        self.report.checked.append(label)
        if not same(expected, actual):
            self.report.dropped.append(f"{label}: asked {_short(expected)}, got {_short(actual)}")
            self.report.differences.append({"setting": label, "path": path or label, "design": _plain(expected),
                                             "live": _plain(actual)})

    def expect_fields(self, actual: dict, *fields: str | Mapping[str, str]) -> None:
        """`expect` each setting against the describe answer's field: a name when both call it
        the same, a mapping {setting: field} when the describe API renames it (`Cpu` -> `cpu`)."""
        for spec in fields:
            for prop, key in (spec.items() if isinstance(spec, Mapping) else ((spec, spec),)):
                self.expect(prop, self.value(prop), actual.get(key))

    def note(self, text: str) -> None:
        self.report.notes.append(text)


class Run:
    def __init__(self, resolved: Resolved, inventory: dict, target, params: dict, engine: str):
        self.resolved, self.inventory, self.target, self.params, self.engine = resolved, inventory, target, params, engine
        self.defaults = {v.name: v.default for v in resolved.variables}

    def value(self, x):
        if isinstance(x, e.Var):
            return _coerce(self.params.get(x.name, self.defaults.get(x.name, UNKNOWN)))
        if isinstance(x, (e.Ref, e.Attr)):
            found = self.inventory.get(x.lid)
            if found is None:
                return UNKNOWN
            if self.engine == "terraform":
                key = x.tf
                if "[" in key or "." in key:
                    return UNKNOWN
                value = (found.attrs or {}).get(key)
                return UNKNOWN if value in (None, "") else value
            return found.id if isinstance(x, e.Ref) and found.id else UNKNOWN
        if isinstance(x, e.Pseudo):
            return {"region": self.target.region, "partition": "aws"}.get(x.name, UNKNOWN)
        if isinstance(x, e.Join):
            parts = [self.value(p) for p in x.parts]
            return UNKNOWN if any(_unknown(p) for p in parts) else "".join(str(p) for p in parts)
        if isinstance(x, e.JsonEncode):
            return self.value(x.value)
        if isinstance(x, e.Block):
            return self.value(x.body)
        if isinstance(x, dict):
            return {k: self.value(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [self.value(v) for v in x]
        return x


def verify(resolved: Resolved, inventory: dict, target, *, params: dict, engine: str, omitted: dict | None = None,
           notes: dict | None = None) -> Report:
    """One PartReport per part the engine was asked to deploy, plus one per part left out."""
    from . import compute, data, edge, elb, network  # noqa: F401  (register the verifiers)

    run = Run(resolved, inventory, target, params, engine)
    reports = []
    for om in (omitted or {}).values():
        reports.append(PartReport(om.lid, om.source, om.type, "not_emulated", notes=[om.reason]))
    for part in resolved.parts:
        kind = (part.cfn_type or part.tf_type) if engine == "cloudformation" else (part.tf_type or part.cfn_type)
        if engine == "cloudformation" and not part.cfn_type:
            continue  # Terraform-only split of a resource CloudFormation sets inline
        if engine == "terraform" and not part.tf_type:
            continue
        report = PartReport(part.lid, part.source, kind, "verified")
        report.notes += (notes or {}).get(part.lid, [])
        found = inventory.get(part.lid)
        if found is None:
            report.status = "missing"
            report.notes.append(f"the {engine} deployment has no {kind} for it")
            reports.append(report)
            continue
        report.physical_id = found.id
        fn = VERIFIERS.get(part.cfn_type) or VERIFIERS.get(part.tf_type)
        if fn is None:
            report.status = "unverified"
            report.notes.append(f"no describe check for {kind} yet: the engine reports it, Isshoni has not confirmed it")
            reports.append(report)
            continue
        try:
            fn(Check(part, found, run, report))
        except NotFound as exc:
            report.status = "missing"
            report.notes.append(f"describe cannot find it: {exc}")
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if "NotFound" in code or "NoSuch" in code or "NonExistent" in code or code in ("ResourceNotFoundException", "ValidationError", "404"):
                report.status = "missing"
                report.notes.append(f"describe cannot find it: {code}")
            else:
                report.status = "unverified"
                report.notes.append(f"describe failed: {code or exc}")
        except (BotoCoreError, KeyError, IndexError, TypeError, ValueError) as exc:
            report.status = "unverified"
            report.notes.append(f"describe check failed: {type(exc).__name__}: {exc}")
        else:
            if report.dropped:
                report.status = "created_but_settings_dropped"
        reports.append(report)
    return Report(reports)


# ---------------------------------------------------------------- comparison


def _unknown(value) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_unknown(v) for v in value)
    return False


def _coerce(value):
    return value


def _norm(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value.strip().lower() if value.strip().lower() in ("true", "false") else value.strip()
    return value


def _tail(text: str) -> str:
    """The name at the end of an ARN (`.../family:3` -> `family`), for ids given as names or ARNs."""
    last = text.rsplit("/", 1)[-1]
    if text.startswith("arn:") and ":" in last:
        last = last.split(":", 1)[0]
    return last


def same(expected, actual) -> bool:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return False
        return all(same(v, actual.get(k)) for k, v in expected.items())
    if isinstance(expected, (list, tuple)):
        if not isinstance(actual, (list, tuple)) or len(expected) != len(actual):
            return False
        remaining = list(actual)
        for item in expected:
            match = next((i for i, a in enumerate(remaining) if same(item, a)), None)
            if match is None:
                return False
            remaining.pop(match)
        return True
    a, b = _norm(expected), _norm(actual)
    if a == b:
        return True
    if isinstance(a, str) and isinstance(b, str) and (a.startswith("arn:") or b.startswith("arn:")):
        return _tail(a) == _tail(b)
    return False


def _plain(value):
    """A value as JSON holds it (describe answers carry datetimes and the like)."""
    return json.loads(json.dumps(value, default=str))


def _short(value, limit: int = 120) -> str:
    text = json.dumps(value, default=str, sort_keys=True) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[:limit - 3] + "..."
