"""Named versions of a design ("before canary", "v1.2"), kept in the design document itself.

A version is the design as it was when it was named (its `meta`, `resources` and
`connections`: the chat and the deploy records are history and are not versioned), with who
named it, when, and a note.  It lives under the document's `versions`, so every collaborator
of a shared design sees the same ones and they are saved with the file (a design without
versions has no `versions` key: its file text is unchanged).  Restoring one writes that content
back as one edit, keeping the chat, the deploy records and the versions themselves.
"""

from __future__ import annotations

import re
import time

from . import jsonvalues
from .errors import DesignError, Problem

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._:+-]{0,63}$")  # as design.schema.json's `versions` names
MAX_VERSIONS = 100
MAX_NOTE = 4096
CONTENT = ("meta", "resources", "connections")


def listing(data: dict) -> list[dict]:
    """The versions, oldest first: name, created, author, note, and how many nodes and connections."""
    out = []
    for name, version in (data.get("versions") or {}).items():
        content = version.get("design") or {}
        out.append({"name": name, "created": version.get("created"), "author": version.get("author", ""),
                    "note": version.get("note", ""), "resources": len(content.get("resources") or {}),
                    "connections": len(content.get("connections") or {})})
    return sorted(out, key=lambda v: (v["created"] or 0, v["name"]))


def named(data: dict, name: str, *, note: str = "", author: str = "", now: float | None = None) -> dict:
    """`data` with its current content kept as version `name` (a new document: `data` is not changed)."""
    versions = dict(data.get("versions") or {})
    if not isinstance(name, str) or not NAME.match(name):
        raise DesignError([Problem("$.versions", "a version name is 1-64 letters, digits, spaces and ._:+- "
                                                 "(starting with a letter or digit)")], "versions")
    if name in versions:
        raise DesignError([Problem(f"$.versions[{name!r}]", f"there is already a version named {name!r}")], "versions")
    if len(versions) >= MAX_VERSIONS:
        raise DesignError([Problem("$.versions", f"a design keeps at most {MAX_VERSIONS} versions")], "versions")
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise DesignError([Problem(f"$.versions[{name!r}].note", f"a note is text of at most {MAX_NOTE} characters")], "versions")
    version = {"created": round(time.time() if now is None else now, 3),
               "design": {key: jsonvalues.copied(data.get(key) or {}) for key in CONTENT}}
    if author:
        version["author"] = str(author)[:256]
    if note:
        version["note"] = note
    versions[name] = version
    return {**data, "versions": versions}


def problem_with(name, version, now: float | None = None) -> str | None:
    """What is wrong with a version a client added to a live document (None: it is one `named`
    could have made, up to its author, which the room signs): for the room's history guard."""
    if not isinstance(name, str) or not NAME.match(name):
        return "a version name is 1-64 letters, digits, spaces and ._:+-"
    if not isinstance(version, dict) or not {"created", "design"} <= version.keys() <= {"created", "design", "author", "note"}:
        return f"version {name!r} is not {{created, design, author?, note?}}"
    created, design = version["created"], version["design"]
    if isinstance(created, bool) or not isinstance(created, (int, float)) or created > (time.time() if now is None else now) + 300:
        return f"version {name!r} has no plausible creation time"
    if not isinstance(design, dict) or set(design) != set(CONTENT) or not all(isinstance(design[k], dict) for k in CONTENT):
        return f"version {name!r} does not hold a design's meta, resources and connections"
    if not isinstance(version.get("note", ""), str) or len(version.get("note", "")) > MAX_NOTE:
        return f"version {name!r} has a note that is not text of at most {MAX_NOTE} characters"
    return None


def restored(data: dict, name: str) -> dict:
    """`data` with the content of version `name` (its chat, deploy records and versions kept)."""
    version = (data.get("versions") or {}).get(name)
    if version is None:
        known = ", ".join(sorted(data.get("versions") or {})) or "none"
        raise DesignError([Problem("$.versions", f"no version named {name!r} (the design has: {known})")], "versions")
    content = version["design"]
    return {**data, **{key: jsonvalues.copied(content[key]) for key in CONTENT}}


def content(data: dict, name: str) -> dict:
    """Version `name` as a design document of its own (for a diff), or DesignError."""
    return {"version": data.get("version", 1), **restored({"versions": data.get("versions")}, name)}


__all__ = ["MAX_VERSIONS", "NAME", "content", "listing", "named", "problem_with", "restored"]
