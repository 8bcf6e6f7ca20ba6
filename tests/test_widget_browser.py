"""The notebook widget in a real page: Voila renders it in Chromium and nodes are dragged with
the mouse.

- offline: the kernel holds a plain `isshoni.Design`; the drag reaches it through `move`.
- live: the kernel holds `isshoni.open(..., live=True)` joined to the design's room on a real
  Jupyter server; an independent Python room client adds a resource (the widget draws it) and
  sees the dragged position arrive in the shared document.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from isshoni import templates
from rooms import isshoni_server, joined, until
from voila import CY, chromium_page, drag_node, notebook_with, page_screenshot, voila, wait_node, widget_page

pytestmark = pytest.mark.browser

OFFLINE_CELL = """
import os
import isshoni
from isshoni.widget import DesignWidget

path = os.environ["ISSHONI_TEST_DESIGN"]
design = isshoni.Design.load(path)
widget = DesignWidget(design, height="640px")
# what Python holds after each drag, written out so the test (another process) can read it
widget.on_move(lambda rid, x, y: design.save(path))
widget
"""

LIVE_CELL = """
import os
import isshoni
from isshoni.widget import DesignWidget

design = isshoni.open(os.environ["ISSHONI_TEST_DESIGN"], live=True)
assert design.wait_connected(30), design.last_error
DesignWidget(design, height="640px")
"""

def _design(folder: Path) -> tuple[Path, str]:
    """chat_canary in `folder`, and a resource outside every container (dragging it moves only itself)."""
    path = folder / "shop.infra.json"
    templates.load("chat_canary").save(path)
    leaf = next(rid for rid, r in json.loads(path.read_text())["resources"].items()
                if not r.get("parent") and r["type"] == "s3_bucket")
    return path, leaf



def test_dragging_a_node_moves_it_in_the_python_design(tmp_path):
    folder = tmp_path / "designs"
    folder.mkdir()
    design_path, leaf = _design(folder)
    before = json.loads(design_path.read_text())["resources"][leaf]["position"]
    notebook = notebook_with(tmp_path, OFFLINE_CELL)

    async def scenario(base: str) -> tuple[dict, dict]:
        async with widget_page(base + "/") as page:
            await wait_node(page, leaf)
            resources = json.loads(design_path.read_text())["resources"]
            assert await page.evaluate(f"() => {CY}.nodes().length") == len(resources)
            # the canvas's icons: every node carries an AWS architecture icon
            assert await page.evaluate(f"() => {CY}.nodes().every(n => String(n.data('icon')).startsWith('data:image/svg+xml'))")
            shown = await drag_node(page, leaf, 120, 70)
            await page_screenshot(page, "widget-voila-drag")
            saved = await until(lambda: (p := json.loads(design_path.read_text())["resources"][leaf]["position"]) != before and p,
                                timeout=15)
            # zoomed far out, then a double click on the background fits the design again
            box = await page.locator(".isshoni-widget").bounding_box()
            small = await page.evaluate(f"""() => {{ const cy = {CY};
                cy.zoom({{ level: cy.zoom() / 4, renderedPosition: {{ x: cy.width() / 2, y: cy.height() / 2 }} }});
                return cy.zoom(); }}""")
            await page.mouse.dblclick(box["x"] + 5, box["y"] + 5)
            await page.wait_for_function(f"(z) => {CY}.zoom() > 2.5 * z", arg=small)
            # in a VS Code notebook (body classes and --vscode-* colours) the diagram takes the editor's theme
            await page.evaluate("() => { document.body.style.setProperty('--vscode-editor-background', '#123456');"
                                " document.body.classList.add('vscode-dark'); }")
            await page.wait_for_function(f"() => {CY}.nodes('.leaf')[0].style('text-background-color') === 'rgb(18,52,86)'",
                                         timeout=10_000)
            assert not page.errors, page.errors
            return shown, saved

    with voila(notebook, folder, tmp_path, ISSHONI_TEST_DESIGN=str(design_path)) as base:
        shown, saved = asyncio.run(scenario(base))
    assert saved, "the drag never reached the Python design"
    assert saved == {"x": round(shown["x"]), "y": round(shown["y"])}
    assert saved["x"] > before["x"] and saved["y"] > before["y"]


def test_live_widget_follows_the_room_and_writes_drags_into_it(tmp_path):
    folder = tmp_path / "root"
    folder.mkdir()
    design_path, leaf = _design(folder)
    notebook = notebook_with(folder, LIVE_CELL)

    async def scenario(base: str, token: str, voila_base: str) -> None:
        async with joined(base, token, design_path.name) as doc:
            async with widget_page(voila_base + "/") as page:
                await wait_node(page, leaf)
                # an edit from another client of the room appears in the widget
                edited = doc.design()
                edited.add("sqs_queue", "added_from_room", label="Added from the room", position={"x": 40, "y": 40})
                started = time.monotonic()
                doc.apply(edited.data)
                await wait_node(page, "added_from_room", timeout=15_000)
                print(f"room edit drawn in the widget after {time.monotonic() - started:.2f} s")
                # a drag in the widget reaches the shared document (through the kernel's LiveDesign.move)
                before = doc.to_dict()["resources"][leaf]["position"]
                shown = await drag_node(page, leaf, -90, 60)
                moved = await until(lambda: (p := doc.to_dict()["resources"][leaf]["position"]) != before and p, timeout=15)
                await page_screenshot(page, "widget-voila-live")
                assert moved, "the drag never reached the room"
                assert moved == {"x": round(shown["x"]), "y": round(shown["y"])}
                assert moved["x"] < before["x"] and moved["y"] > before["y"]
                assert not page.errors, page.errors

    with isshoni_server(folder, tmp_path) as (base, token):
        with voila(notebook, folder, tmp_path, ISSHONI_TEST_DESIGN=design_path.name,
                   ISSHONI_SERVER_URL=base, ISSHONI_SERVER_TOKEN=token) as voila_base:
            asyncio.run(scenario(base, token, voila_base))


LAB_CELL = """
import isshoni
from isshoni.widget import DesignWidget

