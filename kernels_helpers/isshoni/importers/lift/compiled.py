"""A compiled design seen the way a source is: CloudFormation values converted like the source's.

Folding connections compares what the compiler makes with what the source has.  The resolved
design is written as a CloudFormation template (compiler/cloudformation.py) and each part's
properties converted exactly as the source's were (lift.values: `Ref`/`Fn::GetAtt` as design
references, what the design cannot hold as Opaque), so the two are compared value by value
(`unify`), the compiled part names mapped to source ids as they are found to correspond.
"""

from __future__ import annotations

import json
import re

from ...compiler import cloudformation
from ...compiler.names import tf_identifier
from .binding import ABSENT, Mismatch, same_scalar
from .values import Opaque, Template, convert

_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9]+)((?:\.[A-Za-z0-9.]+)?)\}")
_UNREADABLE = ("unreadable",)  # a probe whose source value is no scalar: no property value gives it
_DESIGN_TAG = "isshoni:design"  # the design's name: the imported design has its own


class View:
    """One resolve of a design as a source's reader sees it: each part's converted properties by the
    name the source would give it, and which part is which.  `side` says which language's parts
    and names (`cfn_type`/`cfn_name`, `tf_type`/`tf_name`); `raw(name)` gives a part's values in
    the reader's shape before they are converted as the source's were."""

    side = "cfn"

    def __init__(self, resolved, region: str, names, parameters: dict | None = None):
        self._values = Template(names, parameters, None, region)
        self._values.lenient = True
        self._converted: dict[str, dict] = {}
        self.by_owner: dict[str, list] = {}
        for part in resolved.parts:
            if getattr(part, f"{self.side}_type"):
                self.by_owner.setdefault(part.source, []).append(part)

    def raw(self, name: str) -> dict:
        raise NotImplementedError

    def props(self, name: str) -> dict:
        found = self._converted.get(name)
        if found is None:
            found = self._converted[name] = convert(self.raw(name), self._values)
        return found

    def name_of(self, owner: str, key: str) -> str | None:
        """The source-side name of one of a design resource's parts (`key` as its catalog emit says)."""
        lid = tf_identifier(owner) + (f"_{tf_identifier(key)}" if key else "")
        for part in self.by_owner.get(owner, ()):
            if part.lid == lid:
                return getattr(part, f"{self.side}_name")
        return None

    def parts_of(self, cid: str) -> list[str]:
        """The names of the parts a connection makes."""
        return [getattr(p, f"{self.side}_name") for p in self.by_owner.get(cid, ())]


class Compiled(View):
    """The design compiled to a CloudFormation template, its parts' properties converted."""

    def __init__(self, resolved, region: str):
        self.template = cloudformation.template(resolved)
        resources = self.template["Resources"]
        params = {k: p.get("Default") for k, p in self.template.get("Parameters", {}).items()}
        super().__init__(resolved, region, resources.keys(), {k: v for k, v in params.items() if v is not None})
        self.types = {name: body["Type"] for name, body in resources.items()}

    def raw(self, name: str) -> dict:
        return self.template["Resources"][name].get("Properties", {})


class Probes:
    """Stand-in values compiled where a connection's property (or its id) goes, read back from the source."""

    def __init__(self):
        self.values: dict = {}  # probe value -> (connection key, property)
        self.texts: dict[str, tuple] = {}  # probe text inside longer text -> (connection key, property)

    def found(self, compiled, source, inferred: dict) -> bool:
        """True when `compiled` is a probe; what it stands for is read from `source` into `inferred`."""
        if isinstance(compiled, bool) or not isinstance(compiled, (str, int)):
            return False
        if compiled in self.values:
            scalar = isinstance(source, (str, int, float)) and not isinstance(source, bool)
            inferred.setdefault(self.values[compiled], set()).add(source if scalar else _UNREADABLE)
            return True
        if isinstance(compiled, str) and isinstance(source, str):
            for text, what in self.texts.items():
                if text in compiled:
                    pattern = re.escape(compiled).replace(re.escape(text), "(?P<v>[A-Za-z0-9_-]+?)", 1)
                    got = re.fullmatch(pattern, source)
                    if got is None:
                        return False
                    inferred.setdefault(what, set()).add(got.group("v"))
                    return True
        return False


