"""Open designs on the canvas in Chromium.

Cold (a fresh page per run, after one untimed first open of the server): the time from
navigation to the first painted frame with every node on the canvas, as the page records it,
with a text file of the design's size opened the same way right after (A B A B); and the time
of an automatic (ELK) layout of the whole design, written back to the shared document.  Warm (JupyterLab already loaded in the page): the time from
opening a design to every node drawn, and the frame times while dragging a node of the
largest design (60 fps is 16.7 ms a frame).  Two peers: a plain page with the same
cytoscape.js (the extension's own copy), the same elements and style taken from the opened
canvas, from creating the graph to its first frames, drawn right after each open (A B A B); and a text file of the same size opened
the same way in JupyterLab's own editor (its document, collaboration room and editor: what any
document costs JupyterLab to open, before anything is drawn).  Each warm open is also timed to
the canvas's first frame with every node (cytoscape's first `render`, as on the plain page) and
split there: when JupyterLab had the document (its room synced: JupyterLab's part of the open
ends there, and only then does it take its spinner off the widget, so the open waits for both)
and when the canvas was made, then drew; the later frames also carry the palette and side
panels, which are built once the canvas is on screen.  Uses the real stack: a Jupyter server
with collaboration, this checkout's extension build, Debian chromium.

    python benchmarks/bench_canvas.py [--sizes 20,1000] [--warm-sizes 20,200,1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from bench_compile import synthetic  # noqa: E402
from browser import LAB_ARGS, chromium, open_design, this_checkout  # noqa: E402
from rooms import isshoni_server  # noqa: E402

CY = "(window.isshoniCanvases ? [...window.isshoniCanvases][0] : document.querySelector('.isshoni-Canvas').cy)"

# Cold milestones, recorded by the page itself from the start of its navigation (an init script):
# taken after the page had loaded, they also counted the harness's own waits (a 3 s wait for
# JupyterLab's news toast put the cold open at 9.5 s when it was under 4 s).  `paint`: two frames
# after READY holds and JupyterLab shows the document; MARKS records the steps before it.
COLD_MARKS = """(() => {
  const marks = window.__benchMarks = {};
  const poll = () => {
    const now = performance.now();
    MARKS
    const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    if ((READY) && w && w.isRevealed) {
      requestAnimationFrame(() => requestAnimationFrame(() => { marks.paint = performance.now(); }));
    } else {
      setTimeout(poll, 10);
    }
  };
  poll();
})();"""


def design_marks(n: int) -> str:
    """A design opened cold: the widget on screen, the document synced, every one of `n` nodes drawn."""
    return COLD_MARKS.replace("MARKS", f"""
    if (!marks.widget && document.querySelector('.isshoni-Canvas')) marks.widget = now;
    let d = null, c = null;
    try {{ d = window.jupyterapp.shell.currentWidget.content.designContext.doc; }} catch (e) {{}}
    try {{ c = {CY}; }} catch (e) {{}}
    if (!marks.synced && d && Object.keys(d.resources).length >= {n}) marks.synced = now;""").replace(
        "READY", f"marks.synced && c && c.nodes().length >= {n}")


def text_marks(needle: str) -> str:
    """A text file opened cold in JupyterLab's editor: its first line (`needle`) shown."""
    return COLD_MARKS.replace("MARKS", "const line = document.querySelector('.cm-content');").replace(
        "READY", f"line && line.textContent.includes({needle!r})")


LAYOUT = """async () => {
  const t0 = performance.now();
  await window.jupyterapp.commands.execute('isshoni:layout');
  return performance.now() - t0;
}"""


