"""The lifter: CloudFormation-shaped resources -> a design, for every importer.

CloudFormation and SAM give these directly; the Terraform and live-account importers give
the same shape (logical id, CloudFormation type, properties with `Ref`/`Fn::GetAtt`,
DependsOn, Condition, source line), so the mapping to catalog types, containers and
generic resources is written once.  Each resource ends in one bucket of the report:
typed (a catalog entry reproduces it: lift.match), generic (`cfn:<type>`, its properties
with references as design references), or not understood (a value the design cannot hold,
with the reason and line).  Design ids are the logical ids, so generating again gives the
same logical ids (compiler/resolve.py keeps a resource id as its primary part's logical id).
"""

from __future__ import annotations

import graphlib
import re
import time
from dataclasses import dataclass

from ...compiler.resolve import resolve
from ...design import Design
from ...design.errors import DesignError
from ...generic import CFN_TYPE
from .. import Imported, NotImportable
from ..report import Entry, ImportReport
from . import connected, expressions, groups, implied, scalars, tf_pairs, tiers, verify
from . import match as matching
from .values import Template, Unrepresentable, convert, first_opaque, references

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_TF_TYPE = re.compile(r"^aws_[a-z0-9_]+$")
MAX_ROUNDS = 16  # validation rounds: each demotes what the previous refused
_CLOUD_CONTROL = "aws_cloudcontrolapi_resource"


@dataclass
class SourceResource:
    """One resource as the source describes it, in CloudFormation's shape."""

    id: str
    type: str
    properties: dict
    line: int | None = None
    depends_on: tuple = ()
    condition: str | None = None
    dropped: tuple = ()  # other attributes the design does not keep (DeletionPolicy, Metadata ...)
    side: str = "cfn"  # "tf": `type` is a Terraform type and `properties` its attributes (references as Ref/Fn::GetAtt)
    address: str = ""  # the name in the source when it is not the id (a Terraform address)
    file: str | None = None  # the file of `line`, in a source of several files
    problem: str = ""  # why the source's reader could not read it (a value it cannot evaluate), said as is
    # a CloudFormation resource's properties as a generic resource keeps them (parameters, conditions and
    # functions as design expressions: lift.expressions), or the Unrepresentable saying why it cannot
    design_properties: object = None

    @property
    def name(self) -> str:
        return self.address or self.id


@dataclass
class _Node:
    source: SourceResource
    kind: str  # typed | generic | unheld (the design cannot hold it: a node's implied part, or not understood) | refused
    design: dict
    why: str = ""  # why generic, or what the catalog adds when typed
    generic_properties: dict | None = None  # the converted properties, for a typed node demoted to generic
    subnets: tuple = ()
    parts: dict | None = None  # emit key -> source id of each part of a typed node (its primary under "")
    companions: tuple = ()  # (key, SourceResource, converted properties) of its other parts
    given: tuple = ()  # (part key, path, source value) of what connections fill (lift.connections checks them)
    line: int | None = None  # where an unheld node's reason points


