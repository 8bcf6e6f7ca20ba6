"""The CloudFormation registry as cfn-lint ships it: each type's schema, attributes and handlers.

Read through cfn-lint's public schema manager (`PROVIDER_SCHEMA_MANAGER.
get_resource_schema`).  Importing it costs seconds, so what a design needs
of a type (a `Profile`) is kept in the user's cache folder, one file per
cfn-lint version, region and type, and in memory; the search index (each
type's first sentence and whether Cloud Control can manage it) is built once
per cfn-lint version.  Type names and regions are checked against strict
patterns before they name a file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ..design import regions
from . import CFN_TYPE

FORMAT = 1
BASE_REGION = "us-east-1"  # every region's schema is this one, patched
REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-[0-9]$")
# SAM types exist only through the template's Transform, which a design does not add.
EXCLUDED_PREFIXES = ("AWS::Serverless::",)
# What a design's properties are checked against; the rest of a registry schema is metadata.
SCHEMA_KEYS = ("properties", "definitions", "required", "additionalProperties", "oneOf", "anyOf", "allOf",
               "dependencies", "dependentRequired", "patternProperties", "requiredXor", "requiredOr", "dependentExcluded")
CLOUD_CONTROL_HANDLERS = frozenset({"create", "read", "delete"})


class RegistryUnavailable(RuntimeError):
    """cfn-lint (the source of the schemas) is missing or could not answer."""


@dataclass(frozen=True)
class Profile:
    """What a design needs of one registry type in one region."""

    cfn_type: str
    region: str
    description: str
    schema: dict
    read_only: tuple
    attributes: tuple
    primary_identifier: tuple
    handlers: tuple

    @property
    def cloud_control(self) -> bool:
        """Whether Cloud Control API (and so Terraform's `aws_cloudcontrolapi_resource`) manages the type:
        the registry lists create, read and delete handlers for it."""
        return CLOUD_CONTROL_HANDLERS <= set(self.handlers)

    @property
    def required(self) -> tuple:
        return tuple(self.schema.get("required", ()))

    def to_dict(self) -> dict:
        """The profile as the REST API and `isshoni catalog --cfn-type` show it."""
        return {
            "type": f"cfn:{self.cfn_type}",
            "cfn_type": self.cfn_type,
            "region": self.region,
            "description": self.description,
            "schema": self.schema,
            "required": list(self.required),
            "read_only": [p.removeprefix("/properties/") for p in self.read_only],
            "attributes": list(self.attributes),
            "primary_identifier": [p.removeprefix("/properties/") for p in self.primary_identifier],
            "terraform": terraform_counterpart(self.cloud_control),
        }


def terraform_counterpart(cloud_control: bool) -> str | None:
    return "aws_cloudcontrolapi_resource" if cloud_control else None


@lru_cache(maxsize=1)  # reading package metadata costs a millisecond: it was most of checking a generic design
def cfnlint_version() -> str:
    try:
        return metadata.version("cfn-lint")
    except metadata.PackageNotFoundError:
        raise RegistryUnavailable("cfn-lint is not installed: generic resources need its registry schemas") from None


def schema_region(region: str) -> str:
    """The region whose schemas apply: the design's when cfn-lint knows it, else the base region."""
    return region if regions.region_types(region) is not None else BASE_REGION


def types(region: str) -> tuple[str, ...]:
    """Every registry type a design may use in `region` (the base region's list when it is unknown), sorted."""
    return _usable(_available(region))


def type_set(region: str) -> frozenset:
    return _usable_set(_available(region))


def _available(region: str) -> frozenset:
    available = regions.region_types(schema_region(region))
    if available is None:
        reason = regions.availability(BASE_REGION).reason
        raise RegistryUnavailable(f"the CloudFormation registry types are unknown: {reason}")
    return available


@lru_cache(maxsize=64)  # keyed by the region table's own set, so a refreshed table is never shadowed
def _usable(available: frozenset) -> tuple[str, ...]:
    return tuple(sorted(t for t in available if not t.startswith(EXCLUDED_PREFIXES)))


@lru_cache(maxsize=64)
def _usable_set(available: frozenset) -> frozenset:
    return frozenset(_usable(available))


def known(cfn_type: str) -> bool:
    """Whether the type exists in the registry at all (in the base region)."""
    return cfn_type in type_set(BASE_REGION)


def profile(region: str, cfn_type: str) -> Profile:
    """The type's profile for `region` (KeyError when the registry has no such type there)."""
    if not REGION.match(region) or not CFN_TYPE.match(cfn_type):
        raise KeyError(cfn_type)
    return _profile(schema_region(region), cfn_type, cfnlint_version())


@lru_cache(maxsize=4096)
def _profile(region: str, cfn_type: str, version: str) -> Profile:
    path = _folder(version) / region / (cfn_type.replace("::", "__") + ".json")
    data = _read(path)
    if data is None:
        if cfn_type not in type_set(region):
            raise KeyError(cfn_type)
        data = _from_cfnlint(region, cfn_type)
        regions.store_json(path, data)
    return Profile(
        data["cfn_type"], region, data["description"], data["schema"], tuple(data["read_only"]),
        tuple(data["attributes"]), tuple(data["primary_identifier"]), tuple(data["handlers"]),
    )


def _folder(version: str) -> Path:
    return regions.cache_dir() / "cfn-lint-schemas" / f"{version}-v{FORMAT}"


def _read(path: Path):
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _from_cfnlint(region: str, cfn_type: str) -> dict:
    try:
        from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

        found = PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, cfn_type)
        attributes = sorted(found.get_atts)
    except Exception as exc:  # noqa: BLE001 - anything inside cfn-lint means "cannot say", said plainly
        raise RegistryUnavailable(f"cfn-lint could not give the schema of {cfn_type} ({type(exc).__name__}: {exc})") from None
    return _profile_data(found.schema, attributes)


