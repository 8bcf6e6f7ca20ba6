"""The Voila dashboard end to end: `isshoni dashboard --no-browser --port P` serves it, Chromium
loads it, Deploy goes to a real moto sandbox with the progress bar filling up, the canary
walks to 100% green (checked on the live listener rule with boto3, not through Isshoni),
Rollback returns it, Destroy removes the stack; a screenshot lands in test-artifacts/."""

from __future__ import annotations

import subprocess
import sys

import pytest

from browser import chromium, screenshot
from sandbox import client, running_sandbox, weighted_rule
from servers import free_port
from voila import serve, voila_env

pytestmark = pytest.mark.browser

DEPLOY_TIMEOUT = 240_000  # ms: sandbox deploy of chat_canary is ~5 s, a loaded machine is slower


def _blue_green(sb) -> dict[str, int]:
    """The live rule's weights by role: target group ARNs named through the stack's own resources."""
    _rule, weights = weighted_rule(sb, "chat_canary")
    stack = client(sb, "cloudformation").describe_stack_resources(StackName="isshoni-chat-canary")["StackResources"]
    role = {r["PhysicalResourceId"]: ("green" if "Green" in r["LogicalResourceId"] else "blue")
            for r in stack if r.get("ResourceType") == "AWS::ElasticLoadBalancingV2::TargetGroup"}
    return {role[arn]: weight for arn, weight in weights.items()}


def _state(page) -> str:
    return page.locator(".isshoni-dash-state").first.get_attribute("data-state", timeout=5_000)


def _wait_job(page, kind: str, timeout: float = DEPLOY_TIMEOUT) -> str:
    page.wait_for_function(
        "(kind) => { const s = document.querySelector('.isshoni-dash-state');"
        " return s && s.textContent.startsWith(kind) && s.dataset.state !== 'running'; }",
        arg=kind, timeout=timeout,
    )
    return _state(page)


def _click(page, name: str) -> None:
    button = page.locator(f"button.isshoni-dash-{name}")
    button.wait_for(state="visible")
    page.wait_for_function(f"() => !document.querySelector('button.isshoni-dash-{name}').disabled", timeout=60_000)
    button.click()


