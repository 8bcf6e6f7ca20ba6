"""Safe, unique, deterministic names for every language.

Design ids are free-ish text; CloudFormation logical ids must be alphanumeric,
Terraform names must be identifiers, AWS physical names have their own rules.
All collisions are broken the same way every time (by sorted order).
"""

from __future__ import annotations

import functools
import hashlib
import re

_WORD = re.compile(r"[A-Za-z0-9]+")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


@functools.lru_cache(maxsize=1 << 17)  # pure; a design asks for each name many times (sized so a 5,000-resource design, ~25,000 parts, does not thrash it)
def tf_identifier(text: str) -> str:
    """`my-Svc.1` -> `my_svc_1`; never starts with a digit."""
    name = "_".join(w.lower() for w in words(text)) or "r"
    if name[0].isdigit():
        name = "r_" + name
    return name


@functools.lru_cache(maxsize=1 << 17)
def cfn_identifier(text: str) -> str:
    """`my-svc_1` -> `MySvc1`; alphanumeric, starts with a letter, <= 255 chars."""
    name = "".join(w[:1].upper() + w[1:] for w in words(text)) or "R"
    if name[0].isdigit():
        name = "R" + name
    return name[:255]


def physical(text: str, max_len: int = 63, style: str = "dash") -> str:
    """A name AWS accepts for most resources: lowercase letters, digits, dashes.

    Too-long names are cut and given a short stable hash so two long names
    never collide.
    """
    if style == "alnum":
        name = "".join(w.lower() for w in words(text)) or "r"
        if name[0].isdigit():
            name = "r" + name
    else:
        name = "-".join(w.lower() for w in words(text)) or "r"
        if not name[0].isalpha():
            name = "r-" + name
    if len(name) > max_len:
        digest = hashlib.sha1(name.encode()).hexdigest()[:6]
        sep = "" if style == "alnum" else "-"
        name = name[: max_len - len(digest) - len(sep)].rstrip("-") + sep + digest
    return name


class Namer:
    """Hands out unique names per namespace; first come (in sorted order), first served."""

    def __init__(self):
        self._taken: dict[str, set[str]] = {}

    def unique(self, namespace: str, wanted: str, fold_case: bool = False) -> str:
        taken = self._taken.setdefault(namespace, set())
        candidate, n = wanted, 2
        while (candidate.lower() if fold_case else candidate) in taken:
            candidate = f"{wanted}{n}" if namespace == "cfn" else f"{wanted}_{n}"
            n += 1
        taken.add(candidate.lower() if fold_case else candidate)
        return candidate
