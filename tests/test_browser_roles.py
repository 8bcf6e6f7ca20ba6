"""Roles in the browser, without JupyterHub (named tokens and a role file): bob, a viewer, sees
the design read-only (a banner says why; the palette adds nothing, the chat input and the
inspector's fields are disabled, nodes do not move, and an edit made through the page's own
document is refused before it changes anything), while carol, an editor, edits and alice sees
her edit.  Screenshots: test-artifacts/roles-*.png."""

from __future__ import annotations

import pytest

from browser import LAB_ARGS, chromium, open_design, run, screenshot, this_checkout
from isshoni import templates
from rooms import isshoni_server
from team import team_options

pytestmark = pytest.mark.browser

PATH = "team.infra.json"
CY = "document.querySelector('.isshoni-Canvas').cy"


def _label(page, rid: str) -> str:
    return page.evaluate(f"() => {CY}.getElementById({rid!r}).data('label')")


def test_a_viewer_reads_an_editor_edits(tmp_path):
    root = tmp_path / "work"
    root.mkdir()
    templates.load("vpc_basic").save(root / PATH)
    tokens, options = team_options(tmp_path)
    with isshoni_server(root, tmp_path, *LAB_ARGS, *options, this_checkout(tmp_path), lab=True) as (base, _), chromium() as browser:
        alice = open_design(browser, base, tokens["alice"], PATH)
        bob = open_design(browser, base, tokens["bob"], PATH)
        carol = open_design(browser, base, tokens["carol"], PATH)
        rid = alice.evaluate(f"() => {CY}.nodes().filter(n => n.data('type') === 'vpc')[0].id()")

        # ---- bob: read-only, and told why
        bob.wait_for_selector(".isshoni-ReadOnlyBanner:has-text('you are a viewer on this server')")
        assert alice.locator(".isshoni-ReadOnlyBanner:visible").count() == 0
        assert bob.evaluate("() => document.querySelector('.isshoni-ChatInput').disabled")
        assert not carol.evaluate("() => document.querySelector('.isshoni-ChatInput').disabled")
        assert bob.evaluate("() => [...document.querySelectorAll('.isshoni-PaletteItem')].every(i => !i.draggable)")
        assert bob.evaluate(f"() => {CY}.autoungrabify()") and not carol.evaluate(f"() => {CY}.autoungrabify()")
        run(bob, f"{CY}.getElementById({rid!r}).select()")
        bob.wait_for_selector(".isshoni-Inspector-fields[disabled]")
        screenshot(bob, "roles-1-viewer")
        # an edit through bob's own document (what any part of the page would do) is refused at once
        refused = bob.evaluate(f"""() => {{
            const doc = document.querySelector('.isshoni-Canvas').isshoniCanvas.ctx.doc;
            try {{ doc.setLabel({rid!r}, 'bob was here'); return ''; }} catch (e) {{ return String(e); }}
        }}""")
        assert "read-only" in refused and "viewer" in refused
        assert _label(bob, rid) != "bob was here"

        # ---- carol edits; alice and bob see it
        carol.evaluate(f"""() => document.querySelector('.isshoni-Canvas').isshoniCanvas.ctx.doc.setLabel({rid!r}, "carol's vpc")""")
        for page in (alice, bob):
            page.wait_for_function(f"() => {CY}.getElementById({rid!r}).data('label') === \"carol's vpc\"", timeout=20_000)
        screenshot(alice, "roles-2-owner-sees-editor")
        assert not bob.errors and not carol.errors and not alice.errors, (bob.errors, carol.errors, alice.errors)
