"""The IPython magics in a real IPython shell: %isshoni and %%terraform (real terraform, real sandbox)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

from isshoni.checks import toolchain
from isshoni.kernel import AuthError
from rooms import isshoni_server
from sandbox import running_sandbox

ROOT = Path(__file__).resolve().parents[1]
needs_terraform = pytest.mark.skipif(toolchain.find().missing is not None, reason="no terraform binary on this machine")


@pytest.fixture(scope="module")
def shell():
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "isshoni")
    return ip


@pytest.fixture
def design_file(tmp_path):
    path = tmp_path / "app.infra.json"
    shutil.copy(ROOT / "templates" / "vpc_basic.infra.json", path)
    return path


def test_open_generate_check_offline(shell, design_file):
    design = shell.run_line_magic("isshoni", f"open {design_file} --offline --as web")
    assert shell.user_ns["web"] is design and not design.live
    code = shell.run_line_magic("isshoni", "generate terraform --design web")
    assert "main.tf" in code and 'resource "aws_vpc"' in code["main.tf"]
    findings = shell.run_line_magic("isshoni", "check --tools isshoni --design web")
    assert isinstance(findings.ok, bool)
    assert "<table" in findings._repr_html_() or not findings


def test_open_live_binds_a_room_design(shell, tmp_path, monkeypatch):
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(ROOT / "templates" / "vpc_basic.infra.json", root / "app.infra.json")
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.chdir(root)
    with isshoni_server(root, tmp_path) as (base, token):
        design = shell.run_line_magic("isshoni", f"open app.infra.json --live --url {base} --token {token}")
        try:
            assert design.live and design.status == "connected"
            assert shell.run_line_magic("isshoni", "status") is design
            code = shell.run_line_magic("isshoni", "generate cloudformation-json")
            assert '"AWS::EC2::VPC"' in code["template.json"]
        finally:
            design.close()
        with pytest.raises(AuthError):
            shell.run_line_magic("isshoni", f"open app.infra.json --url {base} --token wrong")


def test_isshoni_usage_errors(shell, tmp_path):
    shell.user_ns.pop("design", None)
    with pytest.raises(UsageError, match="run %isshoni open PATH first"):
        shell.run_line_magic("isshoni", "generate")
    with pytest.raises(UsageError, match="invalid choice"):
        shell.run_line_magic("isshoni", "launch")
    with pytest.raises(FileNotFoundError, match="missing.infra.json"):
        shell.run_line_magic("isshoni", f"open {tmp_path / 'missing.infra.json'} --offline")


def test_deploy_to_aws_needs_confirmation(shell, design_file):
    shell.run_line_magic("isshoni", f"open {design_file} --offline")
    with pytest.raises(UsageError, match="real AWS account"):
        shell.run_line_magic("isshoni", "deploy --target aws")


def test_canary_magic_takes_accept_unchecked(shell, design_file):
    shell.run_line_magic("isshoni", f"open {design_file} --offline")
    with pytest.raises(UsageError, match="not deployed"):  # parsed and passed on (not "unrecognized arguments")
        shell.run_line_magic("isshoni", "canary --auto --accept-unchecked")


@pytest.mark.parametrize("cell, refused", [
    ('resource "aws_s3_bucket" "b" {\n  provisioner "local-exec" {\n    command = "id"\n  }\n}\n', "local-exec"),
    ('data "external" "x" {\n  program = ["sh", "-c", "id"]\n}\n', "external"),
    ('terraform {\n  required_providers {\n    evil = {\n      source = "evil/evil"\n    }\n  }\n}\n', "evil"),
    # issue 14, defect 3 (tests/test_tfsafety.py lists every case)
    ('terraform {\n  required_providers {\n    aws = {\n      source = "localhost/hashicorp/aws"\n    }\n  }\n}\n',
     r"main.tf:3: required provider aws \(localhost/hashicorp/aws\)"),
    ('removed {\n  from = aws_s3_bucket.b\n  provisioner "local-exec" {\n    command = "id"\n  }\n}\n',
     r'main.tf:3: provisioner "local-exec" in removed \{from = aws_s3_bucket.b\}'),
    ('terraform {\n  backend "http" {\n    address = "https://example.com"\n  }\n}\n', 'main.tf:2: backend "http" in terraform'),
    ('output "o" {\n  value = provider::external::run("id")\n}\n', 'provider function provider::external:: in output "o"'),
])
def test_terraform_refuses_unsafe_cells(shell, cell, refused):
    with pytest.raises(UsageError, match=f"refusing to run this Terraform(.|\\n)*{refused}"):
        shell.run_cell_magic("terraform", "validate", cell)


@needs_terraform
def test_terraform_fmt_and_validate(shell):
    ugly = 'resource "aws_s3_bucket" "b" {\nbucket = "isshoni-cell-test"\n  force_destroy=true\n}\n'
    result = shell.run_cell_magic("terraform", "fmt", ugly)
    assert result.ok and result.formatted != ugly
    assert "  bucket        = \"isshoni-cell-test\"" in result.formatted and "+  force_destroy = true" in result.output
    valid = shell.run_cell_magic("terraform", "validate", ugly)
    assert valid.ok, valid.output
    broken = shell.run_cell_magic("terraform", "validate", 'resource "aws_s3_bucket" "b" {\n  no_such_argument = 1\n}\n')
    assert not broken.ok and "no_such_argument" in broken.output


@needs_terraform
def test_terraform_cell_with_an_escaped_template_sequence_is_checked_and_formatted(shell):
    """Defect 2: the safety parser hung on `"...$${"`; the cell is checked, then formatted."""
    cell = 'output "o" {\nvalue = "' + "x" * 40 + ' $${oops"\n}\n'
    result = shell.run_cell_magic("terraform", "fmt", cell)
    assert result.ok and '  value = "' + "x" * 40 + ' $${oops"' in result.formatted


@needs_terraform
def test_terraform_plan_against_the_sandbox(shell, tmp_path):
    cell = 'resource "aws_s3_bucket" "b" {\n  bucket = var.name\n}\n\nvariable "name" {\n  type = string\n}\n'
    with running_sandbox(tmp_path / "state"):
        result = shell.run_cell_magic("terraform", "plan --region eu-west-1 --var name=isshoni-plan-test", cell)
    assert result.ok, result.output
    assert "planned against the sandbox" in result.output and "1 to add" in result.output
    assert "isshoni-plan-test" in result.output
