"""Walking the container (`parent`) chains of a design's resources: always finite, always linear.

A design can arrive with its chains looping (`a` in `b`, `b` in `a`; a subnet in
itself) from a file, a full replace or a collaborator's canvas, and with
anything at all in `parent` before the schema has been checked.  Every walk up
a chain goes through this module, which stops at a repeat and visits each
resource at most once per question, so no design can make a walk run forever
(or in quadratic time on a long chain).
"""

from __future__ import annotations

from collections.abc import Iterable

CHAIN_SHOWN = 10  # containers named in a cycle's message before it is shortened


def parent_of(resources: dict, rid) -> str | None:
    """The container of `rid` when it names a resource of the design, else None (any input)."""
    res = resources.get(rid) if isinstance(rid, str) else None
    parent = res.get("parent") if isinstance(res, dict) else None
    return parent if isinstance(parent, str) and parent in resources else None


def type_of(resources: dict, rid: str):
    res = resources.get(rid)
    return res.get("type") if isinstance(res, dict) else None


def ancestors(resources: dict, rid: str) -> list[str]:
    """Containers of `rid`, nearest first; stops before a resource seen already (a cycle)."""
    out, seen = [], {rid}
    parent = parent_of(resources, rid)
    while parent is not None and parent not in seen:
        out.append(parent)
        seen.add(parent)
        parent = parent_of(resources, parent)
    return out


def cycles(resources: dict) -> list[list[str]]:
    """Every loop of containers, each once, as the ids along it (starting at its smallest id).

    Each resource has one parent, so following parents from every resource, marking the
    ones done, finds each loop once in time linear in the number of resources."""
    state: dict[str, int] = {}  # 1: on the walk in progress, 2: done
    found = []
    for start in sorted(r for r in resources if isinstance(r, str)):
        path, rid = [], start
        while rid is not None and rid not in state:
            state[rid] = 1
            path.append(rid)
            rid = parent_of(resources, rid)
        if rid is not None and state[rid] == 1:  # came back to this walk: a loop
            loop = path[path.index(rid):]
            first = loop.index(min(loop))
            found.append(loop[first:] + loop[:first])
        for done in path:
            state[done] = 2
    return found


def describe_cycle(loop: list[str], start: str) -> str:
    """`a -> b -> a` from `start`; a long loop is shortened (the message must stay readable)."""
    at = loop.index(start)
    ordered = loop[at:] + loop[:at] + [start]
    if len(ordered) <= CHAIN_SHOWN + 1:
        return " -> ".join(ordered)
    return " -> ".join(ordered[:CHAIN_SHOWN // 2]) + f" -> ... -> {start} ({len(loop)} containers)"


class Nearest:
    """The nearest container of given types above each resource, memoised: all questions on
    one design together cost time linear in its number of resources."""

    def __init__(self, resources: dict, types: Iterable[str]):
        self.resources, self.types = resources, frozenset(types)
        self._inclusive: dict[str, str | None] = {}  # rid -> itself if of the types, else its nearest

    def __call__(self, rid: str) -> str | None:
        start = parent_of(self.resources, rid)
        return None if start is None else self._from(start)

    def _from(self, rid: str) -> str | None:
        path, on_path, found = [], set(), None
        node = rid
        while node is not None:
            if node in self._inclusive:
                found = self._inclusive[node]
                break
            if type_of(self.resources, node) in self.types:
                found = node
                break
            if node in on_path:  # a loop without any container of the types
                break
            path.append(node)
            on_path.add(node)
            node = parent_of(self.resources, node)
        for visited in path:
            self._inclusive[visited] = found
        if found is not None and found not in self._inclusive:
            self._inclusive[found] = found
        return found


def depths(resources: dict) -> dict[str, int]:
    """How many containers each resource sits in; a loop's members count as top level."""
    out: dict[str, int] = {}
    for start in resources:
        path, on_path, node = [], set(), start
        while node is not None and node not in out and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = parent_of(resources, node)
        if node is None:
            base = -1
        elif node in out:
            base = out[node]
        else:  # a loop: its members are top level, what hangs below it counts from there
            loop = path[path.index(node):]
            for member in loop:
                out[member] = 0
            path = path[:path.index(node)]
            base = 0
        for offset, rid in enumerate(reversed(path), start=1):
            out[rid] = base + offset
    return out
