"""Drift (issue 18, item 4): chat_canary (with a notifications queue: the shipped template has
none) deployed to the sandbox, then three things changed out of band with boto3: an SSH rule
opened on the blue service's security group, a change stream turned on for the messages
table, the queue deleted.  The drift check reports exactly those three nodes (and a queue
someone made with the design's tag as unmanaged), with CloudFormation and with Terraform
(whose refresh-only plan agrees); adopting writes the live values into the design and clears
those nodes; the blue service stays drifted until the rule is revoked.  Unit tests cover the
mapping of a drifted setting to the design property that holds it."""

from __future__ import annotations

import json

import pytest

from isshoni.deploy import runner
from isshoni.deploy.drift import adopt, drift
from isshoni.deploy.drift_adopt import adoption
from isshoni.deploy.drift_report import DriftReport, text
from isshoni.deploy.drift_unmanaged import _names
from isshoni.deploy.engines.terraform import tf_changes
from isshoni.design import Design
from sandbox import cli, client, design_copy, running_sandbox

NAME = "driftcanary"
SSH = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}


def _with_queue(data: dict) -> None:
    data["resources"]["notifications"] = {"type": "sqs_queue", "properties": {}, "position": {"x": 900, "y": 900}}
    data["connections"]["blue_notifications"] = {"source": "blue", "target": "notifications", "properties": {}}


# ---------------------------------------------------------------- units: which property holds a setting


def _table() -> Design:
    d = Design(name="t")
    d.add("dynamodb_table", id="items")
    return d


def test_a_setting_maps_to_the_property_the_catalog_fills_it_from():
    d = _table()
    pitr = {"part": "items", "path": "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled", "live": False}
    assert adoption(d, "items", pitr) == {"property": "point_in_time_recovery", "value": False}
    # Terraform's path for the same setting, through its nested block
    assert adoption(d, "items", {"part": "items", "path": "point_in_time_recovery.enabled", "live": False, "side": "tf"}) \
        == {"property": "point_in_time_recovery", "value": False}
    # a setting under If(stream, True, ...): present means stream on, absent stream off
    stream = {"part": "items", "path": "StreamSpecification.StreamViewType", "live": "NEW_AND_OLD_IMAGES"}
    assert adoption(d, "items", stream) == {"property": "stream", "value": True}
    assert adoption(d, "items", {**stream, "live": None}) == {"property": "stream", "value": False}


def test_what_the_design_cannot_hold_says_why():
    d = _table()
    fixed = adoption(d, "items", {"part": "items", "path": "BillingMode", "live": "PROVISIONED"})
    assert "always sets BillingMode to 'PAY_PER_REQUEST'" in fixed["why"]
    assert "re-apply" in adoption(d, "items", {"part": "items_role", "path": "X", "live": 1})["why"]
    rules = adoption(d, "items", {"part": "items", "path": "SecurityGroupIngress (rules the design does not make)", "live": []})
    assert "revoke them" in rules["why"]
    assert "not set" in adoption(d, "items", {"part": "items", "path": "Nope.Nothing", "live": 1})["why"]


def test_adopt_sets_properties_or_removes_a_deleted_node_and_refuses_the_rest():
    d = _table()
    d.add("sqs_queue", id="jobs")
    report = {"nodes": {"items": {"status": "drifted", "adopt": {"set": {"stream": True}}},
                        "jobs": {"status": "deleted", "adopt": {"remove": "jobs"}},
                        "other": {"status": "drifted"}}}
    assert adopt(d, report, "items") == ["items.stream: None -> True"]
    assert d.resources["items"]["properties"]["stream"] is True
    assert adopt(d, report, "jobs")[0].startswith("removed jobs") and "jobs" not in d.resources
    with pytest.raises(ValueError, match="re-apply instead"):
        adopt(d, report, "other")
    with pytest.raises(KeyError):
        adopt(d, report, "missing")


def test_terraform_changes_and_arn_names():
    before = {"id": "x", "point_in_time_recovery": [{"enabled": True}], "tags_all": {"a": "1"}, "name": "t"}
    after = {"id": "x", "point_in_time_recovery": [{"enabled": False}], "tags_all": {"a": "2"}, "name": "t"}
    assert tf_changes(before, after) == [("point_in_time_recovery.enabled", True, False)]
    assert "q" in _names("arn:aws:sqs:ap-northeast-2:123456789012:q")
    assert "fam" in _names("arn:aws:ecs:ap-northeast-2:123456789012:task-definition/fam:3")
    assert "q" in _names("https://sqs.ap-northeast-2.amazonaws.com/123456789012/q")


# ---------------------------------------------------------------- the sandbox, both engines


