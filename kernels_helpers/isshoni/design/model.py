"""The design document as a Python object: the one source of truth.

`Design` wraps the plain JSON structure (meta, resources, connections, chat,
deployments) with typed operations.  The Yjs document type mirrors these
operations name for name, so the canvas, the kernel helpers and the assistant
all edit a design the same way.  Saving writes stable, sorted JSON.
"""

from __future__ import annotations

import copy
import json
import re
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from . import containers, jsonvalues
from .errors import DesignError, Problem, json_path

if TYPE_CHECKING:
    from .diff import DesignDiff

SUFFIX = ".infra.json"
DEFAULT_REGION = "us-east-1"
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


def dumps(data: dict) -> str:
    """The canonical text of a design: sorted keys, two-space indent, newline at end.

    Never text that is not JSON or not UTF-8: a design holding NaN, infinities or lone
    surrogates raises DesignError naming where (nothing is written).  No versions, no `versions`
    key: a design that never named one keeps the text it always had."""
    if "versions" in data and not data["versions"]:
        data = {k: v for k, v in data.items() if k != "versions"}
    try:
        text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
        text.encode("utf-8")
    except (ValueError, TypeError, RecursionError):
        raise DesignError(jsonvalues.problems(data) or [Problem("$", "not a JSON document")], "design") from None
    return text


def empty(name: str, region: str = DEFAULT_REGION, description: str = "") -> dict:
    return {
        "version": 1,
        "meta": {"name": name, "region": region, "description": description, "notes": ""},
        "resources": {},
        "connections": {},
        "chat": [],
        "deployments": {},
    }


