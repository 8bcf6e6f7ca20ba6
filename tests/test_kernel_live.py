"""isshoni.open from Python against real Jupyter servers: live edits both ways, presence, discovery,
and bad input (missing file, wrong token, no server, a server that goes away and comes back)."""

from __future__ import annotations

import asyncio
import getpass
import json
import shutil
import time
import warnings
from pathlib import Path

import pytest

import isshoni
from isshoni.design import DesignError
from isshoni.design.history import author_of
from isshoni.kernel import AuthError, OfflineDesign, ServerNotFound, close_all, discovery
from isshoni.kernel.connection import Connection, presence
from isshoni.yinfra import YInfra
from rooms import isshoni_server, joined, until
from servers import free_port, jupyter

ROOT = Path(__file__).resolve().parents[1]
LATENCY_S = 1.0


@pytest.fixture(autouse=True)
def _clean_env(tmp_path, monkeypatch):
    """No server is found by accident: an empty runtime dir, no server variables."""
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    for name in ("JPY_PARENT_PID", *discovery.ENV_URL, *discovery.ENV_TOKEN):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    close_all()


@pytest.fixture
def root(tmp_path):
    folder = tmp_path / "root"
    folder.mkdir()
    shutil.copy(ROOT / "templates" / "vpc_basic.infra.json", folder / "app.infra.json")
    return folder


def test_every_model_edit_reaches_a_collaborator_and_back(root, tmp_path, monkeypatch):
    monkeypatch.chdir(root)
    with isshoni_server(root, tmp_path) as (base, token):
        design = isshoni.open("app.infra.json", url=base, token=token)
        assert design.live and design.status == "connected" and design.path == "app.infra.json"
        changes = []
        design.observe(lambda d: changes.append(time.monotonic()))

        async def check():
            async with joined(base, token, "app.infra.json") as doc:
                steps = [
                    (lambda: design.add("s3_bucket", "assets", label="Assets"), lambda d: "assets" in d["resources"]),
                    (lambda: design.add("ecs_cluster", "cluster"), lambda d: "cluster" in d["resources"]),
                    (lambda: design.add("dynamodb_table", "orders"), lambda d: "orders" in d["resources"]),
                    (lambda: design.set("orders", table_name="orders-table"),
                     lambda d: d["resources"]["orders"]["properties"].get("table_name") == "orders-table"),
                    (lambda: design.set_label("assets", "Static assets"),
                     lambda d: d["resources"]["assets"]["label"] == "Static assets"),
                    (lambda: design.set_notes("assets", "public files"),
                     lambda d: d["resources"]["assets"]["notes"] == "public files"),
                    (lambda: design.move("assets", 640, 80), lambda d: d["resources"]["assets"]["position"] == {"x": 640, "y": 80}),
                    (lambda: design.set_meta(description="from a kernel"), lambda d: d["meta"]["description"] == "from a kernel"),
                    (lambda: design.remove("orders"), lambda d: "orders" not in d["resources"]),
                ]
                for index, (edit, seen) in enumerate(steps):
                    edit()
                    started = time.monotonic()
                    assert await until(lambda s=seen: s(doc.to_dict()), timeout=5), f"step {index} never arrived"
                    assert time.monotonic() - started < LATENCY_S, f"step {index} took {time.monotonic() - started:.2f} s"
                # a refused edit changes nothing anywhere
                before = doc.to_dict()
                with pytest.raises(DesignError):
                    design.set("assets", versioning="sometimes")
                with pytest.raises(KeyError):
                    design.set("nope", versioning=True)
                await asyncio.sleep(0.3)
                assert doc.to_dict() == before
                # and a collaborator's edit is visible to the kernel
                count = len(changes)
                doc._yresources["assets"]["properties"]["versioning"] = True
                assert await until(lambda: design.resource("assets")["properties"].get("versioning") is True, timeout=LATENCY_S)
                assert await until(lambda: len(changes) > count, timeout=LATENCY_S)

        asyncio.run(check())
        # the kernel's reads and tools use the live content
        assert "aws_s3_bucket" in design.generate("terraform")["main.tf"]
        assert 'data-id="assets"' in design._repr_svg_()
        time.sleep(1)  # autosave (save delay 0.3 s)
        saved = json.loads((root / "app.infra.json").read_text())
        assert saved["resources"]["assets"]["label"] == "Static assets"
        assert isshoni.open("app.infra.json", url=base, token=token) is design  # one connection per design


