"""The design as a collaborative Yjs document (`infra`), for jupyter-collaboration.

Roots mirror the design: `meta` (Map), `resources` (Map of Maps, each with a
nested `properties` Map, so two people editing two properties of one node
both win), `connections` (Map of Maps), `chat` (Array of pages of messages:
ychat.py), `deployments` (Map), `versions` (Map: design/versions.py; `dumps` writes it to the
file only when it holds one, so a design without versions keeps its text).
`get()` gives the canonical `.infra.json` text (sorted, stable: opening a file
never shows as a change in git); `set()` replaces the content in one
transaction.  `apply()` brings the document to new content by writing only
what differs, so a server-side edit (the REST API) never clobbers what someone
else changed at the same moment.  The TypeScript `YInfra` in the extension
uses the same roots.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from jupyter_ydoc.ybasedoc import YBaseDoc
from pycrdt import Array, Awareness, Doc, Map

from . import ychat
from .design import jsonvalues
from .design.errors import DesignError
from .design.model import Design, dumps, empty
from .design.source import read_design_text
from .yvalues import plain as _plain

ROOTS = ("meta", "resources", "connections", "chat", "deployments", "versions")
DESIGN_ROOTS = ("meta", "resources", "connections")  # what edits change, validated together; chat and deployments are history
OPTIONAL = ("versions",)  # a root `to_dict` leaves out while empty: present in `after` only, it is still written
NESTED = {"resources": ("properties",), "connections": ("properties",)}


def _item_map(section: str, item: dict) -> Map:
    """A resource or connection as a Map whose `properties` is a Map of its own."""
    fields = {k: v for k, v in item.items() if k not in NESTED[section]}
    for key in NESTED[section]:
        fields[key] = Map(dict(item.get(key) or {}))
    return Map(fields)


def _same(a, b) -> bool:
    """JSON equality as Yjs sees it: 1 == 1.0 (both doubles), but True is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def _apply_map(ymap: Map, new: dict, skip: tuple[str, ...] = ()) -> None:
    """Write the keys whose values differ, delete the keys that are gone (values are opaque)."""
    for key in [k for k in ymap.keys() if k not in new and k not in skip]:
        del ymap[key]
    for key, value in new.items():
        if key in skip:
            continue
        if key not in ymap or not _same(_plain(ymap[key]), value):
            ymap[key] = value


def _apply_items(root: Map, section: str, new: dict, old: dict | None = None) -> None:
    """Resources or connections: add, remove, and patch the fields of the ones both sides have.
    `old`, when given, is what the root holds now (read and compared by the caller): items the
    same in both are not read from the document again (an edit of one node of 1,000 writes one)."""
    for key in [k for k in (old if old is not None else root.keys()) if k not in new]:
        del root[key]
    for key, item in sorted(new.items()):
        if old is not None and key in old and _same(old[key], item):
            continue
        current = root.get(key)
        if not isinstance(current, Map):
            root[key] = _item_map(section, item)
            continue
        _apply_map(current, item, skip=NESTED[section])
        for nested in NESTED[section]:
            values = dict(item.get(nested) or {})
            if isinstance(current.get(nested), Map):
                _apply_map(current[nested], values)
            else:
                current[nested] = Map(values)


def _common_prefix(old: list, new: list) -> int:
    """How many items `new` keeps of `old` (the rest is replaced)."""
    keep = 0
    while keep < min(len(old), len(new)) and _same(old[keep], new[keep]):
        keep += 1
    return keep


def _apply_chat(root: Array, old: list, new: list, keep: int) -> None:
    """An extension of the chat is appended (an added message is one insert); otherwise the
    messages after the common prefix are deleted (the pages stay: ychat.truncate) and the new
    ones appended."""
    if keep < len(old):
        ychat.truncate(root, keep)
    ychat.append(root, new[keep:])


def _refuse_unplain(data: dict, sections, chat_from: int = 0) -> None:
    """Nothing reaches the shared document that it cannot hold: a NaN would arrive as `null`
    for everyone, a lone surrogate or an integer beyond 64 bits panics pycrdt half-way through
    a transaction.  Checked before the transaction starts, so a refusal writes nothing (the
    chat only from `chat_from` on: the messages before it are already in the document)."""
    found = [p for section in sections if section in data and section != "chat"
             for p in jsonvalues.problems(data[section], (section,))]
    chat = data.get("chat") if "chat" in sections else None
    if isinstance(chat, list):
        found += [p for index in range(chat_from, len(chat)) for p in jsonvalues.problems(chat[index], ("chat", index))]
    if found:
        raise DesignError(found, "the shared document")


