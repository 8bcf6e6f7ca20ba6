"""Filling catalog templates: placeholders (spec.P, Self, Name, Tags ...) become neutral
expressions, for one language side at a time.

The Filling methods run on the resolver's Context (they read its properties, part ids,
slots and variables); this module keeps them, and the per-dict fillers written once per
catalog template, apart from the resolve that drives them.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable

from .. import catalog
from ..catalog import spec as s
from . import expr as e
from .names import PREFIX_MAX, after_prefix, tf_identifier


@functools.lru_cache(maxsize=1 << 16)  # pure, and asked once per part and side
def prefixed(text: str, max_len: int, style: str, as_typed: bool) -> e.Join:
    """A physical name: the name prefix, then `text` (a name the user typed is kept as typed
    when it fits; other text becomes lowercase words)."""
    sep = "" if style == "alnum" else "-"
    if as_typed and len(text) + len(sep) + PREFIX_MAX <= max_len:
        rest = sep + text
    else:
        rest = after_prefix(text, max_len, style)
    return e.join(e.NAME_PREFIX_ALNUM if style == "alnum" else e.NAME_PREFIX, rest)


class Filling:
    """The placeholder fillers of the resolver's Context (a mixin: Context supplies the state)."""

    def fill(self, value, side: str, rid: str):
        """Replace catalog placeholders by neutral expressions (for one language side).

        Dispatches on the exact type (a dict lookup) rather than a chain of isinstance
        checks: it runs for every value of every part, most of them plain strings."""
        kind = type(value)
        if kind in _PLAIN:
            return value
        if kind is dict:
            ident = id(value)
            if ident in _STATIC:  # a catalog subtree without placeholders: the same for every resource
                return value
            filled = _PLANS.get(ident)
            if filled is not None:  # a catalog dict: filled by code made for it once (_plan)
                return filled(self, side, rid)
            # plain values (most of a template) are kept without a call, placeholders
            # go straight to their filler
            fill, plain, omit, fillers = self.fill, _PLAIN, e.OMIT, _FILLERS
            kept = {}
            for k, v in value.items():
                v_kind = type(v)
                if v_kind not in plain:
                    method = fillers.get(v_kind)
                    v = fill(v, side, rid) if method is None else method(self, v, side, rid)
                    if v is omit:
                        continue
                kept[k] = v
            return kept if kept or not value else omit
        method = _FILLERS.get(kind)  # a placeholder: the next most common
        if method is not None:
            return method(self, value, side, rid)
        if kind is list or kind is tuple:
            fill, plain, omit = self.fill, _PLAIN, e.OMIT
            out = []
            for item in value:
                item_kind = type(item)
                if item_kind in plain:
                    out.append(item)
                    continue
                filled = fill(item, side, rid)
                if filled is omit:
                    continue
                if item_kind is s.Slot and not item.single:
                    out.extend(filled)  # a slot inside a list adds its items in place
                else:
                    out.append(filled)
            return out
        if kind is e.Block:
            body = self.fill(value.body, side, rid)
            return e.OMIT if body is e.OMIT else e.Block(body)
        if kind is e.JsonEncode:
            return e.JsonEncode(self.fill(value.value, side, rid))
        if isinstance(value, dict):  # a mapping or sequence subclass: same meaning, slower path
            return self.fill(dict(value), side, rid)
        if isinstance(value, (list, tuple)):
            return self.fill(list(value), side, rid)
        return value  # already a neutral expression (or e.OMIT)

    def _fill_P(self, ph: s.P, side, rid):
        # the commonest placeholder: a set property that is not a variable costs two lookups
        value = (self._props.get(rid) or self.props(rid)).get(ph.name)
        entry = self.entry(rid)
        if value is None:
            if ph.name not in entry.properties:
                raise KeyError(f"catalog entry {entry.type!r} has no property {ph.name!r}")
            return e.OMIT
        if ph.name in entry.variables:
            schema = entry.properties[ph.name]
            name = f"{tf_identifier(rid)}_{ph.name}"
            if name in self.variables:  # declared by the other side's template (or another use)
                return e.Var(name)
            asked = "x-ask" in schema and value == ""
            return self.variable(
                name,
                schema["type"],
                None if asked else value,
                f"{schema.get('description') or ph.name} ({self.resources[rid].get('label') or rid})",
                rid,
                allowed=schema.get("enum"),
                minimum=schema.get("minimum"),
                maximum=schema.get("maximum"),
                pattern=schema.get("x-pattern") or (schema.get("pattern") if asked else None),
                sandbox=schema.get("x-ask"),
                cfn_type=schema.get("x-cfn-type"),
            )
        return value

    def _fill_Self(self, ph: s.Self, side, rid):
        lid = self._lids.get((rid, ph.key))  # one lookup: the commonest placeholder after P
        return e.OMIT if lid is None else e.Ref(lid, ph.tf)

    def _fill_SelfAttr(self, ph: s.SelfAttr, side, rid):
        lid = self._lids.get((rid, ph.key))
        return e.OMIT if lid is None else e.Attr(lid, ph.cfn, ph.tf)

    def _fill_Up(self, ph: s.Up, side, rid):
        anc = self.ancestor(rid, ph.types)
        return self.ref(anc, "", ph.tf) if anc else e.OMIT

    def _fill_Subnets(self, ph: s.Subnets, side, rid):
        found = self.subnets(rid)
        return [self.ref(sn, "", ph.tf) for sn in found] if found else e.OMIT

    def _fill_Name(self, ph: s.Name, side, rid):
        if ph.prop and self.props(rid).get(ph.prop):
            return prefixed(self.props(rid)[ph.prop], ph.max, ph.style, True)
        return prefixed(f"{tf_identifier(rid)} {ph.suffix}", ph.max, ph.style, False)  # SampleQueue: sample-queue

    def _fill_Zone(self, ph: s.Zone, side, rid):
        value = str(self.props(rid).get(ph.prop) or "a")
        return self.design.region + value if len(value) == 1 else value

    def _fill_Label(self, ph: s.Label, side, rid):
        return self.resources[rid].get("label") or rid

    def _fill_Tags(self, ph: s.Tags, side, rid):
        if ph.style == "blocks":  # an Auto Scaling group's tags, passed on to the instances it launches
            if side == "cfn":
                return [{**tag, "PropagateAtLaunch": True} for tag in self.tags(rid, "cfn")]
            return [e.Block({"key": k, "value": v, "propagate_at_launch": True}) for k, v in self.tags(rid, "tf", form="full").items()]
        return self.tags(rid, side, form=ph.style)

    def _fill_Slot(self, ph: s.Slot, side, rid):
        items = self.slots.get((rid, ph.name))  # most slots of most resources are empty
        if items:
            index = 0 if side == "cfn" else 1
            chosen = [item[index] for item in items if item[index] is not None]
        else:
            chosen = None
        if not chosen:
            return e.OMIT if ph.default is None else self.fill(ph.default, side, rid)
        return chosen[0] if ph.single else chosen

    def _fill_Env(self, ph: s.Env, side, rid):
        env = self.env_vars.get(rid)
        if not env:
            return e.OMIT
        names = sorted(env)
        if ph.style == "map":
            return {n: env[n] for n in names}
        return [{ph.key: n, ph.value: env[n]} for n in names]

    def _fill_If(self, ph: s.If, side, rid):
        value = self.condition(rid, ph.prop)
        matched = value in ph.equals if isinstance(ph.equals, tuple) else value == ph.equals
        chosen = ph.then if matched else ph.otherwise
        return e.OMIT if chosen is None else self.fill(chosen, side, rid)

    def _fill_J(self, ph: s.J, side, rid):
        # mostly literal text between placeholders: kept without a call; every placeholder is
        # filled even after one came out OMIT (filling one may declare a variable)
        parts = [p if type(p) is str else self.fill(p, side, rid) for p in ph.parts]
        if e.OMIT in parts:
            return e.OMIT
        return e.join(*parts)

    def _fill_Properties(self, ph: s.Properties, side, rid):
        from .generic import properties

        return properties(self, rid)

    def _fill_Region(self, ph, side, rid):
        return e.Pseudo("region")

    def _fill_Account(self, ph, side, rid):
        return e.Pseudo("account_id")

    def _fill_Partition(self, ph, side, rid):
        return e.Pseudo("partition")

    def _fill_Delimited(self, ph: s.Delimited, side, rid):
        value = self.fill(ph.value, side, rid)
        return e.OMIT if value is e.OMIT else e.Delimited(ph.sep, value)

    def _fill_DataSource(self, ph: s.DataSource, side, rid):
        args = tuple((k, self.fill(v, side, rid)) for k, v in ph.args)
        return e.Data(ph.type, f"{tf_identifier(rid)}_{ph.name}", args, ph.attr)


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _plan(value: dict | list | tuple, statics: list[bool]) -> Callable:
    """The filler of one catalog dict (or list) that holds placeholders: a function written for it
    once, which keeps its static values, fills the others (each with its placeholder's own filler,
    a nested catalog dict or list with its own written filler, anything else with fill) and leaves
    out what fills to OMIT, in order; in a list, a slot of several items adds them in place.

    Written out (like dataclasses' __init__) rather than looping over a table: every part's
    every dict goes through one, and the loop, not the filling, was most of what they cost.
    The keys and values reach the code as names bound to objects, never as source text."""
    scope: dict = {"OMIT": e.OMIT}
    is_dict = type(value) is dict
    lines = ["def filled(self, side, rid):", "    kept = {}" if is_dict else "    kept = []"]
    items = value.items() if is_dict else enumerate(value)
    for i, ((key, item), is_static) in enumerate(zip(items, statics, strict=True)):
        scope[f"k{i}"], scope[f"v{i}"] = key, item
        keep = f"kept[k{i}] = " if is_dict else "kept.append("
        close = "" if is_dict else ")"
        if is_static:
            lines.append(f"    {keep}v{i}{close}")
            continue
        if type(item) in (dict, list, tuple) and id(item) in _PLANS:
            scope[f"f{i}"] = _written(id(item))
            lines.append(f"    x = f{i}(self, side, rid)")
        else:
            scope[f"f{i}"] = _FILLERS.get(type(item), Filling.fill)
            lines.append(f"    x = f{i}(self, v{i}, side, rid)")
        if not is_dict and type(item) is s.Slot and not item.single:
            keep, close = "kept.extend(", ")"  # a slot inside a list adds its items in place
        lines.append(f"    if x is not OMIT: {keep}x{close}")
    lines.append("    return kept if kept else OMIT" if is_dict and value else "    return kept")
    exec("\n".join(lines), scope)  # noqa: S102 - the source above names only its own variables
    return scope["filled"]


