"""design -> resolved model: defaults applied, connections wired, names made safe.

The resolver walks resources and connections in sorted order, so the same
design always resolves to the same model (and the emitters print the same
bytes).  Catalog placeholders are filled by filling.py, once per language side.
"""

from __future__ import annotations

import re
from collections import defaultdict
from operator import attrgetter

from .. import catalog
from ..catalog import spec as s
from ..design.model import Design
from . import expr as e
from .filling import Filling, prefixed, prepare
from .gcpause import paused_gc
from .model import OutputValue, Part, Resolved, Variable
from .names import Namer, cfn_identifier, tag_text, tf_identifier

TIER = "tier"


tag_value = tag_text  # the name wiring units know it by


class Context(Filling):
    """Everything the resolver and the wiring units share while resolving one design."""

    def __init__(self, design: Design, ephemeral: bool | None = None):
        self.design = design
        # an ephemeral design (a sandbox, a demo) may be deleted with everything in it: no retain
        # policies, no deletion protection; `ephemeral` overrides what the design says
        self.ephemeral = bool(design.meta.get("ephemeral", False)) if ephemeral is None else ephemeral
        self.resources = design.resources
        self.namer = Namer()
        self._lids: dict[tuple[str, str], str] = {}
        self.slots: dict[tuple[str, str], list[tuple]] = defaultdict(list)
        self.env_vars: dict[str, dict[str, object]] = defaultdict(dict)
        self.extra_depends: dict[str, list[str]] = defaultdict(list)
        self.parts: list[Part] = []
        self.variables: dict[str, Variable] = {}
        self.outputs: list[OutputValue] = []
        self.memo: dict = {}
        self._props: dict[str, dict] = {}
        self._ancestors: dict[str, list[str]] = {}
        self._tags: dict[tuple, object] = {}
        self._entries: dict[str, s.ResourceType] = {}
        self._subnets: dict[tuple, list[str]] | None = None

    # ---------------------------------------------------------------- lookups
    def entry(self, rid: str) -> s.ResourceType:
        found = self._entries.get(rid)  # asked some twenty times per resource
        if found is None:
            rtype = self.resources[rid]["type"]
            found = catalog.CATALOG.get(rtype)
            if found is None:  # a generic resource (cfn:<type>): its entry is made from the registry
                from ..generic.entry import entry

                found = entry(rtype, self.design.region)
            self._entries[rid] = found
        return found

    def type_of(self, rid: str) -> str:
        return self.resources[rid]["type"]

    def of_type(self, *types: str) -> list[str]:
        """The resources of these types, sorted by id (an index by type, built once per resolve)."""
        index = self.memo.get("by_type")
        if index is None:
            index = self.memo["by_type"] = defaultdict(list)
            for rid in sorted(self.resources):
                index[self.resources[rid]["type"]].append(rid)
        return sorted(rid for kind in types for rid in index.get(kind, ())) if len(types) > 1 else list(index.get(types[0], ()))

    def by_vpc(self) -> dict[str | None, dict[str, list[str]]]:
        """VPC id -> type -> resource ids inside it (sorted), built once per resolve."""
        index = self.memo.get("by_vpc")
        if index is None:
            index = {}
            for rid in sorted(self.resources):
                vpc = self.ancestor(rid, ("vpc",))
                index.setdefault(vpc, {}).setdefault(self.type_of(rid), []).append(rid)
            self.memo["by_vpc"] = index
        return index

    def sources_of(self, rid: str) -> set[str]:
        """The types of the resources whose connections point at `rid` (indexed once per resolve)."""
        index = self.memo.get("incoming")
        if index is None:
            index = self.memo["incoming"] = {}
            for conn in self.design.connections.values():
                index.setdefault(conn["target"], set()).add(self.type_of(conn["source"]))
        return index.get(rid, set())

    def outgoing(self, rid: str) -> list[tuple[str, str]]:
        """(connection id, target id) of the connections leaving `rid`, by connection id (indexed
        once per resolve: a finisher asking per resource would otherwise scan every connection)."""
        index = self.memo.get("outgoing")
        if index is None:
            index = self.memo["outgoing"] = {}
            for cid in sorted(self.design.connections):
                conn = self.design.connections[cid]
                index.setdefault(conn["source"], []).append((cid, conn["target"]))
        return index.get(rid, [])

    def props(self, rid: str) -> dict:
        found = self._props.get(rid)
        if found is None:
            entry = self.entry(rid)
            given = self.resources[rid].get("properties", {})
            found = {**entry.defaults(self.ephemeral), **given}
            if "accepted_risks" in given:  # merged with the entry's own: a reason "" withdraws one
                merged = {**entry.defaults().get("accepted_risks", {}), **given["accepted_risks"]}
                found["accepted_risks"] = {k: v for k, v in merged.items() if v}
            self._props[rid] = found
        return found

    def conn_props(self, cid: str) -> dict:
        conn = self.design.connections[cid]
        link = self.entry(conn["source"]).link_to(self.type_of(conn["target"]))
        defaults = {k: v["default"] for k, v in (link.properties if link else {}).items() if "default" in v}
        return {**defaults, **conn.get("properties", {})}

    def emitted(self, rid: str) -> list:
        """The catalog emits a resource may make: those whose condition holds; `("@slot", name)`
        ones are kept here and made only if a connection fills the slot."""
        return [
            emit
            for emit in self.entry(rid).emits
            if emit.when is None or emit.when[0] == "@slot" or self.condition(rid, emit.when[0]) == emit.when[1]
        ]

    def condition(self, rid: str, name: str):
        """A property value; for '@in:<type>' whether the resource sits inside such a container,
        for '@slot:<name>' whether a connection filled that slot, for '@ephemeral' whether the
        design is ephemeral."""
        if name[0] == "@":
            if name.startswith("@in:"):
                return self.ancestor(rid, (name[4:],)) is not None
            if name.startswith("@slot:"):
                return bool(self.slots.get((rid, name[6:])))
            if name == "@ephemeral":
                return self.ephemeral
            if name.startswith("@target_of:"):
                return name[11:] in self.sources_of(rid)
        return self.props(rid).get(name)

    def lid(self, rid: str, key: str = "") -> str:
        try:
            return self._lids[(rid, key)]
        except KeyError:
            raise KeyError(f"{rid!r} has no emitted part {key!r}") from None

    def has_part(self, rid: str, key: str = "") -> bool:
        return (rid, key) in self._lids

    def ref(self, rid: str, key: str = "", tf: str = "id") -> e.Ref:
        return e.Ref(self.lid(rid, key), tf)

    def attr(self, rid: str, cfn: str, tf: str, key: str = "") -> e.Attr:
        return e.Attr(self.lid(rid, key), cfn, tf)

    def ancestor(self, rid: str, types) -> str | None:
        chain = self._ancestors.get(rid)
        if chain is None:
            chain = self._ancestors[rid] = self.design.ancestors(rid)
        for anc in chain:
            if self.resources[anc]["type"] in types:
                return anc
        return None

    def subnets(self, rid: str) -> list[str]:
        """The subnets a resource spreads over: its subnet's tier in the same VPC."""
        subnet = rid if self.type_of(rid) == "subnet" else self.ancestor(rid, ("subnet",))
        vpc = self.ancestor(subnet or rid, ("vpc",))
        if vpc is None:
            return [subnet] if subnet else []
        tier = self.props(subnet)[TIER] if subnet else self.props(rid).get("subnet_tier", "private")
        if self._subnets is None:
            index: dict[tuple, list[str]] = {}
            for r in sorted(self.resources):
                if self.type_of(r) == "subnet":
                    index.setdefault((self.ancestor(r, ("vpc",)), self.props(r)[TIER]), []).append(r)
            self._subnets = index
        return list(self._subnets.get((vpc, tier), []))

    def physical_name(self, rid: str, suffix: str = "", max_len: int = 63, style: str = "dash") -> e.Join:
        """`<name prefix>-<rid>[-suffix]`, fitting `max_len` whatever prefix the deployment picks."""
        return prefixed(f"{rid} {suffix}", max_len, style, False)

    def tags(self, rid: str | None, side: str, label: str | None = None, form: str = ""):
        """The standard tags of a part.  CloudFormation: Name and isshoni:design, as a list (or a
        map, `form="map"`).  Terraform: Name only (the provider's default_tags add the design and
        environment), or all three where default_tags do not reach (`form="full"`: launch
        template tag specifications).

        One value per resource (or label), side and form for the resolve, shared by the parts
        that carry it: a resource's parts all have the same tags, and nothing changes a part."""
        key = (rid, label, side, form)
        found = self._tags.get(key)
        if found is None:
            found = self._tags[key] = self._make_tags(rid, side, label, form)
        return found

    def _make_tags(self, rid: str | None, side: str, label: str | None, form: str):
        label = label if label is not None else (self.resources[rid].get("label") or rid)
        name = tag_text(label)
        if side == "cfn":
            design = tag_text(self.design.name)
            if form == "map":
                return {"Name": name, "isshoni:design": design}
            return [{"Key": "Name", "Value": name}, {"Key": "isshoni:design", "Value": design}]
        if form == "full":
            return {"Name": name, "isshoni:design": tag_text(self.design.name), "environment": e.Var("environment")}
        return {"Name": name}

    # ---------------------------------------------------------------- producing
    def new_lid(self, owner: str, key: str, name: str | None = None) -> str:
        base = tf_identifier(name) if name else tf_identifier(owner) + (f"_{tf_identifier(key)}" if key else "")
        lid = self.namer.unique("lid", base)
        self._lids[(owner, key)] = lid
        return lid

    def add_part(self, owner: str, key: str, cfn_type, cfn, tf_type, tf, depends_on=(), name: str | None = None) -> str:
        """Add a part made by wiring (already in neutral expressions).

        `owner` is the design resource or connection it belongs to ('@design'
        for parts that belong to the design as a whole).
        """
        lid = self._lids.get((owner, key)) or self.new_lid(owner, key, name)
        self.parts.append(Part(lid, owner, cfn_type, e.prune(cfn), tf_type, e.prune(tf), list(depends_on), key=key))
        return lid

    def contribute(self, rid: str, slot: str, cfn_item, tf_item) -> None:
        self.slots[(rid, slot)].append((cfn_item, tf_item))

    def env(self, rid: str, name: str, value) -> None:
        self.env_vars[rid][name] = value

    def depend(self, rid: str, key: str, lid: str) -> None:
        self.extra_depends[self.lid(rid, key)].append(lid)

    def variable(self, name: str, type_: str, default, description: str, source: str, **limits) -> e.Var:
        if name not in self.variables:
            self.variables[name] = Variable(name, type_, default, description, source, **limits)
        return e.Var(name)

