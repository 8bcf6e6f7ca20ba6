"""A team on a real JupyterHub (issue 20): alice shares her single-user server, with Isshoni in
it, with bob (a viewer through the Hub group isshoni-viewers) and carol (an editor through
isshoni-editors); the roles come from a role file naming the Hub's groups, alice is a deployer
as the server's owner.  Real JupyterHub, its real proxy, DummyAuthenticator, the local process
spawner, loopback ports.  Python clients use Hub API tokens limited to alice's server; the
browser part signs in through the Hub's login page.  Screenshots: test-artifacts/hub-*.png."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from browser import LAB_ARGS, chromium, screenshot, this_checkout
from hub import jupyterhub, stop_left_over
from isshoni import templates
from rooms import joined
from sandbox import running_sandbox

pytestmark = pytest.mark.browser

DESIGN = "team.infra.json"
API = "/isshoni/api"
CY = "document.querySelector('.isshoni-Canvas').cy"
USERS = ["alice", "bob", "carol"]


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hub")
    roles = tmp / "roles.yaml"
    roles.write_text("groups:\n  isshoni-viewers: viewer\n  isshoni-editors: editor\n")
    args = ["--allow-root", *LAB_ARGS, this_checkout(tmp), "--YDocExtension.document_save_delay=0.3"]
    args = [a for a in args if not a.startswith("--YDocExtension.document_save_delay=0.5")]
    environment = {"ISSHONI_ROLES_FILE": str(roles), "JUPYTER_CONFIG_DIR": str(tmp / "jupyter-config"),
                   "JUPYTER_RUNTIME_DIR": str(tmp / "jupyter-runtime"), "ISSHONI_STATE_DIR": str(tmp / "state")}
    groups = {"isshoni-viewers": ["bob"], "isshoni-editors": ["carol"]}
    with running_sandbox(tmp / "state"), jupyterhub(tmp, USERS, groups, args, environment) as hub:
        templates.load("vpc_basic").save(tmp / "homes" / "alice" / DESIGN)
        hub.start_server("alice")
        for user in ("bob", "carol"):
            hub.share("alice", user)
        tokens = {user: hub.token_for(user, ["access:servers!server=alice/"]) for user in USERS}
        base = f"{hub.url}/user/alice"
        clients = {u: httpx.Client(base_url=base, headers={"Authorization": f"token {t}"}, timeout=120) for u, t in tokens.items()}
        yield {"hub": hub, "base": base, "tokens": tokens, "clients": clients, "file": tmp / "homes" / "alice" / DESIGN}
        for client in clients.values():
            client.close()


def test_each_collaborator_keeps_their_identity_and_role(team):
    seen = {u: team["clients"][u].get(f"{API}/me").json() for u in USERS}
    assert {u: (m["name"], m["role"], m["role_from"]) for u, m in seen.items()} == {
        "alice": ("alice", "deployer", "the server's owner"),
        "bob": ("bob", "viewer", "group 'isshoni-viewers'"),
        "carol": ("carol", "editor", "group 'isshoni-editors'"),
    }
    assert [seen[u]["can_deploy"] for u in USERS] == [True, False, False]
    assert [seen[u]["can_edit"] for u in USERS] == [True, False, True]


def test_a_viewers_hand_made_update_changes_nothing(team):
    path = team["file"]

    async def scenario():
        base, tokens = team["base"], team["tokens"]
        async with joined(base, tokens["alice"], DESIGN) as alice:
            await asyncio.sleep(1)  # the room saved what it loaded
            before_doc, before_file = alice.get(), path.read_bytes()
            async with joined(base, tokens["bob"], DESIGN) as bob:
                rid = next(iter(bob._yresources.keys()))
                bob._yresources[rid]["label"] = "bob was here"
                del bob._yresources[rid]["properties"]
                await asyncio.sleep(2)  # time to apply, relay and save it, were it taken
            assert alice.get() == before_doc
            assert path.read_bytes() == before_file  # byte-identical

    asyncio.run(scenario())


def test_only_the_owner_may_deploy(team):
    for user in ("bob", "carol"):
        refused = team["clients"][user].post(f"{API}/designs/{DESIGN}/deploy", json={})
        assert refused.status_code == 403 and f"{user} may not deploy on this server" in refused.json()["message"], refused.text
    # alice deploys the design to the sandbox, from her shared server
    started = team["clients"]["alice"].post(f"{API}/designs/{DESIGN}/deploy", json={})
    assert started.status_code == 202, started.text
    job = started.json()["job"]
    assert job["by"] == "alice"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        jobs = team["clients"]["alice"].get(f"{API}/designs/{DESIGN}/jobs").json()["jobs"]
        record = next(j for j in jobs if j["id"] == job["id"])
        if record["state"] not in ("queued", "running"):
            break
        time.sleep(1)
    assert record["state"] == "succeeded", record.get("error")
    # bob and carol follow it (they read the job records) but cannot destroy it
    assert any(j["id"] == job["id"] for j in team["clients"]["bob"].get(f"{API}/designs/{DESIGN}/jobs").json()["jobs"])
    assert team["clients"]["carol"].post(f"{API}/designs/{DESIGN}/destroy", json={"confirm": "vpc_basic"}).status_code == 403


def _signed_in(browser, hub_url: str, user: str, path: str):
    """A browser context signed in to the Hub as `user` (DummyAuthenticator), with `path` open."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(f"{hub_url}/hub/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", "any")
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(lambda url: "/hub/login" not in url, timeout=120_000)  # to the Hub home, or the user's server
    page.goto(f"{hub_url}/user/alice/lab/tree/{path}")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and "/oauth2/authorize" in page.url:  # a shared server asks once
        page.locator("input[type=submit], button[type=submit]").first.click()
        page.wait_for_timeout(500)
    page.wait_for_selector(".isshoni-Canvas canvas", timeout=120_000)
    return page


