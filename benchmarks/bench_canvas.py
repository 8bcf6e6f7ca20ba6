"""Open a 1,000-resource design on the canvas in Chromium.

Prints the time from navigation to the first painted frame with every node
on the canvas, and the time of an automatic (ELK) layout of the whole
design, written back to the shared document.  Uses the real stack: a
Jupyter server with collaboration, the built extension, Debian chromium.

    python benchmarks/bench_canvas.py [--sizes 20,1000] [--repeat 3]
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
from browser import LAB_ARGS, chromium, open_design  # noqa: E402
from rooms import isshoni_server  # noqa: E402

CY = "(window.isshoniCanvases ? [...window.isshoniCanvases][0] : document.querySelector('.isshoni-Canvas').cy)"

MILESTONES = """async (n) => {
  const cy = () => { try { return CY; } catch (e) { return null; } };
  const doc = () => { try { return window.jupyterapp.shell.currentWidget.content.designContext.doc; } catch (e) { return null; } };
  const marks = {};
  return await new Promise(resolve => {
    const poll = () => {
      const now = performance.now();
      if (!marks.widget && document.querySelector('.isshoni-Canvas')) marks.widget = now;
      const d = doc();
      if (!marks.synced && d && Object.keys(d.resources).length >= n) marks.synced = now;
      const c = cy();
      if (marks.synced && c && c.nodes().length >= n) {
        requestAnimationFrame(() => requestAnimationFrame(() => { marks.paint = performance.now(); resolve(marks); }));
      } else {
        setTimeout(poll, 10);
      }
    };
    poll();
  });
}""".replace("CY", CY)

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
    ("layout", "ELK layout of the whole design, written back"),
)


def measure(size: int, repeat: int) -> tuple[int, dict[str, float]]:
    """Median milestones (seconds) for a design of `size` resources, each run in a fresh context."""
    design = positioned(size)
    n = len(design.resources)
    runs: dict[str, list[float]] = {key: [] for key, _ in ROWS}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        root = tmp_path / "work"
        root.mkdir()
        design.save(root / "big.infra.json")
        with isshoni_server(root, tmp_path, *LAB_ARGS) as (base, token), chromium() as browser:
            for _ in range(repeat):
                page = open_design(browser, base, token, "big.infra.json", timeout=300_000)
                marks = page.evaluate(MILESTONES, n)
                for key in ("widget", "synced", "paint"):
                    runs[key].append(marks[key] / 1000)
                runs["layout"].append(page.evaluate(LAYOUT) / 1000)
                page.context.close()
    return n, {key: statistics.median(values) for key, values in runs.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,1000", help="design sizes; the first is the peer for ratios")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = [measure(int(size), args.repeat) for size in args.sizes.split(",")]
    peer = results[0][1]
    print(f"canvas in Chromium, median of {args.repeat} runs each (ratio: against {results[0][0]} resources)")
    for key, what in ROWS:
        cells = "  ".join(f"{n:>5}: {m[key]:6.2f} s ({m[key] / peer[key]:4.1f}x)" for n, m in results)
        print(f"  {what:52} {cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
