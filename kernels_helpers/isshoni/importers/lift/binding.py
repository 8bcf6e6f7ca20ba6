"""What matching a source resource against a catalog entry recovers, and how it fails.

lift.match walks an entry's template against the source's properties; the `Binding` it fills
(property values, forbidden values, containers, parts, what connections fill) is tried in copies
so a failed branch leaves nothing behind.  A `Mismatch` says why the entry cannot give the value back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_NO = object()  # a branch that emits nothing
ABSENT = object()  # a key the source does not set where a connection would fill it


class Mismatch(Exception):
    """The template cannot give back this value."""


@dataclass
class Binding:
    """What a match recovered: property values, their forbidden values, the container, the label."""

    values: dict = field(default_factory=dict)
    forbidden: dict = field(default_factory=dict)  # prop -> values it must not take
    containers: list = field(default_factory=list)  # (types, referenced logical id)
    subnets: list = field(default_factory=list)  # logical ids of a Subnets placeholder
    label: str | None = None
    added: list = field(default_factory=list)  # top-level keys the template adds
    side: str = "cfn"  # which of the entry's templates is matched: "cfn" (Emit.cfn) or "tf" (Emit.tf)
    parts: dict = field(default_factory=dict)  # emit key -> source id of the part (Self placeholders name them)
    variables: dict = field(default_factory=dict)  # property -> the template parameter its value came from
    given: list = field(default_factory=list)  # (part key, path, source value or ABSENT) of what connections fill
    at: list = field(default_factory=list)  # the part key and path being matched (shared by trial copies)

    def bind(self, name: str, value) -> None:
        if name in self.values and self.values[name] != value:
            raise Mismatch(f"{name} would need two values")
        if value in self.forbidden.get(name, ()):
            raise Mismatch(f"{name} cannot be {value!r} here")
        self.values[name] = value

    def forbid(self, name: str, value) -> None:
        if self.values.get(name, _NO) == value:
            raise Mismatch(f"{name} cannot be {value!r} here")
        self.forbidden.setdefault(name, []).append(value)

    def bind_part(self, key: str, source_id: str) -> None:
        if self.parts.get(key, source_id) != source_id:
            raise Mismatch(f"its {key or 'primary'} part would be both {self.parts[key]} and {source_id}")
        if key not in self.parts and source_id in self.parts.values():
            raise Mismatch(f"{source_id} would be two of its parts")
        self.parts[key] = source_id

    def copy(self) -> Binding:
        return Binding(dict(self.values), {k: list(v) for k, v in self.forbidden.items()}, list(self.containers),
                       list(self.subnets), self.label, list(self.added), self.side, dict(self.parts), dict(self.variables),
                       list(self.given), self.at)

    def give(self, value) -> None:
        """A value a connection fills: kept with where it is, for the connection check (lift.connections)."""
        self.given.append((self.at[0], tuple(self.at[1:]), value))


def same_scalar(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return str(a).lower() == str(b).lower()
    if isinstance(b, (int, float)) and isinstance(a, str):
        a, b = b, a
    if isinstance(a, (int, float)) and isinstance(b, (int, float, str)):
        try:
            return float(a) == float(b)
        except ValueError:
            return False
    return a == b


def is_ref(value) -> bool:
    return isinstance(value, dict) and "ref" in value and set(value) <= {"ref", "attribute"}


__all__ = ["ABSENT", "Binding", "Mismatch", "is_ref", "same_scalar"]