def test_dashboard_deploys_walks_the_canary_and_destroys(tmp_path):
    folder = tmp_path / "designs"
    folder.mkdir()
    port = free_port()
    cmd = [sys.executable, "-m", "isshoni", "dashboard", str(folder), "--no-browser", "--port", str(port)]
    with running_sandbox(tmp_path / "state") as sb, serve(cmd, voila_env(folder, tmp_path), tmp_path, port) as base, \
            chromium() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 1300})
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(base + "/")
        try:
            page.wait_for_selector(".isshoni-widget canvas", timeout=120_000)
        except Exception:  # say what the page and Voila were doing (a one-off timeout under load, so far)
            screenshot(page, "dashboard-no-canvas")
            log = "".join(p.read_text(errors="replace")[-3000:] for p in tmp_path.glob("voila-*.log"))
            outputs = page.evaluate("() => [...document.querySelectorAll('.jp-OutputArea-output')].map(o => o.innerText.slice(0, 500))")
            raise AssertionError(f"no canvas after 120 s; page errors {errors}; cell outputs {outputs}; Voila log:\n{log}") from None
        page.wait_for_function("() => document.querySelector('.isshoni-dash-status')?.textContent.includes('chat_canary.infra.json:')")
        assert "a file" in page.inner_text(".isshoni-dash-status")  # no Jupyter server here: offline mode, said so
        # Voila's JupyterLab 4.2 was not given the extensions it cannot run; the widget ones are there
        loaded = page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data').textContent)"
                               ".federated_extensions.map(e => e.name)")
        assert "anywidget" in loaded and not {"isshoni", "@jupyter/docprovider-extension"} & set(loaded), loaded
        # the generated code and the fast checks are on the page
        page.wait_for_function("() => document.querySelector('.isshoni-dash-cloudformation')?.textContent.includes('AWSTemplateFormatVersion')")
        page.wait_for_function("() => /error\\(s\\)/.test(document.querySelector('.isshoni-dash-findings')?.textContent || '')",
                               timeout=120_000)

        _click(page, "deploy")
        assert _wait_job(page, "deploy") == "succeeded", page.inner_text(".isshoni-dash-job-status")
        assert "deploy succeeded with warnings" in page.inner_text(".isshoni-dash-job-status")  # moto drops and skips parts
        bar = page.locator(".isshoni-dash-progress .progress-bar")
        assert bar.evaluate("b => b.style.width") == "100%"
        assert "CREATE_COMPLETE" in page.inner_text(".isshoni-dash-events") or "verify" in page.inner_text(".isshoni-dash-events")
        assert page.locator(".isshoni-dash-outputs tr").count() > 0  # the deployment's outputs (ALB DNS name ...)
        # the weights shown are the live rule's (the template's defaults), read back from the sandbox
        live = _blue_green(sb)
        assert f"{live['blue']}% blue / {live['green']}% green" in page.inner_text(".isshoni-dash-weights")

        # Auto refuses a step it cannot check (the sandbox runs no containers, its alarms are not emulated),
        # says so on the page, and returns the traffic to blue
        _click(page, "canary-auto")
        assert _wait_job(page, "canary") == "rolled_back", page.inner_text(".isshoni-dash-job-status")
        refusal = page.inner_text(".isshoni-dash-refusal")
        assert "Auto refused to call the 10% green step healthy" in refusal and "health not checked" in refusal, refusal
        assert "walk on unchecked steps" in refusal
        assert _blue_green(sb) == {"blue": 100, "green": 0}
        screenshot(page, "dashboard-voila-canary-refused")
        # ticked, it walks on, and the job says it succeeded with warnings
        page.locator(".isshoni-dash-accept-unchecked input").check()
        _click(page, "canary-auto")
        page.wait_for_function("() => !document.querySelector('.isshoni-dash-refusal')")  # the new job replaced the last one's line
        assert _wait_job(page, "canary") == "succeeded", page.inner_text(".isshoni-dash-job-status")
        assert "succeeded with warnings" in page.inner_text(".isshoni-dash-job-status")
        assert "0% blue / 100% green" in page.inner_text(".isshoni-dash-weights")
        assert _blue_green(sb) == {"blue": 0, "green": 100}
        page.locator(".isshoni-dash-chart").scroll_into_view_if_needed()
        screenshot(page, "dashboard-voila-canary-100")

        _click(page, "rollback")
        assert _wait_job(page, "rollback") == "succeeded", page.inner_text(".isshoni-dash-job-status")
        assert "100% blue / 0% green" in page.inner_text(".isshoni-dash-weights")
        assert _blue_green(sb) == {"blue": 100, "green": 0}

        _click(page, "canary-10")  # one step
        assert _wait_job(page, "canary") == "succeeded", page.inner_text(".isshoni-dash-job-status")
        assert "90% blue / 10% green" in page.inner_text(".isshoni-dash-weights")
        assert _blue_green(sb) == {"blue": 90, "green": 10}

        _click(page, "destroy")
        assert _wait_job(page, "destroy") == "succeeded", page.inner_text(".isshoni-dash-job-status")
        assert page.locator(".isshoni-dash-outputs tr").count() == 0
        stacks = client(sb, "cloudformation").describe_stacks()["Stacks"]
        assert not [s for s in stacks if s["StackStatus"] != "DELETE_COMPLETE"]
        assert not errors, errors


def test_dashboard_command_refuses_a_missing_folder(tmp_path):
    result = subprocess.run([sys.executable, "-m", "isshoni", "dashboard", str(tmp_path / "nope"), "--no-browser"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "is not a folder" in result.stderr
