"""The JSON of `terraform show -json` (a plan or a state) -> design (issue 15, item 2).

Terraform has already evaluated everything here: every module (remote ones too) expanded,
every `count`/`for_each` instance with its address and final values.  A plan also holds the
configuration, which says which attributes were written (the rest are provider defaults and
computed values, left out) and which resources each one refers to; a value equal to the `id`
or `arn` (or the attribute Ref stands for) of a resource it refers to becomes a reference.  A
state has no configuration: only the attributes the catalog itself writes for the type are
read, and a value is a reference when it equals another resource's id or ARN exactly.  A value
still unknown (a plan of what is not deployed yet) is not understood, never guessed.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from . import Imported, NotImportable
from .lift import SourceResource, lift
from .terraform.addresses import Unreadable, design_ids, reference
from .terraform.resources import module_path

_INDEX = re.compile(r"\[[^\]]*\]")


def read(text: str, *, source: str = "plan.json", region: str = "us-east-1", name: str = "imported",
         fmt: str | None = None, **_) -> Imported:
    resources, notes = source_resources(text, source)
    return lift(resources, name=name, region=region, fmt="tfplan", source=source, notes=notes)


def source_resources(text: str, source: str = "plan.json") -> tuple[list[SourceResource], list[str]]:
    """The plan's or state's managed resources as the lifter takes them, and the report's notes."""
    doc = _document(text, source)
    planned = doc.get("planned_values") or doc.get("values")
    if not isinstance(planned, dict) or not isinstance(planned.get("root_module", {}), dict):
        raise NotImportable("not the JSON of `terraform show -json`: it has no planned_values or values", source)
    found = list(_resources(planned.get("root_module") or {}))
    managed = [r for r in found if r.get("mode", "managed") == "managed"]
    configured = _configuration(doc.get("configuration"))
    unknown = {c.get("address"): (c.get("change") or {}).get("after_unknown") or {} for c in doc.get("resource_changes") or []
               if isinstance(c, dict)}
    ids = design_ids({r["address"]: r["type"] for r in managed})
    index = _identifiers(managed, ids)
    resources = [_resource(r, ids, index, configured, unknown.get(r["address"], {})) for r in managed]
    notes = ["a plan: the attributes the configuration writes are read, with Terraform's final values" if configured
             else "a state (no configuration): only the attributes the catalog writes for each type are read"]
    if len(found) > len(managed):
        notes.append(f"{len(found) - len(managed)} data source(s) not imported (read by Terraform when it runs)")
    return resources, notes


def _document(text: str, source: str) -> dict:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotImportable(f"not JSON: {exc.msg}", f"{source}:{exc.lineno}:{exc.colno}") from None
    except RecursionError:
        raise NotImportable("nested too deeply to read", source) from None
    if not isinstance(doc, dict) or "format_version" not in doc:
        raise NotImportable("not the JSON of `terraform show -json` (no format_version)", source)
    return doc


def _resources(module: dict):
    for res in module.get("resources") or []:
        if isinstance(res, dict) and isinstance(res.get("address"), str) and isinstance(res.get("type"), str):
            yield res
    for child in module.get("child_modules") or []:
        if isinstance(child, dict):
            yield from _resources(child)


def _configuration(config) -> dict:
    """(module path, type, name) -> the resource's expressions, from a plan's configuration."""
    out: dict = {}
    if not isinstance(config, dict):
        return out

    def walk(module: dict, path: tuple, depth: int) -> None:
        for res in module.get("resources") or []:
            if isinstance(res, dict) and res.get("mode", "managed") == "managed":
                out[(path, res.get("type"), res.get("name"))] = res.get("expressions") or {}
        for call, body in (module.get("module_calls") or {}).items():
            if isinstance(body, dict) and depth < 32:
                walk(body.get("module") or {}, (*path, call), depth + 1)

    walk(config.get("root_module") or {}, (), 0)
    return out


def _identifiers(managed: list, ids: dict) -> dict:
    """An identifier value (id, ARN, what Ref stands for) -> (design id, Terraform type, attribute)."""
    from ..generic.catalog_targets import REF_TF

    out: dict = {}
    for res in managed:
        values = res.get("values") or {}
        for attr in dict.fromkeys(("id", "arn", REF_TF.get(res["type"], "id"))):
            value = values.get(attr)
            if isinstance(value, str) and len(value) >= 4:
                out.setdefault(value, (ids[res["address"]], res["type"], attr, _config_address(res["address"])))
    return out


def _config_address(address: str) -> str:
    """`module.net[0].aws_subnet.a[1]` -> `module.net.aws_subnet.a` (how the configuration names it)."""
    return _INDEX.sub("", address)


def _resource(res: dict, ids: dict, index: dict, configured: dict, unknown: dict) -> SourceResource:
    address, values = res["address"], res.get("values") or {}
    key = (module_path(address + "."), res["type"], res.get("name"))
    expressions = configured.get(key) if configured else None
    keys = list(expressions) if expressions is not None else sorted(_catalog_keys(res["type"]) & set(values))
    attributes, problem = {}, ""
    allowed = _referred(expressions) if expressions is not None else None
    for name in keys:
        if name in ("count", "for_each", "depends_on", "lifecycle", "provider"):
            continue
        try:
            if unknown.get(name) is True or (values.get(name) is None and unknown.get(name)):
                raise Unreadable("known only after apply (a plan of what is not deployed yet): import the plan or the "
                                 "state of a deployed configuration", (name,))
            if values.get(name) is None:
                continue
            attributes[name] = _value(values[name], (name,), index, allowed)
        except Unreadable as exc:
            problem = problem or f"attribute {'.'.join(map(str, exc.path))}: {exc.reason}"
    return SourceResource(id=ids[address], type=res["type"], properties=attributes, side="tf", address=address,
                          problem=problem)


def _referred(expressions: dict) -> set:
    """Configuration addresses the resource's expressions refer to (`aws_vpc.main`, `module.net.aws_vpc.main`)."""
    found = set()
    stack = [expressions]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for ref in node.get("references") or []:
                if isinstance(ref, str):
                    found.add(_INDEX.sub("", ref))
            stack.extend(v for k, v in node.items() if k != "references")
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _value(value, path: tuple, index: dict, allowed: set | None):
    if isinstance(value, dict):
        return {k: _value(v, (*path, k), index, allowed) for k, v in value.items()}
    if isinstance(value, list):
        return [_value(v, (*path, i), index, allowed) for i, v in enumerate(value)]
    if isinstance(value, str):
        found = index.get(value)
        if found and (allowed is None or _mentions(allowed, found[3])):
            return reference(found[0], found[1], found[2], path)
        if value[:1] in "{[" and any(ident in value for ident in index):
            try:
                decoded = json.loads(value)
            except ValueError:
                return value
            return _value(decoded, path, index, allowed) if isinstance(decoded, (dict, list)) else value
    return value


def _mentions(allowed: set, config_address: str) -> bool:
    """Whether an expression's references name the resource (a module output names the module)."""
    return config_address in allowed or any(config_address.startswith(a + ".") for a in allowed if a.startswith("module."))


@lru_cache(maxsize=512)
def _catalog_keys(tf_type: str) -> frozenset:
    from ..catalog import CATALOG

    return frozenset(k for entry in CATALOG.values() for emit in entry.emits if emit.tf_type == tf_type for k in emit.tf)


__all__ = ["read", "source_resources"]
