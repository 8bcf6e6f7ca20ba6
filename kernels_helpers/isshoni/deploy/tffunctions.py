"""Where a Terraform file calls provider-defined functions (`provider::NAME::fn(...)`).

The guarantee does not rest on this search alone: Terraform calls a provider's
functions only when the module's required_providers declares that provider
("Unknown provider function ... Ensure that provider name "external" is
declared in this module's required_providers block", terraform 1.11), and
`tfrules` allows only declarations that resolve to an allowed source.  This
search names the call and its block before anything runs.

It looks in two places.  The parsed values are exact for literal strings and
JSON syntax (so a literal string that spells a foreign provider function is
refused too: never the other way).  They are not for other HCL expressions:
pygohcl keeps those as source text after a comment stripper that an escaped
quote can confuse.  So the source text is searched too: from every
`provider` in it, past whatever spaces and comments HCL allows between
`provider`, `::`, the name and `::`.  From the real call's `provider` token
that reading is exact (it is in code, not in a string), and a `provider`
inside a string or comment can only add a refusal.  Linear in the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator

PROVIDER_FUNCTION = re.compile(r"provider\s*::\s*([A-Za-z_][A-Za-z0-9_-]*)\s*::")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_SPACE = re.compile(r"\s*")
_HEADER = re.compile(r'^([A-Za-z_][\w-]*(?:\s+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*)\s*\{')


def in_values(values: Iterable[str]) -> Iterator[str]:
    """Provider local names whose functions the parsed strings call."""
    for text in values:
        for match in PROVIDER_FUNCTION.finditer(text):
            yield match.group(1)


def in_source(text: str, allowed: frozenset[str]) -> dict[str, int]:
    """Provider local names outside `allowed` whose functions the source text calls -> first line."""
    source = _Source(text)
    found: dict[str, int] = {}
    index = text.find("provider")
    while index != -1:
        name = source.namespace_after(index + len("provider"))
        if name is not None and name not in allowed and name not in found:
            found[name] = source.line(index)
        index = text.find("provider", index + 1)
    return found


def enclosing_block(text: str, line: int) -> str | None:
    """The header of the top-level block around `line` (`output "o"`), for formatted HCL."""
    lines = text.splitlines()
    for index in range(min(line, len(lines)) - 1, -1, -1):
        header = _HEADER.match(lines[index])
        if header:
            return header.group(1)
    return None


class _Source:
    """Reads `:: NAME ::` after a `provider` token, skipping spaces and comments like HCL does."""

    def __init__(self, text: str):
        self.text = text
        self.closes = [m.start() for m in re.finditer(r"\*/", text)]  # where block comments can end
        self.newlines = [m.start() for m in re.finditer(r"\n", text)]
        self.settled: dict[int, int] = {}  # position -> first position past spaces and comments

    def namespace_after(self, pos: int) -> str | None:
        pos = self.skip(pos)
        if not self.text.startswith("::", pos):
            return None
        name = _NAME.match(self.text, self.skip(pos + 2))
        if name is None or not self.text.startswith("::", self.skip(name.end())):
            return None
        return name.group()

    def skip(self, pos: int) -> int:
        visited = []
        while pos not in self.settled:
            visited.append(pos)
            pos = _SPACE.match(self.text, pos).end()
            if self.text.startswith("/*", pos):
                close = bisect_left(self.closes, pos + 2)
                pos = self.closes[close] + 2 if close < len(self.closes) else len(self.text)
            elif self.text.startswith(("#", "//"), pos):
                end = bisect_left(self.newlines, pos)
                pos = self.newlines[end] if end < len(self.newlines) else len(self.text)
            else:
                self.settled[pos] = pos
        end = self.settled[pos]
        for seen in visited:  # every position passed through settles where this one did: linear overall
            self.settled[seen] = end
        return end

    def line(self, pos: int) -> int:
        return bisect_right(self.newlines, pos - 1) + 1
