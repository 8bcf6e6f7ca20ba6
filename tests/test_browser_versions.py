"""Versions and the diff on the canvas, in real Chromium (issue 20, items 3-4): the design's
folder is a git repository; after three edits the Versions tab compares the live design with git
HEAD and the canvas shows the added node green, the changed one amber and the removed one as a red
ghost, the inspector lists the changed value, the tab shows the Terraform diff.  Then versions are
named from the tab, one restored (one step) and the restore undone.  Screenshots:
test-artifacts/versions-*.png."""

from __future__ import annotations

import json
import time

import pytest

from browser import LAB_ARGS, chromium, open_design, run, screenshot, this_checkout
from gitrepo import committed
from isshoni import templates
from rooms import isshoni_server

pytestmark = pytest.mark.browser

PATH = "net.infra.json"
CY = "document.querySelector('.isshoni-Canvas').cy"
DOC = "document.querySelector('.isshoni-Canvas').isshoniCanvas.ctx.doc"
TAB = ".isshoni-VersionsPanel"


def _classes(page, rid: str) -> list[str]:
    return page.evaluate(f"() => {CY}.getElementById({rid!r}).classes()")


def _open_tab(page) -> None:
    page.locator(".isshoni-SideTabs .lm-TabBar-tab", has_text="Versions").click()
    page.wait_for_selector(f"{TAB}:visible")


def test_diff_against_git_head_versions_restore_and_undo(tmp_path):
    root = tmp_path / "work"
    root.mkdir()
    templates.load("vpc_basic").save(root / PATH)
    committed(root, PATH)
    design = json.loads((root / PATH).read_text())
    vpc = next(r for r, v in design["resources"].items() if v["type"] == "vpc")
    nat = next(r for r, v in design["resources"].items() if v["type"] == "nat_gateway")
    with isshoni_server(root, tmp_path, *LAB_ARGS, this_checkout(tmp_path), lab=True) as (base, token), chromium() as browser:
        page = open_design(browser, base, token, PATH)
        page.evaluate(f"""() => {{
            const doc = {DOC};
            doc.set({vpc!r}, {{flow_log_traffic: 'ALL'}});
            doc.remove({nat!r});
            doc.add('sqs_queue', {{id: 'jobs', label: 'Jobs', position: {{x: 900, y: 200}}}});
        }}""")
        _open_tab(page)

        # ---- compare with git HEAD: the three colours on the canvas
        page.click(f"{TAB} .isshoni-VersionsPanel-head")
        page.wait_for_selector(f"{TAB} .isshoni-VersionsPanel-status:has-text('Since git HEAD')", timeout=60_000)
        status = page.locator(f"{TAB} .isshoni-VersionsPanel-status").text_content()
        assert "1 added" in status and "1 changed" in status and "removed" in status, status
        # the NAT gateway ($37.35) gone, a queue (1M requests x $0.40) added
        assert "Cost: -$36.95/month ($37.35 → $0.40" in status, status
        page.wait_for_function(f"() => {CY}.getElementById('jobs').hasClass('diff-added')")
        assert "diff-changed" in _classes(page, vpc)
        ghost = page.evaluate(f"() => {CY}.nodes('.diff-removed').map(n => n.id())")
        assert any(g.endswith(nat) for g in ghost), ghost
        code = page.locator(f"{TAB} .isshoni-VersionsPanel-code")
        assert code.locator(".isshoni-mod-add").count() > 0 and code.locator(".isshoni-mod-remove").count() > 0
        assert "aws_nat_gateway" in code.text_content()
        run(page, f"{CY}.fit(undefined, 30)")
        screenshot(page, "versions-1-diff-git-head")
        # the inspector lists the changed value of the selected node
        page.locator(".isshoni-SideTabs .lm-TabBar-tab", has_text="Properties").click()
        page.evaluate(f"() => {{ {CY}.elements().unselect(); {CY}.getElementById({vpc!r}).select(); }}")
        page.wait_for_selector(".isshoni-Inspector-diff:has-text('Changed since git HEAD')")
        assert '/properties/flow_log_traffic: (none) → "ALL"' in page.locator(".isshoni-Inspector-diff").text_content()
        screenshot(page, "versions-2-inspector")

        # ---- name two versions from the tab, restore the first, undo the restore
        _open_tab(page)
        page.click(f"{TAB} .isshoni-VersionsPanel-stop")
        page.wait_for_function(f"() => {CY}.nodes('.diff-added, .diff-changed, .diff-removed').length === 0")
        page.fill(f"{TAB} .isshoni-VersionsPanel-name", "v1")
        page.fill(f"{TAB} .isshoni-VersionsPanel-note", "queue added")
        page.click(f"{TAB} .isshoni-VersionsPanel-save")
        page.wait_for_selector(f"{TAB} .isshoni-VersionsPanel-version[data-name='v1']")
        page.evaluate(f"() => {DOC}.remove('jobs')")
        page.fill(f"{TAB} .isshoni-VersionsPanel-name", "v1")
        page.click(f"{TAB} .isshoni-VersionsPanel-save")  # a taken name: said, nothing written
        page.wait_for_selector(f"{TAB} .isshoni-VersionsPanel-status:has-text('already a version named')")
        page.fill(f"{TAB} .isshoni-VersionsPanel-name", "v2")
        page.click(f"{TAB} .isshoni-VersionsPanel-save")
        page.wait_for_selector(f"{TAB} .isshoni-VersionsPanel-version[data-name='v2']")
        page.locator(f"{TAB} .isshoni-VersionsPanel-version[data-name='v1'] .isshoni-VersionsPanel-compare").click()
        page.wait_for_selector(f"{TAB} .isshoni-VersionsPanel-status:has-text('Since version v1: 0 added, 1 removed')", timeout=60_000)
        page.locator(f"{TAB} .isshoni-VersionsPanel-version[data-name='v1'] .isshoni-VersionsPanel-restore").click()
        page.wait_for_function(f"() => {CY}.getElementById('jobs').nonempty()")
        page.wait_for_selector(f"{TAB} .isshoni-VersionsPanel-status:has-text('The design is the same as version v1')", timeout=60_000)
        screenshot(page, "versions-3-restored")
        page.evaluate(f"() => {DOC}.undo()")  # the restore is one step
        page.wait_for_function(f"() => {CY}.getElementById('jobs').empty()")
        versions = page.evaluate(f"() => {DOC}.versions.map(v => v.name)")
        assert versions == ["v1", "v2"]  # undo never takes a version away
        assert not page.errors, page.errors
        deadline = time.monotonic() + 30  # the room's autosave
        while time.monotonic() < deadline and not ('"v2"' in (text := (root / PATH).read_text()) and '"jobs"' not in text.split('"versions"')[0]):
            time.sleep(0.2)
    saved = json.loads((root / PATH).read_text())
    assert sorted(saved["versions"]) == ["v1", "v2"] and "jobs" not in saved["resources"]
    assert saved["versions"]["v1"]["note"] == "queue added" and "jobs" in saved["versions"]["v1"]["design"]["resources"]
