"""The mutational fuzzer: seeded cases made from the shipped templates.

A case is built from `(kind, seed, index)` alone, so the runner's parent and
its workers make the same case without sending it, and any case can be made
again from its id.  Kinds:

- `file`: a template's JSON with 1-6 mutations (hostile values, wrong types,
  missing and extra keys, swapped and copied subtrees, parent cycles, dangling
  references, duplicate ids) and sometimes damaged text: what `isshoni
  validate` or a full-replace REST request reads.
- `ops`: canvas operations with hostile arguments against a template, as the
  REST route receives them (`rest`), or the same calls made from a notebook
  through `Design`'s methods (`kernel`).

Mutations are recorded as plain data, so a failing case can be replayed and
minimised by dropping mutations.
"""

from __future__ import annotations

import copy
import json
import random
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import fuzz_hostile as hostile

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
OP_NAMES = ("add", "connect", "set", "set_label", "set_notes", "set_meta", "move", "move_into", "remove")


@dataclass
class Case:
    id: str
    kind: str  # file | ops
    template: str
    text: str | None = None  # the design file's text (file cases)
    mutations: list = field(default_factory=list)  # what was done to the template (file cases)
    ops: list | None = None  # ops cases
    route: str = "rest"  # ops cases: rest (JSON body, apply_ops) or kernel (Design methods)

    def record(self) -> dict:
        """Everything needed to run this case again, as JSON-able data."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


@cache
def template_names() -> tuple[str, ...]:
    return tuple(sorted(p.name.removesuffix(".infra.json") for p in TEMPLATES.glob("*.infra.json")))


@cache
def _template_text(name: str) -> str:
    return (TEMPLATES / f"{name}.infra.json").read_text("utf-8")


def template(name: str) -> dict:
    return json.loads(_template_text(name))


def make(kind: str, seed: int, index: int) -> Case:
    rng = random.Random(f"{kind}:{seed}:{index}")
    name = rng.choice(template_names())
    case_id = f"{kind}-{seed}-{index}"
    if kind == "file":
        data = template(name)
        mutations = [_mutation(rng, data) for _ in range(rng.choice((1, 1, 2, 2, 3, 4, 6)))]
        if rng.random() < 0.05:
            mutations.append(_damage(rng))
        return Case(case_id, kind, name, text=build_text(name, mutations), mutations=mutations)
    if kind == "ops":
        data = template(name)
        ops = [_op(rng, data) for _ in range(rng.choice((1, 1, 2, 3, 5)))]
        return Case(case_id, kind, name, ops=ops, route="kernel" if rng.random() < 0.3 else "rest")
    raise ValueError(f"unknown case kind {kind!r}")


def build_text(name: str, mutations: list) -> str:
    """The template with `mutations` applied (those whose place no longer exists are skipped)."""
    data = template(name)
    for mutation in mutations:
        if mutation[0] != "damage":
            try:
                apply_mutation(data, mutation)
            except (KeyError, IndexError, TypeError, AttributeError):  # its place is gone or not a container
                continue
    text = hostile.to_text(data)
    for mutation in mutations:
        if mutation[0] == "damage":
            text = _apply_damage(text, mutation)
    return text


# ------------------------------------------------------------------ mutations on the JSON tree


def _paths(node, prefix=()) -> list[tuple]:
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            out.append(prefix + (k,))
            out.extend(_paths(v, prefix + (k,)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.append(prefix + (i,))
            out.extend(_paths(v, prefix + (i,)))
    return out


def _get(data, path):
    for part in path:
        data = data[part]
    return data


def apply_mutation(data: dict, m: list) -> None:
    op = m[0]
    if op == "multi":
        for step in m[1]:
            apply_mutation(data, step)
    elif op == "set":
        _, path, value = m
        _get(data, path[:-1])[path[-1]] = copy.deepcopy(value)
    elif op == "first":  # a key put before the others: HCL reads `{ for = ...` as a for expression
        _, path, key, value = m
        node = _get(data, path)
        items = list(node.items())
        node.clear()
        node.update([(key, copy.deepcopy(value)), *items])
    elif op == "delete":
        _, path = m
        del _get(data, path[:-1])[path[-1]]
    elif op == "copy":
        _, src, dst = m
        _get(data, dst[:-1])[dst[-1]] = copy.deepcopy(_get(data, src))
    elif op == "swap":
        _, a, b = m
        pa, pb = _get(data, a[:-1]), _get(data, b[:-1])
        pa[a[-1]], pb[b[-1]] = _get(data, b), _get(data, a)
    elif op == "rename":  # a resource or connection id, and every reference to it
        _, section, old, new = m
        items = data[section]
        items[new] = items.pop(old)
        for res in data["resources"].values():
            if isinstance(res, dict) and res.get("parent") == old:
                res["parent"] = new
        for conn in (data["connections"] if isinstance(data.get("connections"), dict) else {}).values():
            for end in ("source", "target"):
                if isinstance(conn, dict) and conn.get(end) == old:
                    conn[end] = new
    else:
        raise KeyError(op)


def _mutation(rng: random.Random, data: dict) -> list:
    """One mutation, applied to `data` at once (later mutations see it) and returned as a record."""
    resources, connections = _ids(data, "resources"), _ids(data, "connections")
    roll = rng.random()
    if roll < 0.2 and resources:
        m = _parent_mutation(rng, resources)
    elif roll < 0.3 and resources:
        m = _id_mutation(rng, resources, connections)
    elif roll < 0.36 and isinstance(data.get("resources"), dict):
        m = _document_mutation(rng, resources)
    elif roll < 0.45 and connections:
        cid = rng.choice(connections)
        end = rng.choice(("source", "target"))
        m = ["set", ["connections", cid, end], rng.choice((*resources, *hostile.IDS, cid))]
    else:
        m = _tree_mutation(rng, data)
    try:
        apply_mutation(data, m)
    except (KeyError, IndexError, TypeError, AttributeError):  # its place is gone or not a container
        pass
    return m


def _document_mutation(rng: random.Random, resources: list) -> list:
    """A new resource whose free-form JSON documents (event pattern, policy, state machine) carry
    hostile keys and values, first or last: the templates hold few such documents."""
    from isshoni.catalog import CATALOG

    documents = sorted(t for t, e in CATALOG.items() if any(p.get("type") == "object" for p in e.properties.values()))
    rtype = rng.choice(documents) if rng.random() < 0.8 else rng.choice(sorted(CATALOG))
    new_id = next(f"doc{n}" for n in range(len(resources) + 1) if f"doc{n}" not in resources)
    entry = CATALOG[rtype]
    props = {name: _document(rng, schema) for name, schema in entry.properties.items() if schema.get("type") == "object"}
    if rng.random() < 0.3:
        props.update(_properties(rng, entry))
    return ["set", ["resources", new_id], {"type": rtype, "properties": props}]


def _document(rng: random.Random, schema: dict):
    """The schema's default document with one key added, first or last; the key is often an HCL
    keyword and the value often plain, so that the document passes its schema and reaches the outputs."""
    key = rng.choice(("for", "null", "if", "in", "true")) if rng.random() < 0.5 else hostile.key(rng)
    value = rng.choice((["x"], {"a": "b"}, 1, "x", True, None)) if rng.random() < 0.6 else hostile.value(rng)
    base = copy.deepcopy(schema.get("default") or {})
    statements = base.get("Statement") if isinstance(base, dict) else None
    if isinstance(statements, list) and statements and isinstance(statements[0], dict):
        target = statements[0]
        statements[0] = {key: value, **target} if rng.random() < 0.5 else {**target, key: value}
        return base
    return {key: value, **base} if rng.random() < 0.5 else {**base, key: value}


def _ids(data: dict, section: str) -> list[str]:
    items = data.get(section)
    return sorted(items) if isinstance(items, dict) else []


def _parent_mutation(rng: random.Random, resources: list) -> list:
    rid = rng.choice(resources)
    roll = rng.random()
    if roll < 0.3:
        return ["set", ["resources", rid, "parent"], rid]  # itself
    if roll < 0.7:  # a loop through 2-4 resources: each the parent of the one before, the last `rid`'s
        others = [r for r in resources if r != rid]
        chain = [rid] + rng.sample(others, min(len(others), rng.randint(1, 3)))
        links = zip(chain, chain[1:] + chain[:1], strict=True)
        return ["multi", [["set", ["resources", child, "parent"], parent] for child, parent in links if child != parent]]
    return ["set", ["resources", rid, "parent"], rng.choice((*hostile.IDS, None, 1, ["vpc"]))]


def _id_mutation(rng: random.Random, resources: list, connections: list) -> list:
    old = rng.choice(resources)
    roll = rng.random()
    if roll < 0.4 and connections:  # a resource id that is also a connection's id
        new = rng.choice(connections)
        return ["rename", "resources", old, new] if new not in resources else ["copy", ["resources", old], ["connections", new]]
    if roll < 0.7:
        return ["copy", ["resources", old], ["resources", rng.choice(hostile.IDS)]]
    return ["rename", "resources", old, rng.choice(hostile.IDS)]


def _tree_mutation(rng: random.Random, data: dict) -> list:
    paths = [p for p in _paths(data) if p[0] not in ("version",)] or [("meta",)]
    path = list(rng.choice(paths))
    node = _get(data, path)
    roll = rng.random()
    if roll < 0.3 and isinstance(node, str):  # a hostile piece inside a value that may pass its pattern
        cut = rng.randint(0, len(node))
        return ["set", path, node[:cut] + hostile.text(rng) + node[cut:]]
    if roll < 0.45 and isinstance(node, dict):
        key = hostile.key(rng) if rng.random() < 0.6 else rng.choice(_paths(data) or [("x",)])[-1]
        return ["first", path, key, hostile.value(rng)] if rng.random() < 0.5 else ["set", path + [key], hostile.value(rng)]
    if roll < 0.55:
        return ["delete", path]
    if roll < 0.65:
        return ["copy", list(rng.choice(paths)), path]
    if roll < 0.72:
        other = list(rng.choice(paths))
        if other[: len(path)] != path and path[: len(other)] != other:
            return ["swap", path, other]
    if roll < 0.8 and isinstance(node, (int, float)) and not isinstance(node, bool):
        return ["set", path, rng.choice((hostile.number(rng), node + 1, -node, node * 1000, float(node), str(node)))]
    return ["set", path, hostile.value(rng)]


def _damage(rng: random.Random) -> list:
    """Text-level damage (a record): truncation, a byte order mark, a stray character, a duplicate key."""
    how = rng.choice(("truncate", "bom", "insert", "insert", "duplicate"))
    return ["damage", how, rng.random(), rng.choice(('"', ",", "}", "]", "\\", "\x00", "NaN", "\n"))]


def _apply_damage(text: str, record: list) -> str:
    _, how, where, char = record
    at = int(where * len(text))
    if how == "truncate":
        return text[:at]
    if how == "bom":
        return "\ufeff" + text
    if how == "insert":
        return text[:at] + char + text[at:]
    return text.rstrip().rstrip("}") + ', "resources": {}}'  # a duplicate key: the last one wins


# ------------------------------------------------------------------ ops with hostile arguments


def _op(rng: random.Random, data: dict) -> dict:
    from isshoni.catalog import CATALOG

    ids = sorted(data["resources"]) + sorted(data["connections"])
    some_id = rng.choice(ids) if rng.random() < 0.8 else rng.choice(hostile.IDS)
    name = rng.choice(OP_NAMES) if rng.random() < 0.97 else rng.choice(("drop", "", "__init__", None))
    op: dict = {"op": name}
    if name == "add":
        rtype = rng.choice(sorted(CATALOG)) if rng.random() < 0.9 else hostile.text(rng)
        op["type"] = rtype
        if rng.random() < 0.6:
            op["id"] = rng.choice((f"n{rng.randint(0, 99)}", *hostile.IDS, some_id))
        if rng.random() < 0.6:
            op["parent"] = rng.choice((*ids, None, *hostile.IDS))
        if rng.random() < 0.5:
            op["properties"] = _properties(rng, CATALOG.get(rtype))
        if rng.random() < 0.4:
            op["label"] = hostile.text(rng)
        if rng.random() < 0.3:
            op["position"] = {"x": hostile.number(rng), "y": rng.uniform(-1e4, 1e4)}
    elif name == "connect":
        op["source"] = rng.choice(ids + list(hostile.IDS[:3]))
        op["target"] = rng.choice(ids + list(hostile.IDS[:3]))
        if rng.random() < 0.4:
            op["properties"] = {rng.choice(("port", "access", "weight", "path", "role", "priority")): hostile.value(rng)}
        if rng.random() < 0.3:
            op["label"] = hostile.text(rng)
    elif name == "set":
        rtype = data["resources"].get(some_id, {}).get("type") if isinstance(data["resources"].get(some_id), dict) else None
        op.update(id=some_id, properties=_properties(rng, CATALOG.get(rtype)))
    elif name in ("set_label", "set_notes"):
        op.update(id=some_id, **{name[4:]: hostile.text(rng)})
    elif name == "set_meta":
        op.update({k: hostile.text(rng) for k in rng.sample(("name", "region", "description", "notes"), rng.randint(1, 2))})
    elif name == "move":
        op.update(id=some_id, position={"x": hostile.number(rng), "y": hostile.number(rng)})
    elif name == "move_into":
        parent = rng.choice((some_id, *ids, None, *hostile.IDS))  # itself, a descendant (a loop), nothing, no such id
        op.update(id=some_id, parent=parent)
    elif name == "remove":
        op["id"] = some_id
    if rng.random() < 0.05:  # a wrong type, a missing or an unknown field
        field_name = rng.choice([k for k in op if k != "op"] or ["extra"])
        op[field_name] = rng.choice((hostile.value(rng), 1, None, [], {}))
        if rng.random() < 0.5:
            op.pop(field_name, None)
    return op


def _properties(rng: random.Random, entry) -> dict:
    names = list(entry.properties) if entry is not None else []
    props = {}
    for _ in range(rng.randint(1, 3)):
        name = rng.choice(names) if names and rng.random() < 0.85 else hostile.key(rng)
        schema = entry.properties.get(name, {}) if entry is not None else {}
        if schema.get("type") == "object" and rng.random() < 0.7:
            base = copy.deepcopy(schema.get("default") or {})
            if isinstance(base, dict):  # a free-form document with a hostile key or value, first or last
                entry_key, entry_value = hostile.key(rng) if rng.random() < 0.5 else "Resource", hostile.value(rng)
                statements = base.get("Statement")
                if isinstance(statements, list) and statements:
                    statements[0] = {entry_key: entry_value, **statements[0]} if rng.random() < 0.5 else {
                        **statements[0], entry_key: entry_value}
                else:
                    base = {entry_key: entry_value, **base} if rng.random() < 0.5 else {**base, entry_key: entry_value}
            props[name] = base
        else:
            props[name] = hostile.value(rng) if rng.random() < 0.7 else None
    return props
