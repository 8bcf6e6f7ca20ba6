"""Generic resources in the resolver: their design references become references.

A reference to another generic resource is its `Ref` / `Fn::GetAtt` in
CloudFormation and, in Terraform, the Cloud Control resource's `id` (its
primary identifier, which is what `Ref` returns for registry types; where
the two differ the module says what Cloud Control says) or
`jsondecode(<res>.properties).<attribute>`.  A reference to a catalog node is
to that node's primary part, with the Terraform attribute that means the
same (isshoni.generic.catalog_targets).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..design.errors import DesignError, Problem, json_path
from ..generic import catalog_targets, is_generic, references
from . import design_expr
from . import expr as e

if TYPE_CHECKING:
    from .resolve import Context


class NothingToReferYet(DesignError):
    """A generic resource refers to a catalog node that emits nothing until a connection is found (a
    certificate before its zone): `target` names that node, for whoever can make it emit (the importer)."""

    def __init__(self, problems: list[Problem], target: str, source: str = "design"):
        super().__init__(problems, source)
        self.target = target

    def __reduce__(self):
        return (NothingToReferYet, (self.problems, self.target, self.source))


def properties(ctx: Context, rid: str) -> dict:
    """The resource's properties with every design reference and expression as a neutral expression."""

    def resolve_reference(ref: references.Reference):
        if not ctx.has_part(ref.target):
            where = json_path(["resources", rid, "properties", *ref.path])
            raise NothingToReferYet([Problem(where, f"{ref.target!r} emits nothing yet (it waits for a connection), "
                                            "so it cannot be referred to", rid)], ref.target)
        lid = ctx.lid(ref.target)
        if is_generic(ctx.type_of(ref.target)):
            return e.Ref(lid, "id") if ref.attribute is None else e.StateAttr(lid, ref.attribute, "properties")
        entry = ctx.entry(ref.target)
        if ref.attribute is None:
            return e.Ref(lid, catalog_targets.ref_tf(entry))
        return e.Attr(lid, ref.attribute, catalog_targets.attr_tf(entry, ref.attribute))

    return design_expr.translate(ctx, ctx.resources[rid].get("properties", {}), resolve_reference)


def leave_out_of_terraform(ctx: Context, parts: list) -> dict[str, str]:
    """Drop the Terraform side of generic resources that have none; returns rid -> why."""
    from ..generic.entry import terraform_gaps

    gaps = terraform_gaps(ctx.design.data)
    for part in parts:
        if part.source in gaps:
            part.tf_type, part.tf = None, None
    return gaps


__all__ = ["leave_out_of_terraform", "properties"]