def _change_out_of_band(sb, state_dir) -> None:
    state = json.loads(next(state_dir.rglob(f"*{NAME}*/state.json")).read_text())
    inv = state["inventory"]
    client(sb, "ec2").authorize_security_group_ingress(GroupId=inv["blue_sg"]["id"], IpPermissions=[SSH])
    client(sb, "dynamodb").update_table(TableName=inv["messages"]["id"],
                                        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    sqs = client(sb, "sqs")
    queue = inv["notifications"]["id"]
    sqs.delete_queue(QueueUrl=queue if queue.startswith("http") else sqs.get_queue_url(QueueName=queue)["QueueUrl"])
    sqs.create_queue(QueueName="made-by-hand", tags={"isshoni:design": NAME})


def _flagged(report: dict) -> dict:
    return {rid: n["status"] for rid, n in report["nodes"].items() if n["status"] in ("drifted", "deleted")}


@pytest.mark.parametrize("engine", ["cloudformation", "terraform"])
def test_drift_reports_exactly_what_changed_outside_and_adopt_clears_it(tmp_path, engine):
    with running_sandbox(tmp_path / "state") as sb:
        path = design_copy(tmp_path, NAME, _with_queue)
        job = runner.deploy(path, target="sandbox", engine=engine)
        assert job.state == "succeeded", job.error
        first = drift(Design.load(path))
        assert _flagged(first) == {}, text(first)  # what the sandbox dropped at the deploy is not drift
        assert first["unmanaged"] == {"checked": True, "resources": []}
        assert sum(first["counts"].values()) == len(Design.load(path).resources)

        _change_out_of_band(sb, tmp_path / "state")
        found = drift(Design.load(path))
        assert _flagged(found) == {"blue": "drifted", "messages": "drifted", "notifications": "deleted"}, text(found)
        blue = found["nodes"]["blue"]["differences"]
        assert [(d["part"], d["live"]) for d in blue if d["part"] == "blue_sg"] == \
            [("blue_sg", [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}])]
        assert "adopt" not in found["nodes"]["blue"]  # the design has no place for a hand-made rule
        stream = [d for d in found["nodes"]["messages"]["differences"] if d.get("property") == "stream"]
        assert stream and stream[0]["live"] == "NEW_AND_OLD_IMAGES" and stream[0]["value"] is True
        assert found["nodes"]["messages"]["adopt"] == {"set": {"stream": True}}
        assert found["nodes"]["notifications"]["adopt"] == {"remove": "notifications"}
        assert [r["arn"].rsplit(":", 1)[-1] for r in found["unmanaged"]["resources"]] == ["made-by-hand"]
        if engine == "terraform":
            assert found["terraform_refresh"]["checked"] and stream[0].get("terraform_agrees") is True
        assert sum(found["counts"].values()) == len(Design.load(path).resources)

        if engine == "cloudformation":  # the command line: the same report, exit 2; then adopting two of the three nodes
            shown = cli("drift", str(path))
            assert shown.returncode == 2, shown.stderr
            assert "blue (ecs_service): drifted" in shown.stdout and "notifications (sqs_queue): deleted outside Isshoni" \
                in shown.stdout and "made-by-hand" in shown.stdout
            adopted = cli("drift", str(path), "--adopt", "messages", "--adopt", "notifications")
            assert adopted.returncode == 0, adopted.stderr + adopted.stdout
            assert "messages.stream: None -> True" in adopted.stdout
        else:  # a notebook's kernel helpers: design.drift() and report.adopt(node), written to the file at once
            from isshoni.kernel import OfflineDesign

            handle = OfflineDesign(path)
            report = handle.drift()
            assert sorted(report.drifted()) == ["blue", "messages", "notifications"] and "<table" in report._repr_html_()
            assert report.adopt("messages") == ["messages.stream: None -> True"]
            report.adopt("notifications")
        design = Design.load(path)
        assert design.resources["messages"]["properties"]["stream"] is True and "notifications" not in design.resources
        after = drift(design)
        assert _flagged(after) == {"blue": "drifted"}, text(after)
        assert after["nodes"]["messages"]["status"] == "in sync"
        with pytest.raises(ValueError, match="re-apply instead"):
            adopt(design, after, "blue")  # nothing the design can hold

        # the rule revoked by hand: nothing differs any more
        state = json.loads(next((tmp_path / "state").rglob(f"*{NAME}*/state.json")).read_text())
        client(sb, "ec2").revoke_security_group_ingress(GroupId=state["inventory"]["blue_sg"]["id"], IpPermissions=[SSH])
        assert DriftReport(drift(design)).drifted() == []
        assert runner.destroy(path, target="sandbox").state == "succeeded"


def test_drift_before_any_deploy_says_so(tmp_path):
    with running_sandbox(tmp_path / "state"):
        path = design_copy(tmp_path, NAME)
        with pytest.raises(ValueError, match="is not deployed to sandbox: deploy it first"):
            drift(Design.load(path))
        done = cli("drift", str(path))
        assert done.returncode == 1 and "deploy it first" in done.stderr
