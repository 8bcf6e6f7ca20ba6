"""Debian's chromium driven by Playwright, for browser tests and benchmarks.

Never `playwright install`: the browser is the system package
(scripts/ensure_chromium.sh installs it).  Pages open designs in a real
JupyterLab started by `servers.jupyter`; `--LabApp.expose_app_in_browser`
lets a test run JupyterLab commands (`window.jupyterapp`).
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LAB_ARGS = ("--LabApp.expose_app_in_browser=True", "--YDocExtension.document_save_delay=0.5", "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def this_checkout(tmp: Path) -> str:
    """A Jupyter server option that serves this checkout's labextension (kernels_helpers/isshoni/
    labextension, built by `jlpm build:prod` in extension/) instead of the one installed in the
    environment: `extra_labextensions_path` is searched before the data folders."""
    built = Path(__file__).resolve().parents[1] / "kernels_helpers" / "isshoni" / "labextension"
    if not (built / "package.json").is_file():
        raise RuntimeError(f"no labextension build in {built}: run `jlpm install && jlpm build:prod` in extension/")
    folder = tmp / "labextensions"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "isshoni").symlink_to(built, target_is_directory=True)
    return f"--LabApp.extra_labextensions_path={folder}"


def run(page, script: str, arg=None) -> None:
    """Run `script` (a JavaScript statement; `arg` is its argument) in the page and give back nothing.

    Playwright serializes whatever an evaluated expression returns, and cytoscape's chainable
    calls (`cy.center(...)`, `cy.fit(...)`, `cy.zoom(2)`) return the whole core: walking its
    caches (texture canvases, style trees) took the renderer's heap to 3 GB in one call, and V8
    ran out of memory ("Target crashed") now and then.  Statements that move the view go here."""
    page.evaluate(f"(arg) => {{ {script}; }}", arg)


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("chromium is not installed: run scripts/ensure_chromium.sh (the test command does)")
    return path


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_design(browser, base: str, token: str, path: str, *, timeout: float = 90_000, cookies: list | None = None):
    """A new browser context (a new Jupyter identity) with the design open on the canvas
    (`cookies`: set before the page loads, e.g. a test authorizer's role)."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    if cookies:
        context.add_cookies(cookies)
    page = context.new_page()
    page.errors = []  # uncaught page errors, for assertions
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(f"{base}/lab/tree/{path}?token={token}")
    page.wait_for_selector(".isshoni-Canvas canvas", timeout=timeout)
    dismiss_news(page)
    return page


def dismiss_news(page) -> None:
    """Answer JupyterLab's news question if its toast is up (the servers the tests start answer it in
    their user settings; a server started otherwise may still ask, once per profile)."""
    button = page.locator(".jp-toast-button", has_text="No")
    if button.count():
        button.first.click()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(target))
    return target
