"""`isshoni catalog --cfn-types` / `--cfn-type`: the CloudFormation registry from the command line."""

from __future__ import annotations

import contextlib
import io
import json

from isshoni import cli


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_search_prints_types_with_their_terraform_counterpart():
    code, printed, _ = run("catalog", "--cfn-types", "sqs queue")
    assert code == 0
    assert "AWS::SQS::Queue" in printed and "AWS::SQS::QueuePolicy" in printed
    assert "Cloud Control" in printed and "none" in printed  # QueuePolicy: CloudFormation only
    assert "3 registry types match" in printed


def test_one_type_is_described_as_json():
    code, printed, _ = run("catalog", "--cfn-type", "cfn:AWS::SQS::QueuePolicy", "--region", "eu-west-1")
    described = json.loads(printed)
    assert code == 0 and described["type"] == "cfn:AWS::SQS::QueuePolicy" and described["region"] == "eu-west-1"
    assert described["required"] == ["PolicyDocument", "Queues"] and described["terraform"] is None


def test_bad_input_is_a_usage_error():
    assert run("catalog", "--cfn-type", "AWS::Nope::Nothing")[0] == 2
    assert run("catalog", "--cfn-types", "queue", "--region", "moon")[0] == 2