def referenced(value) -> set[str]:
    """The part ids an expression refers to."""
    if isinstance(value, (e.Ref, e.Attr)):
        return {value.lid}
    if isinstance(value, dict):
        return set().union(*(referenced(v) for v in value.values())) if value else set()
    if isinstance(value, (list, tuple)):
        return set().union(*(referenced(v) for v in value)) if value else set()
    if isinstance(value, e.Join):
        return referenced(value.parts)
    if isinstance(value, (e.Block, e.JsonEncode)):
        return referenced(value.body if isinstance(value, e.Block) else value.value)
    if isinstance(value, e.Delimited):
        return referenced(value.value)
    if isinstance(value, e.TfText):
        return set(value.lids)
    return set()


def name_parts(ctx: Context, parts: list[Part]) -> None:
    """Terraform names are the part ids; CloudFormation logical ids are their CamelCase, except that a
    resource id already written as a logical id (letters and digits with a capital: what an import
    gives, `WebServerGroup`, `myDynamoDBTable`) is its primary part's logical id as written, so an imported template
    regenerates with its own logical ids.  Those are named first, then the parameters' names are taken,
    and the rest follow in sorted order."""
    cfn_namer = Namer()
    kept = {}
    for rid in sorted(ctx.resources):
        if _LOGICAL_ID.match(rid) and ctx.has_part(rid):
            kept[ctx.lid(rid)] = cfn_namer.unique("cfn", rid)
    for name in sorted(ctx.variables):  # a template's parameters and resources share one namespace (E3007)
        cfn_namer.unique("cfn", cfn_identifier(name), fold_case=False)
    for part in parts:
        part.tf_name = part.lid
        part.cfn_name = kept.get(part.lid) or cfn_namer.unique("cfn", cfn_identifier(part.lid))


