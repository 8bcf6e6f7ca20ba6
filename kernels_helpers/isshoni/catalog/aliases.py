"""Which catalog type a box label names, from the aliases kept in each entry (`ResourceType.aliases`).

Matching ignores case, spaces and punctuation ("Postgres-DB", "postgres db" and "PostgresDB" are
one name) and a plural `s`; a label names a type when one of the type's aliases is the label
or a run of its words ("Orders API (Lambda)" names lambda_function).  The longest alias found
wins; when the longest names two types ("Orders DB": RDS, Aurora or DynamoDB), nothing is
guessed: the match says it is ambiguous and lists the candidates.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import CATALOG

MAX_WORDS = 40  # labels longer than this are matched on their first words only
_TAG = re.compile(r"<[^>]{0,200}>")
_NON_WORD = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class Match:
    """What a label names: one type (with the properties its alias implies), several (ambiguous) or none."""

    types: tuple[str, ...] = ()
    alias: str = ""  # the alias found, as the catalog spells it
    properties: dict = field(default_factory=dict)

    @property
    def type(self) -> str | None:
        return self.types[0] if len(self.types) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.types) > 1


def plain_text(label: str) -> str:
    """A label without HTML (`<br/>` and other tags become spaces, entities are decoded)."""
    return " ".join(html.unescape(_TAG.sub(" ", label)).split())


def words(text: str) -> list[str]:
    """Lower-case words without punctuation, a plural `s` dropped (users -> user, buckets -> bucket)."""
    out = []
    for word in _NON_WORD.split(plain_text(text).lower()):
        if word:
            out.append(word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word)
    return out


@lru_cache(maxsize=1)
def _index() -> dict[str, dict[str, tuple[str, dict]]]:
    """joined alias words -> {type: (alias as written, implied properties)}."""
    index: dict[str, dict[str, tuple[str, dict]]] = {}
    for name, entry in CATALOG.items():
        for alias in (entry.type, entry.label, *entry.aliases):
            spelled, props = (alias, {}) if isinstance(alias, str) else alias
            key = "".join(words(spelled))
            if key:
                index.setdefault(key, {}).setdefault(name, (spelled, dict(props)))
    return index


def match(label: str) -> Match:
    """The catalog type(s) `label` names by alias; `Match()` when none."""
    found = words(label)[:MAX_WORDS]
    index = _index()
    best: dict[str, tuple[str, dict]] = {}
    best_len = 0
    for start in range(len(found)):
        key = ""
        for end in range(start, len(found)):
            key += found[end]
            hit = index.get(key)
            if hit is None or len(key) < best_len:
                continue
            if len(key) > best_len:
                best, best_len = {}, len(key)
            best.update(hit)
    if not best:
        return Match()
    types = tuple(sorted(best))
    if len(types) == 1:
        spelled, props = best[types[0]]
        return Match(types, spelled, props)
    return Match(types, best[types[0]][0])
