"""What a service scanner finds, in CloudFormation's shape, and the helpers scanners share.

A scanner yields `Found` records: the CloudFormation type, its properties under CloudFormation's
names (translated by the small tables of each category module), what `Ref` and `Fn::GetAtt`
give for it (so ids and ARNs elsewhere become references: linking.py), and a name for the
design id.  `Scan` holds the read-only clients and a per-service deadline checked between pages.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field


@dataclass
class Found:
    type: str  # CloudFormation type
    properties: dict
    ref: str | None = None  # the value Ref gives (an id, a name, an ARN)
    attributes: dict = field(default_factory=dict)  # Fn::GetAtt name -> value (Arn ...)
    name: str = ""  # for the design id: the CloudFormation logical id, the Name tag, the name or the id
    address: str = ""  # the physical id or ARN, for the report
    problem: str = ""  # why the design cannot hold it (the lifter reports it as not understood)


class Deadline(TimeoutError):
    """A service took longer than its share of the scan."""


class Scan:
    """Read-only clients plus the deadline of the service being scanned."""

    def __init__(self, clients, region: str, seconds: float):
        self.clients, self.region, self.seconds = clients, region, seconds
        self.deadline = time.monotonic() + seconds
        self.notes: list[str] = []
        self.default_vpcs: set = set()  # AWS made these (and what is in them): not design

    def restart(self) -> None:
        self.deadline = time.monotonic() + self.seconds

    def check(self, what: str) -> None:
        if time.monotonic() > self.deadline:
            raise Deadline(f"{what}: not finished within {self.seconds:.0f} s")

    def pages(self, service: str, operation: str, key: str, **kwargs) -> list:
        """Every item of a listing, through its paginator (a single call where the API has none)."""
        client = self.clients(service)
        out: list = []
        if client.can_paginate(operation):
            for page in client.get_paginator(operation).paginate(**kwargs):
                self.check(f"{service} {operation}")
                out.extend(_at(page, key))
            return out
        self.check(f"{service} {operation}")
        return _at(getattr(client, operation)(**kwargs), key)

    def call(self, service: str, operation: str, **kwargs) -> dict:
        self.check(f"{service} {operation}")
        return getattr(self.clients(service), operation)(**kwargs)

    def optional(self, service: str, operation: str, about: str, **kwargs) -> dict | None:
        """A call about one resource that may be refused (access denied, not supported for its kind):
        None and a note, instead of ending the service's scan."""
        from botocore.exceptions import ClientError

        try:
            return self.call(service, operation, **kwargs)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            self.notes.append(f"{about}: {service} {operation} answered {error.get('Code', 'an error')}; read without it")
            return None


def _at(page: dict, key: str) -> list:
    value = page
    for part in key.split("."):
        value = (value or {}).get(part) if isinstance(value, dict) else None
    return list(value or [])


def shape(item: dict, table: dict, defaults: dict | None = None) -> dict:
    """The API's fields under CloudFormation's property names (`table`: API key -> property).  Empty
    values and CloudFormation's defaults (`defaults`: property -> value; the API states every setting,
    a template leaves defaults unsaid) are left out; a list of ids is never repeated (moto repeats some)."""
    out = {}
    for api_key, prop in table.items():
        value = item.get(api_key)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = list(dict.fromkeys(value))
        if value not in (None, "", [], {}) and not (defaults and prop in defaults and defaults[prop] == value):
            out[prop] = value
    return out


def pascal(value):
    """camelCase keys (ECS, the API's JSON) as CloudFormation's PascalCase, all the way down."""
    if isinstance(value, dict):
        return {k[:1].upper() + k[1:]: pascal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [pascal(v) for v in value]
    return value


def tags(items) -> list:
    """Tags as CloudFormation writes them.  `aws:` tags are AWS's own (CloudFormation cannot set them) and
    `isshoni:` tags mark what Isshoni deployed (its compiler writes them again): neither is design."""
    if isinstance(items, dict):
        items = [{"Key": k, "Value": v} for k, v in items.items()]
    return [{"Key": t["Key"], "Value": t.get("Value", "")} for t in items or []
            if isinstance(t, dict) and isinstance(t.get("Key"), str) and not t["Key"].startswith(NOT_DESIGN_TAGS)]


def tag_map(items) -> dict:
    if isinstance(items, dict):
        return {k: v for k, v in items.items() if not k.startswith(NOT_DESIGN_TAGS)}
    return {t["Key"]: t.get("Value", "") for t in items or [] if isinstance(t, dict) and isinstance(t.get("Key"), str)}


def name_of(raw_tags, *fallbacks) -> str:
    """The logical id CloudFormation gave it, else its Name tag, else the first fallback given."""
    found = {t["Key"]: t.get("Value") for t in raw_tags or [] if isinstance(t, dict) and "Key" in t} \
        if not isinstance(raw_tags, dict) else raw_tags
    for key in ("aws:cloudformation:logical-id", "Name"):
        if found.get(key):
            return str(found[key])
    return next((str(f) for f in fallbacks if f), "")


NOT_DESIGN_TAGS = ("aws:", "isshoni:")
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]+")


def design_id(name: str, cfn_type: str, taken: set) -> str:
    """A design id from a name: letters, digits, `_` and `-`, a letter first, unique."""
    base = _NOT_ID.sub("_", name).strip("_-")[:56] or cfn_type.split("::")[-1]
    if not base[0].isalpha():
        base = f"{cfn_type.split('::')[-1]}_{base}"[:56]
    out, n = base, 2
    while out in taken:
        out, n = f"{base}_{n}", n + 1
    taken.add(out)
    return out


__all__ = ["Deadline", "Found", "Scan", "design_id", "name_of", "pascal", "shape", "tag_map", "tags"]
