"""Deploying chat_canary from the canvas, seen by everyone (issue 16, item 1), in real Chromium.

User A opens the Deploy tab from the toolbar, previews the change set, deploys to the moto
sandbox; A and B both see per-node progress (outlines on the canvas nodes) and the outputs; A
walks the canary to 100 % green and rolls back from the canvas, then destroys after typing the
design's name.  A third user, whom the server's authorizer refuses `execute` on `isshoni:deploy`
(tests/deploy_roles.py, configured as the server's `authorizer_class`), follows the same job and
outputs but has no buttons.  One deploy (about a minute against moto).  Screenshots of each step
go to test-artifacts/deploy-*.png.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from browser import LAB_ARGS, chromium, open_design, screenshot, this_checkout
from deploy_roles import OPTION, ROLE_COOKIE
from rooms import isshoni_server
from sandbox import running_sandbox

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
PATH = "chat.infra.json"
CY = "document.querySelector('.isshoni-Canvas').cy"
PANEL = ".isshoni-DeployPanel"
HEAD = f"{PANEL} .isshoni-DeployLog-head"
ACTIONS = f"{PANEL} .isshoni-DeployControls button, {PANEL} .isshoni-DeployCanary button"
JOB_S = 600


def _watch_statuses(page) -> None:
    """Record every deploy status class any node shows, polled every 100 ms (read with `_statuses`)."""
    page.evaluate("""(cy) => {
      window.__deploySeen = new Set();
      const canvas = new Function('return ' + cy);
      setInterval(() => { for (const n of canvas().nodes()) { for (const c of n.classes()) {
        if (c.startsWith('deploy-')) { window.__deploySeen.add(c.slice(7)); } } } }, 100);
    }""", CY)


def _statuses(page) -> set[str]:
    return set(page.evaluate("() => [...window.__deploySeen]"))


def _node_class(page, node: str) -> list[str]:
    return page.evaluate(f"() => {CY}.getElementById('{node}').classes().filter(c => c.startsWith('deploy-'))")


def _head_says(page, *words: str) -> None:
    condition = " && ".join(f"t.includes({w!r})" for w in words)
    page.wait_for_function(f"() => {{ const t = document.querySelector({HEAD!r})?.textContent ?? ''; return {condition}; }}",
                           timeout=JOB_S * 1000)


def _weights(page, text: str) -> None:
    page.wait_for_function(f"() => (document.querySelector('{PANEL} .isshoni-DeployCanary-weights')?.textContent ?? '')"
                           f".includes({text!r})", timeout=JOB_S * 1000)


def _shot(page, name: str, part: str | None = None) -> None:
    """A screenshot with `part` of the panel scrolled into view."""
    if part:
        page.locator(f"{PANEL} {part}").first.scroll_into_view_if_needed()
    screenshot(page, name)


def _open_tab(page) -> None:
    page.locator(".isshoni-DeployButton button").first.click()
    page.wait_for_selector(f"{PANEL}:visible")


def test_deploy_chat_canary_from_the_canvas(tmp_path):
    root = tmp_path / "work"
    root.mkdir()
    shutil.copy(ROOT / "templates" / "chat_canary.infra.json", root / PATH)
    old = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (old, str(Path(__file__).parent)) if p)
    try:
        with running_sandbox(tmp_path / "state"), \
                isshoni_server(root, tmp_path, *LAB_ARGS, OPTION, this_checkout(tmp_path), lab=True) as (base, token), chromium() as browser:
            host = base.split("//")[1].split(":")[0]
            a = open_design(browser, base, token, PATH)
            b = open_design(browser, base, token, PATH)
            viewer = open_design(browser, base, token, PATH,
                                 cookies=[{"name": ROLE_COOKIE, "value": "viewer", "domain": host, "path": "/"}])
            pages = (a, b, viewer)
            for page in pages:
                page.wait_for_function(f"{CY}.nodes().length >= 22")
                _open_tab(page)
                _watch_statuses(page)
            # ---- who may act: A and B have buttons, the viewer a note and none
            a.wait_for_selector(f"{PANEL} .isshoni-DeployControls-deploy")
            viewer.wait_for_selector(f"{PANEL} .isshoni-DeployPanel-note:has-text('deployer role')")
            assert viewer.locator(ACTIONS).count() == 0
            screenshot(a, "deploy-1-panel-a")
            screenshot(viewer, "deploy-1-panel-viewer")

            # ---- preview: CloudFormation's change set, as a diff
            a.click(f"{PANEL} .isshoni-DeployControls-preview")
            a.wait_for_selector(f"{PANEL} .isshoni-DeployPreview-summary:has-text('Add')", timeout=120_000)
            assert a.locator(f"{PANEL} .isshoni-DeployPreview-diff .isshoni-mod-add").count() > 100
            _shot(a, "deploy-2-preview-a", ".isshoni-DeployPreview")

            # ---- deploy from A; everyone sees the nodes move and the outputs
            a.click(f"{PANEL} .isshoni-DeployControls-deploy")
            b.wait_for_function(f"() => {CY}.nodes('.deploy-creating, .deploy-done').length > 0", timeout=120_000)
            screenshot(b, "deploy-3-progress-b")
            for page in pages:
                _head_says(page, "deploy to sandbox", "succeeded")
            for page in pages:
                assert {"creating", "done"} <= _statuses(page), _statuses(page)
                assert _node_class(page, "alb") == ["deploy-done"] and _node_class(page, "errors_5xx") == ["deploy-skipped"]
                assert page.locator(f"{PANEL} .isshoni-DeployOutputs tr").count() > 0
            assert a.locator(f"{PANEL} .isshoni-DeployCanary-auto:visible").count() == 1
            assert viewer.locator(f"{PANEL} .isshoni-DeployCanary-weights:visible").count() == 1  # the viewer follows
            assert viewer.locator(ACTIONS).count() == 0  # ... and acts on nothing (copying outputs is fine)
            _shot(a, "deploy-4-deployed-a", ".isshoni-DeployOutputs")
            _shot(b, "deploy-4-deployed-b", ".isshoni-DeployOutputs")
            _shot(viewer, "deploy-4-deployed-viewer", ".isshoni-DeployCanary")

            # ---- canary: the walk to 100 % green, then rollback, both from A's canvas, seen by B
            a.check(f"{PANEL} .isshoni-DeployCanary-unchecked")
            a.click(f"{PANEL} .isshoni-DeployCanary-auto")
            for page in (a, b):
                _weights(page, "now 0% blue / 100% green")
            _shot(b, "deploy-5-canary-100-b", ".isshoni-DeployCanary")
            a.click(f"{PANEL} .isshoni-DeployCanary-rollback")
            for page in (a, b):
                _weights(page, "now 100% blue / 0% green")
            _shot(a, "deploy-6-rolled-back-a", ".isshoni-DeployCanary")

            # ---- destroy: the button waits for the exact name
            a.click(f"{PANEL} .isshoni-DeployControls-destroy")
            dialog = a.locator(".jp-Dialog")
            dialog.locator("input.isshoni-DestroyConfirm-name").fill("chat canary")
            assert dialog.locator("button.jp-mod-warn").is_disabled()
            screenshot(a, "deploy-7-confirm-a")
            dialog.locator("input.isshoni-DestroyConfirm-name").fill("chat_canary")
            dialog.locator("button.jp-mod-warn").click()
            for page in pages:
                _head_says(page, "destroy", "succeeded")
                page.wait_for_function(f"() => {CY}.nodes('[class*=\"deploy-\"]').filter(n => !n.hasClass('deploy-skipped')).length === 0")
                assert page.locator(f"{PANEL} .isshoni-DeployOutputs").is_hidden()
            _shot(b, "deploy-8-destroyed-b", ".isshoni-DeployLog")
            for page in pages:
                assert page.errors == [], page.errors
    finally:
        os.environ["PYTHONPATH"] = old
