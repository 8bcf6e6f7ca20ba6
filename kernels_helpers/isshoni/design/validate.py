"""Every problem in a design, with its JSON path: structure first, then meaning.

Structure is checked with the shipped JSON Schema; meaning (types, properties,
containers, connections, networks) with the catalog.  Problems are collected,
never raised one at a time, so a user sees the whole list at once.
"""

from __future__ import annotations

import ipaddress
import json
from functools import lru_cache
from importlib import resources as importlib_resources

import fastjsonschema

from . import containers, jsonvalues
from .errors import DesignError, Problem, json_path
from .regions import region_types

GENERIC_PREFIX = "cfn:"  # isshoni.generic.PREFIX; generic resources are checked by isshoni.generic.problems


@lru_cache(maxsize=1)
def schema() -> dict:
    text = importlib_resources.files("isshoni.design").joinpath("design.schema.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def _design_schema_json() -> str:
    return json.dumps(schema(), sort_keys=True)


@lru_cache(maxsize=512)
def _validator_for(schema_json: str):
    # imported here, on the error path only: importing jsonschema loads its optional format
    # checkers (rfc3987_syntax builds a lark grammar: 1.4 s), which a valid design never needs
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(schema_json))


@lru_cache(maxsize=512)
def _fast_check(schema_json: str):
    """A compiled validator (fastjsonschema) for the common case: valid input.

    Only when it refuses do we ask jsonschema for the complete, path-precise
    list of problems; a large valid design is checked in a fraction of the time.
    """
    try:
        return fastjsonschema.compile(_inlined(json.loads(schema_json)))
    except Exception:  # a pattern fastjsonschema cannot translate: use jsonschema alone
        return None


_ANNOTATIONS = frozenset({"description", "title", "$comment"})


