"""A real Jupyter server under hostile REST input: looping containers, numbers and text that
are not JSON's, nesting without end, and genuinely slow edits and checks.  Nothing freezes the
event loop, holds a worker past its deadline, or keeps another user waiting; every refusal is
a 4xx/504 with a message; a stopped server exits promptly even with a collaborator connected."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from isshoni import templates
from isshoni.server import workers
from rooms import SERVER_CONFIG, isshoni_server, joined
from servers import free_port

API = "/isshoni/api"
EDIT_DEADLINE_S = 8
CHECK_DEADLINE_S = 4
ANSWER_S = 1.0  # the requirement: another user's request answers within this, while a slow one runs
MARGIN = 3.0  # ... asserted with this factor: the machine is shared and loaded


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hardening")
    root = tmp / "work"
    root.mkdir()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ISSHONI_EDIT_DEADLINE_S", str(EDIT_DEADLINE_S))
        env.setenv("ISSHONI_CHECK_DEADLINE_S", str(CHECK_DEADLINE_S))
        with isshoni_server(root, tmp) as (base, token):
            client = httpx.Client(base_url=base, headers={"Authorization": f"token {token}"}, timeout=120)
            yield {"base": base, "token": token, "root": root, "client": client, "tmp": tmp}
            client.close()


def design_file(server, name: str, template: str = "chat_canary", data: dict | None = None) -> str:
    path = server["root"] / name
    if data is None:
        templates.load(template).save(path)
    else:
        path.write_text(json.dumps(data))
    return name


def canvas(server, name: str) -> str:
    return f"{API}/designs/{name}/canvas"


def ops(server, name: str, *operations, client=None) -> httpx.Response:
    return (client or server["client"]).post(canvas(server, name), json={"ops": list(operations)})


def server_pid(server) -> int:
    info = next((server["tmp"] / "runtime").glob("jpserver-*.json"))
    return json.loads(info.read_text())["pid"]


def worker_pids(server) -> set[int]:
    children = psutil.Process(server_pid(server)).children()
    return {c.pid for c in children if "spawn_main" in " ".join(c.cmdline())}


def settled_workers(server, timeout: float = 60) -> set[int]:
    """The worker processes once every pool the first call started is up (sizes as configured)."""
    expected = sum(workers.size(kind) for kind in workers.WARM_TOGETHER)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(worker_pids(server)) < expected:
        time.sleep(0.2)
    found = worker_pids(server)
    assert len(found) == expected, f"{len(found)} worker processes, expected {expected}"
    return found


def slow_ops(n: int = 400) -> list[dict]:
    """n new subnets in the VPC: each add validates the whole design (every pair of subnets for
    overlaps), so the request is cubic in n: minutes at 400, a genuinely slow real input."""
    return [{"op": "add", "type": "subnet", "id": f"slow{i}", "parent": "vpc",
             "properties": {"cidr": f"10.0.{100 + i // 16}.{(i % 16) * 16}/28"}} for i in range(n)]


# ---------------------------------------------------------------- defect 1: container loops


@pytest.mark.parametrize("rid,parent", [("private_a", "private_a"), ("vpc", "private_a")], ids=["self", "two"])
def test_an_op_that_closes_a_loop_is_refused_and_the_server_answers(server, rid, parent):
    name = design_file(server, f"loop_{rid}.infra.json")
    before = server["client"].get(canvas(server, name)).json()["design"]
    response = ops(server, name, {"op": "move_into", "id": rid, "parent": parent})
    assert response.status_code == 400
    problems = response.json()["problems"]
    assert any(p["path"] == f"$.resources.{rid}.parent" and p["resource"] == rid for p in problems)
    assert any("cannot contain itself" in p["message"] or "cycle" in p["message"] for p in problems)
    assert server["client"].get("/api/status").status_code == 200
    assert server["client"].get(canvas(server, name)).json()["design"] == before


def test_a_loop_already_in_a_file_does_not_freeze_a_later_harmless_edit(server):
    data = templates.load("chat_canary").data
    data["resources"]["private_a"]["parent"] = "private_a"
    name = design_file(server, "stored_loop.infra.json", data=data)
    response = ops(server, name, {"op": "set_notes", "id": "vpc", "notes": "harmless"})
    assert response.status_code == 200, response.text
    assert server["client"].get("/api/status").status_code == 200
    check = server["client"].post(f"{API}/designs/{name}/check", json={"only": ["isshoni"]})
    assert check.status_code == 400 and "cannot contain itself" in check.json()["message"]


# ---------------------------------------------------------------- no request holds the loop or a worker


def timed(call) -> tuple[float, httpx.Response]:
    started = time.monotonic()
    response = call()
    return time.monotonic() - started, response


def test_a_slow_edit_holds_neither_the_server_nor_other_users_and_is_stopped_at_its_deadline(server):
    name = design_file(server, "slow.infra.json")
    other = design_file(server, "other.infra.json")
    assert ops(server, other, {"op": "set_notes", "id": "vpc", "notes": "first"}).status_code == 200  # starts the pools
    workers_before = settled_workers(server)

    async def scenario():
        async with httpx.AsyncClient(base_url=server["base"], headers={"Authorization": f"token {server['token']}"},
                                     timeout=120) as client:
            slow = asyncio.ensure_future(client.post(canvas(server, name), json={"ops": slow_ops()}))
            await asyncio.sleep(1.5)  # the slow edit is in its worker now
            assert not slow.done()
            answers = []
            for call in (lambda: client.get("/api/status"),
                         lambda: client.post(canvas(server, name), json={"ops": [{"op": "set_notes", "id": "vpc", "notes": "b"}]}),
                         lambda: client.post(canvas(server, other), json={"ops": [{"op": "set_label", "id": "vpc", "label": "B"}]}),
                         lambda: client.get("/api/status")):
                started = time.monotonic()
                response = await call()
                answers.append((time.monotonic() - started, response.status_code))
            assert not slow.done(), "the slow edit finished too soon to prove anything"
            return answers, await slow

    answers, slow = asyncio.run(scenario())
    print("answers while a slow edit ran (s, status):", answers)
    assert [status for _, status in answers] == [200, 200, 200, 200]
    assert max(seconds for seconds, _ in answers) < ANSWER_S * MARGIN
    assert slow.status_code == 504
    assert f"validating the edit took longer than {EDIT_DEADLINE_S} s" in slow.json()["message"]
    design = server["client"].get(canvas(server, name)).json()["design"]
    assert design["resources"]["vpc"]["notes"] == "b" and "slow0" not in design["resources"]  # B's edit kept, A's not applied
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(worker_pids(server)) < len(workers_before):
        time.sleep(0.2)
    workers_after = worker_pids(server)
    assert workers_before - workers_after and len(workers_after) == len(workers_before)  # one stopped, one new
    response = ops(server, name, {"op": "set_notes", "id": "vpc", "notes": "after"})
    assert response.status_code == 200 and response.json()["design"]["resources"]["vpc"]["notes"] == "after"


def test_while_a_looping_op_and_a_dollar_brace_check_run_another_user_answers_within_a_second(server):
    """Issue 14's liveness bound for its two freezing inputs, sent together: a design whose labels and
    notes hold `${` checked by the Terraform safety/parse tools, and the self-containing move."""
    data = templates.load("chat_canary").data
    for resource in data["resources"].values():
        resource["label"], resource["notes"] = "${", "x${y}z $${ %{ if }"
    dollars = design_file(server, "dollars.infra.json", data=data)
    looped = design_file(server, "looped.infra.json")
    other = design_file(server, "bystander.infra.json")

    async def scenario():
        async with httpx.AsyncClient(base_url=server["base"], headers={"Authorization": f"token {server['token']}"},
                                     timeout=120) as client:
            check = asyncio.ensure_future(client.post(f"{API}/designs/{dollars}/check", json={"only": ["terraform", "checkov"]}))
            loop = asyncio.ensure_future(client.post(canvas(server, looped), json={"ops": [
                {"op": "move_into", "id": "private_a", "parent": "private_a"}]}))
            await asyncio.sleep(0.5)
            answers = []
            for call in (lambda: client.get("/api/status"),
                         lambda: client.post(canvas(server, other), json={"ops": [{"op": "set_notes", "id": "vpc", "notes": "b"}]}),
                         lambda: client.get("/api/status")):
                started = time.monotonic()
                response = await call()
                answers.append((time.monotonic() - started, response.status_code))
            return answers, await check, await loop

    answers, check, loop = asyncio.run(scenario())
    print("answers while the check and the looping op ran (s, status):", answers)
    assert [status for _, status in answers] == [200, 200, 200]
    assert max(seconds for seconds, _ in answers) < ANSWER_S * MARGIN
    assert loop.status_code == 400 and "cannot contain itself" in loop.text
    # the check ends: a report, or this module's short deadline (never a hang)
    assert check.status_code in (200, 504), check.text
    if check.status_code == 200:
        assert "findings" in check.json() and "counts" in check.json(), check.text


def test_a_check_past_its_deadline_is_stopped_and_the_next_one_runs(server):
    name = design_file(server, "check_slow.infra.json")
    seconds, response = timed(lambda: server["client"].post(f"{API}/designs/{name}/check", json={}))
    assert response.status_code == 504
    assert f"checking the design took longer than {CHECK_DEADLINE_S} s" in response.json()["message"]
    assert seconds < CHECK_DEADLINE_S + 30
    response = server["client"].post(f"{API}/designs/{name}/check", json={"only": ["isshoni"]})
    assert response.status_code == 200 and "counts" in response.json()


# ---------------------------------------------------------------- defect 6 and 8: values, text, nesting


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_number_json_does_not_have_is_refused_at_the_body(server, literal):
    name = design_file(server, "numbers.infra.json", "vpc_basic")
    body = '{"ops": [{"op": "move", "id": "vpc", "position": {"x": LIT, "y": 0}}]}'.replace("LIT", literal)
    response = server["client"].post(canvas(server, name), content=body)
    assert response.status_code == 400 and "not valid JSON" in response.json()["message"]
    position = server["client"].get(canvas(server, name)).json()["design"]["resources"]["vpc"]["position"]
    assert position["x"] is not None and position["y"] is not None


def test_a_full_replace_with_an_integer_out_of_range_is_refused_with_its_path(server):
    name = design_file(server, "bigint.infra.json", "vpc_basic")
    data = templates.load("vpc_basic").data
    data["resources"]["vpc"]["position"] = {"x": 2**64 + 1, "y": 0}
    response = server["client"].post(canvas(server, name), json={"design": data})
    assert response.status_code == 400
    assert response.json()["problems"][0]["path"] == "$.resources.vpc.position.x"


def test_a_lone_surrogate_is_refused_with_its_path(server):
    name = design_file(server, "surrogate.infra.json", "vpc_basic")
    body = '{"ops": [{"op": "set_label", "id": "vpc", "label": "a\\ud800b"}]}'
    response = server["client"].post(canvas(server, name), content=body)
    assert response.status_code == 400  # (no response text in the message: it may hold the surrogate)
    assert response.json()["problems"][0]["path"] == "$.resources.vpc.label"
    assert server["client"].get(canvas(server, name)).status_code == 200


@pytest.mark.parametrize("depth", [500, 100_000])
def test_deep_nesting_is_a_clean_400(server, depth):
    name = design_file(server, "deep.infra.json", "vpc_basic")
    deep = "[" * depth + "]" * depth
    body = '{"ops": [{"op": "set", "id": "vpc", "properties": {"cidr_note": DEEP}}]}'.replace("DEEP", deep)
    response = server["client"].post(canvas(server, name), content=body)
    assert response.status_code == 400, response.text
    assert "nested" in response.json()["message"]


# ---------------------------------------------------------------- defect 8: prompt exit on SIGTERM


def test_a_server_with_a_collaborator_connected_exits_promptly_on_sigterm(tmp_path):
    """It used to stop its extensions, then wait forever for an idle anyio worker thread."""
    root = tmp_path / "work"
    root.mkdir()
    templates.load("vpc_basic").save(root / "d.infra.json")
    config = tmp_path / "config" / "jupyter_server_config.d"
    config.mkdir(parents=True)
    config.joinpath("isshoni.json").write_text(SERVER_CONFIG.read_text())
    port, token = free_port(), "sigterm-test-token"
    env = dict(os.environ, JUPYTER_DATA_DIR=str(tmp_path / "data"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    with open(tmp_path / "server.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", f"--ServerApp.root_dir={root}", f"--ServerApp.port={port}",
             "--ServerApp.ip=127.0.0.1", "--ServerApp.open_browser=False", "--ServerApp.allow_root=True",
             f"--IdentityProvider.token={token}", "--YDocExtension.document_save_delay=0.3"],
            env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(_edit_then_terminate(base, token, proc))
        assert proc.wait(30) is not None
    finally:
        if proc.poll() is None:  # the grace period passed: SIGKILL, so the run goes on
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
            pytest.fail(f"the server ignored SIGTERM: {Path(tmp_path / 'server.log').read_text()[-1500:]}")


async def _edit_then_terminate(base: str, token: str, proc: subprocess.Popen) -> None:
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"token {token}"}, timeout=120) as client:
        deadline = time.monotonic() + 120
        while True:
            try:
                if (await client.get("/api/status")).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
            await asyncio.sleep(0.3)
        async with joined(base, token, "d.infra.json") as doc:  # a collaborator stays in the room
            response = await client.post(f"{API}/designs/d.infra.json/canvas",
                                         json={"ops": [{"op": "set_notes", "id": "vpc", "notes": "x"}]})
            assert response.status_code == 200
            await asyncio.sleep(1)  # the room saves
            assert doc.to_dict()["resources"]["vpc"]["notes"] == "x"
            proc.send_signal(signal.SIGTERM)
            started = time.monotonic()
            while proc.poll() is None and time.monotonic() - started < 15:
                await asyncio.sleep(0.1)
            assert proc.poll() is not None, "still running 15 s after SIGTERM"