class YInfra(YBaseDoc):
    """A design document shared through a collaboration room."""

    def __init__(self, ydoc: Doc | None = None, awareness: Awareness | None = None):
        super().__init__(ydoc, awareness)
        self._ymeta = self._ydoc.get("meta", type=Map)
        self._yresources = self._ydoc.get("resources", type=Map)
        self._yconnections = self._ydoc.get("connections", type=Map)
        self._ychat = self._ydoc.get("chat", type=Array)
        self._ydeployments = self._ydoc.get("deployments", type=Map)
        self._yversions = self._ydoc.get("versions", type=Map)
        self._roots = {
            "meta": self._ymeta,
            "resources": self._yresources,
            "connections": self._yconnections,
            "chat": self._ychat,
            "deployments": self._ydeployments,
            "versions": self._yversions,
        }
        for root in self._roots.values():
            self.undo_manager.expand_scope(root)

    @property
    def version(self) -> str:
        return "1.0.0"

    # ------------------------------------------------------------ whole document
    def to_dict(self, without: tuple[str, ...] = ()) -> dict:
        """The content as plain data; `without` leaves roots out (the Redis canvas snapshot
        carries no chat: the chat has its own capped stream)."""
        data = {"version": 1}
        data.update({name: ychat.messages(root) if name == "chat" else _plain(root)
                     for name, root in self._roots.items() if name not in without})
        if "meta" in data and not data["meta"]:
            data["meta"] = empty("design")["meta"]
        if "versions" in data and not data["versions"]:
            del data["versions"]  # as in the file: a design that never named a version has no `versions`
        return data

    def get(self) -> str:
        return dumps(self.to_dict())

    def set(self, value: str) -> None:
        """Replace the content with a design file's text; text that is no design raises
        NotADesignFile (with the line and column), values the document cannot hold raise
        DesignError (strict JSON only: see `_refuse_unplain`), leaving the document as it was."""
        data = read_design_text(value) or empty("design")
        _refuse_unplain(data, ROOTS)
        with self._ydoc.transaction():
            self._ymeta.clear()
            self._ymeta.update(dict(data.get("meta") or {}))
            for section in ("resources", "connections"):
                root = self._roots[section]
                root.clear()
                for key, item in sorted((data.get(section) or {}).items()):
                    root[key] = _item_map(section, item)
            ychat.write(self._ychat, list(data.get("chat") or []))
            self._ydeployments.clear()
            self._ydeployments.update(dict(data.get("deployments") or {}))
            self._yversions.clear()
            self._yversions.update(dict(data.get("versions") or {}))

    def apply(self, data: dict, sections: tuple[str, ...] = ROOTS, current: dict | None = None) -> None:
        """Bring the document to `data` (a design's content) in one transaction, writing only
        the keys, fields and properties that differ: a concurrent edit of another property of
        the same node by someone else survives.  Chat keeps its common prefix (an appended
        message is one insert); messages are replaced only when the list is not an extension.
        Roots not in `sections` are left as they are (not even read); `current`, when given, is
        what the document holds now (as `to_dict()`), so items unchanged are not read again."""
        chat = list(data.get("chat") or []) if "chat" in sections else []
        old = ychat.messages(self._ychat) if "chat" in sections else []
        keep = _common_prefix(old, chat)
        _refuse_unplain(data, sections, keep)
        with self._ydoc.transaction():
            if "meta" in sections:
                _apply_map(self._ymeta, dict(data.get("meta") or {}))
            for section in ("resources", "connections"):
                if section in sections:
                    known = current.get(section) if current is not None else None
                    _apply_items(self._roots[section], section, dict(data.get(section) or {}),
                                 known if isinstance(known, dict) else None)
            if "chat" in sections:
                _apply_chat(self._ychat, old, chat, keep)
            if "deployments" in sections:
                _apply_map(self._ydeployments, dict(data.get("deployments") or {}))
            if "versions" in sections:
                _apply_map(self._yversions, dict(data.get("versions") or {}))

    def replace_if(self, before: dict, after: dict, origin: str | None = None) -> bool:
        """Write `after`, computed from `before` (a `to_dict()` of this document, some roots left
        out), if what it was computed from is unchanged; else write nothing and return False
        (compute again from the new content).  Work done away from the document (validation in
        a worker, a kernel's edit) thereby never reverts what others changed meanwhile.  The
        design roots are compared together (validating one reads the others); the chat and the
        deployments each on their own.  Roots left out of `before` are neither compared nor written,
        except `versions` when `after` has it (to_dict leaves it out while there is none)."""
        changed = [r for r in ROOTS if (r in before or r in OPTIONAL and r in after) and not _same(before.get(r), after.get(r))]
        if not changed:
            return True
        watched = set(changed)
        if watched & set(DESIGN_ROOTS):
            watched |= set(DESIGN_ROOTS) & before.keys()
        current = self.to_dict(without=tuple(r for r in ROOTS if r not in watched))
        if any(current.get(r) != before.get(r) for r in watched):
            return False
        with self._ydoc.transaction(origin=origin):
            self.apply(after, sections=tuple(changed), current=current)
        return True

    def design(self) -> Design:
        """The current content as a `Design`, not validated: a canvas may hold a half-drawn state."""
        return Design.adopt(self.to_dict())  # read fresh for it: no copy

    def observe(self, callback: Callable[[str, Any], None]) -> None:
        """Every root, deeply: autosave hangs off this, a forgotten root is never saved.

        The chat is watched through the document's transactions, not as an array: building an
        array's change event walks the array up to the change (0.7 ms per message at 30,000
        messages, on every update the server applies), and the room only needs to know that
        something changed.  A transaction's root observers run before the document's, so a
        transaction that changed something no map reported changed the chat (reported with no
        event; one that changed a map and the chat reports the map, which is all a save needs)."""
        self.unobserve()
        reported = [False]

        def root_changed(name: str, event) -> None:
            reported[0] = True
            callback(name, event)

        def transaction_ended(event) -> None:
            if not reported[0]:
                callback("chat", None)
            reported[0] = False

        self._subscriptions[self._ystate] = self._ystate.observe(partial(root_changed, "state"))
        for name, root in self._roots.items():
            if name != "chat":
                self._subscriptions[root] = root.observe_deep(partial(root_changed, name))
        self._subscriptions[self._ydoc] = self._ydoc.observe(transaction_ended)