def _profile_data(schema: dict, attributes: list) -> dict:
    subset = {k: schema[k] for k in SCHEMA_KEYS if k in schema}
    subset["type"] = "object"
    return {
        "cfn_type": schema["typeName"],
        "description": schema.get("description", ""),
        "schema": subset,
        "read_only": list(schema.get("readOnlyProperties", [])),
        "attributes": attributes,
        "primary_identifier": list(schema.get("primaryIdentifier", [])),
        "handlers": sorted(schema.get("handlers", {})),
    }


# ---------------------------------------------------------------- search


def first_sentence(text: str, limit: int = 200) -> str:
    """The opening sentence of a registry description, without Markdown quoting."""
    text = re.sub(r"\s+", " ", text.replace("``", "").replace("`", "")).strip()
    end = re.search(r"(?<=[a-z0-9)])\.(\s|$)", text)
    sentence = text[: end.start() + 1] if end else text
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def index() -> dict[str, dict]:
    """Type -> {description, cloud_control} for the base region's types, built once per cfn-lint version."""
    return _index(cfnlint_version())


@lru_cache(maxsize=2)
def _index(version: str) -> dict[str, dict]:
    path = _folder(version) / "index.json"
    data = _read(path)
    if isinstance(data, dict) and data:
        return data
    try:
        from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

        data = {}
        for name in types(BASE_REGION):
            schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(BASE_REGION, name).schema
            handlers = set(schema.get("handlers", {}))
            data[name] = {"description": first_sentence(schema.get("description", "")),
                          "cloud_control": CLOUD_CONTROL_HANDLERS <= handlers}
    except RegistryUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - as above
        raise RegistryUnavailable(f"cfn-lint could not list the registry ({type(exc).__name__}: {exc})") from None
    regions.store_json(path, data)
    return data


def search(query: str, region: str = BASE_REGION, limit: int = 50) -> tuple[list[dict], int]:
    """Registry types in `region` matching every word of `query` (in the name or the first
    sentence), best first: an exact name, then names holding every word, then descriptions.
    Returns (up to `limit` matches, how many matched)."""
    if not REGION.match(region):
        raise ValueError(f"not a region: {region!r}")
    words = [w for w in re.split(r"[\s:]+", query.lower().removeprefix("cfn:")) if w][:12]
    exact = query.strip().removeprefix("cfn:").lower()
    described = index()
    ranked = []
    for name in types(region):
        info = described.get(name, {"description": "", "cloud_control": None})
        lowered = name.lower()
        if lowered == exact:
            rank = 0
        elif all(w in lowered for w in words):
            rank = 1
        elif all(w in lowered or w in info["description"].lower() for w in words):
            rank = 2
        else:
            continue
        ranked.append((rank, name, info))
    ranked.sort(key=lambda item: item[:2])
    out = [
        {"type": f"cfn:{name}", "cfn_type": name, "label": " ".join(name.split("::")[1:]),
         "description": info["description"],
         "terraform": None if info["cloud_control"] is None else terraform_counterpart(info["cloud_control"])}
        for _, name, info in ranked[: max(0, limit)]
    ]
    return out, len(ranked)


def prefetch(region: object, design_types) -> None:
    """Load what checking these types needs (cfn-lint's schemas, the validator) before a caller
    that must not wait on it (the server's event loop) validates; problems are left to that check."""
    from . import cfn_type, is_generic, schema_check  # noqa: F401 - importing it is part of the warm-up

    if not isinstance(region, str):
        return
    for name in {t for t in design_types if is_generic(t)}:
        try:
            profile(region, cfn_type(name))
        except (KeyError, RegistryUnavailable):
            pass
