"""Drift on the canvas (issue 18, item 4), in real Chromium: chat_canary with a notifications
queue deployed to the sandbox from the Deploy tab, three changes made out of band with boto3
(an SSH rule on the blue service's group, a change stream on the messages table, the queue
deleted); "Check drift" marks exactly those three nodes on the canvas (drifted: double amber
border; deleted: dashed red) and lists them with the design's and the live values; the
inspector says the same for a selected node; "Adopt live value" writes the stream into the
design and clears its mark, "Adopt: remove" takes the deleted queue out; a second check, made
by the server from the shared design, finds only the hand-made rule left.  Screenshots:
test-artifacts/drift-*.png."""

from __future__ import annotations

import json

import pytest

from browser import LAB_ARGS, chromium, open_design, run, screenshot, this_checkout
from rooms import isshoni_server
from sandbox import client, design_copy, running_sandbox

pytestmark = pytest.mark.browser

PATH = "driftcanary.infra.json"
CY = "document.querySelector('.isshoni-Canvas').cy"
DOC = "document.querySelector('.isshoni-Canvas').isshoniCanvas.ctx.doc"
PANEL = ".isshoni-DeployPanel"
DRIFT = f"{PANEL} .isshoni-DriftView"
JOB_S = 600


def _marks(page) -> dict:
    return page.evaluate(f"""() => Object.fromEntries({CY}.nodes('.drift-drifted, .drift-deleted').map(n =>
        [n.id(), n.hasClass('drift-deleted') ? 'deleted' : 'drifted']))""")


def _listed(page) -> list[str]:
    return page.evaluate(f"() => [...document.querySelectorAll('{DRIFT} .isshoni-DriftView-node')].map(li => li.dataset.node)")


def _check(page) -> None:
    """Click Check drift and wait for the server's answer (the panel says it is comparing until then)."""
    page.click(f"{PANEL} .isshoni-DeployControls-drift")
    page.wait_for_selector(f"{DRIFT} .isshoni-DriftView-busy", state="detached", timeout=120_000)
    page.wait_for_selector(f"{DRIFT} .isshoni-DriftView-summary")


def test_drift_drawn_on_the_canvas_and_adopted(tmp_path):
    root = tmp_path / "work"
    root.mkdir()

    def with_queue(data):
        data["resources"]["notifications"] = {"type": "sqs_queue", "properties": {}, "position": {"x": 1400, "y": 300}}
        data["connections"]["blue_notifications"] = {"source": "blue", "target": "notifications", "properties": {}}

    design_copy(root, "driftcanary", with_queue)
    with running_sandbox(tmp_path / "state") as sb, \
            isshoni_server(root, tmp_path, *LAB_ARGS, this_checkout(tmp_path), lab=True) as (base, token), chromium() as browser:
        page = open_design(browser, base, token, PATH)
        page.wait_for_function(f"{CY}.nodes().length >= 23")
        page.locator(".isshoni-DeployButton button").first.click()
        page.wait_for_selector(f"{PANEL} .isshoni-DeployControls-deploy:not([disabled])")
        assert page.locator(f"{PANEL} .isshoni-DeployControls-drift").is_disabled()  # nothing deployed yet
        page.click(f"{PANEL} .isshoni-DeployControls-deploy")
        page.wait_for_function(f"""() => (document.querySelector('{PANEL} .isshoni-DeployLog-head')?.textContent ?? '')
            .includes('succeeded')""", timeout=JOB_S * 1000)

        _check(page)  # right after the deploy: nothing drifted
        assert _marks(page) == {} and _listed(page) == []
        assert "drifted" not in page.locator(f"{DRIFT} .isshoni-DriftView-summary").text_content()

        state = json.loads(next((tmp_path / "state").rglob("*driftcanary*/state.json")).read_text())
        inv = state["inventory"]
        client(sb, "ec2").authorize_security_group_ingress(GroupId=inv["blue_sg"]["id"], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        client(sb, "dynamodb").update_table(TableName=inv["messages"]["id"], StreamSpecification={
            "StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        sqs = client(sb, "sqs")
        queue = inv["notifications"]["id"]
        sqs.delete_queue(QueueUrl=queue if queue.startswith("http") else sqs.get_queue_url(QueueName=queue)["QueueUrl"])

        _check(page)
        assert _marks(page) == {"blue": "drifted", "messages": "drifted", "notifications": "deleted"}
        assert sorted(_listed(page)) == ["blue", "messages", "notifications"]
        messages = page.locator(f"{DRIFT} li[data-node='messages']")
        assert "live NEW_AND_OLD_IMAGES" in messages.text_content()
        assert page.locator(f"{DRIFT} li[data-node='blue'] .isshoni-DriftView-adopt").count() == 0  # nothing to adopt
        assert "revoke them" in page.locator(f"{DRIFT} li[data-node='blue']").text_content()
        run(page, f"{CY}.fit({CY}.nodes('#blue, #messages'), 80)")
        screenshot(page, "drift-1-checked")

        messages.locator(".isshoni-DriftView-name").click()  # selects it and brings it into view
        page.locator(".isshoni-SideTabs .lm-TabBar-tab", has_text="Properties").click()
        note = page.locator(".isshoni-Inspector-drift")
        note.wait_for()
        assert "Drifted" in note.text_content() and "adopt sets stream" in note.text_content()
        screenshot(page, "drift-2-inspector")
        page.locator(".isshoni-SideTabs .lm-TabBar-tab", has_text="Deploy").click()

        messages.locator(".isshoni-DriftView-adopt").click()
        page.wait_for_function(f"() => !{CY}.getElementById('messages').hasClass('drift-drifted')")
        assert page.evaluate(f"() => {DOC}.resource('messages').properties.stream") is True  # written into the shared design
        page.locator(f"{DRIFT} li[data-node='notifications'] .isshoni-DriftView-adopt").click()
        page.wait_for_function(f"() => {CY}.getElementById('notifications').empty()")
        assert _marks(page) == {"blue": "drifted"}
        screenshot(page, "drift-3-adopted")

        _check(page)  # the server checks again, from the shared design the adoption wrote into
        assert _marks(page) == {"blue": "drifted"} and _listed(page) == ["blue"]
        screenshot(page, "drift-4-checked-again")
        assert page.errors == [], page.errors
