"""`DesignWidget`: the design drawn with the canvas's stylesheet and icons, kept in sync both ways.

Python is the only writer of the picture: the widget's `design` trait is a
copy of the design's resources and connections, refreshed whenever the design
reports a change (`observe`), and a node dragged in the front end comes back
as a `move` message that is written into the design with its own `move`
operation.  So a drag reaches every canvas of a live design, and the widget
never keeps positions of its own that could drift.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import anywidget
import traitlets

from ..catalog import CATALOG
from ..generic import CATEGORY, ICON, is_generic

BUNDLE = Path(__file__).with_name("static") / "widget.js"


class WidgetBundleMissing(RuntimeError):
    """The front-end bundle was not built (a source checkout without `jlpm build`)."""


def _bundle() -> Path:
    if not BUNDLE.is_file():
        raise WidgetBundleMissing(
            f"the widget's front end is missing ({BUNDLE}); build it with "
            "`cd extension && jlpm build` (or reinstall: pip install -e .)"
        )
    return BUNDLE


def _types(resources: dict) -> dict:
    """What the front end needs of each catalog type the design uses (icon, category, container)."""
    out = {}
    for r in resources.values():
        entry = CATALOG.get(r.get("type"))
        if entry and entry.type not in out:
            out[entry.type] = {"icon": entry.icon, "category": entry.category, "is_container": entry.is_container}
        elif entry is None and is_generic(r.get("type")):  # any CloudFormation type: its icon
            out[r["type"]] = {"icon": ICON, "category": CATEGORY, "is_container": False}
    return out


def _content(design) -> dict:
    """A copy (traitlets sees no change in a dict mutated in place, so it would not sync)."""
    data = design.to_dict() if hasattr(design, "to_dict") else copy.deepcopy(design.data)
    return {"resources": data.get("resources") or {}, "connections": data.get("connections") or {}}


class DesignWidget(anywidget.AnyWidget):
    """A live diagram of `design`; drag nodes to move them in the design."""

    _esm = BUNDLE  # one self-contained ES module (cytoscape and the icons inside): works offline
    design = traitlets.Dict().tag(sync=True)
    types = traitlets.Dict().tag(sync=True)
    findings = traitlets.Dict(help="resource or connection id -> 'error' | 'warning' (badges)").tag(sync=True)
    selected = traitlets.List(traitlets.Unicode(), help="ids selected in the front end").tag(sync=True)
    editable = traitlets.Bool(True, help="whether nodes can be dragged").tag(sync=True)
    height = traitlets.Unicode("480px").tag(sync=True)

    def __init__(self, design, **kwargs):
        _bundle()  # a clear error, not a blank output area, when the front end was never built
        # full width by default: inside an HBox/Box a widget shrinks to its content, and cytoscape's is empty
        kwargs.setdefault("layout", {"width": "100%"})
        super().__init__(**kwargs)
        self._source = design
        self._move_listeners: list[Callable[[str, float, float], None]] = []
        self._lock = threading.Lock()
        self._handle = design.observe(self._on_design) if hasattr(design, "observe") else None
        self.on_msg(self._on_front_end)
        self.refresh()

    @property
    def source(self):
        """The design this widget shows."""
        return self._source

    def refresh(self) -> None:
        """Redraw from the design (automatic for designs with `observe`; call it after editing a plain Design)."""
        with self._lock:
            content = _content(self._source)
            with self.hold_sync():
                self.types = _types(content["resources"])
                self.design = content

    def show_findings(self, findings: Iterable) -> None:
        """Badge the nodes and edges that findings (from `design.check()`) concern, errors over warnings."""
        worst: dict[str, str] = {}
        for f in findings:
            rid, severity = getattr(f, "resource", None), getattr(f, "severity", "")
            if rid and severity in ("error", "warning") and worst.get(rid) != "error":
                worst[rid] = severity
        self.findings = worst

    def on_move(self, callback: Callable[[str, float, float], None], remove: bool = False) -> None:
        """Call `callback(id, x, y)` after a drag in the front end moved a resource."""
        if remove:
            self._move_listeners.remove(callback)
        else:
            self._move_listeners.append(callback)

    def close(self) -> None:
        if getattr(self, "_handle", None) is not None and hasattr(self._source, "unobserve"):
            self._source.unobserve(self._handle)
            self._handle = None
        super().close()

    # ------------------------------------------------------------ internals
    def _on_design(self, *_args) -> None:
        self.refresh()

    def _on_front_end(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict) or content.get("kind") != "move":
            return
        resources = _content(self._source)["resources"]
        moved = []
        for move in content.get("moves") or []:
            if not isinstance(move, dict):
                continue
            rid, x, y = move.get("id"), move.get("x"), move.get("y")
            if rid in resources and isinstance(x, int | float) and isinstance(y, int | float):
                self._source.move(rid, float(x), float(y))
                moved.append((rid, float(x), float(y)))
        if self._handle is None:  # a plain Design tells nobody: redraw ourselves
            self.refresh()
        for rid, x, y in moved:
            for listener in list(self._move_listeners):
                listener(rid, x, y)
