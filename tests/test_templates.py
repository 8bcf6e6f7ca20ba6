"""Every shipped template compiles to CloudFormation with no cfn-lint finding at all for its
region (errors, warnings and informational rules such as I3011), to Terraform that passes fmt,
init and validate with the real AWS provider, and to code in which every checkov finding is
either fixed or suppressed with the reason its design gives; the same run twice is byte-identical."""

from __future__ import annotations

import json
import random

import pytest

from iac import terraform_errors
from isshoni import Design, templates
from isshoni.checks import cfnlint_check, checkov_check, toolchain
from isshoni.compiler import generate, resolve

NAMES = templates.names()
REQUIRED = {"vpc_basic", "alb_autoscaling", "redis_cluster", "disaster_notification", "serverless_api", "static_site", "chat_canary"}


def test_the_seven_templates_ship():
    assert REQUIRED <= set(NAMES)


def test_every_template_has_a_title_and_every_title_a_template():
    titles = json.loads((templates.folder() / "titles.json").read_text())
    assert set(titles) == set(NAMES)
    assert all(templates.title(name) == titles[name] and titles[name].strip() for name in NAMES)
    assert templates.title("no_such_template") == "no such template"  # a template without one: its name


@pytest.mark.parametrize("name", NAMES)
def test_deterministic_and_independent_of_key_order(name):
    design = templates.load(name)
    first = {fmt: generate(design, fmt) for fmt in ("cloudformation", "cloudformation-json", "terraform")}
    data = json.loads(design.dumps())
    for section in ("resources", "connections"):
        items = list(data[section].items())
        random.Random(7).shuffle(items)
        data[section] = dict(items)
    shuffled = Design(data)
    for fmt, files in first.items():
        assert generate(templates.load(name), fmt) == files
        assert generate(shuffled, fmt) == files


@pytest.mark.parametrize("name", NAMES)
def test_cloudformation_lints_clean(name):
    assert [str(f) for f in cfnlint_check.run(resolve(templates.load(name)))] == []


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_every_checkov_finding_is_fixed_or_accepted_with_a_reason(name):
    if checkov_check.executable() is None:
        pytest.skip("checkov is not installed")
    findings = checkov_check.run(resolve(templates.load(name)))
    assert not [f for f in findings if f.rule in ("not-checked", "failed", "skipped")], [str(f) for f in findings]
    open_ = [str(f) for f in findings if not f.message.startswith("accepted: ")]
    assert open_ == [], f"{name}: unsuppressed checkov findings"
    for finding in findings:  # "No comment provided" is what checkov says of a suppression without a reason
        reason = finding.message.removeprefix("accepted: ").split(" [")[0]
        assert len(reason) > 20 and "No comment provided" not in finding.message, str(finding)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_terraform_validates_with_the_aws_provider(name):
    tools = toolchain.find()
    if tools.missing or not tools.mirror:
        pytest.skip(f"terraform validate needs a terraform binary and an AWS provider mirror: {tools.missing or 'no mirror'}")
    assert terraform_errors(templates.load(name)) == []