def positioned(size: int):
    """The compile benchmark's synthetic design, spread on a grid the way a user would have it."""
    design = synthetic(size)
    cells: dict[str, int] = {}
    for n, (rid, res) in enumerate(sorted(design.resources.items())):
        cell = int("".join(ch for ch in rid if ch.isdigit()) or 0)
        slot = cells.setdefault(str(cell), 0)
        cells[str(cell)] += 1
        col, row = cell % 10, cell // 10
        res["position"] = {"x": col * 700 + (slot % 4) * 150, "y": row * 500 + (slot // 4) * 130 + n % 3}
    return design


ROWS = (
    ("widget", "navigation -> design widget on screen"),
    ("synced", "navigation -> every resource synced into the page"),
    ("paint", "navigation -> first paint with every node"),
    ("text", "navigation -> a text file of the size in the editor"),
    ("layout", "ELK layout of the whole design, written back"),
)


def _cold_open(browser, url: str, script: str, timeout: float) -> tuple:
    """A fresh browser context (no cache, a new Jupyter identity) navigates to `url`; the page's own
    milestones (ms from the start of its navigation) once it has painted, and the page."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.add_init_script(script)
    page.goto(url)
    page.wait_for_function("window.__benchMarks && window.__benchMarks.paint", timeout=timeout, polling=100)
    marks = page.evaluate("window.__benchMarks")
    return page, marks


def measure(size: int, repeat: int) -> tuple[int, dict[str, float]]:
    """Median milestones (seconds) for a design of `size` resources, each run in a fresh context,
    and for a text file of the design's size opened the same way right after it (A B A B)."""
    design = positioned(size)
    n = len(design.resources)
    runs: dict[str, list[float]] = {key: [] for key, _ in ROWS}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        root = tmp_path / "work"
        root.mkdir()
        design.save(root / "big.infra.json")
        text = NEEDLE + "\n" + (root / "big.infra.json").read_text()
        for round_ in range(repeat):  # a fresh file each time: no room left over from the last open
            (root / f"big-{round_}.txt").write_text(text)
        with isshoni_server(root, tmp_path, *LAB_ARGS, this_checkout(tmp_path), lab=True) as (base, token), chromium() as browser:
            # the server's own first use (its worker pools, the extension's imports) is not the page's
            design_url, script = f"{base}/lab/tree/big.infra.json?token={token}", design_marks(n)
            first, marks = _cold_open(browser, design_url, script, 300_000)
            first.context.close()
            first_paint = marks["paint"] / 1000
            for round_ in range(repeat):
                page, marks = _cold_open(browser, design_url, script, 300_000)
                for key in ("widget", "synced", "paint"):
                    runs[key].append(marks[key] / 1000)
                runs["layout"].append(page.evaluate(LAYOUT) / 1000)
                page.context.close()
                page, marks = _cold_open(browser, f"{base}/lab/tree/big-{round_}.txt?token={token}", text_marks(NEEDLE), 300_000)
                runs["text"].append(marks["paint"] / 1000)
                page.context.close()
    return n, {**{key: statistics.median(values) for key, values in runs.items()}, "first": first_paint}


OPEN = """async ([path, arg]) => {
  const t0 = performance.now();
  let synced = NaN;  // JupyterLab has the document (its websocket synced): it reveals the widget then
  window.jupyterapp.commands.execute('docmanager:open', {path, factory: 'FACTORY'}).then(
    w => w.context.ready.then(() => { synced = performance.now() - t0; }));
  return await new Promise(resolve => {
    const poll = () => {
      const w = window.jupyterapp.shell.currentWidget;
      const mine = w && w.context && w.context.path === path ? w : null;
      if (mine && (READY)) {
        requestAnimationFrame(() => requestAnimationFrame(() => resolve([performance.now() - t0, synced, SPLIT])));
      } else {
        setTimeout(poll, 5);
      }
    };
    poll();
  });
}"""
# open a design: every node (arg: how many) drawn and shown (JupyterLab's spinner gone); open a text
# file: its first line (arg) in the editor.  Both say when JupyterLab had the document (synced); a
# design also when its canvas was made and when it first rendered.
WARM_OPEN = OPEN.replace("FACTORY", "Isshoni Canvas").replace(
    "READY", "mine.isRevealed && mine.content.canvas && mine.content.canvas.cy.nodes().length >= arg").replace(
    "SPLIT", "mine.content.canvas.createdAt - t0, mine.content.canvas.createdAt + (mine.content.canvas.paintMs ?? NaN) - t0")
TEXT_OPEN = OPEN.replace("FACTORY", "Editor").replace(
    "READY", "mine.node.querySelector('.cm-content') && mine.node.querySelector('.cm-content').textContent.includes(arg)").replace(
    "SPLIT", "null, null")


NEEDLE = "isshoni-bench-first-line"  # the text file's first line: the editor draws only what is in view

FRAMES = """() => { window.__frames = []; window.__recording = true;
  const tick = t => { if (!window.__recording) return; window.__frames.push(t); requestAnimationFrame(tick); };
  requestAnimationFrame(tick); }"""


def _close_current(page) -> None:
    page.evaluate("() => window.jupyterapp.commands.execute('application:close')")
    page.wait_for_function("!window.jupyterapp.shell.currentWidget || !window.jupyterapp.shell.currentWidget.content.canvas")


def _drag_frames(page, steps: int = 90) -> list[float]:
    """Frame intervals (ms) while the mouse drags a leaf node of the open design across the view."""
    cy = "window.jupyterapp.shell.currentWidget.content.canvas.cy"
    start = page.evaluate(
        f"""() => {{ const cy = {cy}; const n = cy.nodes('.leaf')[Math.floor(cy.nodes('.leaf').length / 2)];
             cy.center(n); const p = n.renderedPosition(); const r = cy.container().getBoundingClientRect();
             return {{x: r.left + p.x, y: r.top + p.y}}; }}"""
    )
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    page.evaluate(FRAMES)
    for i in range(1, steps + 1):
        page.mouse.move(start["x"] + 3 * i, start["y"] + (i % 20))
        page.wait_for_timeout(8)
    frames = page.evaluate("() => { window.__recording = false; return window.__frames; }")
    page.mouse.up()
    page.evaluate("() => window.jupyterapp.shell.currentWidget.content.designContext.doc.undo()")  # leave it as it was
    return [b - a for a, b in zip(frames, frames[1:], strict=False)]


CYTOSCAPE = HERE.parent / "extension" / "node_modules" / "cytoscape" / "dist" / "cytoscape.min.js"
PLAIN_PATH = "/isshoni-bench/plain.html"  # served by the page's own route: same origin as the icons
PLAIN_DRAW = """async ([elements, style]) => {
  const t0 = performance.now();
  const cy = cytoscape({container: document.getElementById('cy'), elements, style, layout: {name: 'preset'},
                        pixelRatio: 'auto', minZoom: 0.03, maxZoom: 4});
  let rendered = NaN;
  cy.one('render', () => { rendered = performance.now() - t0; });
  cy.fit(undefined, 40);
  return await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(() => {
    const ms = performance.now() - t0; cy.destroy(); resolve([ms, rendered]); })));
}"""


SETTLE_MS = 400  # before each timed open or draw: the last close's work done (2 cores: it would compete)


class PlainPage:
    """The plain cytoscape page, kept open beside JupyterLab: it draws a design's elements with the
    canvas's style right after each open of that design (A B A B), so both see the machine alike."""

    def __init__(self, browser, base: str):
        if not CYTOSCAPE.is_file():
            raise RuntimeError(f"{CYTOSCAPE} is missing: run `jlpm install` in extension/")
        self.page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
        html = ("<!doctype html><html><body style='margin:0'><div id='cy' style='width:1600px;height:1000px'></div>"
                f"<script>{CYTOSCAPE.read_text()}</script></body></html>")
        self.page.route(f"{base}{PLAIN_PATH}", lambda route: route.fulfill(status=200, content_type="text/html", body=html))
        self.page.goto(f"{base}{PLAIN_PATH}")

    def draw(self, graph: tuple) -> tuple[float, float]:
        """ms to two frames after drawing `graph` (elements, style), and to its first rendered frame."""
        return tuple(self.page.evaluate(PLAIN_DRAW, list(graph)))

    def close(self) -> None:
        self.page.context.close()


def measure_warm(sizes: list[int], repeat: int) -> tuple[dict[int, float], list[float], dict[int, float], dict[int, float], dict]:
    """Median ms from opening each design (JupyterLab loaded) to every node drawn; drag frame times
    in the largest; the plain page's median ms for the same elements and the median ms of opening a
    text file of the design's size in JupyterLab's editor (each right after each open of the design); per size, the
    median ms from opening to JupyterLab having the document (synced: it shows the widget then), to the
    canvas made, to the first frame shown with every node (its first render, or the reveal if that was
    under JupyterLab's spinner), and the plain page's first frame."""
    opened: dict[int, list[float]] = {}
    splits: dict[int, list[tuple[float, float, float]]] = {}  # open -> (document synced, canvas made, first render)
    texts: dict[int, list[float]] = {}
    graphs: dict[int, tuple] = {}
    plain: dict[int, list[float]] = {}  # the plain page after each open: to two frames after
    plain_first: dict[int, list[float]] = {}  # ... and to its first frame
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        root = tmp_path / "work"
        root.mkdir()
        counts = {}
        for size in sizes:
            design = positioned(size)
            counts[size] = len(design.resources)
            design.save(root / f"d{size}.infra.json")
            for round_ in range(repeat):  # a fresh file each time: no room left over from the last open
                (root / f"t{size}-{round_}.txt").write_text(NEEDLE + "\n" + (root / f"d{size}.infra.json").read_text())
        with isshoni_server(root, tmp_path, *LAB_ARGS, this_checkout(tmp_path), lab=True) as (base, token), chromium() as browser:
            page = open_design(browser, base, token, f"d{sizes[0]}.infra.json", timeout=300_000)
            _close_current(page)  # JupyterLab loaded, no design open
            peer = PlainPage(browser, base)
            for _ in range(repeat):
                for size in sizes:
                    page.wait_for_timeout(SETTLE_MS)
                    ms, synced, made, rendered = page.evaluate(WARM_OPEN, [f"d{size}.infra.json", counts[size]])
                    opened.setdefault(size, []).append(ms)
                    splits.setdefault(size, []).append((synced, made, rendered))
                    if size not in graphs:  # what the canvas drew, for the plain page
                        graphs[size] = tuple(page.evaluate(
                            "() => { const cy = window.jupyterapp.shell.currentWidget.content.canvas.cy;"
                            " return [cy.elements().jsons(), cy.style().json()]; }"))
                    _close_current(page)
                    # the peers right after, each from the same settled state: the plain page, a text file
                    page.wait_for_timeout(SETTLE_MS)
                    ms, rendered = peer.draw(graphs[size])
                    plain.setdefault(size, []).append(ms)
                    plain_first.setdefault(size, []).append(rendered)
                    page.wait_for_timeout(SETTLE_MS)
                    texts.setdefault(size, []).append(page.evaluate(TEXT_OPEN, [f"t{size}-{_}.txt", NEEDLE])[0])
                    page.evaluate("() => window.jupyterapp.commands.execute('application:close')")
            peer.close()
            page.evaluate(WARM_OPEN, [f"d{sizes[-1]}.infra.json", counts[sizes[-1]]])  # to drag in (not timed)
            frames = _drag_frames(page)
    median = statistics.median
    split = {s: (median(a for a, _, _ in v), median(b for _, b, _ in v), median(max(a, c) for a, _, c in v),
                 median(c - b for _, b, c in v), median(plain_first[s])) for s, v in splits.items()}
    return ({s: median(v) for s, v in opened.items()}, frames, {s: median(v) for s, v in plain.items()},
            {s: median(v) for s, v in texts.items()}, split)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,1000", help="design sizes; the first is the peer for ratios")
    parser.add_argument("--warm-sizes", default="20,200,1000", help="designs opened in a loaded JupyterLab ('' skips)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.warm_sizes:
        sizes = [int(s) for s in args.warm_sizes.split(",")]
        opened, frames, plain, texts, split = measure_warm(sizes, args.repeat)
        print(f"canvas in a loaded JupyterLab, median of {args.repeat} opens each; peers: a plain cytoscape page (same elements "
              "and style), and a text file of the same size opened in JupyterLab's editor")
        for size in sizes:
            text = f"   text file in the editor {texts[size]:6.0f} ms ({opened[size] / texts[size]:4.2f}x)" if size in texts else ""
            print(f"  open -> every node drawn, {size:>5} resources: {opened[size]:7.0f} ms   plain page {plain[size]:6.0f} ms"
                  f" ({opened[size] / plain[size]:4.2f}x){text}")
            synced, made, first, drawing, plain_first = split[size]
            print(f"      first frame shown with every node: {first:6.0f} ms   plain page {plain_first:6.0f} ms ({first / plain_first:4.2f}x); "
                  f"JupyterLab had the document (synced) at {synced:5.0f} ms, the canvas was made at {made:5.0f} ms "
                  f"and drew in {drawing:5.0f} ms ({drawing / plain_first:4.2f}x the plain page)")
        if frames:
            ordered = sorted(frames)
            p50, p95 = statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]
            print(f"  dragging a node in the {sizes[-1]}-resource design: {len(frames)} frames, "
                  f"p50 {p50:.1f} ms ({1000 / p50:.0f} fps), p95 {p95:.1f} ms, worst {ordered[-1]:.1f} ms")
    if not args.sizes:
        return 0
    results = [measure(int(size), args.repeat) for size in args.sizes.split(",")]
    peer = results[0][1]
    print(f"canvas in Chromium, median of {args.repeat} runs each (ratio: against {results[0][0]} resources)")
    for key, what in ROWS:
        cells = "  ".join(f"{n:>5}: {m[key]:6.2f} s ({m[key] / peer[key]:4.1f}x)" for n, m in results)
        print(f"  {what:52} {cells}")
    cells = "  ".join(f"{n:>5}: {m['paint'] / m['text']:4.2f}x" for n, m in results)
    print(f"  {'first paint of the design / the text file':52} {cells}")
    cells = "  ".join(f"{n:>5}: {m['first']:6.2f} s" for n, m in results)
    what = "the server's first open (not in the medians)"
    print(f"  {what:52} {cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