def lift(resources: list[SourceResource], *, name: str, region: str, fmt: str, source: str,
         parameters: dict | None = None, mappings: dict | None = None, notes=(), template_raw: dict | None = None) -> Imported:
    """`parameters` maps each template parameter to its default (values.NO_DEFAULT when it has none);
    `template_raw` holds a CloudFormation template's Parameters and Conditions as written (what the
    design declares for the expressions its generic resources keep)."""
    started = time.perf_counter()
    report = ImportReport(source=source, format=fmt, notes=list(notes))
    for r in resources:
        r.id = str(r.id)  # a YAML loader's string subclass would reach the design's keys (orjson refuses those)
    by_id = {r.id: r for r in resources}
    order = _order(by_id, source)
    template = Template(by_id.keys(), parameters, mappings, region)
    template.lenient = True
    converted: dict[str, dict] = {}
    for rid in order:
        res = by_id[rid]
        problem = _refused(res)
        if problem:
            report.not_understood.append(_entry(res, None, problem))
            continue
        try:
            template.owner = rid
            converted[rid] = convert(res.properties, template, (), res.line)
        except Unrepresentable as exc:
            report.not_understood.append(_entry(res, None, _where(res, exc), exc.line or res.line))
    expressed = Template(by_id.keys(), parameters, mappings, region)
    for rid in converted:
        if by_id[rid].side == "cfn":
            by_id[rid].design_properties = expressions.kept(by_id[rid], expressed, template_raw or {})
        elif parameters:  # a Terraform variable asked at deploy time is a design parameter a generic resource reads
            by_id[rid].design_properties = expressions.opened(converted[rid], expressed)
    source = groups.Source(by_id, converted, next(iter(by_id.values())).side if by_id else "cfn")
    nodes = _nodes(by_id, converted, order, report, source)
    tiers.set_tiers(nodes, by_id, converted)
    _check_subnets(nodes)

    declared_notes: list[str] = []

    def declare(nodes: dict) -> dict:
        generic = {rid: n.design for rid, n in nodes.items() if n.kind == "generic"}
        meta, declared_notes[:] = expressions.template_meta(generic, template_raw or {}, expressed)
        return meta

    design = _settle(nodes, report, name, region, source, declare)
    report.notes.extend(declared_notes)  # of the round that settled
    for what, owners in sorted(template.used.items()):
        kept = sorted(owners & {rid for rid, n in nodes.items() if n.kind == "typed"})
        if kept:  # a generic resource keeps the expression itself (lift.expressions)
            report.notes.append(f"{what}: written into {', '.join(kept[:8])}{' ...' if len(kept) > 8 else ''} "
                                "(a catalog node holds values, not expressions)")
    for node in nodes.values():
        res = node.source
        entry = _entry(res, res.id, node.why)
        (report.typed if node.kind == "typed" else report.generic).append(entry)
        for key, part, _props in node.companions:
            report.folded.append(_entry(part, res.id, f"the {key} part of the {node.design['type']} {res.id}"))
        if res.depends_on:
            report.notes.append(f"{res.id}: DependsOn {', '.join(res.depends_on)} not kept (the design orders resources by their references)")
        if res.dropped:
            report.notes.append(f"{res.id}: {', '.join(res.dropped)} not kept (the design sets these itself)")
    report.seconds = time.perf_counter() - started
    return Imported(design, report)


def _order(by_id: dict, source: str) -> list[str]:
    """Logical ids with what each refers to (and depends on) first; a cycle is refused, named."""
    graph = {}
    for rid, res in by_id.items():
        deps = (references(res.properties) | set(res.depends_on)) & by_id.keys()
        graph[rid] = deps - {rid}
    try:
        return [by_id[rid].id for rid in graphlib.TopologicalSorter(graph).static_order()]  # the ids as keyed, not as referred to
    except graphlib.CycleError as exc:
        cycle = exc.args[1]
        first = by_id[cycle[0]]
        where = f"{source}:{first.line}" if first.line else source
        raise NotImportable(f"circular dependency between resources: {' -> '.join(cycle)} "
                            "(DependsOn and references must not loop; CloudFormation refuses it too)", where) from None


_PROPS = {"cfn": "Properties", "tf": "attribute"}


def _entry(res: SourceResource, design_id, reason: str, line: int | None = None) -> Entry:
    return Entry(res.name, res.type, line or res.line, design_id, reason, res.file)


def _refused(res: SourceResource) -> str:
    if not _ID.match(res.id):
        return "the logical id is longer than a design id can be (64 characters)"
    if res.problem:
        return res.problem
    if res.side == "tf":
        if not _TF_TYPE.match(str(res.type)):
            return f"{res.type!r} is not a resource of the AWS provider (the design holds AWS resources only)"
        return "" if isinstance(res.properties, dict) else "its attributes are not a mapping"
    if not isinstance(res.type, str) or not CFN_TYPE.match(res.type):
        return f"{res.type!r} is not a registry resource type (custom resources run code the design does not hold)"
    if not isinstance(res.properties, dict):
        return "Properties is not a mapping"
    return ""


def _where(res: SourceResource, exc: Unrepresentable) -> str:
    where = ".".join(map(str, exc.path))
    return f"{_PROPS[res.side]}.{where}: {exc.reason}" if where else exc.reason


