"""Bad input to `isshoni import` (issue 15): a clear message naming the place, never a traceback or a hang."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from isshoni.importers import NotImportable
from isshoni.importers.dispatch import import_path, import_text


def _cli(*args, cwd: Path):
    return subprocess.run([sys.executable, "-m", "isshoni", "import", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_syntax_error_names_file_line_and_column():
    text = "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties: [\n"
    with pytest.raises(NotImportable) as caught:
        import_text(text, "cloudformation", source="broken.yaml")
    assert str(caught.value).startswith("broken.yaml:5:1: not a readable template")


def test_json_syntax_error_names_the_line():
    text = '{\n  "Resources": {\n    "Q": {"Type": "AWS::SQS::Queue"}\n  \n'  # never closed
    with pytest.raises(NotImportable, match=r"^stack.json:\d+:\d+: not a readable template"):
        import_text(text, "cloudformation", source="stack.json")


def test_unknown_intrinsic_makes_its_resource_not_understood_with_the_line():
    text = textwrap.dedent("""\
        Resources:
          Good:
            Type: AWS::SQS::Queue
          Odd:
            Type: AWS::SNS::Topic
            Properties:
              DisplayName: !Frobnicate [a, b]
          Long:
            Type: AWS::SNS::Topic
            Properties:
              DisplayName: {"Fn::Frobnicate": "x"}
        """)
    report = import_text(text, source="odd.yaml").report
    reasons = {e.source_id: (e.line, e.reason) for e in report.not_understood}
    assert reasons["Long"] == (11, "Properties.DisplayName: Fn::Frobnicate is not a CloudFormation intrinsic function")
    assert reasons["Odd"][0] == 7 and "Frobnicate" in reasons["Odd"][1]
    assert [e.source_id for e in report.typed] == ["Good"]


def test_circular_depends_on_is_refused_naming_the_cycle():
    text = textwrap.dedent("""\
        Resources:
          A:
            Type: AWS::SQS::Queue
            DependsOn: B
          B:
            Type: AWS::SQS::Queue
            DependsOn: [C]
          C:
            Type: AWS::SNS::Topic
            Properties:
              DisplayName: !GetAtt A.QueueName
        """)
    with pytest.raises(NotImportable, match=r"^loop.yaml:\d+: circular dependency between resources: ([ABC]) -> .* -> \1"):
        import_text(text, source="loop.yaml")


def test_a_20_mb_file_is_refused_by_its_size_before_it_is_read(tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("w") as handle:
        handle.write("Resources:\n")
        handle.write("# padding\n" * 2_000_000)
    with pytest.raises(NotImportable, match=r"big.yaml: 19.1 MB is more than an import takes \(5 MB"):
        import_path(big)
    with pytest.raises(NotImportable, match="MB is more than an import takes"):
        import_text(big.read_text(), source="pasted")


def test_not_a_template_and_unknown_formats():
    with pytest.raises(NotImportable, match="cannot tell the format"):
        import_text("just some words", source="notes.txt")
    with pytest.raises(NotImportable, match="no Resources section"):
        import_text("AWSTemplateFormatVersion: '2010-09-09'\n", source="empty.yaml")
    with pytest.raises(NotImportable, match="unknown format 'pulumi'"):
        import_text("Resources: {}", "pulumi")


def test_an_account_is_scanned_not_read_from_text():
    with pytest.raises(NotImportable, match="x: an account is scanned, not read from text"):
        import_text("anything", "account", source="x")


def test_mermaid_goes_through_the_same_entry_point_and_says_where_it_stops():
    with pytest.raises(NotImportable, match=r"x:1:1: not a flowchart"):
        import_text("anything", "mermaid", source="x")
    imported = import_text("flowchart LR\n  api[API Gateway] --> fn[Lambda]\n", source="arch.mmd")
    assert imported.report.format == "mermaid" and imported.report.counts()["typed"] == 2
    assert {r["type"] for r in imported.design.resources.values()} >= {"lambda_function"}


def test_cli_imports_writes_and_reports(tmp_path):
    (tmp_path / "stack.yaml").write_text("Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n  Odd:\n    Type: Custom::Thing\n")
    done = _cli("stack.yaml", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["design"] == "stack.infra.json"
    assert answer["report"]["counts"] == {"typed": 1, "generic": 0, "external": 0, "folded": 0, "not_understood": 1}
    assert json.loads((tmp_path / "stack.infra.json").read_text())["resources"]["Jobs"]["type"] == "sqs_queue"
    again = _cli("stack.yaml", cwd=tmp_path)
    assert again.returncode == 2 and "already exists (use --force" in again.stderr


@pytest.mark.parametrize(("content", "args", "expected"), [
    ("Resources:\n  A:\n    Type: [\n", (), "bad.yaml:4:1: not a readable template"),
    ("Resources:\n  A:\n    Type: AWS::SQS::Queue\n", ("--from", "account"),
     "bad.yaml: an account import's source is `account` (with --target) or `sandbox`"),
    ("Resources:\n  A:\n    Type: AWS::SQS::Queue\n", ("--from", "terraform"), "bad.yaml:1:1: not readable Terraform"),
    ("Resources:\n  A:\n    Type: AWS::SQS::Queue\n    DependsOn: A2\n  A2:\n    Type: AWS::SQS::Queue\n    DependsOn: A\n",
     (), "circular dependency"),
])
def test_cli_bad_input_is_one_message_and_exit_2(tmp_path, content, args, expected):
    (tmp_path / "bad.yaml").write_text(content)
    done = _cli("bad.yaml", *args, cwd=tmp_path)
    assert done.returncode == 2
    assert expected in " ".join(done.stderr.split())
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "bad.infra.json").exists()
