"""Open a 1,000-resource design on the canvas in Chromium.

Prints the time from navigation to the first painted frame with every node
on the canvas, and the time of an automatic (ELK) layout of the whole
design, written back to the shared document.  Uses the real stack: a
Jupyter server with collaboration, the built extension, Debian chromium.

    python benchmarks/bench_canvas.py [--size 1000] [--repeat 3]
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
from servers import jupyter  # noqa: E402

CY = "(window.isshoniCanvases ? [...window.isshoniCanvases][0] : document.querySelector('.isshoni-Canvas').cy)"

FIRST_PAINT = """async (n) => {
  const cy = () => CY;
  return await new Promise(resolve => {
    const poll = () => {
      const c = cy();
      if (c && c.nodes().length >= n) {
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    design = positioned(args.size)
    n = len(design.resources)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        root = tmp_path / "work"
        root.mkdir()
        design.save(root / "big.infra.json")
        paints, layouts = [], []
        with jupyter(root, tmp_path, *LAB_ARGS) as (base, token), chromium() as browser:
            for _ in range(args.repeat):
                page = open_design(browser, base, token, "big.infra.json", timeout=300_000)
                paints.append(page.evaluate(FIRST_PAINT, n) / 1000)
                layouts.append(page.evaluate(LAYOUT) / 1000)
                page.context.close()
    print(f"canvas: {n} resources, {len(design.connections)} connections, {args.repeat} runs (median)")
    print(f"  navigation -> first paint with every node : {statistics.median(paints):6.2f} s  (runs: {', '.join(f'{p:.2f}' for p in paints)})")
    print(f"  ELK layout of the design, written back    : {statistics.median(layouts):6.2f} s  (runs: {', '.join(f'{p:.2f}' for p in layouts)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