def _nodes(by_id: dict, converted: dict, order: list, report: ImportReport, source: groups.Source) -> dict:
    """Typed nodes for the groups of parts catalog entries make (lift.groups), generic ones for the rest,
    in source order; what neither can hold is not understood."""
    found, why_not = {}, {}
    for rid in order:
        if rid in converted and by_id[rid].condition:
            found[rid], why_not[rid] = [], f"made only when the condition {by_id[rid].condition} holds (a catalog node always is)"
        elif rid in converted:
            found[rid], why_not[rid] = _candidates(by_id[rid], converted[rid], source)
    nodes: dict[str, _Node] = {}
    while True:  # a group whose container is not typed gives its parts back to the others' choice
        chosen, nodes, failed = groups.choose(found, order), {}, None
        for rid, (entry, binding) in ((r, chosen[r]) for r in _containers_first(chosen, order)):
            try:
                conditional = sorted(m for m in binding.parts.values() if m in by_id and by_id[m].condition)
                if conditional:
                    raise matching.Mismatch(f"its part {conditional[0]} is made only on a condition")
                parent = _parent(entry, binding, nodes)
            except matching.Mismatch as exc:
                why_not[rid] = f"not a {entry.type}: {exc}"
                found[rid] = [(e, b) for e, b in found[rid] if b is not binding]
                failed = rid
                break
            nodes[rid] = _typed_node(by_id[rid], entry, binding, parent, converted[rid])
        if failed is None:
            break
    folded = set()
    for node in nodes.values():
        node.companions = tuple((k, by_id[m], converted[m]) for k, m in node.parts.items() if k)
        folded.update(m for k, m in node.parts.items() if k)
    for rid in order:
        if rid not in converted or rid in nodes or rid in folded:
            continue
        kept = first_opaque(converted[rid])
        node = _generic(by_id[rid], converted[rid], why_not.get(rid, ""))
        if isinstance(node, str):  # not in the design; a part the compiler implies for a node may still be it (lift.implied)
            node = _Node(by_id[rid], "unheld", {}, node, converted[rid], line=kept.error.line if kept else None)
        nodes[rid] = node
    return nodes


def _containers_first(chosen: dict, order: list) -> list:
    """The chosen ids in source order, each after the containers its binding names (an internet
    gateway names its VPC only through its attachment, so the source's order may put it first)."""
    graph = {rid: {t for _types, t in chosen[rid][1].containers} | set(chosen[rid][1].subnets) for rid in order if rid in chosen}
    ranked = {rid: i for i, rid in enumerate(order)}
    sorter = graphlib.TopologicalSorter({rid: deps & graph.keys() - {rid} for rid, deps in graph.items()})
    try:
        sorter.prepare()
    except graphlib.CycleError:
        return [r for r in order if r in chosen]  # two resources naming each other as container: _parent refuses one
    out = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=ranked.__getitem__)
        out.extend(ready)
        sorter.done(*ready)
    return out


def _candidates(res: SourceResource, props: dict, source: groups.Source) -> tuple[list, str]:
    """Every catalog entry that reproduces the resource with the parts it makes, or why none does."""
    found, reasons = [], []
    for entry in matching.candidates(res.side).get(res.type, ()):
        try:
            found.append((entry, matching.match(entry, props, res.side, res.id, source.companions)))
        except matching.Mismatch as exc:
            reasons.append(f"not a {entry.type}: {exc}")
    return found, "; ".join(reasons)


def _typed_node(res: SourceResource, entry, binding: matching.Binding, parent, props: dict) -> _Node:
    design = {"type": entry.type, "properties": binding.values}
    if binding.label:
        design["label"] = binding.label
    if parent:
        design["parent"] = parent
    why = f"the catalog adds {', '.join(binding.added)}" if binding.added else ""
    return _Node(res, "typed", design, why, props, tuple(binding.subnets), dict(binding.parts), (), tuple(binding.given))


def _parent(entry, binding: matching.Binding, nodes: dict) -> str | None:
    parent = None
    for types, target in binding.containers:
        node = nodes.get(target)
        if node is None or node.kind != "typed" or node.design["type"] not in types:
            raise matching.Mismatch(f"its container {target} is not a {' or '.join(types)} of the catalog")
        parent = parent or target
    if binding.subnets:
        for target in binding.subnets:
            node = nodes.get(target)
            if node is None or node.kind != "typed" or node.design["type"] != "subnet":
                raise matching.Mismatch(f"{target} is not a catalog subnet")
        parent = binding.subnets[0]
    if parent and entry.containers and nodes[parent].design["type"] not in entry.containers:
        # a resource referring to its VPC while the catalog places it in a subnet (or the reverse)
        raise matching.Mismatch(f"a {entry.type} sits in a {' or '.join(entry.containers)}, not a {nodes[parent].design['type']}")
    if entry.needs_container and not parent:
        raise matching.Mismatch(f"a {entry.type} needs a container ({' or '.join(entry.containers)})")
    return parent


