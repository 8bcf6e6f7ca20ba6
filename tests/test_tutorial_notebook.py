"""notebooks/tutorial.ipynb, top to bottom with nbclient, against a real Jupyter server and the sandbox.

The kernel finds the server by itself (the running servers list in its runtime
dir); meanwhile a Python client in the same room checks, after each cell, that
the change the cell made has reached it within 1 s of the cell's end.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from rooms import isshoni_server, joined, until
from sandbox import running_sandbox

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "tutorial.ipynb"
DESIGN = "tutorial-shop.infra.json"
LATENCY_S = 1.0


def _jobs(d: dict, kind: str) -> list[dict]:
    return [r for r in d.get("deployments", {}).values() if r.get("kind") == kind]


# cell tag -> what the observer must see after that cell (within LATENCY_S)
EXPECT = {
    "open": lambda d: d["meta"].get("name") == "tutorial-shop" and "blue" in d["resources"],
    "add": lambda d: d["resources"].get("jobs", {}).get("properties", {}).get("visibility_timeout") == 120
    and d["resources"]["jobs"]["label"] == "Jobs queue",
    "connect": lambda d: {"blue_to_jobs", "green_to_jobs"} <= set(d["connections"])
    and d["connections"]["blue_to_jobs"]["target"] == "jobs",
    "label": lambda d: d["resources"]["messages"]["label"] == "Chat messages"
    and d["resources"]["jobs"]["position"] == {"x": 1150, "y": 620} and "tutorial notebook" in d["meta"]["description"],
    "refused": lambda d: d["resources"]["jobs"]["properties"]["visibility_timeout"] == 120,
    "deploy": lambda d: any(r["state"] == "succeeded" for r in _jobs(d, "deploy")),
    "canary": lambda d: any(r["state"] == "succeeded" and r.get("result", {}).get("weights") == {"blue": 0, "green": 100}
                            for r in _jobs(d, "canary")),
    "rollback": lambda d: any(r["state"] == "succeeded" for r in _jobs(d, "rollback")),
    "destroy": lambda d: any(r["state"] == "succeeded" for r in _jobs(d, "destroy")),
}


@pytest.fixture
def kernel_env(tmp_path, monkeypatch):
    """What a kernel on this machine inherits: the runtime dir where the server lists itself."""
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.delenv("JPY_PARENT_PID", raising=False)
    for name in ("ISSHONI_SERVER_URL", "JUPYTER_SERVER_URL", "ISSHONI_SERVER_TOKEN", "JUPYTER_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_tutorial_runs_and_every_change_reaches_a_collaborator(kernel_env):
    tmp = kernel_env
    root = tmp / "root"
    root.mkdir()
    nb = nbformat.read(NOTEBOOK, as_version=4)
    tags = [(cell.metadata.get("tags") or [None])[0] for cell in nb.cells]
    assert set(EXPECT) <= set(tags), "the tutorial lost a step the test watches"
    # one extra cell (not in the tutorial): the kernel's final view of the design, to compare in full
    nb.cells.append(nbformat.v4.new_code_cell("import json\nprint(json.dumps(design.to_dict(), sort_keys=True))"))
    seen: dict[str, float] = {}
    with running_sandbox(tmp / "state"), isshoni_server(root, tmp) as (base, token):

        async def run():
            client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(root)}})
            observer = {}

            async def after_cell(cell, cell_index, **_):
                tag = (cell.metadata.get("tags") or [None])[0]
                if tag == "open":  # the design exists now: join its room as a second client
                    observer["ctx"] = joined(base, token, DESIGN)
                    observer["doc"] = await observer["ctx"].__aenter__()
                if tag in EXPECT:
                    ended = time.monotonic()
                    doc = observer["doc"]
                    ok = await until(lambda: EXPECT[tag](doc.to_dict()), timeout=LATENCY_S + 4, step=0.01)
                    seen[tag] = time.monotonic() - ended if ok else float("inf")

            client.on_cell_executed = after_cell
            try:
                await client.async_execute()
                final = observer["doc"].to_dict()
            finally:
                if "ctx" in observer:
                    await observer["ctx"].__aexit__(None, None, None)
            return final

        final = asyncio.run(run())
    # every cell ran without an error (nbclient raises on one) and printed the kernel's view last
    kernel_view = json.loads(nb.cells[-1].outputs[0]["text"])
    assert _canon(final) == _canon(kernel_view)
    print("seconds from cell end to the collaborator seeing the change:", {k: round(v, 3) for k, v in seen.items()})
    slow = {k: v for k, v in seen.items() if v > LATENCY_S}
    assert not slow, f"changes not seen within {LATENCY_S} s: {slow}"
    assert set(seen) == set(EXPECT)
    # the room saved it: the file on disk has the notebook's edits and the job records
    on_disk = json.loads((root / DESIGN).read_text())
    assert "jobs" in on_disk["resources"] and _jobs(on_disk, "deploy")
    # the diagram and the findings table were rendered
    outputs = {(c.metadata.get("tags") or [None])[0]: c.get("outputs", []) for c in nb.cells if c.cell_type == "code"}
    assert any("image/svg+xml" in o.get("data", {}) for o in outputs["open"])
    assert any("<table" in o.get("data", {}).get("text/html", "") for o in outputs["check"])
    assert any("/month in" in o.get("text", "") for o in outputs["cost"])  # the estimate's headline


def _canon(data: dict) -> dict:
    return json.loads(json.dumps(data, sort_keys=True))
