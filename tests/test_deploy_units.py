"""Deploy building blocks without a sandbox: redaction, Terraform safety, jobs and sinks,
sandbox guards, the sandbox model adaptation, canary detection, the CLI's AWS guard."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys

import pytest

from isshoni.checks import hcl_parser
from isshoni.compiler import resolve
from isshoni.deploy import canary, redact, sandbox, tfsafety
from isshoni.deploy.adapt import TF_NOT_EMULATED, for_sandbox
from isshoni.deploy.engines.terraform import ENDPOINTS, backend_override, sandbox_override
from isshoni.deploy.jobs import Job, JobStateError, pid_alive, recover
from isshoni.deploy.sink import FULL_RECORDS, FileJobSink, MemoryJobSink
from isshoni.design import Design
from sandbox import TEMPLATE, cli, design_copy, state_dir


@pytest.fixture()
def state(tmp_path):
    with state_dir(tmp_path / "state") as path:
        yield path


# ---------------------------------------------------------------- redaction


# Credential-shaped values are assembled here from obviously fake parts, so no string that
# looks like a real key is ever committed (secret scanners flag even AWS's documented examples).
FAKE_ACCESS_KEY = "AKIA" + "FAKEFORTESTS" + "0000"
FAKE_TEMP_KEY = "ASIA" + "FAKEFORTESTS" + "1111"
FAKE_SECRET_KEY = "/".join(("fake" * 4, "notreal", "x" * 15))  # 40 characters with slashes, like the real ones
FAKE_SESSION_TOKEN = "Fake" + "Session" + "/" * 10 + "TokenForTests"


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        (f"using key {FAKE_ACCESS_KEY} for this", FAKE_ACCESS_KEY),
        (f"temporary {FAKE_TEMP_KEY} ok", FAKE_TEMP_KEY),
        (f"aws_secret_access_key = {FAKE_SECRET_KEY}", FAKE_SECRET_KEY),
        (f'{{"SecretAccessKey": "{FAKE_SECRET_KEY}"}}', FAKE_SECRET_KEY[:13]),
        (f"AWS_SESSION_TOKEN={FAKE_SESSION_TOKEN}", FAKE_SESSION_TOKEN[:15]),
        ('{"password": "hunter2hunter2", "user": "bob"}', "hunter2hunter2"),
        ("MasterUserPassword=Sup3rS3cret&Engine=postgres", "Sup3rS3cret"),
        ("master_user_password: 'Sup3rS3cret'", "Sup3rS3cret"),
        ("Authorization: AWS4-HMAC-SHA256 Credential=X/20261123, Signature=abcdef0123", "Signature=abcdef0123"),
        ("x-amz-security-token: IQoJb3JpZ2luX2VjEXAMPLE", "IQoJb3JpZ2luX2VjEXAMPLE"),
        ("postgres://admin:pa55word@db.example.com/app", "pa55word"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEexample\n-----END RSA PRIVATE KEY-----", "MIIEexample"),
        ("api_key=sk-live-123456", "sk-live-123456"),
    ],
)
def test_redaction_masks_secrets(line, secret):
    text = redact.Redactor(from_env=False).text(line)
    assert secret not in text and redact.MASK in text


def test_redaction_keeps_ordinary_text_and_masks_known_values(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "value-from-the-environment")
    r = redact.Redactor(["exact-known-value"])
    for line in ["aws_vpc.vpc: Creation complete after 1s [id=vpc-0abc]", "desired_count = 2",
                 "The CIDR '10.0.0.0/24' is invalid", "aws_secretsmanager_secret.db: Creating..."]:
        assert r.text(line) == line
    assert r.text("a exact-known-value b") == f"a {redact.MASK} b"
    assert "value-from-the-environment" not in r.text("x value-from-the-environment y")
    assert r.data({"k": ["token=abc123"], "n": 1}) == {"k": [f'token="{redact.MASK}"'], "n": 1}


def test_job_records_and_logs_are_redacted(state):
    sink = MemoryJobSink()
    job = Job("deploy", design="d", target="sandbox", engine="cloudformation", region="us-east-1", sink=sink,
              redactor=redact.Redactor(["the-dummy-secret"]))
    job.transition("running")
    job.emit("info", f"connecting with the-dummy-secret and {FAKE_ACCESS_KEY}")
    job.log("password=hunter22 in tool output")
    job.transition("failed", error="failed with token=abc")
    text = json.dumps(sink.read_all()) + job.log_path.read_text() + job.events_path.read_text()
    for secret in ("the-dummy-secret", FAKE_ACCESS_KEY, "hunter22", "token=abc"):
        assert secret not in text


# ---------------------------------------------------------------- Terraform safety

UNSAFE = {
    "local-exec": ('resource "aws_instance" "x" {\n  ami = "a"\n  provisioner "local-exec" {\n    command = "id"\n  }\n}\n', 3, 'provisioner "local-exec"'),
    "remote-exec": ('resource "aws_instance" "x" {\n  ami = "a"\n\n  provisioner "remote-exec" {\n    inline = ["id"]\n  }\n}\n', 4, 'provisioner "remote-exec"'),
    "file": ('resource "aws_instance" "x" {\n  provisioner "file" {\n    source = "/etc/passwd"\n    destination = "/tmp/p"\n  }\n}\n', 2, 'provisioner "file"'),
    "external": ('\ndata "external" "e" {\n  program = ["sh", "-c", "id"]\n}\n', 2, 'data "external" "e"'),
    "http": ('data "http" "h" {\n  url = "https://example.com"\n}\n', 1, 'data "http" "h"'),
    "provider block": ('provider "google" {\n  project = "p"\n}\n', 1, 'provider "google"'),
    "required provider": ('terraform {\n  required_providers {\n    null = {\n      source = "hashicorp/null"\n    }\n  }\n}\n', 3, "required provider null"),
    "foreign source": ('terraform {\n  required_providers {\n    aws = {\n      source = "evilcorp/aws"\n    }\n  }\n}\n', 3, "required provider aws (evilcorp/aws)"),
    "foreign resource": ('resource "null_resource" "n" {\n}\n', 1, 'resource "null_resource" "n"'),
    "local_file": ('resource "local_file" "f" {\n  content = "x"\n  filename = "/tmp/x"\n}\n', 1, 'resource "local_file" "f"'),
    "foreign data": ('data "dns_a_record_set" "d" {\n  host = "example.com"\n}\n', 1, 'data "dns_a_record_set" "d"'),
    "terraform_data": ('resource "terraform_data" "t" {\n  input = 1\n}\n', 1, 'resource "terraform_data" "t"'),
    "module": ('module "m" {\n  source = "git::https://example.com/m.git"\n}\n', 1, 'module "m"'),
    "check block http": ('check "site" {\n  data "http" "h" {\n    url = "https://example.com"\n  }\n}\n', None, 'data "http" "h"'),
}


@pytest.mark.parametrize("case", sorted(UNSAFE))
def test_unsafe_terraform_is_refused_with_file_line_and_construct(case):
    text, line, construct = UNSAFE[case]
    refusals = tfsafety.check_files({"main.tf": text})
    assert refusals, case
    messages = [str(r) for r in refusals]
    assert any(construct in m for m in messages), messages
    if line:
        assert any(r.line == line and construct in r.construct for r in refusals), messages
    assert all(m.startswith("main.tf") for m in messages)


def test_unsafe_terraform_json_is_refused_too():
    text = json.dumps({"resource": {"aws_instance": {"x": {"provisioner": [{"local-exec": {"command": "id"}}]}}},
                       "data": {"external": {"e": {"program": ["id"]}}}}, indent=1)
    messages = [str(r) for r in tfsafety.check_files({"extra.tf.json": text})]
    assert any('provisioner "local-exec"' in m for m in messages) and any('data "external"' in m for m in messages)


def test_unparsable_terraform_is_refused():
    refusals = tfsafety.check_files({"main.tf": 'resource "aws_vpc" "v" {\n  cidr_block = \n'})
    assert refusals and refusals[0].construct == "unparsable file"


def test_generated_terraform_and_override_files_pass(tmp_path):
    files = __import__("isshoni").generate(Design.load(TEMPLATE), "terraform")
    files["isshoni_sandbox_override.tf"] = sandbox_override("http://127.0.0.1:4566")
    files["isshoni_backend_override.tf"] = backend_override({"bucket": "b", "dynamodb_table": "t"}, "k", "eu-west-1")
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert tfsafety.check_dir(tmp_path) == []
    tfsafety.ensure_safe(tmp_path)
    (tmp_path / "evil.tf").write_text(UNSAFE["local-exec"][0])
    with pytest.raises(tfsafety.UnsafeTerraform, match=r"evil.tf:3: provisioner \"local-exec\""):
        tfsafety.ensure_safe(tmp_path)


def test_sandbox_override_points_every_endpoint_at_loopback_and_carries_no_credentials():
    text = sandbox_override("http://127.0.0.1:4566")
    provider = hcl_parser.loads(text)["provider"]["aws"]
    for flag in ("skip_credentials_validation", "skip_requesting_account_id", "skip_metadata_api_check"):
        assert provider[flag] is True
    endpoints = provider["endpoints"]
    assert set(endpoints) == set(ENDPOINTS)
    assert set(endpoints.values()) == {"http://127.0.0.1:4566"}
    assert "access_key" not in text and "secret_key" not in text and sandbox.SECRET_KEY not in text


# ---------------------------------------------------------------- sandbox guards


def test_sandbox_refuses_non_loopback_endpoints():
    for url in ("https://ec2.us-east-1.amazonaws.com", "http://10.0.0.5:5000", "http://example.com"):
        with pytest.raises(sandbox.SandboxError, match="loopback"):
            sandbox.check_loopback(url)
    for url in ("http://127.0.0.1:4566", "http://localhost:1", "http://[::1]:5"):
        assert sandbox.check_loopback(url) == url


def test_sandbox_environment_drops_the_users_aws_settings():
    env = sandbox.environment({"AWS_PROFILE": "prod", "AWS_SESSION_TOKEN": "t", "AWS_SECRET_ACCESS_KEY": "real", "PATH": "/bin"})
    assert env["AWS_ACCESS_KEY_ID"] == sandbox.ACCESS_KEY and env["AWS_SECRET_ACCESS_KEY"] == sandbox.SECRET_KEY
    assert "AWS_PROFILE" not in env and "AWS_SESSION_TOKEN" not in env and env["PATH"] == "/bin"
    assert env["HTTPS_PROXY"].startswith("http://127.0.0.1:") and "127.0.0.1" in env["NO_PROXY"]


def test_sandbox_status_when_not_running(state):
    info = sandbox.status()
    assert info["running"] is False and info["url"] is None and sandbox.running() is None


# ---------------------------------------------------------------- jobs and sinks


def test_job_state_machine(state):
    sink = MemoryJobSink()
    job = Job("deploy", design="d", target="sandbox", engine="terraform", region="us-east-1", sink=sink)
    assert sink.read_all()[job.id]["state"] == "queued"
    with pytest.raises(JobStateError):
        job.transition("succeeded")  # never from queued straight to succeeded
    job.transition("running")
    job.emit("resource", "aws_vpc.vpc: Creating...", progress=[0, 3])
    job.transition("rolled_back", error="CREATE_FAILED")
    record = sink.read_all()[job.id]
    assert record["state"] == "rolled_back" and record["error"] == "CREATE_FAILED"
    assert record["created"] <= record["started"] <= record["finished"]
    assert [e["type"] for e in record["events"]][-1] == "state" and record["events_total"] == 3
    with pytest.raises(JobStateError):
        job.transition("running")
    assert len(job.events_path.read_text().splitlines()) == 3


def _write_records(path, prefix, count):
    from isshoni.deploy.sink import FileJobSink

    sink = FileJobSink(path)
    for i in range(count):
        sink.write({"id": f"{prefix}-{i:03d}", "state": "running", "created": f"{i:03d}"})


def test_file_sink_never_loses_records_between_processes(state, tmp_path):
    path = design_copy(tmp_path, "sinks")
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_write_records, args=(path, f"p{n}", 15)) for n in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    records = FileJobSink(path).read_all()
    assert len(records) == 45
    Design.load(path)  # still a valid design, written canonically
    assert path.read_text() == __import__("isshoni").design.model.dumps(json.loads(path.read_text()))


def test_old_records_are_compacted(state):
    sink = MemoryJobSink()
    for i in range(FULL_RECORDS + 3):
        sink.write({"id": f"j{i:02d}", "state": "succeeded", "created": f"{i:02d}", "events": [{"t": 1}], "result": {"x": 1}})
    records = sink.read_all()
    assert "events" not in records["j00"] and "events" in records[f"j{FULL_RECORDS + 2:02d}"]


def test_recover_marks_dead_running_jobs_interrupted(state):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    sink = MemoryJobSink()
    job = Job("deploy", design="d", target="sandbox", engine="cloudformation", region="us-east-1", sink=sink)
    job.transition("running")
    record = dict(sink.read_all()[job.id], pid=dead.pid, proc_start=None)
    sink.write(record)
    alive = Job("deploy", design="d", target="sandbox", engine="cloudformation", region="us-east-1", sink=sink)
    alive.transition("running")
    assert not pid_alive(dead.pid) and pid_alive(os.getpid())
    assert recover(sink) == [job.id]
    records = sink.read_all()
    assert records[job.id]["state"] == "interrupted" and "ended while it ran" in records[job.id]["error"]
    assert records[alive.id]["state"] == "running"
    assert recover(sink) == []


# ---------------------------------------------------------------- the sandbox model and the canary


def test_sandbox_adaptation_says_what_is_left_out(state):
    resolved = resolve(Design.load(TEMPLATE))
    cfn = for_sandbox(resolved, "cloudformation", {"certificate_arn": "arn:aws:acm:ap-northeast-2:123456789012:certificate/x"})
    assert {"redis", "redis_subnets", "errors_5xx", "latency_p95", "cdn", "certificate"} <= set(cfn.omitted)
    assert "placeholder" in " ".join(cfn.notes["blue_task"]) and "sandbox-prepared" in " ".join(cfn.notes["alb_https"])
    assert "redis_endpoint" in cfn.dropped_outputs and not any(p.lid in cfn.omitted for p in cfn.resolved.parts)
    key = next(p for p in cfn.resolved.parts if p.cfn_type == "AWS::KMS::Key")  # moto's DescribeKey needs text
    assert type(key.cfn["KeyPolicy"]).__name__ == "Join" and '"Statement": [' in "".join(
        x for x in key.cfn["KeyPolicy"].parts if isinstance(x, str))
    listener = next(p for p in cfn.resolved.parts if p.lid == "alb_https")
    assert listener.cfn["Certificates"][0]["CertificateArn"].endswith("certificate/x")
    tf = for_sandbox(resolved, "terraform", {})
    assert set(tf.omitted) == {"redis", "redis_subnets", "blue_scaling", "blue_scaling_policy", "green_scaling",
                               "green_scaling_policy", "cdn_headers"}
    assert all(o.type in TF_NOT_EMULATED and o.reason for o in tf.omitted.values())
    assert len(tf.resolved.parts) == len(resolved.parts) - len(tf.omitted)


def test_canary_plan_found_in_chat_canary():
    (plan,) = canary.plans(resolve(Design.load(TEMPLATE)))
    assert (plan.alb, plan.rule, plan.blue_var, plan.green_var) == ("alb", "alb_to_blue_rule", "blue_weight", "green_weight")
    assert (plan.blue_tg, plan.green_tg) == ("alb_to_blue_targets", "alb_to_green_targets")
    assert set(plan.alarms) == {"errors_5xx", "latency_p95"}
    live = canary.Live("rule", "blue-tg", "green-tg")
    action = canary.rollback_action(plan, live)
    assert action[0]["ForwardConfig"]["TargetGroups"] == [{"TargetGroupArn": "blue-tg", "Weight": 100}, {"TargetGroupArn": "green-tg", "Weight": 0}]
    with pytest.raises(ValueError, match="no blue/green canary"):
        canary.pick([], None)
    with pytest.raises(ValueError):
        canary.weights(101)


# ---------------------------------------------------------------- CLI guards (nothing runs)


def test_cli_refuses_aws_without_confirmation(state, tmp_path):
    path = design_copy(tmp_path, "guarded")
    for args in (["deploy", str(path), "--target", "aws"], ["destroy", str(path), "--target", "aws"],
                 ["canary", str(path), "--target", "aws", "--rollback"]):
        result = cli(*args)
        assert result.returncode == 2 and "--yes-really-aws" in result.stderr, result.stderr
    assert json.loads(path.read_text())["deployments"] == {}  # no job was even created


def test_cli_bad_input_exits_2(state, tmp_path):
    path = design_copy(tmp_path, "bad_input")
    result = cli("canary", str(path), "--green", "50")
    assert result.returncode == 2 and "not deployed" in result.stderr
    result = cli("deploy", str(tmp_path / "missing.infra.json"))
    assert result.returncode == 2 and "file not found" in result.stderr
    result = cli("canary", str(path), "--green", "33")
    assert result.returncode == 2


def test_rollback_is_exactly_one_api_call():
    class CountingElb:
        def __init__(self):
            self.calls = []

        def __getattr__(self, name):
            def call(**kwargs):
                self.calls.append((name, kwargs))
                return {}

            return call

    (plan,) = canary.plans(resolve(Design.load(TEMPLATE)))
    elb = CountingElb()
    seconds = canary.rollback(elb, plan, canary.Live("rule-arn", "blue-arn", "green-arn"))
    assert [name for name, _ in elb.calls] == ["modify_rule"] and seconds >= 0
    assert elb.calls[0][1]["RuleArn"] == "rule-arn"


def test_report_never_claims_what_describe_did_not_find():
    from botocore.exceptions import ClientError

    from isshoni.deploy.engines import Found
    from isshoni.deploy.verify import STATUSES, verify

    class NothingThere:
        is_sandbox = True
        region = "ap-northeast-2"

        def client(self, service):
            class Client:
                def __getattr__(self, name):
                    def call(**kwargs):
                        raise ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "nope"}}, name)

                    return call

            return Client()

    resolved = resolve(Design.load(TEMPLATE))
    ids = {p.lid: Found(f"id-{p.lid}", p.cfn_type) for p in resolved.parts if p.cfn_type and p.lid != "vpc"}
    report = verify(resolved, ids, NothingThere(), params={}, engine="cloudformation")
    statuses = {p.lid: p.status for p in report.parts}
    assert statuses["vpc"] == "missing"  # the engine never created it
    assert not [lid for lid, s in statuses.items() if s in ("verified", "created_but_settings_dropped")]
    assert set(statuses.values()) <= set(STATUSES)
    summary = report.summary()
    assert summary["status"]["vpc"] == "missing" and summary["counts"]["verified"] == 0


@pytest.mark.parametrize("command", ["sandbox", "deploy", "destroy", "canary", "jobs", "outputs"])
def test_deploy_commands_have_help(command, capsys):
    from isshoni.cli import main

    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0 and "usage: isshoni" in capsys.readouterr().out


def test_expect_fields_compares_same_named_and_renamed_fields():
    """A verifier lists the settings to compare with a describe answer; settings the design does
    not set are not checked, a renamed field is read under its describe name."""
    from types import SimpleNamespace

    from isshoni.compiler.model import Part
    from isshoni.deploy.engines import Found
    from isshoni.deploy.verify import Check, PartReport, Run

    part = Part("tasks", "tasks", "AWS::ECS::TaskDefinition", {"Cpu": "256", "Memory": 512, "NetworkMode": "awsvpc"}, None, None)
    report = PartReport("tasks", "tasks", part.cfn_type, "verified")
    run = Run(SimpleNamespace(variables=[]), {}, SimpleNamespace(region="us-east-1"), {}, "cloudformation")
    check = Check(part, Found("family:1", part.cfn_type), run, report)
    check.expect_fields({"cpu": "256", "memory": "1024", "NetworkMode": "awsvpc", "taskRoleArn": "arn:x"},
                        {"Cpu": "cpu", "Memory": "memory"}, "NetworkMode", {"TaskRoleArn": "taskRoleArn"})
    assert report.checked == ["Cpu", "Memory", "NetworkMode"]  # TaskRoleArn: not asked, not checked
    assert report.dropped == ["Memory: asked 512, got 1024"]