def _written(ident: int) -> Callable:
    """The written filler of a catalog dict, writing it now if no design has needed it yet
    (under a lock: two threads resolving at once write it once, and neither sees it half-made)."""
    with _WRITING:
        pending = _UNWRITTEN.pop(ident, None)
        if pending is not None:
            _PLANS[ident] = _plan(*pending)
        return _PLANS[ident]


def _planned_on_first_use(value: dict | list | tuple, statics: list[bool]) -> Callable:
    """Writes the dict's filler when a design first needs it (writing all 500 at once would
    add a tenth of a second to the first compile, for types most designs never use)."""
    _UNWRITTEN[id(value)] = (value, statics)

    def first(self, side, rid):
        return _written(id(value))(self, side, rid)

    return first


def _find_static_subtrees() -> None:
    """The ids of the catalog templates' dicts that hold no placeholder at any depth (and no empty
    container, which filling would drop): fill gives them back as they are, shared by every part
    made from them (nothing changes a filled part afterwards).  The catalog keeps them alive for
    the life of the process, so their ids are never reused."""
    found = _STATIC

    def walk(value) -> bool:
        kind = type(value)
        if kind in _PLAIN:
            return True
        if kind is dict:
            statics = [walk(v) for v in value.values()]
            static = all(statics) and bool(value)
            if static:
                found.add(id(value))
            else:
                _PLANS[id(value)] = _planned_on_first_use(value, statics)
            return static
        if kind is list or kind is tuple:
            statics = [walk(v) for v in value]
            static = all(statics) and bool(value)
            if not static and value:  # reached only from a written filler (fill's own list path stays)
                _PLANS[id(value)] = _planned_on_first_use(value, statics)
            return static
        if kind is e.Block:
            walk(value.body)
            return False  # a Block is rebuilt by fill (its body may be shared)
        return False

    for entry in catalog.CATALOG.values():
        for emit in entry.emits:
            walk(emit.cfn)
            walk(emit.tf)
    found.add(id(catalog.CATALOG))  # marks the set as filled (the catalog itself is never filled)


_STATIC: set[int] = set()  # filled on the first resolve (prepare(); the catalog imports this module's package)
_PLANS: dict[int, Callable] = {}  # id of a catalog dict or list -> its filler (_plan)
_UNWRITTEN: dict[int, tuple] = {}  # id of a catalog dict whose filler is not written yet -> (dict, statics)
_WRITING = threading.RLock()  # re-entrant: writing a filler writes its nested dicts' first
# placeholder class -> Filling._fill_<ClassName>
_FILLERS = {getattr(s, name[6:]): f for name, f in vars(Filling).items() if name.startswith("_fill_")}


def prepare() -> None:
    """Find the catalog's static subtrees and plan its dicts (once per process)."""
    if not _STATIC:
        _find_static_subtrees()
