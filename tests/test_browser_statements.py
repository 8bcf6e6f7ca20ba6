"""Browser tests never hand a cytoscape object back to Playwright (a fast source check).

`page.evaluate("cy.center(...)")` returns the core (cytoscape's calls chain), and Playwright
serializes what an expression returns: its caches took the renderer's heap to 3 GB in one call
and crashed it now and then (V8 out of memory, "Target crashed").  Calls that move the view go
through `browser.run`, which returns nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# an evaluated expression (or an arrow function's expression body) that is a chaining cytoscape call
CHAINING = re.compile(
    r"""\.evaluate\(\s*f?["'](?:\([^)]*\)\s*=>\s*)?(?:\{CY\}|cy)\."""
    r"""(?:center|fit|animate|panBy|viewport|resize|add|remove|style|zoom\(\s*[^)\s]|pan\(\s*[^)\s])"""
)


def offending(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if CHAINING.search(line)]


def test_the_check_catches_a_returned_core():
    assert offending("""page.evaluate(f"{CY}.center({CY}.getElementById('vpc'))")""")
    assert offending("""page.evaluate(f"(id) => {CY}.fit({CY}.getElementById(id))", rid)""")
    assert offending("""page.evaluate("cy.zoom(2.5)")""")
    assert not offending("""page.evaluate(f"{CY}.zoom()")""")
    assert not offending("""run(page, f"{CY}.center({CY}.getElementById('vpc'))")""")


def test_no_browser_test_or_benchmark_returns_a_cytoscape_object():
    found = {}
    for folder in ("tests", "benchmarks"):
        for path in sorted((ROOT / folder).glob("*.py")):
            if path.name == Path(__file__).name:
                continue
            lines = offending(path.read_text(encoding="utf-8"))
            if lines:
                found[str(path.relative_to(ROOT))] = lines
    assert not found, f"use browser.run for calls that return cytoscape objects: {found}"