class Design:
    """A design in memory.  Operations validate against the catalog as they go."""

    def __init__(self, data: dict | None = None, *, name: str = "design", region: str = DEFAULT_REGION):
        self.data = jsonvalues.copied(data) if data is not None else empty(name, region)
        self._settle()

    @classmethod
    def adopt(cls, data: dict) -> Design:
        """A Design over `data` itself, not a copy: for content made for it alone (a document just
        read, an edit's result), where a copy of a 1,000-resource design is 10 ms spent on nothing."""
        design = cls.__new__(cls)
        design.data = data
        design._settle()
        return design

    def _settle(self) -> None:
        self.data.setdefault("chat", [])
        self.data.setdefault("deployments", {})
        self.data["meta"].setdefault("description", "")
        self.data["meta"].setdefault("notes", "")
        self.folder: Path | None = None  # where the design file lives: Lambda code_path folders are relative to it

    # ------------------------------------------------------------ loading / saving
    @classmethod
    def loads(cls, text: str, source: str = "design", validate: bool = True) -> Design:
        try:
            data = jsonvalues.loads(text)
        except json.JSONDecodeError as exc:
            raise DesignError(
                [Problem("$", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")], source
            ) from None
        except jsonvalues.NotPlainJSON as exc:
            raise DesignError([Problem("$", f"not valid JSON: {exc}")], source) from None
        from .validate import validate_structure

        validate_structure(data, source)
        design = cls(data)
        if validate:
            design.validate(source)
        return design

    @classmethod
    def load(cls, path: str | Path, validate: bool = True) -> Design:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DesignError([Problem("$", f"file not found: {path}")], str(path)) from None
        except UnicodeDecodeError as exc:
            raise DesignError([Problem("$", f"not UTF-8 text: {exc.reason}")], str(path)) from None
        design = cls.loads(text, str(path), validate)
        design.folder = path.resolve().parent
        return design

    def dumps(self) -> str:
        return dumps(self.data)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        text = self.dumps().encode("utf-8")  # refused before any file is touched
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(text)
        tmp.replace(path)
        return path

    def validate(self, source: str = "design") -> None:
        """Raise DesignError listing every problem (structure, catalog, network)."""
        from .validate import problems

        found = problems(self.data)
        if found:
            raise DesignError(found, source)

    def problems(self, only=None) -> list[Problem]:
        """Every problem, or (`only`: ids an edit touched) theirs and the design-wide ones."""
        from .validate import problems

        return problems(self.data, only)

    # ------------------------------------------------------------ reading
    @property
    def meta(self) -> dict:
        return self.data["meta"]

    @property
    def name(self) -> str:
        return self.data["meta"]["name"]

    @property
    def region(self) -> str:
        return self.data["meta"]["region"]

    @property
    def resources(self) -> dict:
        return self.data["resources"]

    @property
    def connections(self) -> dict:
        return self.data["connections"]

    @property
    def chat(self) -> list:
        return self.data["chat"]

    @property
    def deployments(self) -> dict:
        return self.data["deployments"]

    def resource(self, rid: str) -> dict:
        try:
            return self.resources[rid]
        except KeyError:
            raise KeyError(f"no resource {rid!r} in design {self.name!r}") from None

    def children(self, rid: str | None) -> list[str]:
        return sorted(k for k, v in self.resources.items() if v.get("parent") == rid)

    def ancestors(self, rid: str) -> list[str]:
        """Containers of `rid`, nearest first (stops at a cycle instead of looping)."""
        return containers.ancestors(self.resources, rid)

    def connections_of(self, rid: str) -> list[str]:
        return sorted(
            cid for cid, c in self.connections.items() if c["source"] == rid or c["target"] == rid
        )

    # ------------------------------------------------------------ editing
    def _new_id(self, base: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_-]", "_", base) or "r"
        if not base[0].isalpha():
            base = "r" + base
        base = base[:60]
        if base not in self.resources and base not in self.connections:
            return base
        n = 2
        while f"{base}{n}" in self.resources or f"{base}{n}" in self.connections:
            n += 1
        return f"{base}{n}"

    def _check_id(self, rid: str) -> None:
        if not _ID.match(rid):
            raise DesignError(
                [Problem(json_path(["resources", rid]), "ids start with a letter and use letters, digits, '_' or '-' (max 64)")]
            )
        if rid in self.resources or rid in self.connections:
            raise DesignError([Problem(json_path(["resources", rid]), f"id {rid!r} is already used", rid)])

    def add(
        self,
        type: str,
        id: str | None = None,
        *,
        label: str | None = None,
        properties: dict | None = None,
        parent: str | None = None,
        position: dict | None = None,
        notes: str = "",
        condition: str | None = None,
    ) -> str:
        """Add a resource of catalog `type`, or of any CloudFormation registry type as
        `cfn:<type>` (e.g. `cfn:AWS::SQS::Queue`, see isshoni.generic); returns its id.
        A generic resource may be made only when `condition` (one of `meta.conditions`) holds."""
        from .. import generic
        from ..catalog import get_type

        if generic.is_generic(type):
            default_label, base = generic.label(type), generic.id_base(type)
        else:
            default_label, base = get_type(type).label, type
        rid = id or self._new_id(base)
        self._check_id(rid)
        if position is None:  # where the model puts it, in free space (a drawn design) or the origin (a new one)
            from .placement import position_for

            position = position_for(self.resources, parent)
        resource = {
            "type": type,
            "label": label if label is not None else default_label,
            "properties": dict(properties or {}),
            "parent": parent,
            "position": dict(position or {"x": 0, "y": 0}),
            "notes": notes,
        }
        if condition is not None:
            resource["condition"] = condition
        self.resources[rid] = resource
        errors = self._local_problems(rid)
        if errors:
            del self.resources[rid]
            raise DesignError(errors)
        return rid

    def connect(self, source: str, target: str, *, id: str | None = None, properties: dict | None = None, label: str = "") -> str:
        """Connect two resources; the catalog decides whether and what it means."""
        cid = id or self._new_id(f"{source}_to_{target}")
        self._check_id(cid)
        self.connections[cid] = {"source": source, "target": target, "properties": dict(properties or {})}
        if label:
            self.connections[cid]["label"] = label
        errors = self._local_problems(cid)
        if errors:
            del self.connections[cid]
            raise DesignError(errors)
        return cid

    def set(self, rid: str, **values) -> None:
        """Set properties of a resource or a connection (None removes a property)."""
        target = self.resources.get(rid) or self.connections.get(rid)
        if target is None:
            raise KeyError(f"no resource or connection {rid!r}")
        before = copy.deepcopy(target.get("properties", {}))
        props = target.setdefault("properties", {})
        for key, value in values.items():
            if value is None:
                props.pop(key, None)
            else:
                props[key] = value
        errors = self._local_problems(rid)
        if errors:
            target["properties"] = before
            raise DesignError(errors)

    def set_label(self, rid: str, label: str) -> None:
        section = "resources" if rid in self.resources else "connections"
        item = self.resources.get(rid) or self.connections[rid]
        _refuse_unplain(label, (section, rid, "label"))
        item["label"] = label

    def set_notes(self, rid: str, notes: str) -> None:
        resource = self.resource(rid)
        _refuse_unplain(notes, ("resources", rid, "notes"))
        resource["notes"] = notes

    def set_meta(self, **values) -> None:
        allowed = {"name", "region", "description", "notes", "ephemeral"}
        unknown = set(values) - allowed
        if unknown:
            raise KeyError(f"unknown meta field(s): {', '.join(sorted(unknown))}")
        _refuse_unplain(values, ("meta",))
        self.meta.update(values)

    def move(self, rid: str, x: float, y: float) -> None:
        resource = self.resource(rid)
        position = {"x": x, "y": y}
        for axis, value in position.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise DesignError([Problem(json_path(["resources", rid, "position", axis]),
                                           f"a position is a number, not {type(value).__name__}", rid)])
        _refuse_unplain(position, ("resources", rid, "position"))
        resource["position"] = position

    def move_into(self, rid: str, parent: str | None) -> None:
        """Put a resource into a container (VPC, subnet ...) or take it out (None)."""
        res = self.resource(rid)
        before = res.get("parent")
        res["parent"] = parent
        errors = self._local_problems(rid)
        if errors:
            res["parent"] = before
            raise DesignError(errors)

    def remove(self, rid: str) -> list[str]:
        """Remove a resource (with its connections; children move to its parent) or a connection."""
        if rid in self.connections:
            del self.connections[rid]
            return [rid]
        res = self.resource(rid)
        removed = [rid]
        for cid in self.connections_of(rid):
            del self.connections[cid]
            removed.append(cid)
        for child in self.children(rid):
            self.resources[child]["parent"] = res.get("parent")
        del self.resources[rid]
        return removed

    def add_message(self, author: str, text: str, *, id: str | None = None, time_: float | None = None) -> dict:
        message = {"id": id or uuid.uuid4().hex, "author": author, "text": text, "time": time_ or time.time()}
        _refuse_unplain(message, ("chat", len(self.chat)))
        self.chat.append(message)
        return message

    # ------------------------------------------------------------ assistant
    def ask(self, prompt: str, **options) -> dict:
        """Ask the design assistant to change this design (see `isshoni.assistant.ask`)."""
        from ..assistant import ask

        return ask(self, prompt, **options)

    # ------------------------------------------------------------ helpers
    def _local_problems(self, item_id: str) -> list[Problem]:
        from .validate import problems

        return [p for p in problems(self.data, only=(item_id,)) if p.resource == item_id]

    # ------------------------------------------------------------ versions (design/versions.py)
    @property
    def versions(self) -> dict:
        """Named versions: name -> {created, author, note, design}."""
        return self.data.get("versions") or {}

    def name_version(self, name: str, note: str = "", author: str = "") -> dict:
        """Keep the design as it is now as version `name`; returns the version's summary."""
        from .versions import listing, named

        self.data["versions"] = named(self.data, name, note=note, author=author)["versions"]
        return next(v for v in listing(self.data) if v["name"] == name)

    def restore_version(self, name: str) -> None:
        """Bring the design back to version `name` (one edit: chat, deploy records and versions
        kept); refused, changing nothing, when that content is no valid design today."""
        from .versions import CONTENT, restored

        again = restored(self.data, name)
        Design(dict(again)).validate(f"version {name!r}")
        for key in CONTENT:
            self.data[key] = again[key]

    def cost(self, region: str | None = None):
        """The monthly cost estimate (isshoni.cost): per node with its arithmetic, by service, and the
        nodes it does not price (never counted as zero).  A notebook shows it as a table."""
        from ..cost import estimate

        return estimate(self, region=region)

    def diff(self, since) -> DesignDiff:
        """What changed from `since` to this design: `since` is a Design, a design's JSON, a design
        file or `FILE@REVISION` (`"shop.infra.json@HEAD"`: as committed in git).  A notebook shows
        the result as a review table; `str()` is the text `isshoni diff` prints."""
        from .diff import diff
        from .diff_sources import read

        if isinstance(since, Design):
            base, label = since.data, since.name
        elif isinstance(since, dict):
            base, label = since, str((since.get("meta") or {}).get("name", "before"))
        else:
            base, label = read(str(since))
        found = diff(base, self.data)
        found.old_name, found.new_name = label, self.name
        return found

    def copy(self) -> Design:
        twin = Design(self.data)
        twin.folder = self.folder
        return twin

    def __repr__(self) -> str:
        return f"<Design {self.name!r} region={self.region} resources={len(self.resources)} connections={len(self.connections)}>"


def _refuse_unplain(value, path: tuple) -> None:
    """Edits that skip the full validation (labels, notes, meta, positions, chat) still take plain
    JSON values only: one NaN or lone surrogate would make the design unsaveable for everyone."""
    found = jsonvalues.problems(value, path)
    if found:
        raise DesignError(found)