def test_in_the_browser_carols_edit_reaches_alice_and_bobs_canvas_is_read_only(team):
    hub_url = team["hub"].url
    with chromium() as browser:
        pages = {u: _signed_in(browser, hub_url, u, DESIGN) for u in USERS}
        alice, bob, carol = pages["alice"], pages["bob"], pages["carol"]
        bob.wait_for_selector(".isshoni-ReadOnlyBanner:has-text('you are a viewer on this server')")
        assert alice.locator(".isshoni-ReadOnlyBanner:visible").count() == 0
        rid = alice.evaluate(f"() => {CY}.nodes().filter(n => n.data('type') === 'vpc')[0].id()")
        carol.evaluate(f"() => document.querySelector('.isshoni-Canvas').isshoniCanvas.ctx.doc.setLabel({rid!r}, 'carol via the hub')")
        alice.wait_for_function(f"() => {CY}.getElementById({rid!r}).data('label') === 'carol via the hub'", timeout=30_000)
        bob.wait_for_function(f"() => {CY}.getElementById({rid!r}).data('label') === 'carol via the hub'", timeout=30_000)
        # presence: each collaborator under their own name
        alice.wait_for_function("() => document.querySelectorAll('.isshoni-PresenceBar [title]').length >= 3", timeout=30_000)
        names = alice.evaluate("() => [...document.querySelectorAll('.isshoni-PresenceBar [title]')].map(e => e.title).join(' ')")
        assert "bob" in names and "carol" in names, names
        screenshot(alice, "hub-1-owner")
        screenshot(bob, "hub-2-viewer")
        screenshot(carol, "hub-3-editor")
        deadline = time.monotonic() + 30
        while b"carol via the hub" not in team["file"].read_bytes() and time.monotonic() < deadline:
            time.sleep(0.2)
        saved = json.loads(team["file"].read_text())
        assert saved["resources"][rid]["label"] == "carol via the hub"


def test_a_server_left_by_a_killed_hub_is_stopped_even_if_it_ignores_sigterm(tmp_path):
    """A Hub killed after its grace period cannot stop its single-user servers; one that hung on
    shutdown outlived a whole test run once.  hub.stop_left_over finds this Hub's servers by the
    Hub API address in their environment, and only those."""
    mine = {**os.environ, "JUPYTERHUB_API_URL": "http://127.0.0.1:9/hub/api"}
    other = {**os.environ, "JUPYTERHUB_API_URL": "http://127.0.0.1:10/hub/api"}
    script = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(120)"
    hung = subprocess.Popen([sys.executable, "-c", script], env=mine, start_new_session=True)
    bystander = subprocess.Popen([sys.executable, "-c", script], env=other, start_new_session=True)
    try:
        time.sleep(0.5)
        stop_left_over("http://127.0.0.1:9/hub/api", tmp_path / "no-proxy.pid", grace=1)
        assert hung.wait(5) == -signal.SIGKILL
        assert bystander.poll() is None
    finally:
        for proc in (hung, bystander):
            if proc.poll() is None:
                proc.kill()
                proc.wait(5)
