"""A real Voila server on loopback for browser tests, started with the same command line
`isshoni dashboard` uses (its extension deny-list), stopped by PID."""

from __future__ import annotations

import asyncio
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import nbformat

from browser import ARGS, ARTIFACTS, chromium_path
from isshoni.dashboard.serve import dashboard_env, voila_command
from servers import free_port, stop


def voila_env(folder: Path, tmp: Path, **extra: str) -> dict:
    """The dashboard's environment with Jupyter's own folders in `tmp` (no server of the machine is found;
    `extra` may name one: ISSHONI_SERVER_URL ...)."""
    env = dashboard_env(folder)
    for name in ("ISSHONI_SERVER_URL", "ISSHONI_SERVER_TOKEN", "JUPYTER_SERVER_URL", "JUPYTER_TOKEN", "JPY_PARENT_PID"):
        env.pop(name, None)
    env.update(JUPYTER_DATA_DIR=str(tmp / "data"), JUPYTER_CONFIG_DIR=str(tmp / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), **extra)
    return env


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except (OSError, urllib.error.URLError):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {log.read_text()[-3000:]}") from None
            time.sleep(0.3)


@contextmanager
def serve(cmd: list[str], env: dict, tmp: Path, port: int):
    """Run a server command (Voila or `isshoni dashboard`) until the block ends; yields its base URL."""
    log_path = tmp / f"voila-{port}.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_http(f"{base}/", proc, log_path)
            yield base
        finally:
            stop(proc)


@contextmanager
def voila(notebook: Path, folder: Path, tmp: Path, **env: str):
    """Voila serving `notebook` as `isshoni dashboard` would."""
    port = free_port()
    with serve(voila_command(port=port, no_browser=True, path=notebook), voila_env(folder, tmp, **env), tmp, port) as base:
        yield base


# ---------------------------------------------------------------- pages with the design widget

CY = "document.querySelector('.isshoni-widget').cy"


def notebook_with(folder: Path, source: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "widget.ipynb"
    nbformat.write(nb, path)
    return path


@asynccontextmanager
async def chromium_page(url: str, *, width: int = 1400, height: int = 900):
    """Debian's chromium (async Playwright) on `url`; uncaught page errors collect in `page.errors`."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        try:
            page = await browser.new_page(viewport={"width": width, "height": height})
            page.errors = []
            page.on("pageerror", lambda exc: page.errors.append(str(exc)))
            await page.goto(url)
            yield page
        finally:
            await browser.close()


@asynccontextmanager
async def widget_page(url: str):
    """A page (Voila) once the design widget has drawn its canvas."""
    async with chromium_page(url) as page:
        await page.wait_for_selector(".isshoni-widget canvas", timeout=90_000)
        yield page


async def wait_node(page, rid: str, timeout: float = 30_000) -> None:
    await page.wait_for_function("(id) => { const cy = document.querySelector('.isshoni-widget')?.cy; "
                                 "return cy && cy.getElementById(id).nonempty(); }", arg=rid, timeout=timeout)


async def drag_node(page, rid: str, dx: float, dy: float, on_release=None) -> dict:
    """Drag a node with real mouse events; returns its model position in the page afterwards
    (`on_release()` is called the moment the mouse button is up: benchmarks time from there)."""
    await asyncio.sleep(0.5)  # let the first fit settle
    at = await page.evaluate(
        f"""(id) => {{
            const r = document.querySelector('.isshoni-widget').getBoundingClientRect();
            const p = {CY}.getElementById(id).renderedPosition();
            return {{ x: r.left + p.x, y: r.top + p.y }};
        }}""", rid)
    await page.mouse.move(at["x"], at["y"])
    await page.mouse.down()
    for i in range(1, 11):
        await page.mouse.move(at["x"] + dx * i / 10, at["y"] + dy * i / 10)
    await page.mouse.up()
    if on_release:
        on_release()
    return await page.evaluate(f"(id) => {CY}.getElementById(id).position()", rid)


async def page_screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