design = isshoni.open("shop.infra.json")   # finds the server that started this kernel by itself
print(type(design).__name__, design.wait_connected(30))
DesignWidget(design, height="560px")
"""


def test_widget_in_jupyterlab_joins_the_room_and_writes_drags_into_it(tmp_path):
    from browser import LAB_ARGS

    folder = tmp_path / "root"
    folder.mkdir()
    design_path, leaf = _design(folder)
    notebook_with(folder, LAB_CELL)

    async def scenario(base: str, token: str) -> None:
        async with joined(base, token, design_path.name) as doc:
            async with chromium_page(f"{base}/lab/tree/widget.ipynb?token={token}", width=1500, height=1000) as page:
                await page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
                await page.wait_for_function("() => window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel",
                                             timeout=60_000)
                await page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
                await page.wait_for_selector(".isshoni-widget canvas", timeout=120_000)
                output = await page.inner_text(".jp-OutputArea")
                assert "LiveDesign True" in output, output
                await wait_node(page, leaf)
                before = doc.to_dict()["resources"][leaf]["position"]
                await page.locator(".isshoni-widget").scroll_into_view_if_needed()
                shown = await drag_node(page, leaf, 80, 50)
                moved = await until(lambda: (p := doc.to_dict()["resources"][leaf]["position"]) != before and p, timeout=15)
                await page_screenshot(page, "widget-jupyterlab-live")
                assert moved == {"x": round(shown["x"]), "y": round(shown["y"])}, (before, moved, shown)
                assert not page.errors, page.errors

    with isshoni_server(folder, tmp_path, *LAB_ARGS, lab=True) as (base, token):
        asyncio.run(scenario(base, token))
