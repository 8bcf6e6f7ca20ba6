"""Design expressions (design/expressions.py) -> neutral expressions.

A generic resource's properties may hold references and template expressions; here each
becomes what both emitters already speak (`Ref`/`Attr`, `Var` for a parameter, `Pseudo`,
`Join`/`Delimited`) or an `Fn` they spell each in their own way.  The parameters,
mappings and conditions a design's values read are collected, so the outputs declare
those (and only those: an unused mapping or condition is a lint warning in both).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..design import expressions
from ..design.expressions import condition_function, function_of
from ..generic.references import Reference, is_reference
from . import expr as e

if TYPE_CHECKING:
    from .resolve import Context

# the stack's name is what starts every physical name (the name prefix); the others keep their names
PSEUDO = {name: e.NAME_PREFIX if name == "stack_name" else e.Pseudo(name) for name in expressions.PSEUDO}
LIST_TYPES = ("CommaDelimitedList", "List<")


def translate(ctx: Context, value, reference: Callable[[Reference], object], path: tuple = ()):
    """`value` with every reference given to `reference` and every expression translated."""
    kind = type(value)
    if kind is dict:
        if is_reference(value):
            return reference(Reference(path, value["ref"], value.get("attribute")))
        name = function_of(value)
        if name is not None:
            return _function(ctx, name, value[name], reference, (*path, name))
        return {k: translate(ctx, v, reference, (*path, k)) for k, v in value.items()}
    if kind is list:
        return [translate(ctx, v, reference, (*path, i)) for i, v in enumerate(value)]
    return value


def _function(ctx: Context, name: str, arg, reference, path: tuple):
    def sub(item, index=None):
        return translate(ctx, item, reference, path if index is None else (*path, index))

    if name == "param":
        return parameter(ctx, arg)
    if name == "pseudo":
        return PSEUDO[arg]
    if name == "join":
        sep, items = arg[0], sub(arg[1], 1)
        if sep == "" and type(items) is list and all(type(i) is not list for i in items):
            return e.join(*items)  # text with values in it: CloudFormation writes it as Fn::Sub
        return e.Delimited(sep, items)
    if name == "find_in_map":
        _used(ctx, "mappings").add(arg[0])
        return e.Fn(name, (arg[0], sub(arg[1], 1), sub(arg[2], 2)))
    if name == "if":
        condition(ctx, arg[0])
        return e.Fn(name, (arg[0], sub(arg[1], 1), sub(arg[2], 2)))
    if name == "base64":
        return e.Fn(name, (sub(arg),))
    if name == "get_azs":
        return e.Fn(name, (arg,))
    return e.Fn(name, (sub(arg[0], 0), sub(arg[1], 1)))  # select, split


def parameter(ctx: Context, name: str) -> e.Var:
    """The design parameter as a variable of both outputs (a CloudFormation parameter and a
    Terraform variable of the same name)."""
    spec = ctx.design.meta["parameters"][name]
    kind = spec["type"]
    listed = kind.startswith(LIST_TYPES)
    return ctx.variable(
        name,
        "list" if listed else "number" if kind == "Number" else "string",
        spec.get("default"),
        spec.get("description") or f"{name} (a parameter of the design)",
        "@design",
        allowed=spec.get("allowed_values"),
        minimum=spec.get("min_value"),
        maximum=spec.get("max_value"),
        pattern=spec.get("allowed_pattern"),
        cfn_type=kind,
        secret=bool(spec.get("no_echo")),
        item_type="number" if kind == "List<Number>" else "string",
    )


def condition(ctx: Context, name: str) -> None:
    """Declare a condition (and the conditions, parameters and mappings it reads) in the outputs."""
    done = _used(ctx, "conditions")
    if name in done:
        return
    done.add(name)
    body = ctx.design.meta["conditions"][name]
    ctx.memo.setdefault("condition_bodies", {})[name] = _condition(ctx, body)


def _condition(ctx: Context, body):
    name = condition_function(body)
    arg = body[name]
    if name == "condition":
        condition(ctx, arg)
        return e.Fn(name, (arg,))
    if name == "equals":
        return e.Fn(name, tuple(translate(ctx, item, _no_reference) for item in arg))
    return e.Fn(name, tuple(_condition(ctx, item) for item in arg))


def _no_reference(ref: Reference):
    raise ValueError(f"a condition cannot refer to the resource {ref.target!r} (conditions are decided before resources exist)")


def _used(ctx: Context, kind: str) -> set:
    return ctx.memo.setdefault(f"used_{kind}", set())


def declared(ctx: Context) -> tuple[dict, dict]:
    """(mappings, conditions) the values read, for the outputs: mappings as the design holds
    them, conditions as neutral expressions, each sorted by name."""
    meta = ctx.design.meta
    mappings = {name: meta["mappings"][name] for name in sorted(_used(ctx, "mappings"))}
    bodies = ctx.memo.get("condition_bodies", {})
    return mappings, {name: bodies[name] for name in sorted(bodies)}


__all__ = ["declared", "parameter", "translate"]