# letters and digits with a capital somewhere (`WebServerGroup`, `myDynamoDBTable`): a logical id as a
# template writes it; a design's own ids (`web`, `orders_db`) have none, and are CamelCased
_LOGICAL_ID = re.compile(r"^(?=[A-Za-z0-9]*[A-Z])[A-Za-z][A-Za-z0-9]*$")


@paused_gc
def resolve(design: Design, ephemeral: bool | None = None) -> Resolved:
    """Resolve a (valid) design; raises DesignError if it is not valid.

    `ephemeral` overrides the design's own switch (the sandbox deploys everything as ephemeral:
    it must be able to delete what it made)."""
    design.validate(design.name)
    prepare()
    ctx = Context(design, ephemeral)
    rids = sorted(design.resources)
    emits = {rid: ctx.emitted(rid) for rid in rids}
    for rid in rids:
        for emit in emits[rid]:
            ctx.new_lid(rid, emit.key)

    from . import design_expr, network, protect, risks, wiring

    for cid in sorted(design.connections):
        wiring.wire(ctx, cid)
    wiring.finish(ctx)
    network.imply(ctx)
    # Parts that wait for a connection (`("@slot", name)`) and got none do not
    # exist: references to them (outputs, environment) fall away with them.
    for rid in rids:
        made = []
        for emit in emits[rid]:
            if emit.when and emit.when[0] == "@slot" and not ctx.slots.get((rid, emit.when[1])):
                ctx._lids.pop((rid, emit.key), None)
            else:
                made.append(emit)
        emits[rid] = made

    lids, fill, parts_made = ctx._lids, ctx.fill, ctx.parts
    for rid in rids:
        entry = ctx.entry(rid)
        for emit in emits[rid]:
            # fill() already drops OMIT at every level, so no prune pass is needed here.
            cfn = fill(emit.cfn, "cfn", rid) if emit.cfn_type else None
            tf = fill(emit.tf, "tf", rid) if emit.tf_type else None
            depends = [lids[(rid, k)] for k in emit.depends_on if (rid, k) in lids] if emit.depends_on else []
            parts_made.append(Part(lids[(rid, emit.key)], rid, emit.cfn_type, cfn or {}, emit.tf_type, tf or {}, depends, key=emit.key))
        for out in entry.outputs:
            cfn_value = ctx.fill(out.cfn, "cfn", rid)
            tf_value = ctx.fill(out.tf, "tf", rid)
            if cfn_value is e.OMIT or tf_value is e.OMIT:
                continue
            ctx.outputs.append(
                OutputValue(f"{tf_identifier(rid)}_{out.name}", f"{out.description} ({ctx.resources[rid].get('label') or rid})", cfn_value, tf_value, rid)
            )

    gaps = {}
    if any(ctx.type_of(rid).startswith("cfn:") for rid in rids):
        from .generic import leave_out_of_terraform

        gaps = leave_out_of_terraform(ctx, ctx.parts)
    present = {part.lid for part in ctx.parts}
    # An output of a part that was not emitted (slot-conditional) is left out.
    ctx.outputs = [o for o in ctx.outputs if referenced(o.cfn) <= present and referenced(o.tf) <= present]
    extra = ctx.extra_depends
    for part in ctx.parts:
        if part.depends_on or part.lid in extra:  # most parts depend on nothing explicitly
            wanted = set(part.depends_on).union(extra.get(part.lid, ()))
            part.depends_on = sorted(d for d in wanted if d in present and d != part.lid)
    parts = sorted(ctx.parts, key=attrgetter("lid"))
    conditional = {rid: r["condition"] for rid, r in ctx.resources.items() if r.get("condition")}
    for part in parts if conditional else ():  # a generic resource made on a condition: CloudFormation's Condition, Terraform's count
        condition = conditional.get(part.source)
        if condition:
            part.condition = condition
            design_expr.condition(ctx, condition)
    aliases = _same_parameters(ctx)
    mappings, conditions = design_expr.declared(ctx)
    protect.apply(parts, ctx.ephemeral)
    risks.apply(ctx, parts)
    name_parts(ctx, parts)
    return Resolved(
        name=design.name,
        region=design.region,
        description=design.meta.get("description", ""),
        parts=parts,
        variables=sorted(ctx.variables.values(), key=lambda v: v.name),
        outputs=sorted(ctx.outputs, key=lambda o: o.name),
        terraform_gaps=gaps,
        mappings=mappings,
        conditions=conditions,
        variable_aliases=aliases,
    )


def _same_parameters(ctx: Context) -> dict[str, str]:
    """A design parameter with the CloudFormation name of a variable the compiler makes for a node
    (`ZoneDomain`, the zone's domain) is that parameter: one template parameter, as in a template
    that both a typed node and a generic resource were imported from.  The compiler's declaration
    stays; Terraform reads the design parameter as the compiler's variable (design name -> its name)."""
    made = {cfn_identifier(name): name for name, var in ctx.variables.items() if var.source != "@design"}
    aliases = {}
    for name in sorted(n for n, var in ctx.variables.items() if var.source == "@design"):
        other = made.get(cfn_identifier(name))
        if other is not None:
            aliases[name] = other
            del ctx.variables[name]
    return aliases
