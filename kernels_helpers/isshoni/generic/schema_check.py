"""Checking properties against a registry schema: draft-07 JSON Schema, as CloudFormation's are.

Two things standard validation cannot do here.  Registry patterns use
Unicode classes (`\\p{L}`) that Python's `re` refuses, so the pattern
keywords use the `regex` module (what cfn-lint uses).  And a design
reference stands where the schema expects a string or a number: while the
properties are checked each reference (or expression) is a placeholder, which every keyword
accepts (what it resolves to is checked by cfn-lint on the output).  cfn-lint's
own keywords for "exactly one of" / "at least one of" / "not together with"
(`requiredXor`, `requiredOr`, `dependentExcluded`) are checked too.
"""

from __future__ import annotations

import difflib
import json
from functools import lru_cache

import regex
from jsonschema import Draft7Validator, ValidationError, validators
from jsonschema.exceptions import best_match

from ..design.expressions import function_of
from .references import is_reference

MAX_ERRORS = 10


class _Reference:
    """A design reference (or expression) while the properties are checked: valid wherever it
    stands.  Two placeholders are equal when they stand for the same reference, so uniqueItems
    still tells `{"SubnetId": {"ref": "a"}}` from `{"SubnetId": {"ref": "b"}}`."""

    __slots__ = ("key",)

    def __init__(self, key: str = ""):
        self.key = key

    def __eq__(self, other) -> bool:
        return isinstance(other, _Reference) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return "<reference>"


def placeholders(value):
    """`value` with each design reference and each expression (`{"param": ...}`, `{"if": ...}` ...)
    as a placeholder: what they give is known at deploy time, and cfn-lint checks it on the output."""
    if type(value) is dict:
        if is_reference(value) or function_of(value):
            return _Reference(json.dumps(value, sort_keys=True))
        return {key: placeholders(item) for key, item in value.items()}
    if type(value) is list:
        return [placeholders(item) for item in value]
    return value


@lru_cache(maxsize=8192)
def _compiled(pattern: str):
    try:
        return regex.compile(pattern)
    except (regex.error, TypeError):  # a pattern even `regex` cannot read is not held against the user
        return None


def _matches(pattern: str, text: str) -> bool:
    compiled = _compiled(pattern)
    return compiled is None or compiled.search(text) is not None


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not _matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator, patterns, instance, schema):
    if validator.is_type(instance, "object"):
        for pattern, subschema in patterns.items():
            for key, value in instance.items():
                if _matches(pattern, key):
                    yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _extras(instance: dict, schema: dict) -> list[str]:
    known, patterns = schema.get("properties", {}), schema.get("patternProperties", {})
    return sorted(k for k in instance if k not in known and not any(_matches(p, k) for p in patterns))


def _additional_properties(validator, allowed, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    extras = _extras(instance, schema)
    if validator.is_type(allowed, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], allowed, path=extra)
    elif allowed is False and extras:
        names = sorted(schema.get("properties", {}))
        hints = [h for e in extras for h in difflib.get_close_matches(e, names, n=1, cutoff=0.6)]
        hint = f" (did you mean {', '.join(hints)}?)" if hints else ""
        shown = ", ".join(names[:40]) + (", ..." if len(names) > 40 else "")
        yield ValidationError(f"unknown propert{'y' if len(extras) == 1 else 'ies'} {', '.join(extras)}{hint}; allowed: {shown}")


def _required_xor(validator, names, instance, schema):
    if validator.is_type(instance, "object"):
        present = [n for n in names if n in instance]
        if len(present) != 1:
            yield ValidationError(f"exactly one of {', '.join(names)} is required (set: {', '.join(present) or 'none'})")


def _required_or(validator, names, instance, schema):
    if validator.is_type(instance, "object") and not any(n in instance for n in names):
        yield ValidationError(f"at least one of {', '.join(names)} is required")


def _dependent_excluded(validator, exclusions, instance, schema):
    if validator.is_type(instance, "object"):
        for name, excluded in exclusions.items():
            clash = [e for e in excluded if name in instance and e in instance]
            if clash:
                yield ValidationError(f"{name} cannot be set together with {', '.join(clash)}")


def _unique_items(validator, unique, instance, schema):
    """Draft-07's uniqueItems, with references standing as items themselves left out of the comparison
    (references inside items compare by what they name: two subnet mappings are two)."""
    if unique and validator.is_type(instance, "array"):
        plain = [item for item in instance if not isinstance(item, _Reference)]
        yield from Draft7Validator.VALIDATORS["uniqueItems"](validator, unique, plain, schema)


def _accepting_references(check):
    def keyword(validator, value, instance, schema):
        if isinstance(instance, _Reference):
            return
        errors = check(validator, value, instance, schema)
        if errors:
            yield from errors

    return keyword


_KEYWORDS = {
    **Draft7Validator.VALIDATORS,
    "pattern": _pattern,
    "patternProperties": _pattern_properties,
    "additionalProperties": _additional_properties,
    "requiredXor": _required_xor,
    "requiredOr": _required_or,
    "dependentExcluded": _dependent_excluded,
    "uniqueItems": _unique_items,
}
RegistryValidator = validators.extend(Draft7Validator, {k: _accepting_references(f) for k, f in _KEYWORDS.items()})


_VALIDATORS: dict = {}  # key (region, type) -> validator: a registry schema is big, built once


def problems(key, schema: dict, properties) -> list[tuple[tuple, str]]:
    """(path inside the properties, message) for each way `properties` breaks `schema`
    (references already replaced by placeholders), at most MAX_ERRORS.  `key` names the
    schema (it is the same schema whenever the key is)."""
    validator = _VALIDATORS.get(key)
    if validator is None:
        if len(_VALIDATORS) > 512:
            _VALIDATORS.clear()
        validator = _VALIDATORS[key] = RegistryValidator(schema)
    out = []
    for error in sorted(validator.iter_errors(properties), key=lambda e: [str(p) for p in e.absolute_path]):
        if error.context:  # anyOf / oneOf: the branch that came closest says more
            error = best_match(error.context) or error
        out.append((tuple(error.absolute_path), error.message))
        if len(out) >= MAX_ERRORS:
            break
    return out


__all__ = ["MAX_ERRORS", "RegistryValidator", "placeholders", "problems"]
