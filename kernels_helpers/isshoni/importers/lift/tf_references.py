"""Terraform references -> the CloudFormation-shaped ones the lifter reads (`Ref` / `Fn::GetAtt`).

Shared by the Terraform readers (a folder, a plan) and the compiled Terraform view the lifter
compares them with (lift.compiled_tf): `Ref` where the attribute holds what CloudFormation's
`Ref` returns (`id`, or the catalog's exceptions in generic.catalog_targets), `Fn::GetAtt`
otherwise, named as the catalog itself pairs it (`arn` -> `Arn`); an attribute with no
CloudFormation name is refused.
"""

from __future__ import annotations

from functools import lru_cache

from ...generic.catalog_targets import ID_TF, REF_ALSO, REF_TF


class Unreadable(ValueError):
    """A value the importer cannot write as the design's: `reason`, at attribute `path`."""

    def __init__(self, reason: str, path: tuple = ()):
        self.reason, self.path = reason, path
        super().__init__(reason)


def reference(target_id: str, tf_type: str, attribute: str, path: tuple = ()) -> dict:
    """`Ref`/`Fn::GetAtt` of the design resource an address became, for `<address>.<attribute>`."""
    if attribute == REF_TF.get(tf_type, "id") or attribute == REF_ALSO.get(tf_type) or attribute in ref_pairs().get(tf_type, ()):
        return {"Ref": target_id}
    if attribute == "id" and tf_type in ID_TF:
        attribute = ID_TF[tf_type]
    name = cfn_attribute(tf_type, attribute)
    if name is None and attribute in terraform_only().get(tf_type, ()):
        return {"Fn::GetAtt": [target_id, attribute]}  # a part only Terraform has, read as the catalog reads it
    if name is None:
        raise Unreadable(f"refers to {attribute} of {target_id} ({tf_type}), which the catalog pairs with no "
                         "CloudFormation attribute", path)
    return {"Fn::GetAtt": [target_id, name]}


def data_value(tf_type: str, attribute: str, args: dict):
    """What a Terraform data source generates when Terraform runs (a random password): no value the
    design can hold, kept as what it is so the matcher compares it with the catalog's own
    `DataSource` (same type, attribute and arguments); anything else refuses it, with the reason."""
    from .values import Opaque, Unrepresentable

    why = Unrepresentable(f"data.{tf_type}.{attribute} is made by Terraform when it runs", (), None)
    return Opaque({"Terraform::Data": [tf_type, attribute, dict(sorted(args.items()))]}, why)


def sub_name(ref: dict) -> str:
    """How `Fn::Sub` text names a reference `reference` gave: `Id` for a `Ref`, `Id.Attr` for a `Fn::GetAtt`."""
    return ref["Ref"] if "Ref" in ref else ".".join(ref["Fn::GetAtt"])


@lru_cache(maxsize=1)
def ref_pairs() -> dict[str, frozenset]:
    """Terraform type -> the attributes the catalog writes where CloudFormation writes `Ref` of that part
    (`Self("logs", tf="name")`: a log group's Ref is its name), read from the catalog's own parts.  A
    type read by several attributes that way keeps those with no CloudFormation attribute of their own
    (a scaling target's resource id, dimension and namespace: together what its Ref returns)."""
    from ...catalog import CATALOG
    from ...catalog import spec as s

    found: dict[str, set] = {}
    for entry in CATALOG.values():
        parts = {emit.key: emit.tf_type for emit in entry.emits}
        for value in s.walk([emit.tf for emit in entry.emits]):
            if isinstance(value, s.Self) and value.tf != "id" and parts.get(value.key):
                found.setdefault(parts[value.key], set()).add(value.tf)
    return {k: frozenset(a for a in v if len(v) == 1 or cfn_attribute(k, a) is None) for k, v in found.items()}


@lru_cache(maxsize=1)
def terraform_only() -> dict[str, frozenset]:
    """Terraform type -> attributes the catalog reads of a part that has no CloudFormation form (a Redis
    AUTH token's secret version: `SelfAttr("auth_value", "", "secret_string")`): a reference to one is
    matched against the catalog as written; it has no CloudFormation name to be written with."""
    from ...catalog import CATALOG
    from ...catalog import spec as s

    found: dict[str, set] = {}
    for entry in CATALOG.values():
        parts = {emit.key: emit for emit in entry.emits}
        for value in s.walk([emit.tf for emit in entry.emits]):
            part = parts.get(value.key) if isinstance(value, s.SelfAttr) else None
            if part is not None and part.tf_type and not part.cfn_type and value.tf:
                found.setdefault(part.tf_type, set()).add(value.tf)
    return {k: frozenset(v) for k, v in found.items()}


@lru_cache(maxsize=1024)
def cfn_attribute(tf_type: str, attribute: str) -> str | None:
    """The CloudFormation attribute a Terraform attribute is: the catalog's own pairs, then the
    registry's attributes of the paired type (`arn` -> `Arn`), else None."""
    from ...catalog import CATALOG
    from ...generic import registry
    from ...generic.catalog_targets import _catalog_pairs, primary
    from .tf_pairs import cfn_types

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


__all__ = ["Unreadable", "cfn_attribute", "data_value", "ref_pairs", "reference", "sub_name", "terraform_only"]