def unify(compiled, source, names: dict, probes: Probes | None = None, inferred: dict | None = None, misses: list | None = None) -> None:
    """Raise Mismatch unless the compiled value is the source's; `names` (compiled part name -> source id)
    grows with the references found to correspond.  With `probes`, probe values are read into `inferred`;
    with `misses`, a differing scalar is counted there instead of refused (a guess of what is which)."""
    if compiled is ABSENT or source is ABSENT:
        if compiled is not source:
            raise Mismatch("set on one side only")
        return
    if probes is not None and probes.found(compiled, source, inferred):
        return
    if isinstance(compiled, dict) and _is_ref(compiled):
        if not _is_ref(source) or compiled.get("attribute") != source.get("attribute"):
            raise Mismatch("a reference of another kind")
        mapped = names.get(compiled["ref"])
        if mapped is None:
            names[compiled["ref"]] = source["ref"]
        elif mapped != source["ref"]:
            raise Mismatch(f"refers to {source['ref']}, the compiler to {mapped}")
        return
    if isinstance(compiled, dict):
        if not isinstance(source, dict) or _is_ref(source):
            raise Mismatch("an object of another shape")
        if set(compiled) != set(source):
            raise Mismatch(f"keys {sorted(set(compiled) ^ set(source))[:3]} on one side only")
        for key in compiled:
            if key == "Tags":
                unify(_tags(compiled[key]), _tags(source[key]), names, probes, inferred, misses)
            else:
                unify(compiled[key], source[key], names, probes, inferred, misses)
        return
    if isinstance(compiled, list):
        if not isinstance(source, list) or len(source) != len(compiled):
            raise Mismatch("a list of another length")
        for c, s in zip(compiled, source, strict=True):
            unify(c, s, names, probes, inferred, misses)
        return
    if type(compiled) is Opaque:
        if probes is not None and type(source) is Opaque and _probed_sub(compiled.raw, source.raw, probes, inferred):
            return
        if type(source) is not Opaque or _renamed(compiled.raw, names) != source.raw:
            if misses is None:
                raise Mismatch("a value of the template that differs")
            misses.append(compiled)
        return
    if isinstance(source, (dict, list)) or type(source) is Opaque or not same_scalar(compiled, source):
        if misses is None or isinstance(source, (dict, list)):
            raise Mismatch(f"the compiler writes {compiled!r}, the source {source!r}")
        misses.append(compiled)


def _probed_sub(compiled, source, probes: Probes, inferred: dict) -> bool:
    """A probe inside an Fn::Sub text (a name the stack prefixes: `${AWS::StackName}-<connection id>`),
    read from the source's text the same way as from a plain one."""
    text, theirs = (v.get("Fn::Sub") if isinstance(v, dict) and len(v) == 1 else None for v in (compiled, source))
    return isinstance(text, str) and isinstance(theirs, str) and probes.found(text, theirs, inferred)


def at(value, path: tuple):
    """The value at `path` in converted properties, ABSENT when there is none."""
    for step in path:
        if isinstance(value, dict) and step in value:
            value = value[step]
        elif isinstance(value, list) and isinstance(step, int) and step < len(value):
            value = value[step]
        else:
            return ABSENT
    return value


def _tags(value):
    if isinstance(value, list):
        return [t for t in value if not (isinstance(t, dict) and t.get("Key") == _DESIGN_TAG)]
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k != _DESIGN_TAG}
    return value


def _renamed(raw, names: dict):
    """A raw intrinsic with compiled part names written as the source's ids (unknown names raise Mismatch)."""
    text = json.dumps(raw)

    def name(found):
        mapped = names.get(found.group(1))
        return "${" + (mapped or found.group(1)) + found.group(2) + "}"

    text = _SUB_NAME.sub(name, text)
    value = json.loads(text)
    return _rename_refs(value, names)


def _rename_refs(value, names):
    if isinstance(value, dict):
        if set(value) == {"Ref"} and isinstance(value["Ref"], str):
            return {"Ref": names.get(value["Ref"], value["Ref"])}
        if set(value) == {"Fn::GetAtt"} and isinstance(value["Fn::GetAtt"], list) and value["Fn::GetAtt"]:
            first, *rest = value["Fn::GetAtt"]
            return {"Fn::GetAtt": [names.get(first, first), *rest]}
        return {k: _rename_refs(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_rename_refs(v, names) for v in value]
    return value


def _is_ref(value) -> bool:
    return isinstance(value, dict) and "ref" in value and set(value) <= {"ref", "attribute"}


__all__ = ["Compiled", "Probes", "View", "at", "unify"]
