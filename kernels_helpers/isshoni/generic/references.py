"""Design references inside a generic resource's properties.

`{"ref": "<id>"}` stands where CloudFormation would write `Ref`, and
`{"ref": "<id>", "attribute": "<name>"}` where it would write `Fn::GetAtt`.
The shape cannot be mistaken for a property value: registry property names
are capitalised (no registry schema has a property called `ref`), and the
object has no other key.  The references in a resource's properties are its
connections: the canvas draws them, the compiler resolves them, so there is
one source of truth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

KEYS = frozenset({"ref", "attribute"})
SHAPE = 'a reference is {"ref": "<resource id>"} or {"ref": "<resource id>", "attribute": "<attribute>"}'


@dataclass(frozen=True)
class Reference:
    path: tuple  # keys and list indices from the resource's `properties`
    target: object  # a resource id when well formed
    attribute: object = None

    @property
    def well_formed(self) -> bool:
        return isinstance(self.target, str) and (self.attribute is None or isinstance(self.attribute, str))


def is_reference(value) -> bool:
    """Whether a value is a design reference (the one object of that shape)."""
    return type(value) is dict and "ref" in value and value.keys() <= KEYS


def find(value, path: tuple = ()) -> Iterator[Reference]:
    """Every reference in a properties value, in document order."""
    if is_reference(value):
        yield Reference(path, value["ref"], value.get("attribute"))
    elif type(value) is dict:
        for key, item in value.items():
            yield from find(item, (*path, key))
    elif type(value) is list:
        for index, item in enumerate(value):
            yield from find(item, (*path, index))


def replace(value, make: Callable[[Reference], object], path: tuple = ()):
    """A copy of `value` with each reference replaced by `make(reference)`."""
    if is_reference(value):
        return make(Reference(path, value["ref"], value.get("attribute")))
    if type(value) is dict:
        return {key: replace(item, make, (*path, key)) for key, item in value.items()}
    if type(value) is list:
        return [replace(item, make, (*path, index)) for index, item in enumerate(value)]
    return value


def targets(properties) -> list[str]:
    """The resource ids a resource's properties refer to (sorted, each once)."""
    return sorted({r.target for r in find(properties) if r.well_formed})


__all__ = ["KEYS", "SHAPE", "Reference", "find", "is_reference", "replace", "targets"]
