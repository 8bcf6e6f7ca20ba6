"""Terraform addresses -> design ids, and Terraform references -> CloudFormation-shaped ones.

Shared by the folder reader and the plan reader.  A design id is the address's module path,
name and instance key as one identifier (`module.net.aws_subnet.private[1]` -> `net_private_1`),
qualified by the type where two resources of different types share a name (`vpc_main`,
`subnet_main`); the report keeps each address beside its id.  A reference becomes `Ref` where
the attribute is the one that holds what CloudFormation's `Ref` returns (`id`, or the catalog's
exceptions in generic.catalog_targets) and `Fn::GetAtt` otherwise, with the attribute named as
the catalog itself pairs it (`arn` -> `Arn`); an attribute with no CloudFormation name is refused.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ...compiler.names import tf_identifier
from ...generic.catalog_targets import ID_TF, REF_ALSO, REF_TF

ADDRESS = re.compile(r"^(?P<modules>(?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*)(?P<data>data\.)?"
                     r"(?P<type>[a-z][a-z0-9_]*)\.(?P<name>[A-Za-z_][A-Za-z0-9_-]*)(?P<index>\[[^\]]*\])?$")
MAX_ID = 64


class Unreadable(ValueError):
    """A value the importer cannot write as the design's: `reason`, at attribute `path`."""

    def __init__(self, reason: str, path: tuple = ()):
        self.reason, self.path = reason, path
        super().__init__(reason)


def parts(address: str) -> dict | None:
    found = ADDRESS.match(address)
    return found.groupdict() if found else None


def design_ids(addresses: dict[str, str]) -> dict[str, str]:
    """address -> design id, for {address: Terraform type}; unique, stable, at most 64 characters."""
    wanted = {}
    for address, tf_type in addresses.items():
        found = parts(address) or {"modules": "", "name": address, "index": None, "type": tf_type}
        modules = re.findall(r"module\.([A-Za-z0-9_-]+)(\[[^\]]*\])?", found["modules"] or "")
        words = [w for name, index in modules for w in (name, index.strip('[]"'))]
        words += [found["name"], (found["index"] or "").strip('[]"')]
        wanted[address] = tf_identifier("_".join(w for w in words if w))
    by_id: dict[str, list] = {}
    for address, rid in wanted.items():
        by_id.setdefault(rid, []).append(address)
    out, taken = {}, set()
    for rid, owners in sorted(by_id.items()):
        for address in sorted(owners):
            base = rid if len(owners) == 1 else tf_identifier(f"{addresses[address].removeprefix('aws_')}_{rid}")
            candidate, n = base[:MAX_ID], 2
            while candidate in taken or candidate in by_id and candidate != rid:
                suffix = f"_{n}"
                candidate, n = base[: MAX_ID - len(suffix)] + suffix, n + 1
            taken.add(candidate)
            out[address] = candidate
    return out


def reference(target_id: str, tf_type: str, attribute: str, path: tuple = ()) -> dict:
    """`Ref`/`Fn::GetAtt` of the design resource an address became, for `<address>.<attribute>`."""
    if attribute == REF_TF.get(tf_type, "id") or attribute == REF_ALSO.get(tf_type):
        return {"Ref": target_id}
    if attribute == "id" and tf_type in ID_TF:
        attribute = ID_TF[tf_type]
    name = cfn_attribute(tf_type, attribute)
    if name is None:
        raise Unreadable(f"refers to {attribute} of {target_id} ({tf_type}), which the catalog pairs with no "
                         "CloudFormation attribute", path)
    return {"Fn::GetAtt": [target_id, name]}


@lru_cache(maxsize=1024)
def cfn_attribute(tf_type: str, attribute: str) -> str | None:
    """The CloudFormation attribute a Terraform attribute is: the catalog's own pairs, then the
    registry's attributes of the paired type (`arn` -> `Arn`), else None."""
    from ...catalog import CATALOG
    from ...generic import registry
    from ...generic.catalog_targets import _catalog_pairs, primary
    from ..lift.tf_pairs import cfn_types

    for entry in CATALOG.values():
        part = primary(entry)
        if part is not None and part.tf_type == tf_type:
            for cfn, tf in _catalog_pairs(entry.type).items():
                if tf == attribute:
                    return cfn
    camel = "".join(w.capitalize() for w in attribute.split("_"))
    for cfn_type in cfn_types().get(tf_type, ()):
        try:
            known = registry.profile(registry.BASE_REGION, cfn_type).attributes
        except Exception:  # noqa: BLE001 - a registry the machine cannot read: no name is known
            continue
        for name in known:
            if name.replace(".", "").lower() == camel.lower():
                return name
    return None


__all__ = ["ADDRESS", "Unreadable", "cfn_attribute", "design_ids", "parts", "reference"]