def _generic(res: SourceResource, props: dict, why_not: str) -> _Node | str:
    """A generic resource of the CloudFormation type; a Terraform resource only where the catalog's own
    pairs of attributes write it as CloudFormation (tf_pairs), else the reason it is not understood."""
    why_not = why_not or "no catalog entry emits this type"
    design, said = _generic_design(res, props, why_not)
    if design is None:
        return said
    return _Node(res, "generic", design, f"{why_not}{said}", design["properties"])


def _generic_design(res: SourceResource, props: dict, why: str) -> tuple[dict | None, str]:
    """(the generic resource's design, what to add to the reason) or (None, why it cannot be one): a
    CloudFormation resource keeps its expressions (lift.expressions); a Terraform resource becomes its
    CloudFormation type where the catalog's pairs say how, its names from var.name_prefix expressions."""
    from ...generic import design_type

    if isinstance(res.design_properties, Unrepresentable):
        return None, _where(res, res.design_properties)
    if res.design_properties is not None:
        props = res.design_properties
    cfn_type, said = res.type, ""
    if res.side == "tf":
        try:
            cfn_type, props = tf_pairs.to_cfn(res.type, props)
        except tf_pairs.NoCounterpart as exc:
            return None, f"{why}; not kept as a generic resource: {exc}"
        props = expressions.opened(props)
        said = f"; kept as {cfn_type} (regenerated as {_CLOUD_CONTROL} in Terraform)"
    kept = first_opaque(props)
    if kept is not None:
        return None, _where(res, Unrepresentable(kept.error.reason, kept.error.path, kept.error.line))
    design = {"type": design_type(cfn_type), "properties": props}
    if res.condition:
        design["condition"] = res.condition
    return design, said


def _check_subnets(nodes: dict) -> None:
    """A Subnets placeholder spreads over the parent subnet's tier in its VPC: the source's list must be that tier."""
    for node in list(nodes.values()):
        if node.kind != "typed" or not node.subnets:
            continue
        first = nodes[node.subnets[0]].design
        tier = first["properties"].get("tier", "private")
        vpc = first.get("parent")
        tier_set = {r for r, n in nodes.items() if n.kind == "typed" and n.design["type"] == "subnet"
                    and n.design.get("parent") == vpc and n.design["properties"].get("tier", "private") == tier}
        if set(node.subnets) != tier_set:
            _dissolve(nodes, node.source.id, f"its subnets are not all the {tier} subnets of their VPC (the catalog spreads over a whole tier)")


def _dissolve(nodes: dict, rid: str, why: str) -> None:
    """A typed node made generic again, and each of its other parts a generic resource of its own."""
    node = nodes[rid]
    for _key, res, props in node.companions:
        nodes[res.id] = _generic_or_refused(res, props, f"{why} (it was a part of the {node.design['type']} {rid})")
    node.companions = ()
    _demote(node, why)


def _release(nodes: dict, rid: str, key: str) -> None:
    """The parts folded into a node under `key` become nodes of their own again (generic)."""
    implied.give_back(nodes, rid, key, _generic_or_refused, f"not what the compiler makes for {rid}")


def _generic_or_refused(res: SourceResource, props: dict, why: str) -> _Node:
    """A generic node, or one the next sweep reports as not understood with the reason."""
    part = _generic(res, props, why)
    return part if isinstance(part, _Node) else _Node(res, "refused", {}, part)


def _demote(node: _Node, why: str) -> None:
    design, said = _generic_design(node.source, node.generic_properties, why)
    if design is None:
        node.kind, node.why = "refused", said
        return
    node.kind, node.why, node.design = "generic", why, design


