"""The dashboard's widgets: one design, from template to deployed canary, in one page.

Everything goes through the kernel helpers (`isshoni.open`): the design is
live in its collaboration room when a Jupyter server is reachable (so canvases
and this page show one design), a file otherwise.  Jobs run in the
background (`design.deploy(wait=False)`), and their events drive the
progress bar, the event log and the weights chart; the page never blocks.
"""

from __future__ import annotations

import html
import json
import os
import threading
import time
import warnings
from pathlib import Path

import ipywidgets as w

from .. import templates
from ..compiler import resolve
from ..deploy import canary as canary_mod
from ..deploy.state import DeploymentState
from ..design.model import SUFFIX
from .chart import WeightHistory, png

DEFAULT_TEMPLATE = "chat_canary"
CHECK_TOOLS = ("isshoni", "cfn-lint")  # the fast ones (terraform validate and checkov take many seconds)
EVENT_LINES = 14
COLORS = {"succeeded": "#2e7d32", "failed": "#c62828", "rolled_back": "#8e24aa", "cancelled": "#6d4c41"}


def _pre(text: str) -> str:
    return (f"<div style='max-height:420px;overflow:auto'><pre style='margin:0;font-size:11px;line-height:1.35'>"
            f"{html.escape(text)}</pre></div>")


def _shape(data: dict) -> str:
    """The design without positions: code and findings only change when this does."""
    resources = {rid: {k: v for k, v in r.items() if k != "position"} for rid, r in (data.get("resources") or {}).items()}
    return json.dumps([data.get("meta"), resources, data.get("connections")], sort_keys=True, default=str)


def _status_line(kind: str, state: str, summary: str, record: dict) -> str:
    """The final state of a job; warnings listed under it, and a refused canary step said so in large."""
    warnings_ = record.get("warnings") or []
    refused = (record.get("result") or {}).get("refused")
    shown = "succeeded with warnings" if state == "succeeded" and warnings_ else state.replace("_", " ")
    colour = "#ef6c00" if shown == "succeeded with warnings" else COLORS.get(state, "#1565c0")
    line = (f"<span class='isshoni-dash-state' data-state='{html.escape(state)}' data-warnings='{len(warnings_)}'>{html.escape(kind)} "
            f"<b style='color:{colour}'>{html.escape(shown)}</b></span>: {html.escape(summary or '')}")
    if refused:
        unchecked = "".join(f"<li>{html.escape(str(u))}</li>" for u in refused.get("unchecked") or [])
        line += (f"<div class='isshoni-dash-refusal' style='border-left:4px solid #8e24aa;padding:4px 8px;margin-top:6px'>"
                 f"<b>Auto refused to call the {int(refused.get('green') or 0)}% green step healthy</b>: these checks could not be "
                 f"made, so traffic went back to 100% blue.<ul style='margin:4px 0'>{unchecked}</ul>"
                 f"Tick <i>walk on unchecked steps</i> to walk on without them.</div>")
    if warnings_:
        items = "".join(f"<li>{html.escape(str(x))}</li>" for x in warnings_)
        line += f"<details class='isshoni-dash-warnings'><summary>{len(warnings_)} warnings</summary><ul>{items}</ul></details>"
    return line