def test_presence_shows_the_kernel_as_notebook_user(root, tmp_path):
    with isshoni_server(root, tmp_path) as (base, token):
        design = isshoni.open(root / "app.infra.json", url=base, token=token)
        server = discovery.find(root / "app.infra.json", url=base, token=token)
        observer = Connection(server, "app.infra.json", YInfra(), presence({}, "observer"))
        observer.start()
        try:
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and not observer.peers():
                time.sleep(0.05)
            (kernel,) = [p for p in observer.peers() if p.get("name", "").startswith("notebook (")]
            assert kernel["initials"] == "NB" and kernel["name"] == kernel["display_name"]
            identity = discovery.verify(server)
            assert identity["name"].startswith("Anonymous ")  # token auth: a made-up name per request
            assert kernel["name"] == f"notebook ({getpass.getuser()})"
            assert presence({"username": "ada", "name": "Ada Lovelace", "display_name": "Ada"})["name"] == "notebook (Ada)"
            design.close()
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and any(p.get("name", "").startswith("notebook") for p in observer.peers()):
                time.sleep(0.05)
            assert not [p for p in observer.peers() if p.get("name", "").startswith("notebook")], "presence outlived close()"
        finally:
            observer.close()


def test_discovery_prefers_the_server_that_started_the_kernel(root, tmp_path, monkeypatch):
    with jupyter(root, tmp_path, token="first-token") as (first, _), jupyter(root, tmp_path, token="second-token") as (second, _):
        infos = {i["url"].rstrip("/"): i for i in discovery.running_servers()}
        assert set(infos) == {first, second}, "both servers list themselves in the runtime dir"
        with pytest.raises(ServerNotFound, match="2 Jupyter servers are running"):
            discovery.find(root / "app.infra.json")
        monkeypatch.setenv("JPY_PARENT_PID", str(infos[second]["pid"]))
        found = discovery.find(root / "app.infra.json")
        assert (found.url, found.token, found.source) == (second, "second-token", "running servers")
        assert found.api_path(root / "app.infra.json") == "app.infra.json"
        with pytest.raises(ServerNotFound, match="outside the server's root"):
            found.api_path(tmp_path / "elsewhere.infra.json")
        # the environment beats the list, explicit arguments beat both
        monkeypatch.setenv("ISSHONI_SERVER_URL", first)
        monkeypatch.setenv("ISSHONI_SERVER_TOKEN", "first-token")
        assert (discovery.find().url, discovery.find().token) == (first, "first-token")
        explicit = discovery.find(url=second + "/", token="given")
        assert (explicit.url, explicit.token, explicit.source) == (second, "given", "explicit")


def test_missing_file_is_a_clear_error(root, tmp_path, monkeypatch):
    with isshoni_server(root, tmp_path) as (base, token):
        with pytest.raises(FileNotFoundError, match="missing.infra.json: no such design file"):
            isshoni.open(root / "missing.infra.json", url=base, token=token)
        # a server this kernel cannot see the folder of (not in its runtime dir): the server says 404
        monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "elsewhere"))
        with pytest.raises(FileNotFoundError, match="missing.infra.json: no such design under the root"):
            isshoni.open("missing.infra.json", url=base, token=token)
        assert isshoni.open("app.infra.json", url=base, token=token).status == "connected"
        with pytest.raises(FileNotFoundError, match="missing.infra.json: no such design file"):
            isshoni.open(root / "missing.infra.json", live=False)
    with pytest.raises(ValueError, match="ends in .infra.json"):
        isshoni.open(root / "notes.txt")


def test_wrong_token_is_refused_clearly(root, tmp_path):
    with isshoni_server(root, tmp_path) as (base, _token):
        for live in (None, True):
            with pytest.raises(AuthError, match="refused the token \\(403\\)"):
                isshoni.open(root / "app.infra.json", live, url=base, token="not-the-token")


