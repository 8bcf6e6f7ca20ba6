"""Terraform addresses -> design ids, and Terraform references -> CloudFormation-shaped ones.

Shared by the folder reader and the plan reader.  A design id is the address's module path,
name and instance key as one identifier (`module.net.aws_subnet.private[1]` -> `net_private_1`),
qualified by the type where two resources of different types share a name (`vpc_main`,
`subnet_main`); the report keeps each address beside its id.  A reference becomes `Ref` where
the attribute is the one that holds what CloudFormation's `Ref` returns (`id`, or the catalog's
exceptions in generic.catalog_targets) and `Fn::GetAtt` otherwise, with the attribute named as
the catalog itself pairs it (lift.tf_references, shared with the compiled Terraform view).
"""

from __future__ import annotations

import re

from ...compiler.names import tf_identifier
from ..lift.tf_references import Unreadable, cfn_attribute, reference

ADDRESS = re.compile(r"^(?P<modules>(?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*)(?P<data>data\.)?"
                     r"(?P<type>[a-z][a-z0-9_]*)\.(?P<name>[A-Za-z_][A-Za-z0-9_-]*)(?P<index>\[[^\]]*\])?$")
MAX_ID = 64


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


__all__ = ["ADDRESS", "Unreadable", "cfn_attribute", "design_ids", "parts", "reference"]
