"""The dashboard's Python side without a browser: opening designs, the code and findings it
shows, and clear messages on bad input (the browser test drives deploys in the page)."""

from __future__ import annotations

import time

from isshoni.dashboard.app import Dashboard, _shape
from isshoni.dashboard.chart import WeightHistory, png
from servers import free_port


def _wait(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_opening_a_template_copies_it_once_and_shows_code_and_findings(tmp_path, monkeypatch):
    for name in ("ISSHONI_SERVER_URL", "JUPYTER_SERVER_URL", "JPY_PARENT_PID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))  # no server of this machine is found
    dash = Dashboard(tmp_path, template="vpc_basic", live=False)
    path = tmp_path / "vpc_basic.infra.json"
    assert path.is_file()
    assert "vpc_basic.infra.json" in dash.status.value and "a file" in dash.status.value
    assert "AWSTemplateFormatVersion" in dash.cfn.value and "resource &quot;aws_vpc&quot;" in dash.terraform.value
    assert "$37.35/month in us-east-1" in dash.cost.value and "NAT gateway" in dash.cost.value  # 730 h and 100 GB at $0.045
    assert "class='isshoni-cost-bar' style='width:100.0%" in dash.cost.value  # the chart: one service, the largest
    assert _wait(lambda: "error(s)" in dash.findings.value), dash.findings.value
    assert dash.diagram is not None and set(dash.diagram.design["resources"]) == set(dash.design.resources)
    assert dash.deploy_button.disabled is False and dash.destroy_button.disabled is True  # nothing deployed yet
    assert all(b.disabled for b in dash.canary_buttons.values())

    # an edit made elsewhere is kept when the template is opened again, and the code follows edits
    dash.design.add("s3_bucket", "assets", label="Assets")
    assert _wait(lambda: "Assets" in dash.cfn.value or "assets" in dash.cfn.value.lower())
    assert _wait(lambda: dash._checks == 2) and _wait(lambda: "error(s)" in dash.findings.value)  # checks ran again
    dash.design.move("assets", 500, 500)
    time.sleep(1)
    assert dash._checks == 2  # a move changes neither the code nor the findings
    again = Dashboard(tmp_path, template="vpc_basic", live=False)
    assert "assets" in again.design.resources
    # the picker lists the folder's designs first (the copied template as its file), then the other templates
    labels = [label for label, _value in again.picker.options]
    assert labels[0] == "vpc_basic.infra.json" and "template: chat canary" in labels and "template: vpc basic" not in labels
    assert again.picker.value == "vpc_basic.infra.json"


def test_a_template_another_kernel_copies_at_the_same_moment_opens_that_copy(tmp_path, monkeypatch):
    """Voila runs the dashboard in a pre-started kernel and in the page's: both may find the template
    not copied yet, and the second to copy it must open the copy, not fail (seen in a full test run)."""
    import isshoni
    from isshoni import templates

    real = isshoni.open_template

    def raced(name, path, **options):
        templates.load(name).save(path)  # the other kernel got there first
        return real(name, path, **options)

    monkeypatch.setattr(isshoni, "open_template", raced)
    dash = Dashboard(tmp_path, template="vpc_basic", live=False)
    assert dash.design is not None and "cannot open" not in dash.status.value
    assert "vpc_basic.infra.json" in dash.status.value


def test_any_design_of_the_folder_opens_and_a_missing_one_is_said(tmp_path):
    from isshoni import templates

    templates.load("static_site").save(tmp_path / "mine.infra.json")
    dash = Dashboard(tmp_path, template=None, live=False)
    assert dash.design is None and dash.deploy_button.disabled
    assert dash.picker.options[0] == ("mine.infra.json", "mine.infra.json")
    dash.open("mine.infra.json")
    assert dash.design is not None and "mine.infra.json" in dash.status.value
    dash.open("gone.infra.json")
    assert dash.design is None and "cannot open gone.infra.json" in dash.status.value and "no such design" in dash.status.value


def test_a_server_that_is_not_there_is_said_on_the_page(tmp_path, monkeypatch):
    monkeypatch.setenv("ISSHONI_SERVER_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("ISSHONI_SERVER_TOKEN", "not-a-real-token")
    dash = Dashboard(tmp_path, template="vpc_basic", live=True)
    assert dash.design is None
    assert "cannot open vpc_basic.infra.json" in dash.status.value and "cannot be reached" in dash.status.value
    assert dash.deploy_button.disabled


def test_moves_do_not_regenerate_code():
    a = {"meta": {"name": "x"}, "resources": {"r": {"type": "s3_bucket", "position": {"x": 1, "y": 2}}}, "connections": {}}
    b = {"meta": {"name": "x"}, "resources": {"r": {"type": "s3_bucket", "position": {"x": 9, "y": 9}}}, "connections": {}}
    assert _shape(a) == _shape(b)
    b["resources"]["r"]["label"] = "renamed"
    assert _shape(a) != _shape(b)


def test_weight_history_keeps_changes_only_and_draws_a_png():
    history = WeightHistory()
    assert history.add(90, 10) and not history.add(90, 10) and history.add(0, 100)
    assert history.current == (0, 100) and len(history.points) == 2
    image = png(history)
    assert image.startswith(b"\x89PNG") and len(image) > 2000
    assert png(WeightHistory()).startswith(b"\x89PNG")


def test_live_dashboard_deploys_with_job_records_in_the_room(tmp_path, monkeypatch):
    """As on Binder: the dashboard's design is the room's; its jobs land in the shared document."""
    import asyncio

    from rooms import isshoni_server, joined
    from sandbox import running_sandbox

    root = tmp_path / "root"
    root.mkdir()
    with running_sandbox(tmp_path / "state"), isshoni_server(root, tmp_path) as (base, token):
        monkeypatch.setenv("ISSHONI_SERVER_URL", base)
        monkeypatch.setenv("ISSHONI_SERVER_TOKEN", token)
        monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))  # the server's: its root is known
        dash = Dashboard(root, template="chat_canary", live=True)
        try:
            assert dash.design is not None and "live in the room" in dash.status.value, dash.status.value
            dash.deploy()
            assert dash.wait(240)
            assert "succeeded" in dash.job_status.value, dash.job_status.value
            dash.canary(50)
            assert dash.wait(120)
            assert "50% blue / 50% green" in dash.weights.value, dash.job_status.value

            async def records() -> dict:
                async with joined(base, token, "chat_canary.infra.json") as doc:
                    return doc.to_dict()["deployments"]

            states = sorted((r["kind"], r["state"]) for r in asyncio.run(records()).values())
            assert states == [("canary", "succeeded"), ("deploy", "succeeded")], states
        finally:
            if dash.design is not None:
                dash.destroy()
                dash.wait(240)
            dash.close()


def test_live_dashboard_says_when_the_server_is_gone_and_when_it_is_back(tmp_path, monkeypatch):
    from rooms import isshoni_server

    root = tmp_path / "root"
    root.mkdir()
    port = free_port()
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    with isshoni_server(root, tmp_path, port=port) as (base, token):
        monkeypatch.setenv("ISSHONI_SERVER_URL", base)
        monkeypatch.setenv("ISSHONI_SERVER_TOKEN", token)
        dash = Dashboard(root, template="vpc_basic", live=True)
        assert dash.design is not None and dash.design.wait_connected(30)
    try:
        assert _wait(lambda: "edits are kept" in dash.connection.value, 30), dash.connection.value
        with isshoni_server(root, tmp_path, port=port):
            assert _wait(lambda: dash.connection.value == "", 60), dash.connection.value
            assert dash.design.status == "connected"
    finally:
        dash.close()
