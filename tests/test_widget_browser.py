"""The notebook widget in a real page: Voila renders it in Chromium, a node is dragged with
the mouse, and the kernel's design (Python) gets the new position through `move`."""

from __future__ import annotations

import json
import time
from pathlib import Path

import nbformat
import pytest

from browser import chromium, screenshot
from isshoni import templates
from voila import page_errors, voila

pytestmark = pytest.mark.browser

CELL = """
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


def _notebook(folder: Path, source: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "widget.ipynb"
    nbformat.write(nb, path)
    return path


def _drag(page, node_id: str, dx: float, dy: float) -> dict:
    """Drag a node with real mouse events; returns its model position in the page afterwards."""
    box = page.evaluate(
        """(id) => {
            const host = document.querySelector('.isshoni-widget');
            const r = host.getBoundingClientRect();
            const p = host.cy.getElementById(id).renderedPosition();
            return { x: r.left + p.x, y: r.top + p.y };
        }""",
        node_id,
    )
    page.mouse.move(box["x"], box["y"])
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(box["x"] + dx * i / 10, box["y"] + dy * i / 10)
    page.mouse.up()
    return page.evaluate("(id) => document.querySelector('.isshoni-widget').cy.getElementById(id).position()", node_id)


def test_dragging_a_node_moves_it_in_the_python_design(tmp_path):
    folder = tmp_path / "designs"
    folder.mkdir()
    design_path = folder / "shop.infra.json"
    templates.load("chat_canary").save(design_path)
    # a resource outside every container: dragging it moves only itself
    leaf = next(rid for rid, r in json.loads(design_path.read_text())["resources"].items()
                if not r.get("parent") and r["type"] == "s3_bucket")
    before = json.loads(design_path.read_text())["resources"][leaf]["position"]
    notebook = _notebook(tmp_path, CELL)

    with voila(notebook, folder, tmp_path, ISSHONI_TEST_DESIGN=str(design_path)) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        errors = page_errors(page)
        page.goto(base + "/")
        page.wait_for_selector(".isshoni-widget canvas", timeout=90_000)
        page.wait_for_function(
            "(id) => { const cy = document.querySelector('.isshoni-widget')?.cy; return cy && cy.getElementById(id).nonempty(); }",
            arg=leaf, timeout=30_000,
        )
        drawn = page.evaluate("() => document.querySelector('.isshoni-widget').cy.nodes().length")
        assert drawn == len(json.loads(design_path.read_text())["resources"])
        # the same icons as the canvas: every node has an AWS icon image
        assert page.evaluate(
            "() => document.querySelector('.isshoni-widget').cy.nodes().every(n => String(n.data('icon')).startsWith('data:image/svg+xml'))")
        time.sleep(0.5)  # let the first fit settle
        shown = _drag(page, leaf, 120, 70)
        screenshot(page, "widget-voila-drag")

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            saved = json.loads(design_path.read_text())["resources"][leaf]["position"]
            if saved != before:
                break
            time.sleep(0.1)
        assert saved != before, "the drag never reached the Python design"
        assert saved == {"x": round(shown["x"]), "y": round(shown["y"])}
        assert saved["x"] > before["x"] and saved["y"] > before["y"]
        assert not errors, errors