def test_no_server(root):
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ServerNotFound, match="cannot be reached"):
        isshoni.open(root / "app.infra.json", live=True, url=url, token="t")
    with pytest.raises(ServerNotFound, match="no running Jupyter server found"):
        isshoni.open(root / "app.infra.json", live=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        design = isshoni.open(root / "app.infra.json")
    assert isinstance(design, OfflineDesign)
    assert any("working offline" in str(w.message) for w in caught)
    design.add("s3_bucket", "offline_bucket")
    assert "offline_bucket" in json.loads((root / "app.infra.json").read_text())["resources"]


def test_server_gone_mid_session_then_back(root, tmp_path):
    port = free_port()
    with isshoni_server(root, tmp_path, port=port) as (base, token):
        design = isshoni.open(root / "app.infra.json", url=base, token=token)
        design.add("s3_bucket", "before")
        # on disk before the server goes, so the restarted server's file already has it
        # (a kill before the autosave loses nothing either: tests/test_durability.py)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "before" not in (root / "app.infra.json").read_text():
            time.sleep(0.05)
    # the server is gone (stopped by PID)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and design.status == "connected":
        time.sleep(0.05)
    assert design.status == "reconnecting"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and "cannot be reached" not in (design.last_error or ""):
        time.sleep(0.1)
    assert "cannot be reached" in design.last_error, design.last_error
    with pytest.warns(UserWarning, match="not connected to .*kept here"):
        design.add("s3_bucket", "while_down")
    assert "while_down" in design.resources  # kept locally meanwhile
    with isshoni_server(root, tmp_path, port=port) as (base, token):
        assert design.wait_connected(30), design.last_error
        assert design.status == "connected"

        async def check():
            async with joined(base, token, "app.infra.json") as doc:
                assert await until(lambda: {"before", "while_down"} <= set(doc.to_dict()["resources"]), timeout=5)
                design.add("s3_bucket", "after")
                started = time.monotonic()
                assert await until(lambda: "after" in doc.to_dict()["resources"], timeout=5)
                assert time.monotonic() - started < LATENCY_S

        asyncio.run(check())


def test_deploy_job_progress_reaches_the_room_while_it_runs(root, tmp_path):
    """A live design's deploy: the job record moves in the shared document (running -> succeeded)."""
    from sandbox import running_sandbox

    with running_sandbox(tmp_path / "state"), isshoni_server(root, tmp_path) as (base, token):
        design = isshoni.open(root / "app.infra.json", url=base, token=token)
        design.set_meta(name="kernel-live-deploy")
        job_cidr = design.resource("private_a")["properties"]["cidr"]
        states: list[str] = []

        async def watch():
            async with joined(base, token, "app.infra.json") as doc:
                def record():
                    found = [r for r in doc.to_dict()["deployments"].values() if r.get("kind") == "deploy"]
                    if found and (not states or states[-1] != found[0]["state"]):
                        states.append(found[0]["state"])
                    return found and found[0]["state"] == "succeeded"

                events = []
                job = design.deploy(wait=False)
                job.subscribe(events.append)
                assert await until(record, timeout=120, step=0.01), states
                assert await asyncio.to_thread(job.wait, 60, progress=False) is job
                return job, events

        job, events = asyncio.run(watch())
        assert job.ok and job.id and job.id in design.deployments
        assert "running" in states and states[-1] == "succeeded", states
        assert events[-1]["type"] == "done" and any(e.get("type") == "state" for e in events)
        assert job.progress is not None and job.progress[0] == job.progress[1]
        assert "<table>" in job._repr_html_()
        with pytest.raises(ValueError, match="no blue/green canary"):
            design.canary(green=50, progress=False)
        # a half-drawn state (a canvas may hold one) is refused before any job exists
        design._conn.call(lambda: design._conn.doc._yresources["private_a"]["properties"].__setitem__("cidr", "nonsense"))
        with pytest.raises(DesignError, match="invalid CIDR"):
            design.deploy(progress=False)
        design.set("private_a", cidr=job_cidr)
        gone = design.destroy(progress=False)
        assert gone.ok, gone.summary


def test_a_notebook_asks_the_assistant_in_the_shared_chat(root, tmp_path, monkeypatch):
    """design.ask posts an @isshoni question as the kernel's user; the server's assistant (the
    offline planner: no key in tests) answers in the room, so a collaborator sees the question,
    the answer and the new resource.  ask waits on the room's change notifications (it reads the
    chat once, then once per change, never on a timer) and unsubscribes when answered."""
    from isshoni.kernel import live

    monkeypatch.chdir(root)
    reads, changes = [], []
    read_reply = live._reply_to
    monkeypatch.setattr(live, "_reply_to", lambda doc, mid: reads.append(mid) or read_reply(doc, mid))
    with isshoni_server(root, tmp_path) as (base, token):
        design = isshoni.open("app.infra.json", url=base, token=token)
        design.observe(lambda d: changes.append(len(reads)))
        listeners = list(design._conn._listeners)

        async def check():
            async with joined(base, token, "app.infra.json") as doc:
                before = set(doc.to_dict()["resources"])
                reply = await asyncio.get_running_loop().run_in_executor(
                    None, lambda: design.ask("add a DynamoDB table for orders"))
                assert reply["status"] == "done" and reply["engine"] == "offline-planner", reply
                assert design._conn._listeners == listeners  # ask's own subscription is gone
                assert 1 < len(reads) <= len(changes) + 1, (reads, changes)  # a read per change, none between
                added = set(design.resources) - before
                assert len(added) == 1 and design.resource(added.pop())["type"] == "dynamodb_table"
                assert await until(lambda: set(doc.to_dict()["resources"]) - before, timeout=5)
                chat = doc.to_dict()["chat"]
                question = next(m for m in chat if m["id"] == reply["reply_to"])
                assert question["text"] == "@isshoni add a DynamoDB table for orders"
                assert question["author"] == author_of(design._conn.identity)  # the room's name for the kernel

                with pytest.raises(ValueError):
                    design.ask("anything", mode="later")

        asyncio.run(check())


def test_an_offline_design_asks_the_planner_and_saves(root):
    design = isshoni.open(str(root / "app.infra.json"), live=False)
    reply = design.ask("add an SQS queue for jobs")
    assert reply["status"] == "done", reply
    saved = json.loads((root / "app.infra.json").read_text())
    assert any(r["type"] == "sqs_queue" for r in saved["resources"].values())
    assert saved["chat"][-1]["id"] == reply["id"]
