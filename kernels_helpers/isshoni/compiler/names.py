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
# the words of an identifier, CamelCase split as cfn_identifier joins them (`SampleS3Bucket` ->
# Sample, S3, Bucket; `myDynamoDBTable` -> my, Dynamo, DB, Table; `Errors5xx` -> Errors, 5xx: digits
# end a word unless letters follow them): an imported logical id gives the same Terraform names and
# physical names as the snake_case id it was compiled from
_ID_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+(?:[0-9]+(?![0-9a-z]))?|[A-Z]+(?:[0-9]+(?![0-9a-z]))?|[0-9]+[a-z]*")
_UPPER = re.compile(r"[A-Z]")
# Every physical name starts with the name prefix (the CloudFormation stack name, Terraform's
# var.name_prefix); names are cut so they fit their limit after a prefix this long.
PREFIX_MAX = 20
PREFIX_PATTERN = f"^[a-z][a-z0-9-]{{0,{PREFIX_MAX - 1}}}$"


def words(text: str) -> list[str]:
    return _WORD.findall(text)


@functools.lru_cache(maxsize=1 << 17)  # pure; a design asks for each name many times (sized so a 5,000-resource design, ~25,000 parts, does not thrash it)
def tf_identifier(text: str) -> str:
    """`my-Svc.1` -> `my_svc_1`, `SampleS3Bucket` -> `sample_s3_bucket`; never starts with a digit."""
    name = "_".join(w.lower() for chunk in words(text) for w in (_ID_WORD.findall(chunk) if _UPPER.search(chunk) else (chunk,))) or "r"
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


def after_prefix(text: str, max_len: int, style: str = "dash") -> str:
    """What follows the name prefix in a physical name of at most `max_len` characters:
    `-<words>` (or `<words>` for letters-and-digits names), cut with a stable hash when the
    longest prefix would not leave room for it."""
    sep = "" if style == "alnum" else "-"
    budget = max_len - PREFIX_MAX - len(sep)
    joined = sep.join(w.lower() for w in words(text)) or "r"
    if len(joined) > budget:
        digest = hashlib.sha1(joined.encode()).hexdigest()
        keep = budget - 7 - len(sep)
        joined = (joined[:keep].rstrip("-") + sep + digest[:6]) if keep > 0 else digest[: max(budget, 1)]
    return sep + joined


@functools.lru_cache(maxsize=1 << 16)  # pure; every part of a design carries its name (one entry per label)
@functools.lru_cache(maxsize=8192)  # one label per resource, asked for each of its parts
def tag_text(text: str) -> str:
    """A tag value every AWS service accepts: letters, digits, spaces and _.:/=+-@ (max 256).

    Other characters become spaces; the design keeps the label as typed.
    """
    cleaned = re.sub(r"[^\w .:/=+\-@]", " ", text).replace("\t", " ")
    cleaned = re.sub(r" +", " ", cleaned).strip()
    return cleaned[:256] or "unnamed"


class Namer:
    """Hands out unique names per namespace; first come (in sorted order), first served."""

    def __init__(self):
        self._taken: dict[str, set[str]] = {}

    def unique(self, namespace: str, wanted: str, fold_case: bool = False) -> str:
        taken = self._taken.get(namespace)
        if taken is None:
            taken = self._taken[namespace] = set()
        key = wanted.lower() if fold_case else wanted
        if key not in taken:  # the common case, asked for every part: no loop, no copy
            taken.add(key)
            return wanted
        candidate, n = wanted, 2
        while (candidate.lower() if fold_case else candidate) in taken:
            candidate = f"{wanted}{n}" if namespace == "cfn" else f"{wanted}_{n}"
            n += 1
        taken.add(candidate.lower() if fold_case else candidate)
        return candidate
