"""A generic resource as the compiler sees it: a catalog entry made on the fly from its registry profile.

One part, the resource itself, whose properties are the design's own
(`Properties`): in CloudFormation the registry type; in Terraform
`aws_cloudcontrolapi_resource` (type_name + desired_state) when Cloud
Control API manages the type, else nothing (see `terraform_gaps`).
"""

from __future__ import annotations

from functools import lru_cache

from ..catalog import spec as s
from ..compiler.expr import JsonEncode
from . import CATEGORY, ICON, cfn_type, label, references, registry

CLOUD_CONTROL = "aws_cloudcontrolapi_resource"


@lru_cache(maxsize=4096)
def entry(design_type: str, region: str) -> s.ResourceType:
    name = cfn_type(design_type)
    profile = registry.profile(region, name)
    tf_type = CLOUD_CONTROL if profile.cloud_control else None
    tf = {"type_name": name, "desired_state": JsonEncode(s.Properties())} if tf_type else {}
    return s.ResourceType(
        type=design_type,
        label=label(design_type),
        category=CATEGORY,
        icon=ICON,
        description=registry.first_sentence(profile.description),
        properties={},
        emits=(s.Emit("", name, s.Properties(), tf_type, tf),),
    )


def terraform_gaps(data: dict) -> dict[str, str]:
    """Generic resources the Terraform module leaves out -> why: their type has no counterpart,
    or they refer to one that is left out (which Terraform could not reference)."""
    resources, region = data["resources"], data["meta"]["region"]
    generic = sorted(rid for rid, res in resources.items() if res["type"].startswith("cfn:"))
    gaps: dict[str, str] = {}
    for rid in generic:
        name = cfn_type(resources[rid]["type"])
        if not registry.profile(region, name).cloud_control:
            gaps[rid] = (f"{name} has no Terraform counterpart: Isshoni maps no native resource to it and Cloud Control "
                         f"API does not manage it (so no {CLOUD_CONTROL})")
    changed = bool(gaps)
    while changed:  # left out because what it refers to is left out, transitively
        changed = False
        for rid in generic:
            if rid in gaps:
                continue
            missing = [t for t in references.targets(resources[rid].get("properties", {})) if t in gaps]
            if missing:
                gaps[rid] = f"it refers to {missing[0]}, which the Terraform module leaves out"
                changed = True
    return gaps


__all__ = ["CLOUD_CONTROL", "entry", "terraform_gaps"]
