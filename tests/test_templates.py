"""Every shipped template compiles to CloudFormation with 0 cfn-lint errors for its
region and to Terraform that passes init + validate with the real AWS provider;
the same run twice is byte-identical."""

from __future__ import annotations

import json
import random

import pytest

from iac import lint_errors, terraform_errors
from isshoni import Design, templates
from isshoni.checks import toolchain
from isshoni.compiler import generate

NAMES = templates.names()
REQUIRED = {"vpc_basic", "alb_autoscaling", "redis_cluster", "disaster_notification", "serverless_api", "static_site", "chat_canary"}


def test_the_seven_templates_ship():
    assert REQUIRED <= set(NAMES)


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
    assert lint_errors(templates.load(name)) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_terraform_validates_with_the_aws_provider(name):
    tools = toolchain.find()
    if tools.missing or not tools.mirror:
        pytest.skip(f"terraform validate needs a terraform binary and an AWS provider mirror: {tools.missing or 'no mirror'}")
    assert terraform_errors(templates.load(name)) == []