def _inlined(schema: dict) -> dict:
    """The schema with its local `$ref`s to `$defs` written in place (none is recursive).

    fastjsonschema calls a referenced definition as a function and formats the item's name
    for it on every call (`str.format(**locals())`, valid or not): a third of checking a
    1,000-resource design.  Written in place, an item is checked by code inside the loop."""
    defs = schema.get("$defs") or {}

    def walk(node, depth=0):
        if isinstance(node, list):
            return [walk(v, depth) for v in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and ref[8:] in defs and depth < 8:
            target = walk(defs[ref[8:]], depth + 1)
            rest = {k: walk(v, depth) for k, v in node.items() if k != "$ref"}
            if set(rest) <= _ANNOTATIONS:
                return {**target, **rest}
            return {**rest, "allOf": [*rest.get("allOf", []), target]}
        return {k: (v if k == "$defs" else walk(v, depth)) for k, v in node.items()}

    return walk(schema)


def _is_valid(schema_json: str, instance) -> bool:
    check = _fast_check(schema_json)
    if check is None:
        return False
    try:
        check(instance)
        return True
    except fastjsonschema.JsonSchemaException:
        return False


def _resource_of(path) -> str | None:
    parts = list(path)
    if len(parts) >= 2 and parts[0] in ("resources", "connections") and isinstance(parts[1], str):
        return parts[1]
    return None


MAX_MESSAGE = 400


def _schema_problems(schema_json: str, instance, prefix=(), resource=None) -> list[Problem]:
    if _is_valid(schema_json, instance):
        return []
    out = []
    for err in _validator_for(schema_json).iter_errors(instance):
        path = list(prefix) + list(err.absolute_path)
        message = err.message if len(err.message) <= MAX_MESSAGE else err.message[:MAX_MESSAGE] + " ... (cut)"  # jsonschema repeats the whole value
        schema_path = list(err.absolute_schema_path)
        if "then" in schema_path and schema_path[0] == "allOf":
            condition = _validator_for(schema_json).schema["allOf"][schema_path[1]]["if"]["properties"]
            when = ", ".join(f"{k} is {v['const']!r}" for k, v in condition.items())
            message += f" (when {when})"
        if err.validator == "additionalProperties" and "were unexpected" in message:
            message = "unknown field(s): " + message.split("(")[1].split(" were")[0].split(" was")[0]
        out.append(Problem(json_path(path), message, resource or _resource_of(path)))
    return out


def validate_structure(data, source: str = "design") -> None:
    found = jsonvalues.problems(data) or _schema_problems(_design_schema_json(), data)
    if found:
        raise DesignError(found, source)


def problems(data: dict, only=None) -> list[Problem]:
    """All problems of a design (empty list when it is good).

    Values that are not plain JSON come first (nothing else can look at them safely); with
    structural problems, container loops are still reported, so an edit can never add one
    unnoticed to a design that was already broken in some other way.

    `only` names the resources and connections an edit touched: their own problems and the
    design-wide ones (container loops, networks, template), each item checked against the
    whole design but only those items walked, so an edit costs what it touched, not what the
    design holds (a 1,000-resource design validates in about 20 ms, one item in well under one)."""
    view = data if only is None else _view(data, only)
    if view is None:
        view, only = data, None
    found = jsonvalues.problems(view) or _schema_problems(_design_schema_json(), view)
    if found:
        resources = data.get("resources") if isinstance(data, dict) else None
        if isinstance(resources, dict):
            found += _container_cycles(resources)
        return sorted(set(found))
    from ..catalog import CATALOG
    from .portable import problems as cloudformation_only

    resources = data["resources"]
    out: list[Problem] = []
    for rid in sorted(view["resources"]):
        if resources[rid]["type"] in CATALOG:
            out.extend(_resource_problems(rid, resources, CATALOG))
        elif resources[rid]["type"].startswith(GENERIC_PREFIX):
            from ..generic.problems import resource_problems

            out.extend(resource_problems(rid, data, CATALOG))
        else:
            out.extend(_resource_problems(rid, resources, CATALOG))
    out.extend(_container_cycles(resources))
    for cid in sorted(view["connections"]):
        out.extend(_connection_problems(cid, data, CATALOG))
    out.extend(_network_problems(resources, CATALOG))
    out.extend(_region_problems(data["meta"]["region"], view["resources"], CATALOG))
    out.extend(cloudformation_only(view))
    out.extend(_template_problems(data["meta"], resources))
    return sorted(set(out))


def _view(data, only) -> dict | None:
    """The design with only the named resources and connections (and its meta), for the checks
    that walk items; None when the design is not shaped well enough to cut (checked in full)."""
    if not isinstance(data, dict) or not all(isinstance(data.get(k), dict) for k in ("resources", "connections")):
        return None
    ids = set(only)
    view = {k: v for k, v in data.items() if k not in ("resources", "connections", "chat", "deployments", "versions")}
    for section in ("resources", "connections"):
        items = data[section]
        view[section] = {k: items[k] for k in ids if k in items}
    return view


def _template_problems(meta: dict, resources: dict) -> list[Problem]:
    """Parameters, mappings and conditions (design/expressions.py): conditions well formed, a
    resource's own condition declared (generic resources only), and no secret written into the
    file as a no-echo parameter's default."""
    from .expressions import condition_problems

    out = condition_problems(meta)
    declared = meta.get("conditions") or {}
    for rid in sorted(r for r in resources if "condition" in resources[r]):
        name, where = resources[rid]["condition"], json_path(["resources", rid, "condition"])
        if not resources[rid]["type"].startswith(GENERIC_PREFIX):
            out.append(Problem(where, "only a generic resource (cfn:...) is created on a condition; a catalog node always is", rid))
        elif name not in declared:
            out.append(Problem(where, f"condition {name!r} is not declared in meta.conditions", rid))
    for name, param in sorted((meta.get("parameters") or {}).items()):
        if param.get("no_echo") and "default" in param:
            out.append(Problem(json_path(["meta", "parameters", name, "default"]),
                               "a no_echo parameter has no default in the design (it would be a secret written into the file): "
                               "give its value when deploying"))
    return out


def _region_problems(region: str, resources: dict, catalog: dict) -> list[Problem]:
    """Types AWS does not offer in the design's region.  When the region table is unknown
    nothing is refused here; the checks report it as "not checked" (ISS011)."""
    available = region_types(region)
    if not available:
        return []
    out = []
    for rid in sorted(resources):
        entry = catalog.get(resources[rid]["type"])
        primary = next((e for e in entry.emits if e.key == "" and e.cfn_type), None) if entry else None
        if primary and primary.cfn_type not in available:
            out.append(
                Problem(json_path(["resources", rid, "type"]), f"{entry.label} ({primary.cfn_type}) is not available in {region}", rid)
            )
    return out


@lru_cache(maxsize=256)
def _entry_schema_json(rtype: str) -> str:
    from ..catalog import CATALOG

    return json.dumps(CATALOG[rtype].property_schema(), sort_keys=True)


def _resource_problems(rid: str, resources: dict, catalog: dict) -> list[Problem]:
    res = resources[rid]
    base = ["resources", rid]
    entry = catalog.get(res["type"])
    if entry is None:
        close = ", ".join(sorted(t for t in catalog if t.split("_")[0] == res["type"].split("_")[0])[:5])
        hint = f" (did you mean: {close})" if close else "; `isshoni catalog` lists the types"
        return [Problem(json_path(base + ["type"]), f"unknown resource type {res['type']!r}{hint}", rid)]
    out = []
    props = {**entry.defaults(), **res.get("properties", {})}
    out += _schema_problems(_entry_schema_json(entry.type), props, base + ["properties"], rid)
    for key in entry.cidr_properties:
        if isinstance(props.get(key), str):
            message = cidr_problem(props[key])
            if message:
                out.append(Problem(json_path(base + ["properties", key]), message, rid))
    parent = res.get("parent")
    if parent is not None:
        if parent == rid:
            out.append(Problem(json_path(base + ["parent"]), "a resource cannot contain itself", rid))
        elif parent not in resources:
            out.append(Problem(json_path(base + ["parent"]), f"container {parent!r} does not exist", rid))
        else:
            ptype = resources[parent]["type"]
            if ptype not in entry.containers:
                allowed = ", ".join(entry.containers) or "no container (top level only)"
                out.append(
                    Problem(
                        json_path(base + ["parent"]),
                        f"a {entry.type} cannot be placed in a {ptype} ({parent!r}); allowed: {allowed}",
                        rid,
                    )
                )
    elif entry.needs_container:
        out.append(
            Problem(json_path(base + ["parent"]), f"a {entry.type} must be placed in a {' or '.join(entry.containers)}", rid)
        )
    return out


def _container_cycles(resources: dict) -> list[Problem]:
    out = []
    for loop in containers.cycles(resources):
        if len(loop) == 1:  # the same problem the resource's own checks report (the set keeps one)
            out.append(Problem(json_path(["resources", loop[0], "parent"]), "a resource cannot contain itself", loop[0]))
            continue
        for rid in loop:
            chain = containers.describe_cycle(loop, rid)
            out.append(Problem(json_path(["resources", rid, "parent"]), f"containers form a cycle: {chain}", rid))
    return out


def _connection_problems(cid: str, data: dict, catalog: dict) -> list[Problem]:
    conn = data["connections"][cid]
    resources = data["resources"]
    base = ["connections", cid]
    out = []
    for end in ("source", "target"):
        if conn[end] not in resources:
            out.append(Problem(json_path(base + [end]), f"{end} {conn[end]!r} does not exist (dangling connection)", cid))
    if out:
        return out
    if conn["source"] == conn["target"]:
        return [Problem(json_path(base), "a resource cannot be connected to itself", cid)]
    stype = resources[conn["source"]]["type"]
    ttype = resources[conn["target"]]["type"]
    src_entry, tgt_entry = catalog.get(stype), catalog.get(ttype)
    if stype.startswith(GENERIC_PREFIX) or ttype.startswith(GENERIC_PREFIX):
        generic = conn["source"] if stype.startswith(GENERIC_PREFIX) else conn["target"]
        return [Problem(json_path(base), f"{generic!r} is a generic resource: it connects through references in its "
                        'properties ({"ref": "<id>"} or {"ref": "<id>", "attribute": "Arn"}), not through connections', cid)]
    if src_entry is None or tgt_entry is None:
        return out  # reported on the resource already
    link = src_entry.link_to(ttype)
    if link is None:
        allowed = sorted({t for lk in src_entry.links for t in lk.targets})
        hint = f"; a {stype} connects to: {', '.join(allowed)}" if allowed else f"; a {stype} starts no connections"
        return [Problem(json_path(base), f"a {stype} cannot connect to a {ttype}{hint}", cid)]
    out += _schema_problems(link.properties_schema_json, conn.get("properties", {}), base + ["properties"], cid)
    return out


@lru_cache(maxsize=1 << 14)  # a design checks each VPC's range once per subnet in it
def _network(value: str):
    return ipaddress.ip_network(value, strict=True)


def cidr_problem(value: str) -> str | None:
    try:
        net = _network(value)
    except ValueError as exc:
        return f"invalid CIDR {value!r}: {exc}"
    if net.version != 4:
        return f"invalid CIDR {value!r}: IPv4 expected"
    if not 16 <= net.prefixlen <= 28:
        return f"invalid CIDR {value!r}: AWS allows prefix lengths /16 to /28"
    return None


def _network_problems(resources: dict, catalog: dict) -> list[Problem]:
    """Subnets inside their VPC's range and not overlapping each other."""
    out = []
    subnets_by_vpc: dict[str, list[tuple[str, ipaddress.IPv4Network]]] = {}
    vpc_of = containers.Nearest(resources, ("vpc",))
    for rid in sorted(resources):
        res = resources[rid]
        if res["type"] != "subnet":
            continue
        cidr = res.get("properties", {}).get("cidr")
        if not isinstance(cidr, str) or cidr_problem(cidr):
            continue
        net = _network(cidr)
        vpc = vpc_of(rid)
        if vpc is None:
            continue
        vcidr = resources[vpc].get("properties", {}).get("cidr", catalog["vpc"].defaults().get("cidr"))
        if isinstance(vcidr, str) and not cidr_problem(vcidr) and not net.subnet_of(_network(vcidr)):
            out.append(
                Problem(json_path(["resources", rid, "properties", "cidr"]), f"subnet {cidr} is outside its VPC {vpc!r} ({vcidr})", rid)
            )
        for other, onet in subnets_by_vpc.get(vpc, []):
            if net.overlaps(onet):
                out.append(
                    Problem(
                        json_path(["resources", rid, "properties", "cidr"]),
                        f"subnet {cidr} overlaps subnet {other!r} ({onet}) in VPC {vpc!r}",
                        rid,
                    )
                )
        subnets_by_vpc.setdefault(vpc, []).append((rid, net))
    return out
