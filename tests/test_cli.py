"""The `isshoni` command end to end, as a person would use it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from isshoni.catalog import CATALOG
from isshoni.cli import main

COMMANDS = ["new", "templates", "catalog", "generate", "check", "validate", "lab"]


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "isshoni", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_everywhere(command):
    result = run(command, "--help")
    assert result.returncode == 0 and "usage: isshoni" in result.stdout


def test_new_from_template_then_generate_both_formats(tmp_path):
    assert main(["new", "shop", "--template", "chat_canary", "--dir", str(tmp_path)]) == 0
    path = tmp_path / "shop.infra.json"
    assert json.loads(path.read_text())["meta"]["name"] == "shop"
    assert main(["new", "shop", "--dir", str(tmp_path)]) == 2  # exists
    assert main(["generate", str(path), "--format", "terraform", "-o", str(tmp_path / "tf")]) == 0
    assert {p.name for p in (tmp_path / "tf").iterdir()} == {"versions.tf", "variables.tf", "main.tf", "outputs.tf"}
    assert main(["generate", str(path), "-o", str(tmp_path / "cfn")]) == 0
    assert (tmp_path / "cfn" / "template.yaml").read_text().startswith("AWSTemplateFormatVersion")
    result = run("generate", str(path), "--format", "cloudformation-json")
    assert result.returncode == 0 and json.loads(result.stdout)["Resources"]


def test_generated_terraform_comes_with_its_lambda_code(tmp_path):
    assert main(["new", "api", "--template", "serverless_api", "--dir", str(tmp_path)]) == 0
    assert main(["generate", str(tmp_path / "api.infra.json"), "--format", "terraform", "-o", str(tmp_path / "tf")]) == 0
    (zipped,) = (tmp_path / "tf" / "lambda").iterdir()  # the built-in handler, named by its hash
    assert f'filename         = "lambda/{zipped.name}"' in (tmp_path / "tf" / "main.tf").read_text()


def test_catalog_lists_at_least_sixty_types():
    result = run("catalog", "--json")
    entries = json.loads(result.stdout)
    assert len(entries) == len(CATALOG) >= 60
    assert {"type", "category", "icon", "properties", "links", "cloudformation", "terraform"} <= set(entries[0])
    assert "resource types" in run("catalog").stdout


def test_templates_listed():
    result = run("templates", "--json")
    assert "chat_canary" in {t["name"] for t in json.loads(result.stdout)}


def test_bad_input_gives_a_message_and_exit_2(tmp_path):
    bad = tmp_path / "bad.infra.json"
    bad.write_text('{"version": 1, "meta": {"name": "b", "region": "us-east-1"}, "resources": {"x": {"type": "nope"}}, "connections": {}}')
    result = run("generate", str(bad))
    assert result.returncode == 2 and "unknown resource type 'nope'" in result.stderr and "Traceback" not in result.stderr
    result = run("generate", str(tmp_path / "missing.infra.json"))
    assert result.returncode == 2 and "file not found" in result.stderr
    result = run("new", "x", "--template", "nope", "--dir", str(tmp_path))
    assert result.returncode == 2 and "unknown template" in result.stderr
    result = run("generate", str(bad), "--format", "pulumi")
    assert result.returncode == 2


def test_check_json_and_exit_codes(tmp_path):
    assert main(["new", "cache", "--template", "redis_cluster", "--dir", str(tmp_path)]) == 0
    path = tmp_path / "cache.infra.json"
    result = run("check", str(path), "--json", "--only", "isshoni,cfn-lint")
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["ok"] is True
    data = json.loads(path.read_text())
    data["resources"]["redis"]["properties"]["nodes"] = 1
    data["resources"]["redis"]["parent"] = "public_a"
    path.write_text(json.dumps(data))
    result = run("check", str(path), "--json", "--only", "isshoni")
    report = json.loads(result.stdout)
    assert result.returncode == 1 and not report["ok"]
    rules = {(f["rule"], f["resource"]) for f in report["findings"] if f["severity"] == "error"}
    assert ("ISS001", "redis") in rules and ("ISS006", "redis") in rules
    human = run("check", str(path), "--only", "isshoni")
    assert human.returncode == 1 and "ISS006" in human.stdout
