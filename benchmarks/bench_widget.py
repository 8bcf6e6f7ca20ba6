"""The notebook widget, live, in Voila and Chromium: how fast the picture follows the room
and the room follows a drag.

A real Jupyter server with collaboration holds the design; Voila runs a kernel that
joins its room (`isshoni.open`) and shows `DesignWidget`; a Python room client edits.
Prints: page navigation -> every node drawn; room edit -> node drawn in the page
(median/p95 of N edits); mouse release -> position in the room (median of M drags).

    python benchmarks/bench_widget.py [--sizes 22,300] [--edits 20] [--drags 8]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from bench_compile import synthetic  # noqa: E402
from isshoni import templates  # noqa: E402
from rooms import isshoni_server, joined, until  # noqa: E402
from voila import CY, drag_node, notebook_with, voila, wait_node, widget_page  # noqa: E402

CELL = """
import isshoni
from isshoni.widget import DesignWidget
design = isshoni.open("bench.infra.json", live=True)
design.wait_connected(30)
DesignWidget(design, height="700px")
"""

# the page stamps (Date.now) each node as cytoscape adds it
STAMP_ADDS = f"() => {{ window.addedAt = {{}}; {CY}.on('add', 'node', e => {{ window.addedAt[e.target.id()] = Date.now(); }}); }}"


def _design(n: int):
    return templates.load("chat_canary") if n <= 22 else synthetic(n)


async def _measure(base: str, token: str, voila_base: str, n: int, edits: int, drags: int) -> dict:
    async with joined(base, token, "bench.infra.json") as doc:
        ids = list(doc.to_dict()["resources"])
        async with widget_page(voila_base + "/") as page:
            await page.wait_for_function(f"(n) => {CY}.nodes().length >= n", arg=len(ids), timeout=120_000)
            load_s = await page.evaluate("performance.now()") / 1000  # from the page's navigation (not the browser's start)
            await page.evaluate(STAMP_ADDS)
            edit_ms = []
            for i in range(edits):
                design = doc.design()
                design.add("sqs_queue", f"bench_q{i}", position={"x": 140 * i, "y": -300})
                sent = time.time()
                doc.apply(design.data)
                await wait_node(page, f"bench_q{i}", timeout=15_000)
                drawn = await page.evaluate("(id) => window.addedAt[id]", f"bench_q{i}")
                edit_ms.append(drawn - sent * 1000)
            leaves = [rid for rid, r in doc.to_dict()["resources"].items() if not r.get("parent") and rid.startswith("bench_q")]
            drag_ms = []
            for i in range(drags):
                rid = leaves[i % len(leaves)]
                before = doc.to_dict()["resources"][rid]["position"]
                released: list[float] = []
                await drag_node(page, rid, 25 + 5 * i, 15, on_release=lambda released=released: released.append(time.time()))
                if not await until(lambda rid=rid, before=before: doc.to_dict()["resources"][rid]["position"] != before,
                                   timeout=15, step=0.002):
                    raise RuntimeError(f"dragging {rid} never reached the room")
                drag_ms.append((time.time() - released[0]) * 1000)
    return {"nodes": len(ids), "load_s": load_s, "edit_ms": edit_ms, "drag_ms": drag_ms}


def run(n: int, edits: int, drags: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        root = tmp / "root"
        root.mkdir()
        _design(n).save(root / "bench.infra.json")
        notebook = notebook_with(root, CELL)
        with isshoni_server(root, tmp) as (base, token), \
                voila(notebook, root, tmp, ISSHONI_SERVER_URL=base, ISSHONI_SERVER_TOKEN=token) as voila_base:
            return asyncio.run(_measure(base, token, voila_base, n, edits, drags))


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="22,300")
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--drags", type=int, default=8)
    args = parser.parse_args()
    print("| resources | Voila page -> all nodes drawn | room edit -> drawn p50 / p95 | drag -> in the room p50 / max |")
    print("|---:|---:|---:|---:|")
    for n in (int(s) for s in args.sizes.split(",")):
        r = run(n, args.edits, args.drags)
        print(f"| {r['nodes']} | {r['load_s']:.2f} s | {statistics.median(r['edit_ms']):.0f} / {_p95(r['edit_ms']):.0f} ms "
              f"| {statistics.median(r['drag_ms']):.0f} / {max(r['drag_ms']):.0f} ms |", flush=True)


if __name__ == "__main__":
    main()
