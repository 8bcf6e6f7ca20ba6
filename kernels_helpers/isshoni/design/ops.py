"""Canvas operations sent over REST, applied all-or-nothing through `Design`.

The ops are the model's own operations (add, connect, set, ...), so a script,
the canvas and the assistant edit a design the same way and meet the same
validation.  One table (`OPS`) says which fields each op takes; the OpenAPI
document is built from it, so the two cannot drift apart.
"""

from __future__ import annotations

from .errors import DesignError, describe
from .model import Design

# JSON Schema fragments for the fields
STR = {"type": "string"}
ID = {"type": "string", "description": "a resource or connection id"}
OPTIONAL_ID = {"type": ["string", "null"]}
OBJECT = {"type": "object"}
BOOL = {"type": "boolean", "description": "an ephemeral design (sandbox, demo) keeps no data when deleted"}
POSITION = {
    "type": "object",
    "properties": {"x": {"type": "number"}, "y": {"type": "number"}},
    "required": ["x", "y"],
}

# op -> (required fields, optional fields), each field -> its JSON Schema
OPS: dict[str, tuple[dict, dict]] = {
    "add": ({"type": STR}, {"id": STR, "parent": OPTIONAL_ID, "properties": OBJECT, "label": STR,
                            "position": POSITION, "notes": STR}),
    "connect": ({"source": ID, "target": ID}, {"id": STR, "properties": OBJECT, "label": STR}),
    "set": ({"id": ID, "properties": {**OBJECT, "description": "values to set; null removes a property"}}, {}),
    "set_label": ({"id": ID, "label": STR}, {}),
    "set_notes": ({"id": ID, "notes": STR}, {}),
    "set_meta": ({}, {"name": STR, "region": STR, "description": STR, "notes": STR, "ephemeral": BOOL}),
    "move": ({"id": ID, "position": POSITION}, {}),
    "move_into": ({"id": ID, "parent": OPTIONAL_ID}, {}),
    "remove": ({"id": ID}, {}),
}

_PY_TYPES = {"string": str, "object": dict, "number": (int, float), "null": type(None), "boolean": bool}


class OpError(ValueError):
    """A malformed op: names it by index, so the client knows which one."""


def _type_ok(value, schema: dict) -> bool:
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if isinstance(value, bool):
        return "boolean" in kinds  # only boolean fields take one (bool is an int in Python)
    if not any(isinstance(value, _PY_TYPES[k]) for k in kinds):
        return False
    if schema is POSITION:
        return set(value) == {"x", "y"} and all(_type_ok(v, {"type": "number"}) for v in value.values())
    return True


def _fields(op: dict) -> tuple[str, dict]:
    if not isinstance(op, dict):
        raise OpError("each op is a JSON object with an 'op' field")
    name = op.get("op")
    if name not in OPS:
        raise OpError(f"unknown op {name!r}; choose from {', '.join(OPS)}")
    required, optional = OPS[name]
    args = {k: v for k, v in op.items() if k != "op"}
    missing = [k for k in required if k not in args]
    if missing:
        raise OpError(f"{name}: missing field(s) {', '.join(missing)}")
    unknown = sorted(set(args) - set(required) - set(optional))
    if unknown:
        raise OpError(f"{name}: unknown field(s) {', '.join(unknown)}; it takes {', '.join([*required, *optional])}")
    for key, value in args.items():
        schema = required.get(key) or optional[key]
        if not _type_ok(value, schema):
            raise OpError(f"{name}: {key!r} must be {_describe(schema)}")
    return name, args


def _describe(schema: dict) -> str:
    if schema is POSITION:
        return "an object {x, y} of numbers"
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    return " or ".join({"string": "a string", "object": "an object", "null": "null", "number": "a number"}[k] for k in kinds)


# ops whose effect on other items' problems is not bounded by the items they name: a removal (what referred
# to the removed item) and the meta (a region, a condition every generic resource may read)
_WIDE = frozenset({"remove", "set_meta"})


def _touched(old: Design, new: Design, ops: list) -> set | None:
    """The ids whose problems the ops (checked by `_fields` already) can change: the items they name,
    add or drop; None when they can change anyone's: then the whole design is compared."""
    if _WIDE & {op["op"] for op in ops}:
        return None
    touched = {op["id"] for op in ops if isinstance(op.get("id"), str)}
    for section in ("resources", "connections"):
        touched |= set(old.data[section]).symmetric_difference(new.data[section])
    return touched


def _apply(design: Design, name: str, args: dict) -> None:
    known = {**design.resources, **design.connections}
    if "id" in args and name not in ("add", "connect") and args["id"] not in known:
        raise OpError(f"{name}: no resource or connection {args['id']!r}")
    if name == "add":
        design.add(args.pop("type"), args.pop("id", None), **args)
    elif name == "connect":
        design.connect(args.pop("source"), args.pop("target"), **args)
    elif name == "set":
        design.set(args["id"], **args["properties"])
    elif name == "set_label":
        design.set_label(args["id"], args["label"])
    elif name == "set_notes":
        design.set_notes(args["id"], args["notes"])
    elif name == "set_meta":
        design.set_meta(**args)
    elif name == "move":
        design.move(args["id"], args["position"]["x"], args["position"]["y"])
    elif name == "move_into":
        design.move_into(args["id"], args["parent"])
    elif name == "remove":
        design.remove(args["id"])


def apply_ops(design: Design, ops) -> Design:
    """A new Design with every op applied, or an exception naming the op that was refused.

    Each op validates as the model does; then the whole result must not have a
    problem the design did not have before (a canvas may hold a half-drawn
    state, which the ops neither fix nor are blamed for)."""
    if not isinstance(ops, list) or not ops:
        raise OpError("'ops' must be a non-empty list of operations")
    work = design.copy()
    for index, op in enumerate(ops):
        where = f"ops[{index}]"
        try:
            name, args = _fields(op)
            _apply(work, name, dict(args))
        except DesignError as exc:
            raise DesignError(exc.problems, where) from None
        except (KeyError, ValueError, TypeError) as exc:
            raise OpError(f"{where}: {describe(exc)}") from None
    touched = _touched(design, work, ops)
    before = set(design.problems(touched))
    new = [p for p in work.problems(touched) if p not in before]
    if new:
        raise DesignError(new, "the ops would leave the design with new problems")
    return work
