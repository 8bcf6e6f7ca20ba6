"""Does generating Terraform again give back what was imported from Terraform? (issue 15, item 7)

The generated module is read back by the same reader, so both sides are compared as the import
reads them.  Each kept resource must be there under its design id: a typed one as the same
Terraform type with every attribute the source set at the same value (references compare by the
design id they point at; the source's tags must all still be there), a generic one as
`aws_cloudcontrolapi_resource` of its CloudFormation type whose desired state holds the
CloudFormation properties the catalog's pairs gave.  What the catalog adds is not a difference.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from ..lift import tf_pairs
from ..roundtrip import same
from . import source as tf_source
from .resources import convert

CLOUD_CONTROL = "aws_cloudcontrolapi_resource"


def read_back(files: dict[str, str]) -> dict:
    """design id -> SourceResource of a generated Terraform module (its file name -> text)."""
    with tempfile.TemporaryDirectory(prefix="isshoni-tf-again-") as folder:
        for name, text in files.items():
            Path(folder, name).write_text(text, encoding="utf-8")
        root = Path(folder)
        raw = tf_source.raw_blocks(root, tf_source.tf_files(root))
        parsed = tf_source.evaluate(root)
        resources, _ = convert(parsed, raw, tf_source.evaluate_as_text(root, {}, raw, parsed))
    return {r.address.split(".", 1)[1]: r for r in resources if r.address.count(".") == 1}


def differences(source: list, kept: dict[str, str], files: dict[str, str]) -> list[str]:
    """What the regenerated module lost or changed; `kept` maps each kept address to its design id."""
    again = read_back(files)
    out = []
    for res in source:
        rid = kept.get(res.address)
        if rid is None:
            continue
        other = again.get(rid)
        if other is None:
            out.append(f"{res.address}: {rid} is missing from the generated module")
        elif other.type == res.type:
            out += [f"{res.address}.{d}" for d in _compare(res.properties, other.properties)]
        elif other.type == CLOUD_CONTROL:
            cfn_type, props = tf_pairs.to_cfn(res.type, res.properties)
            state = other.properties.get("desired_state")
            state = json.loads(state) if isinstance(state, str) else state
            if other.properties.get("type_name") != cfn_type:
                out.append(f"{res.address}: {cfn_type} became {other.properties.get('type_name')}")
            out += [f"{res.address}.{d}" for d in _compare(props, state or {})]
        else:
            out.append(f"{res.address}: type {res.type} became {other.type}")
    return out


def _compare(mine: dict, theirs: dict) -> list[str]:
    out = []
    for key in sorted(mine):
        if key not in theirs:
            out.append(f"{key}: missing")
        elif not same(mine[key], theirs[key], tags=key.lower() == "tags" and isinstance(mine[key], list)) and not (
                key.lower() == "tags" and isinstance(mine[key], dict) and _within(mine[key], theirs[key])):
            out.append(f"{key}: {mine[key]!r} became {theirs[key]!r}")
    return out


def _within(tags: dict, other) -> bool:
    return isinstance(other, dict) and all(other.get(k) == v for k, v in tags.items())


__all__ = ["differences", "read_back"]
