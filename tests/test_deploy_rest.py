"""Deploying a live design over REST (server/deploying.py): every bad input answers a clear 4xx
before any job starts; the permission is jupyter_server's authorizer; a job runs in a child
process, its records (with per-node progress) reach the design through the server; one job per
design at a time; chat_canary deployed to a real moto sandbox, previewed, walked, rolled back and
destroyed only after its name is typed."""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from pathlib import Path

import httpx
import pytest

from deploy_roles import OPTION, ROLE_COOKIE
from rooms import isshoni_server, joined, until
from sandbox import running_sandbox

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
DESIGN = "app.infra.json"
API = "/isshoni/api"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A sandbox and a server whose authorizer refuses deploys to the "viewer" cookie role."""
    tmp = tmp_path_factory.mktemp("deploy-rest")
    root = tmp / "root"
    root.mkdir()
    shutil.copy(ROOT / "templates" / "chat_canary.infra.json", root / DESIGN)
    shutil.copy(ROOT / "templates" / "vpc_basic.infra.json", root / "plain.infra.json")
    old = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (old, str(TESTS)) if p)  # the server imports deploy_roles
    try:
        with running_sandbox(tmp / "state"), isshoni_server(root, tmp, OPTION) as (base, token):
            client = httpx.Client(base_url=base, headers={"Authorization": f"token {token}"}, timeout=300)
            viewer = httpx.Client(base_url=base, headers={"Authorization": f"token {token}"}, timeout=60,
                                  cookies={ROLE_COOKIE: "viewer"})
            yield {"base": base, "token": token, "client": client, "viewer": viewer}
            client.close()
            viewer.close()
    finally:
        os.environ["PYTHONPATH"] = old


def _url(what: str, design: str = DESIGN) -> str:
    return f"{API}/designs/{design}/{what}"


def _job(server, job_id: str) -> dict:
    jobs = server["client"].get(_url("jobs")).json()["jobs"]
    return next(j for j in jobs if j["id"] == job_id)


def _wait(server, job_id: str, timeout: float = 600) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        record = _job(server, job_id)
        if record["state"] not in ("queued", "running") or time.monotonic() > deadline:
            return record
        time.sleep(0.5)


@pytest.mark.parametrize(("what", "body", "status", "says"), [
    ("deploy", {"target": "moon"}, 400, "unknown target 'moon'"),
    ("deploy", {"engine": "pulumi"}, 400, "unknown engine 'pulumi'"),
    ("deploy", {"target": "aws"}, 403, "really_aws"),
    ("deploy", {"colour": "blue"}, 400, "unknown field(s) colour"),
    ("deploy/preview", {"engine": "cdk"}, 400, "unknown engine 'cdk'"),
    ("canary", {"green": 33}, 400, "a canary step is one of 10, 50, 90, 100"),
    ("canary", {"green": "50"}, 400, "a canary step is one of"),
    ("canary", {}, 400, "send either 'green'"),
    ("canary", {"green": 50, "auto": True}, 400, "send either 'green'"),
    ("destroy", {}, 400, "send 'confirm' with the design's name exactly ('chat_canary')"),
    ("destroy", {"confirm": "chat canary"}, 400, "not 'chat canary'"),
])
def test_bad_input_is_refused_before_any_job(server, what, body, status, says):
    response = server["client"].post(_url(what), json=body)
    assert response.status_code == status, response.text
    assert says in response.json()["message"]
    assert server["client"].get(_url("jobs")).json()["jobs"] == []


def test_who_may_deploy_is_the_authorizers_answer(server):
    me = server["client"].get(f"{API}/me").json()
    assert me["can_deploy"] is True and me["targets"] == ["sandbox"] and me["canary_steps"] == [10, 50, 90, 100]
    assert server["viewer"].get(f"{API}/me").json()["can_deploy"] is False
    for what, body in (("deploy", {}), ("deploy/preview", {}), ("canary", {"green": 10}), ("rollback", {}),
                       ("destroy", {"confirm": "chat_canary"}), ("jobs", {"record": {}, "key": "x" * 40})):
        refused = server["viewer"].post(_url(what), json=body)
        assert refused.status_code == 403, (what, refused.text)
        assert "may not deploy on this server" in refused.json()["message"] and "isshoni:deploy" in refused.json()["message"]
    # reading the design and its jobs stays open to the viewer
    assert server["viewer"].get(_url("jobs")).status_code == 200


def test_a_design_never_deployed_cannot_walk_a_canary(server):
    response = server["client"].post(_url("canary", "plain.infra.json"), json={"green": 50})
    assert response.status_code == 409, response.text
    assert "not deployed" in response.json()["message"]


def test_chat_canary_preview_deploy_canary_rollback_destroy(server):
    client = server["client"]
    # ---- the preview is CloudFormation's own change set: every resource an Add, nothing created
    preview = client.post(_url("deploy/preview"), json={"engine": "cloudformation"})
    assert preview.status_code == 200, preview.text
    plan = preview.json()
    assert plan["supported"] and plan["changes"] and {c["action"] for c in plan["changes"]} == {"Add"}
    assert {"alb", "blue", "green"} <= {c["node"] for c in plan["changes"]}
    assert plan["diff"].startswith("--- (no stack yet)") and '+  "Resources": {' in plan["diff"]
    assert client.get(_url("jobs")).json()["jobs"] == []

    # ---- deploy: answered with the first record at once; a second job meanwhile is refused
    started = client.post(_url("deploy"), json={"target": "sandbox", "engine": "cloudformation"})
    assert started.status_code == 202, started.text
    job = started.json()["job"]
    assert job["state"] in ("queued", "running") and job["kind"] == "deploy" and job["by"]
    again = client.post(_url("canary"), json={"green": 10})
    assert again.status_code == 409 and "is running on app.infra.json" in again.json()["message"], again.text
    seen_running = _job(server, job["id"])
    deployed = _wait(server, job["id"])
    assert deployed["state"] == "succeeded", deployed.get("error")
    assert deployed["nodes"]["alb"] == "done" and deployed["nodes"]["blue"] == "done", deployed["nodes"]
    assert deployed["nodes"]["errors_5xx"] == "skipped", deployed["nodes"]  # moto does not emulate alarms: the node says so
    assert set(seen_running.get("nodes") or {}) <= set(deployed["nodes"])
    assert deployed["result"]["outputs"] and deployed["result"]["canary"]
    assert deployed["by"] == job["by"] and "writer" in deployed

    # every collaborator's copy (the room) holds the same record
    async def in_room():
        async with joined(server["base"], server["token"], DESIGN) as doc:
            return await until(lambda: doc.to_dict()["deployments"].get(job["id"], {}).get("state") == "succeeded")
    assert asyncio.run(in_room())

    # ---- compare with the last deploy (the Versions tab's "last deploy"): nothing changed since
    since = client.post(_url("compare"), json={"against": "deploy"})
    assert since.status_code == 200 and since.json()["same"] and since.json()["label"] == "last deploy (sandbox)", since.text

    # ---- an update's preview: a change set against the stack, and the template diff
    again = client.post(_url("deploy/preview"), json={}).json()
    assert again["supported"] and "UPDATE" in again["notes"][0] and again["diff"] == ""  # nothing changed

    # ---- the canary: one step, then the walk (accepting the sandbox's unchecked health), then rollback
    step = _wait(server, client.post(_url("canary"), json={"green": 50}).json()["job"]["id"])
    assert step["state"] == "succeeded" and step["result"]["weights"] == {"blue": 50, "green": 50}, step.get("error")
    walked = client.post(_url("canary"), json={"auto": True, "accept_unchecked": True})
    walk = _wait(server, walked.json()["job"]["id"])
    assert walk["state"] == "succeeded" and walk["result"]["weights"] == {"blue": 0, "green": 100}, walk.get("error")
    assert [s["green"] for s in walk["result"]["steps"]] == [10, 50, 90, 100]
    back = _wait(server, client.post(_url("rollback"), json={}).json()["job"]["id"])
    assert back["kind"] == "rollback" and back["state"] == "succeeded" and back["result"]["weights"] == {"blue": 100, "green": 0}

    # ---- destroy: only with the name typed; then nothing is deployed
    assert client.post(_url("destroy"), json={"confirm": "CHAT_CANARY"}).status_code == 400
    gone = _wait(server, client.post(_url("destroy"), json={"confirm": "chat_canary"}).json()["job"]["id"])
    assert gone["state"] == "succeeded", gone.get("error")
    assert set(gone["nodes"].values()) <= {"deleted", "skipped"}, gone["nodes"]
    after = client.post(_url("rollback"), json={})
    assert after.status_code == 409 and "not deployed" in after.json()["message"]
    assert client.post(_url("compare"), json={"against": "deploy"}).status_code == 404  # destroyed: no deploy to compare with


def test_a_job_past_its_deadline_is_stopped_and_its_record_says_so(tmp_path, monkeypatch):
    """ISSHONI_DEPLOY_DEADLINE_S=2: the child is stopped (with its process group); whether it had started its
    job or not, the answer or the record says it passed its deadline, and the design is free again."""
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(ROOT / "templates" / "vpc_basic.infra.json", root / DESIGN)
    monkeypatch.setenv("ISSHONI_DEPLOY_DEADLINE_S", "2")
    with running_sandbox(tmp_path / "state"), isshoni_server(root, tmp_path) as (base, token):
        client = httpx.Client(base_url=base, headers={"Authorization": f"token {token}"}, timeout=300)
        server = {"client": client}
        started = client.post(_url("deploy"), json={})
        if started.status_code == 202:
            record = _wait(server, started.json()["job"]["id"], timeout=120)
            assert record["state"] == "failed" and "passed its deadline (2 s)" in record["error"], record
        else:
            assert started.status_code == 504 and "passed its deadline (2 s)" in started.json()["message"], started.text
        preview = client.post(_url("deploy/preview"), json={})
        assert preview.status_code == 200 and preview.json()["supported"], preview.text
        client.close()


@pytest.mark.skipif(shutil.which("terraform") is None, reason="no terraform binary here")
def test_terraform_preview_is_terraform_plan(server):
    plan = server["client"].post(_url("deploy/preview", "plain.infra.json"), json={"engine": "terraform"}).json()
    assert plan["supported"], plan
    assert plan["changes"] and {c["action"] for c in plan["changes"]} == {"create"}
    assert "vpc" in {c["node"] for c in plan["changes"]}
    assert "will be created" in plan["diff"] and plan["notes"][0].startswith("Plan: ")
