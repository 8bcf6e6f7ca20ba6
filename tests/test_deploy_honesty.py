"""Honest deploy records without a sandbox: AWS errors in plain words (also the ones botocore cannot
parse), a job's time is its wall time and stays fixed once it ends, counts of design and AWS resources
add up, anything short of verified is a warning, and the dashboard shows a refused canary step."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from isshoni.compiler import resolve
from isshoni.dashboard.app import _status_line
from isshoni.deploy import awserrors, outcome
from isshoni.deploy.adapt import for_sandbox
from isshoni.deploy.jobs import Job
from isshoni.deploy.sink import MemoryJobSink
from isshoni.deploy.verify import verify
from isshoni.design import Design
from sandbox import TEMPLATE, state_dir, summary_seconds

# what botocore raised for moto's answer to the serverless_api create (a Lambda error as JSON to an XML client)
LAMBDA_BODY = (b'{"__type": "InvalidParameterValueException", "message": "Error occurred while GetObject. '
               b'S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist"}')
UNPARSABLE = ("Unable to parse response (not well-formed (invalid token): line 1, column 0), invalid XML received. "
              f"Further retries may succeed:\n{LAMBDA_BODY!r}")


@pytest.fixture()
def state(tmp_path):
    with state_dir(tmp_path / "state") as path:
        yield path


def test_an_answer_botocore_cannot_parse_is_said_in_plain_words():
    text = awserrors.describe(ResponseParserError(UNPARSABLE))
    assert text == ("a Lambda function's code zip cannot be read: its S3 bucket does not exist (InvalidParameterValueException: "
                    "Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist)")
    xml = "Unable to parse response (...):\nb'<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>'"
    assert awserrors.describe(ResponseParserError(xml)).startswith("AWS is throttling requests") and "Throttling: Rate exceeded" in \
        awserrors.describe(ResponseParserError(xml))
    garbled = awserrors.describe(ResponseParserError("Unable to parse response:\nb'<<not json or xml'"))
    assert garbled.startswith("UnreadableAnswer: the service answered in a form the client cannot read") and "<<not json" in garbled


def test_client_errors_keep_what_aws_said_after_the_plain_words():
    def error(code, message, status=400):
        return ClientError({"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}, "CreateStack")

    assert awserrors.describe(error("AlreadyExistsException", "Stack isshoni-x already exists")) == (
        "a resource with this name already exists (another deployment, or one left behind) "
        "(AlreadyExistsException: Stack isshoni-x already exists)")
    odd = awserrors.describe(error("InvalidParameterValue", "Value (ap-northeast-2z) for parameter availabilityZone is invalid"))
    assert odd == "InvalidParameterValue: Value (ap-northeast-2z) for parameter availabilityZone is invalid"  # already plain
    assert awserrors.describe(error("", "", 500)) == awserrors.SANDBOX_500
    assert awserrors.describe(ValueError("not a service error")) == "not a service error"


def test_a_jobs_time_is_its_wall_time_and_stops_when_it_ends(state):
    sink = MemoryJobSink()
    job = Job("deploy", design="d", target="sandbox", engine="cloudformation", region="us-east-1", sink=sink)
    job.transition("running")
    time.sleep(0.4)  # everything a job does besides the engine's apply: the target, verifying, recording
    job.summary, job.details = "deployed with cloudformation", "3 design resources: 3 verified; 5 AWS resources: 5 verified"
    job.transition("succeeded")
    record = sink.read_all()[job.id]
    assert record["duration_s"] >= 0.4 and abs(summary_seconds(record["summary"]) - record["duration_s"]) <= 0.11
    assert record["summary"].startswith("deployed with cloudformation in ") and record["summary"].endswith(": 3 design resources: "
                                                                                                          "3 verified; 5 AWS resources: 5 verified")
    time.sleep(0.3)
    assert job.record()["duration_s"] == record["duration_s"]  # a later write does not stretch a finished job
    assert record["outcome"] == "succeeded" and record["warnings"] == []


def test_a_job_with_warnings_says_so(state):
    job = Job("deploy", design="d", target="sandbox", engine="terraform", region="us-east-1", sink=MemoryJobSink())
    job.transition("running")
    job.warnings.append("2 AWS resources missing: a, b")
    job.transition("succeeded")
    assert job.state == "succeeded" and job.outcome == "succeeded with warnings" and job.record()["warnings"]
    failed = Job("destroy", design="d", target="sandbox", engine="terraform", region="us-east-1", sink=MemoryJobSink())
    failed.transition("running")
    failed.transition("failed", error="boom")
    assert failed.summary.startswith("destroy failed in ") and failed.outcome == "failed"


def test_design_and_aws_counts_add_up_and_every_shortfall_is_a_warning():
    design = Design.load(TEMPLATE)
    adapted = for_sandbox(resolve(design), "cloudformation", {"certificate_arn": "arn:aws:acm:ap-northeast-2:123456789012:certificate/x"})
    report = verify(adapted.resolved, {}, None, params={}, engine="cloudformation", omitted=adapted.omitted)  # nothing was created
    counts = outcome.counts(report, design, created=0)
    aws, mine = counts["aws"], counts["design"]
    deployed = [p for p in adapted.resolved.parts if p.cfn_type]  # (Terraform-only splits are not CloudFormation resources)
    assert aws["total"] == len(deployed) + len(adapted.omitted) == sum(aws["status"].values())
    assert aws["status"]["not_emulated"] == len(adapted.omitted) and aws["status"]["missing"] == len(deployed)
    assert mine["resources"] == len(design.resources) and mine["connections"] > 0
    assert sum(mine["status"].values()) == mine["total"] == mine["resources"] + mine["connections"] + mine["design_level"]
    text = outcome.text(counts)
    assert mine["design_level"] == 1  # the design's one flow-log role, shared by its VPCs
    assert text.startswith(f"{len(design.resources)} design resources + {mine['connections']} connections "
                           "+ 1 design-level setting: ")
    assert f"; {aws['total']} AWS resources: " in text and "(0 of them reported created by the engine)" in text
    warned = outcome.warnings(report, dropped_outputs=adapted.dropped_outputs)
    assert sum(int(w.split()[0]) for w in warned if " AWS resource" in w) == aws["total"]
    assert any(w.startswith(f"{len(adapted.dropped_outputs)} outputs unavailable") for w in warned)
    assert outcome.warnings(None)[0].startswith("not verified")


def test_the_dashboard_says_when_auto_refused_a_step():
    record = {"warnings": [], "result": {"refused": {"green": 10, "unchecked": ["blue: no registered targets <b>: health not checked"]}}}
    line = _status_line("canary", "rolled_back", "rolled back to 100% blue in 2.0 s: refused ...", record)
    assert "isshoni-dash-refusal" in line and "Auto refused to call the 10% green step healthy" in line
    assert "&lt;b&gt;" in line and "<b>:" not in line  # the reasons are text, never markup
    warned = _status_line("deploy", "succeeded", "deployed ...", {"warnings": ["4 AWS resources missing: a"]})
    assert "succeeded with warnings" in warned and "data-warnings='1'" in warned and "isshoni-dash-refusal" not in warned