def _settle(nodes: dict, report: ImportReport, name: str, region: str, source: groups.Source, declare=lambda nodes: {}) -> Design:
    """A design that validates: a typed node the design refuses becomes generic, a generic one the
    registry refuses is not understood (and whatever refers to it, in the next round); a resource
    the compile makes by itself is folded into what makes it (lift.implied)."""
    held: list = []
    links = connected.Links(nodes, report, source, region, _generic, _dissolve)
    for _ in range(MAX_ROUNDS):
        implied.release(nodes, held, source, _generic_or_refused)
        _sweep(nodes, report)
        links.drop_loose()
        meta = {"name": name, "region": region, "description": f"imported from {report.source}", **declare(nodes)}
        data = {"version": 1, "meta": meta,
                "resources": {rid: dict(n.design) for rid, n in nodes.items() if n.kind != "unheld"}, "connections": {}}
        design = Design({**data, "connections": links.data()})
        try:
            design.validate(report.source)
        except DesignError as exc:
            _refused_by_design(exc, nodes, report)
            continue
        typed = {rid: [n.source.type, *(part.type for _k, part, _p in n.companions)] for rid, n in nodes.items() if n.kind == "typed"}
        typed[verify.DESIGN] = implied.expected(held)
        try:
            resolved = resolve(design) if len(typed) > 1 or links.conns else None  # one compile for both checks
        except DesignError as exc:  # a generic resource names a node that makes nothing until a connection is found
            _refused_by_compile(exc, nodes, report)
            continue
        diffs = verify.differences(design, typed, source.side, resolved) if len(typed) > 1 else {}
        compiled_names: dict = {}
        for part in resolved.parts if resolved is not None else ():
            compiled_names.setdefault(verify.DESIGN if part.source == "@design" else part.source, set()).add(
                part.cfn_name if source.side == "cfn" else part.tf_name)  # the source's own naming
        if implied.absorb(nodes, diffs, source, held, links.ends(), compiled_names):
            continue
        if links.settle(data, resolved):  # once what the compiler implies is recognised: connections, then their check
            continue
        diffs.pop(verify.DESIGN, None)
        if not diffs:
            for rid in [r for r, n in nodes.items() if n.kind == "unheld"]:  # no node's compile makes it
                node = nodes.pop(rid)
                report.not_understood.append(_entry(node.source, None, node.why, node.line))
            for part, _props in held:
                report.folded.append(_entry(part, None, "made by the compiler for the design as a whole"))
            links.write_report(_entry)
            return design
        types = {r: n.design["type"] for r, n in nodes.items() if n.kind == "typed"}
        for rid, (extra, missing) in verify.to_demote(diffs, types).items():
            why = f"the catalog type would {'; '.join(verify.said(extra, missing)[:3])}"
            inner = [r for r, n in nodes.items() if types.get(rid) == "vpc" and types.get(r) == "subnet" and n.design.get("parent") == rid]
            if inner:  # a VPC's routing exists because of its subnets: they go, the VPC's implied parts with them
                _release(nodes, rid, "implied")
            for gone in inner or [rid]:
                _dissolve(nodes, gone, why if gone == rid else f"its VPC {rid}'s implied routing differs from the source's: {why}")
    raise NotImportable("the imported design did not settle after several validation rounds", report.source)


def _sweep(nodes: dict, report: ImportReport) -> None:
    """Nodes a demotion could not keep (a Terraform resource with no CloudFormation shape) leave the design."""
    for rid in [r for r, n in nodes.items() if n.kind == "refused"]:
        node = nodes.pop(rid)
        report.not_understood.append(_entry(node.source, None, node.why))


def _refused_by_design(exc: DesignError, nodes: dict, report: ImportReport) -> None:
    by_resource: dict[str, list] = {}
    for problem in exc.problems:
        by_resource.setdefault(problem.resource or _owner(problem.path), []).append(problem)
    changed = False
    for rid, problems in by_resource.items():
        node = nodes.get(rid)
        if node is None:
            continue
        found = [str(p) for p in problems]
        if node.kind == "generic" and scalars.coerce(node.design["properties"], problems):
            changed = True  # text CloudFormation reads as a number or boolean, now written as one
            continue
        if node.kind == "typed":
            _dissolve(nodes, rid, f"the catalog type refused it: {found[0]}")
        else:
            nodes.pop(rid)
            report.not_understood.append(_entry(node.source, None, found[0]))
        changed = True
    if not changed:
        raise NotImportable(f"the imported design does not validate: {exc.problems[0]}", report.source)


def _refused_by_compile(exc: DesignError, nodes: dict, report: ImportReport) -> None:
    """The compile refused a generic resource's reference to a typed node that emits nothing yet (a
    certificate before its zone connection is found): that node is made generic, so the reference
    names a resource again; any other refusal is the design's (the referring resource goes)."""
    target = getattr(exc, "target", None)  # compiler.generic.NothingToReferYet
    if target in nodes and nodes[target].kind == "typed":
        _dissolve(nodes, target, "a generic resource refers to it, and the catalog type makes nothing until a connection is found")
    else:
        _refused_by_design(exc, nodes, report)


def _owner(path: str) -> str | None:
    found = re.match(r"^\$\.resources\.([A-Za-z][A-Za-z0-9_-]*)", path)
    return found.group(1) if found else None


__all__ = ["SourceResource", "lift"]