class Dashboard:
    """`Dashboard(folder).view` is the whole page; `folder` holds the designs (default: $ISSHONI_DASHBOARD_DIR or here)."""

    def __init__(self, folder: str | Path | None = None, *, template: str | None = DEFAULT_TEMPLATE,
                 engine: str = "cloudformation", live: bool | None = None):
        self.folder = Path(folder or os.environ.get("ISSHONI_DASHBOARD_DIR") or ".").resolve()
        self.engine, self.live = engine, live
        self.design = None
        self.diagram = None
        self.history = WeightHistory()
        self._handle = None
        self._shape = None
        self._checks = 0
        self._timer: threading.Timer | None = None
        self._busy = threading.Lock()
        self._build()
        if template:
            self.open(template)

    # ------------------------------------------------------------ layout
    def _build(self) -> None:
        self.picker = w.Dropdown(description="Design", layout=w.Layout(width="340px"))
        self._list_designs()
        self.open_button = w.Button(description="Open", icon="folder-open",
                                    tooltip="open the design file; a template is copied into the folder the first time")
        self.open_button.on_click(lambda _b: self.open(self.picker.value))
        self.status = w.HTML()
        self.connection = w.HTML()
        self.diagram_box = w.VBox(layout=w.Layout(width="100%", min_height="520px"))
        self.cfn = w.HTML()
        self.terraform = w.HTML()
        self.findings = w.HTML()
        self.check_button = w.Button(description="Check again", icon="check")
        self.check_button.on_click(lambda _b: self._check_async())
        self.cost = w.HTML()
        self.tabs = w.Tab(children=[self.cfn, self.terraform, w.VBox([self.check_button, self.findings]), self.cost])
        for i, title in enumerate(("CloudFormation", "Terraform", "Findings", "Cost")):
            self.tabs.set_title(i, title)

        self.engine_picker = w.Dropdown(options=[("CloudFormation", "cloudformation"), ("Terraform", "terraform")],
                                        value=self.engine, description="Engine", layout=w.Layout(width="240px"))
        self.engine_picker.observe(lambda change: setattr(self, "engine", change["new"]), names="value")
        self.deploy_button = w.Button(description="Deploy", button_style="primary", icon="cloud-upload")
        self.deploy_button.on_click(lambda _b: self.deploy())
        self.destroy_button = w.Button(description="Destroy", button_style="danger", icon="trash")
        self.destroy_button.on_click(lambda _b: self.destroy())
        self.progress = w.IntProgress(value=0, min=0, max=1, description="", layout=w.Layout(width="100%"))
        self.job_status = w.HTML("no job yet")
        self.outputs = w.HTML()
        self.events = w.HTML()

        self.canary_buttons = {}
        for green in canary_mod.AUTO_STEPS:
            b = w.Button(description=f"{green}% green", tooltip=f"{100 - green}% blue / {green}% green",
                         layout=w.Layout(width="auto"))
            b.on_click(lambda _b, g=green: self.canary(g))
            self.canary_buttons[green] = b
        self.auto_button = w.Button(description="Auto 10→100", tooltip="walk 10 → 50 → 90 → 100, rolling back on a failed check",
                                    layout=w.Layout(width="auto"))
        self.auto_button.on_click(lambda _b: self.canary(auto=True))
        self.accept_unchecked = w.Checkbox(value=False, indent=False, description="walk on unchecked steps",
                                           tooltip="let Auto go on when a step's health or alarms cannot be checked "
                                                   "(the sandbox runs no containers and has no metrics)",
                                           layout=w.Layout(width="auto"))
        self.rollback_button = w.Button(description="Rollback", button_style="warning", icon="undo",
                                        tooltip="100% blue at once (one API call)")
        self.rollback_button.on_click(lambda _b: self.rollback())
        self.weights = w.HTML()
        self.chart = w.Image(format="png", layout=w.Layout(width="100%", max_width="620px"))

        for widget, name in ((self.picker, "picker"), (self.open_button, "open"), (self.status, "status"), (self.connection, "connection"),
                             (self.deploy_button, "deploy"), (self.destroy_button, "destroy"), (self.progress, "progress"),
                             (self.job_status, "job-status"), (self.events, "events"), (self.outputs, "outputs"), (self.auto_button, "canary-auto"),
                             (self.rollback_button, "rollback"), (self.weights, "weights"), (self.chart, "chart"),
                             (self.accept_unchecked, "accept-unchecked"),
                             (self.findings, "findings"), (self.cfn, "cloudformation"), (self.terraform, "terraform")):
            widget.add_class(f"isshoni-dash-{name}")
        for green, b in self.canary_buttons.items():
            b.add_class(f"isshoni-dash-canary-{green}")

        header = w.HBox([w.HTML("<h2 style='margin:0 16px 0 0'>Isshoni</h2>"), self.picker, self.open_button, self.status],
                        layout=w.Layout(align_items="center"))
        body = w.HBox([w.Box([self.diagram_box], layout=w.Layout(flex="3 1 0", min_width="0")),
                       w.Box([self.tabs], layout=w.Layout(flex="2 1 0", min_width="0"))])
        deploy = w.VBox([w.HTML("<h3>Deploy (sandbox)</h3>"), w.HBox([self.engine_picker, self.deploy_button, self.destroy_button]),
                         self.progress, self.job_status, self.outputs, self.events], layout=w.Layout(flex="1 1 0", min_width="0"))
        canary = w.VBox([w.HTML("<h3>Blue/green canary</h3>"),
                         w.HBox([*self.canary_buttons.values(), self.auto_button, self.accept_unchecked, self.rollback_button],
                                layout=w.Layout(flex_flow="row wrap")),
                         self.weights, self.chart], layout=w.Layout(flex="1 1 0", min_width="0"))
        self.view = w.VBox([header, self.connection, body, w.HBox([deploy, canary])])
        self._set_buttons()

    def _list_designs(self, selected: str | None = None) -> None:
        """The folder's designs, then the templates (a template already copied shows as its file)."""
        files = sorted(p.name for p in self.folder.glob(f"*{SUFFIX}"))
        options = [(name, name) for name in files]
        options += [(f"template: {n.replace('_', ' ')}", n) for n in templates.names() if f"{n}{SUFFIX}" not in files]
        self.picker.options = options
        values = [v for _label, v in options]
        for candidate in (selected, f"{DEFAULT_TEMPLATE}{SUFFIX}", DEFAULT_TEMPLATE):
            if candidate in values:
                self.picker.value = candidate
                break

    # ------------------------------------------------------------ the design
    def open(self, name: str) -> None:
        """Open a design of the folder (`x.infra.json`) or a template (copied to `<folder>/<template>.infra.json`
        the first time, opened from there afterwards, so edits stay)."""
        import isshoni

        self._leave()
        path = self.folder / (name if name.endswith(SUFFIX) else f"{name}{SUFFIX}")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                if path.exists() or name.endswith(SUFFIX):
                    self.design = isshoni.open(path, live=self.live)
                else:
                    try:
                        self.design = isshoni.open_template(name, path, live=self.live)
                    except FileExistsError:  # another kernel copied it a moment ago (Voila runs the notebook
                        self.design = isshoni.open(path, live=self.live)  # in a pre-started kernel too): open that copy
            except Exception as exc:  # a wrong token, a gone server ...: say it on the page
                self.design = None
                self.status.value = f"<span style='color:#c62828'>cannot open {html.escape(path.name)}: {html.escape(str(exc))}</span>"
                self._set_buttons()
                return
        mode = (f"live in the room at {html.escape(self.design.url)}" if getattr(self.design, "live", False)
                else "a file (no Jupyter server found: edits are saved to the file)")
        notes = "".join(f" <i>{html.escape(str(c.message))}</i>" for c in caught if "offline" not in str(c.message))
        self.status.value = f"<b>{html.escape(path.name)}</b>: {mode}{notes}"
        self.connection.value = ""
        self._list_designs(selected=path.name)
        from ..widget import DesignWidget

        self.diagram = DesignWidget(self.design, height="520px")
        self.diagram_box.children = [self.diagram]
        self._handle = self.design.observe(self._on_change)
        self._shape = None
        self.history = WeightHistory()
        self._read_weights()
        self._show_outputs()
        self._refresh_code()
        self._check_async()
        self._set_buttons()
        if getattr(self.design, "live", False):
            threading.Thread(target=self._watch_connection, args=(self.design,), name="isshoni-dashboard-link",
                             daemon=True).start()

    def _watch_connection(self, design) -> None:
        """Say on the page when the room is lost and when it is back (the kernel reconnects by itself)."""
        shown = "connected"
        while self.design is design and design.status != "closed":
            status = design.status
            if status != shown:
                shown = status
                self.connection.value = ("" if status == "connected" else
                                         f"<span style='color:#c62828'>{html.escape(status)}: "
                                         f"{html.escape(design.last_error or 'the Jupyter server does not answer')}; "
                                         "edits are kept and sent when it is back</span>")
            time.sleep(0.5)

    def _leave(self) -> None:
        if self.design is not None and self._handle is not None:
            self.design.unobserve(self._handle)
        if self.diagram is not None:
            self.diagram.close()
        self.design = self.diagram = self._handle = None

    def _on_change(self, *_args) -> None:
        """Called on every change (from the room's thread): regenerate a moment later, once."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(0.3, self._refresh_code)
        self._timer.daemon = True
        self._timer.start()

    def _refresh_code(self) -> None:
        design = self.design
        if design is None:
            return
        data = design.to_dict()
        shape = _shape(data)
        if shape == self._shape:
            return  # only positions moved
        first, self._shape = self._shape is None, shape
        try:
            self.cfn.value = _pre(design.generate("cloudformation").text)
            self.terraform.value = _pre(design.generate("terraform").text)
        except Exception as exc:  # a half-drawn design may not compile: show why, keep the page
            message = f"<span style='color:#c62828'>cannot generate: {html.escape(str(exc))}</span>"
            self.cfn.value = self.terraform.value = message
        try:
            from ..cost.render import html_table

            self.cost.value = html_table(design.cost())
        except Exception as exc:  # a half-drawn design: say why, keep the page
            self.cost.value = f"<p>cannot estimate: {html.escape(str(exc))}</p>"
        if not first:  # (opening runs its own check)
            self._check_async()

    def _check_async(self) -> None:
        design = self.design
        if design is None:
            return
        self.findings.value = "<i>checking (graph rules, cfn-lint) ...</i>"
        self._checks += 1
        ticket = self._checks

        def run():
            try:
                found = design.check(CHECK_TOOLS)
            except Exception as exc:
                found = exc
            if ticket != self._checks or design is not self.design:
                return  # a newer check (or another design) owns the panel
            if isinstance(found, Exception):
                self.findings.value = f"<span style='color:#c62828'>check failed: {html.escape(str(found))}</span>"
                return
            self.findings.value = found._repr_html_()
            if self.diagram is not None:
                self.diagram.show_findings(found)

        threading.Thread(target=run, name="isshoni-dashboard-check", daemon=True).start()

    # ------------------------------------------------------------ jobs (what the buttons do; also for scripts)
    def deploy(self) -> None:
        """Deploy (or update) the open design to the sandbox, in the background."""
        self._start("deploy")

    def destroy(self) -> None:
        self._start("destroy")

    def canary(self, green: int | None = None, *, auto: bool = False) -> None:
        """One step to `green` % green, or the automatic walk 10 -> 50 -> 90 -> 100 (which refuses steps it
        cannot check unless "walk on unchecked steps" is ticked)."""
        options = {"accept_unchecked": True} if auto and self.accept_unchecked.value else {}
        self._start("canary", green=None if auto else green, auto=auto, **options)

    def rollback(self) -> None:
        self._start("rollback")

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the running job (if any) to end; False on timeout."""
        if not self._busy.acquire(timeout=-1 if timeout is None else timeout):
            return False
        self._busy.release()
        return True

    def close(self) -> None:
        """Leave the design (and its room)."""
        design = self.design
        self._leave()
        if design is not None and hasattr(design, "close"):
            design.close()

    def _deployment(self) -> dict:
        design = self.design.snapshot()
        return DeploymentState("sandbox", design.region, design.name).load()

    def _has_canary(self) -> bool:
        try:
            return bool(canary_mod.plans(resolve(self.design.snapshot())))
        except Exception:  # noqa: BLE001 - an unfinished design simply has no canary yet
            return False

    def _set_buttons(self) -> None:
        running = self._busy.locked()
        opened = self.design is not None
        deployed = opened and self._deployment().get("status") == "deployed"
        canary = deployed and self._has_canary()
        self.deploy_button.disabled = running or not opened
        self.destroy_button.disabled = running or not deployed
        self.open_button.disabled = self.picker.disabled = self.engine_picker.disabled = running
        for b in (*self.canary_buttons.values(), self.auto_button, self.rollback_button):
            b.disabled = running or not canary

    def _read_weights(self) -> None:
        """The live weights as the last job left them (a deploy keeps them: they are sticky)."""
        entries = (self._deployment().get("canary") or {}) if self.design is not None else {}
        for entry in entries.values():
            weights = entry.get("weights") or {}
            if weights.get("blue") is not None and weights.get("green") is not None:
                self.history.add(weights["blue"], weights["green"])
                break
        self._draw_weights()

    def _show_outputs(self) -> None:
        """The deployment's outputs (URLs, names, ids): live from the sandbox, else as last recorded."""
        try:
            found = self.design.outputs() if self.design is not None else {}
        except ValueError:  # not deployed
            found = {}
        values = found.get("outputs") or {}
        if not values:
            self.outputs.value = ""
            return
        rows = "".join(f"<tr><td><code>{html.escape(str(k))}</code></td><td style='text-align:left'>{html.escape(str(v))}</td></tr>"
                       for k, v in sorted(values.items()))
        note = "" if found.get("live") else " <i>(as recorded: the sandbox does not answer)</i>"
        self.outputs.value = (f"<details open><summary>Outputs ({len(values)}){note}</summary>"
                              f"<div style='max-height:200px;overflow:auto'><table>{rows}</table></div></details>")

    def _draw_weights(self) -> None:
        current = self.history.current
        self.weights.value = (f"<b>{current[0]}% blue / {current[1]}% green</b>" if current
                              else "<i>deploy first: the canary needs a live listener rule</i>")
        self.chart.value = png(self.history)

    def _start(self, kind: str, **options) -> None:
        if self.design is None or not self._busy.acquire(blocking=False):
            return
        self._set_buttons()
        self.progress.value, self.progress.max, self.progress.bar_style = 0, 1, "info"
        self.job_status.value = f"{kind}: starting ..."
        self.events.value = ""
        try:
            if kind == "deploy":
                job = self.design.deploy(engine=self.engine, wait=False, progress=False)
            elif kind == "destroy":
                job = self.design.destroy(wait=False, progress=False)
            else:
                job = self.design.canary(rollback=kind == "rollback", wait=False, progress=False, **options)
        except Exception as exc:  # a precondition (not deployed ...) before any job exists
            self._finish(kind, "failed", str(exc))
            return

        def on_event(event: dict) -> None:
            if event.get("type") == "done":
                self._finish(kind, job.state, job.summary, job)
                return
            if job.progress:
                done, total = job.progress
                self.progress.max, self.progress.value = max(total, 1), min(done, total)
            text = str(event.get("message", ""))
            # from the job's own list: the events before this subscription are not lost
            self.events.value = _pre("\n".join(f"{e.get('t', ''):>6}  {e.get('type', '')}: {e.get('message', '')}"
                                               for e in job.events[-EVENT_LINES:]))
            self.job_status.value = f"{kind}: {html.escape(text[:120])}"
            if event.get("type") in ("canary", "rollback") and "green" in event and event.get("ok"):
                self.history.add(100 - int(event["green"]), int(event["green"]))
                self._draw_weights()

        job.subscribe(on_event)

    def _finish(self, kind: str, state: str, summary: str, job=None) -> None:
        """Weights, outputs and the bar first, the final state line last: when it says done, the page is."""
        ok = state == "succeeded"
        weights = (job.result.get("weights") if job is not None and job.job is not None else None) or {}
        if weights.get("blue") is not None:
            self.history.add(weights["blue"], weights["green"])
            self._draw_weights()
        elif kind == "deploy" and ok:
            self._read_weights()
        if kind in ("deploy", "destroy"):
            self._show_outputs()
        self.progress.bar_style = "success" if ok else "danger"
        if ok:
            self.progress.value = self.progress.max
        self.job_status.value = _status_line(kind, state, summary, job.record() if job is not None else {})
        self._busy.release()
        self._set_buttons()
