"""Every shipped template deployed to a real moto sandbox with the CloudFormation engine and destroyed,
and the sandbox checked empty through each service's own listings (tests/sandbox.py, not Isshoni's
sweeper); the job's summary counts add up, its time is the job's wall time, and anything short of
verified is a warning.  A failing template (serverless_api without its code zip: the issue's raw
`ResponseParserError`) rolls back with the error in plain words and destroys cleanly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from botocore.parsers import ResponseParserError

from isshoni.compiler import cloudformation as cfn_emit
from isshoni.compiler import resolve
from isshoni.deploy import runner, sandbox, targets
from isshoni.deploy.adapt import for_sandbox
from isshoni.deploy.engines.cloudformation import CAPABILITIES, TAG, stack_name
from isshoni.design import Design
from sandbox import (
    LISTINGS,
    ROOT,
    TF_SERVICES,
    added,
    cli,
    client,
    provide_code,
    remove_buckets,
    running_sandbox,
    snapshot,
    summary_seconds,
)

TEMPLATES = sorted(p.name.removesuffix(".infra.json") for p in (ROOT / "templates").glob("*.infra.json"))


@pytest.fixture(scope="module")
def sb(tmp_path_factory):
    with running_sandbox(tmp_path_factory.mktemp("templates-state")) as sandbox_:
        yield sandbox_


class _Shared:
    """The module's sandbox; a test that ends without proving it empty again (`clean`) gets it wiped
    (moto's reset takes seconds once services were used: only paid after a failure)."""

    def __init__(self, sb):
        self.sb, self.clean = sb, False

    def check_empty(self, before: dict, region: str) -> None:
        assert added(before, snapshot(self.sb, region)) == {}
        self.clean = True


@pytest.fixture()
def fresh(sb):
    shared = _Shared(sb)
    yield shared
    if not shared.clean:
        sandbox.reset(sb)


def _copy(tmp_path: Path, name: str) -> Path:
    data = json.loads((ROOT / "templates" / f"{name}.infra.json").read_text())
    data["deployments"] = {}
    path = tmp_path / f"{name}.infra.json"
    path.write_text(json.dumps(data))
    return path


MISSING_BUCKET = "isshoni-test-no-such-artifacts"  # never created: the code zip it names cannot be read


def _failing_copy(tmp_path: Path) -> Path:
    """serverless_api whose function takes its code zip from a bucket that does not exist (a design
    property a user can set: code already uploaded elsewhere), the commonest way a real create fails."""
    path = _copy(tmp_path, "serverless_api")
    data = json.loads(path.read_text())
    data["resources"]["handler"]["properties"]["code_bucket"] = MISSING_BUCKET
    path.write_text(json.dumps(data))
    return path


def _baseline(shared: _Shared, region: str) -> dict:
    targets.make("sandbox", region)  # what the sandbox holds before any deploy (its prepared certificate)
    shared.clean = False
    return snapshot(shared.sb, region)


def _services(name: str) -> set[str]:
    resolved = resolve(Design.load(ROOT / "templates" / f"{name}.infra.json"))
    out = {p.cfn_type.split("::")[1] for p in resolved.parts if p.cfn_type}
    for part in resolved.parts:
        if not part.cfn_type:
            service = next((s for prefix, s in TF_SERVICES.items() if part.tf_type.startswith(prefix)), None)
            assert service, f"{name}: {part.tf_type} belongs to no known service (add it to TF_SERVICES and LISTINGS)"
            out.add(service)
    return out


def test_the_empty_check_lists_every_service_the_templates_use():
    used = set().union(*(_services(name) for name in TEMPLATES))
    assert used <= set(LISTINGS), f"no listing in tests/sandbox.py for {sorted(used - set(LISTINGS))}"
    assert {"EC2", "Lambda", "RDS", "ApiGatewayV2", "AutoScaling"} <= used  # what the templates hold today


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_deploys_and_destroys_to_an_empty_sandbox(fresh, name, tmp_path):
    path = _copy(tmp_path, name)
    design = Design.load(path)
    before = _baseline(fresh, design.region)
    code = provide_code(fresh.sb, path)  # the code zips its Lambda functions read, as a person would upload them

    job = runner.deploy(path)
    assert job.state == "succeeded", job.error
    record = json.loads(path.read_text())["deployments"][job.id]
    # the time said is the job's wall time, not the engine's part of it
    assert abs(summary_seconds(record["summary"]) - record["duration_s"]) <= 0.11, (record["summary"], record["duration_s"])
    # design resources and AWS resources are counted separately, and each adds up
    counts = job.result["counts"]
    resolved = resolve(design)
    sources = {p.source for p in resolved.parts if p.cfn_type}
    assert counts["design"]["resources"] == len(design.resources) == len(sources & set(design.resources))
    assert counts["design"]["connections"] == len(sources & set(design.connections))
    assert sum(counts["design"]["status"].values()) == counts["design"]["total"] == len(sources)
    assert sum(counts["aws"]["status"].values()) == counts["aws"]["total"] == sum(1 for p in resolved.parts if p.cfn_type)
    assert counts["aws"]["created"] == job.result["resources"] <= counts["aws"]["total"] - counts["aws"]["status"]["not_emulated"]
    assert f"{counts['design']['resources']} design resources" in record["summary"]
    assert f"{counts['aws']['total']} AWS resources" in record["summary"]
    # "succeeded" only when every AWS resource is verified; otherwise with warnings that name them
    short = counts["aws"]["total"] - counts["aws"]["status"]["verified"]
    assert (record["outcome"] == "succeeded with warnings") == bool(short or job.result.get("outputs_not_emulated"))
    named = sum(int(w.split()[0]) for w in record["warnings"] if " AWS resource" in w)
    assert named == short

    gone = runner.destroy(path)
    assert gone.state == "succeeded", gone.error
    remove_buckets(fresh.sb, code, design.region)
    fresh.check_empty(before, design.region)


def test_a_failing_template_rolls_back_and_destroys_cleanly(fresh, tmp_path):
    """serverless_api without its code zip: moto's CloudFormation creates the table, role and log group,
    then the Lambda function fails and moto answers in a protocol botocore cannot read."""
    path = _failing_copy(tmp_path)
    region = Design.load(path).region
    before = _baseline(fresh, region)

    result = cli("deploy", str(path), "--json")
    assert result.returncode == 1, result.stderr[-2000:]
    record = json.loads(result.stdout)
    assert record["state"] == "rolled_back", record["error"]
    error = record["error"]
    assert "ResponseParserError" not in error and "invalid XML" not in error
    assert error.startswith("a Lambda function's code zip cannot be read: its S3 bucket does not exist")
    assert "NoSuchBucket" in error and f"handler reads s3://{MISSING_BUCKET}/" in error
    assert record["summary"].startswith("create failed and was rolled back in ")
    assert json.loads(path.read_text())["deployments"][record["id"]]["state"] == "rolled_back"
    assert added(before, snapshot(fresh.sb, region)) == {}  # no stack, table, role or log group left

    gone = runner.destroy(path)
    assert gone.state == "succeeded", gone.error
    fresh.check_empty(before, region)


def test_destroy_removes_a_stack_the_sandbox_cannot_describe(fresh, tmp_path):
    """A create that raised half-way (as a killed or older deploy leaves it): the stack is stuck in
    CREATE_IN_PROGRESS and every describe of it fails; destroy still leaves nothing."""
    path = _failing_copy(tmp_path)
    design = Design.load(path)
    before = _baseline(fresh, design.region)
    cf = client(fresh.sb, "cloudformation", design.region)
    adapted = for_sandbox(resolve(design, ephemeral=True), "cloudformation", targets.make("sandbox", design.region).prepared)  # as the runner compiles for the sandbox
    body = json.dumps(cfn_emit.template(adapted.resolved))
    with pytest.raises(ResponseParserError):
        cf.create_stack(StackName=stack_name(design.name), TemplateBody=body, Capabilities=CAPABILITIES,
                        Tags=[{"Key": TAG, "Value": design.name}])
    with pytest.raises(ResponseParserError):
        cf.describe_stacks(StackName=stack_name(design.name))
    assert added(before, {**before, "tables": set(client(fresh.sb, "dynamodb", design.region).list_tables()["TableNames"])})

    gone = runner.destroy(path)
    assert gone.state == "succeeded", gone.error
    fresh.check_empty(before, design.region)
