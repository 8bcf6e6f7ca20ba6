"""Compute catalog: Lambda, EC2, launch templates, Auto Scaling, ECR, App Runner, ECS tasks."""

from __future__ import annotations

import json
import re

import pytest

from iac import every_type, lint_errors, network, terraform_errors
from isshoni import Design
from isshoni.catalog.compute import FARGATE_MEMORY, LAMBDA_RUNTIMES
from isshoni.compiler import cloudformation, resolve, terraform
from isshoni.compiler.names import tf_identifier
from isshoni.design import DesignError

MINE = (
    "lambda_function", "ec2_instance", "launch_template", "autoscaling_group", "ecr_repository",
    "app_runner_service", "ecs_task_definition",
)
REGIONS = ("us-east-1", "ap-northeast-2")
# App Runner is not offered in every region (cfn-lint E3006 in ap-northeast-2).
APP_RUNNER_REGIONS = ("us-east-1",)


def available(region: str, types=MINE) -> tuple:
    return tuple(t for t in types if t != "app_runner_service" or region in APP_RUNNER_REGIONS)


def outputs(design: Design) -> tuple[dict, str]:
    resolved = resolve(design)
    main = terraform.files(resolved)["main.tf"]
    return cloudformation.template(resolved)["Resources"], re.sub(r"\s+", " ", main)  # spacing-free HCL


def of_type(resources: dict, cfn_type: str) -> dict:
    return {name: body for name, body in resources.items() if body["Type"] == cfn_type}


def connected(region: str = "us-east-1", lambda_target: bool = True) -> Design:
    """Every connection the compute types start, plus load balancers in front of them."""
    d = Design(name="compute", region=region)
    network(d)
    d.add("lambda_function", "fn", parent="private_a")
    d.add("lambda_function", "edge_fn")
    d.add("ec2_instance", "box", parent="private_a")
    d.add("autoscaling_group", "fleet", parent="private_a")
    d.add("ecs_task_definition", "job", parent="vpc")
    d.add("ecs_service", "api", parent="private_a")
    d.add("ecr_repository", "repo")
    d.add("dynamodb_table", "table")
    if region in APP_RUNNER_REGIONS:
        d.add("app_runner_service", "web")
        d.connect("web", "table", properties={"access": "read"})
    d.add("s3_bucket", "bucket")
    d.add("elasticache_redis", "cache", parent="private_a")
    d.add("alb", "lb", parent="public_a")
    d.connect("fn", "cache")
    d.connect("fn", "table", properties={"access": "read"})
    d.connect("edge_fn", "repo", properties={"access": "read"})
    d.connect("box", "bucket", properties={"access": "write"})
    d.connect("box", "cache")
    d.connect("fleet", "table")
    d.connect("job", "cache")
    d.connect("job", "repo", properties={"access": "readwrite"})
    d.connect("api", "repo", properties={"access": "read"})
    d.connect("lb", "box", properties={"path": "/box/*"})
    d.connect("lb", "fleet", properties={"path": "/fleet/*"})
    if lambda_target:
        d.connect("lb", "edge_fn", properties={"path": "/fn/*"})
    return d


# ---------------------------------------------------------------- every type validates


@pytest.mark.slow
@pytest.mark.parametrize("region", REGIONS)
def test_every_compute_type_lints_clean(region):
    assert lint_errors(every_type(region, types=available(region))) == []


@pytest.mark.slow
@pytest.mark.parametrize("region", REGIONS)
def test_every_compute_type_validates_in_terraform(region):
    assert terraform_errors(every_type(region, types=available(region))) == []


@pytest.mark.slow
@pytest.mark.parametrize("region", REGIONS)
def test_connected_compute_validates(region):
    design = connected(region, lambda_target=False)
    assert lint_errors(design) == []
    assert terraform_errors(design) == []


@pytest.mark.slow
def test_load_balancer_to_lambda_validates():
    design = Design(name="albfn")
    network(design)
    design.add("lambda_function", "fn")
    design.add("alb", "lb", parent="public_a")
    design.connect("lb", "fn")
    assert lint_errors(design) == []
    assert terraform_errors(design) == []


def variants(region: str) -> Design:
    """The non-default shapes: image Lambda, KMS/mutable ECR without lifecycle, bigger machines."""
    d = Design(name="variants", region=region)
    network(d)
    d.add("lambda_function", "img", properties={
        "package_type": "Image", "architecture": "arm64", "image_uri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:" + "0" * 64,
    })
    d.add("lambda_function", "zip", parent="vpc", properties={"code_bucket": "team-builds", "code_key": "builds/zip.zip", "runtime": "nodejs22.x"})
    for runtime in LAMBDA_RUNTIMES:  # built-in handlers where there is one, the team's bucket for compiled runtimes
        built = runtime.startswith(("python", "nodejs", "ruby"))
        d.add("lambda_function", tf_identifier(runtime), properties={"runtime": runtime, **({} if built else {"code_bucket": "team-builds"})})
    d.add("ecr_repository", "repo", properties={
        "immutable_tags": False, "encryption": "KMS", "expire_untagged": False, "scan_on_push": False, "repository_name": "team/app",
    })
    d.add("ec2_instance", "box", parent="public_a", properties={"instance_type": "m7g.large", "detailed_monitoring": True})
    d.add("autoscaling_group", "fleet", parent="vpc", properties={
        "min_size": 2, "max_size": 6, "desired_capacity": 3, "health_check_type": "ELB", "subnet_tier": "public",
    })
    for cpu, sizes in FARGATE_MEMORY.items():
        for memory in sizes:
            d.add("ecs_task_definition", f"job_{cpu}_{memory}", properties={"cpu": cpu, "memory": memory})
    d.add("ecs_task_definition", "job", parent="private_c", properties={"cpu": "1024", "memory": "2048"})
    if region in APP_RUNNER_REGIONS:
        d.add("app_runner_service", "web", properties={"cpu": "256", "memory": "512", "port": 3000})
    return d


@pytest.mark.slow
@pytest.mark.parametrize("region", REGIONS)
def test_variants_validate(region):
    design = variants(region)
    assert lint_errors(design) == []
    assert terraform_errors(design) == []


# ---------------------------------------------------------------- shapes


def test_lambda_outside_vpc_has_no_network_parts():
    d = Design(name="x")
    d.add("lambda_function", "fn")
    cfn, tf = outputs(d)
    fn = cfn["Fn"]["Properties"]
    assert fn["Runtime"] == "python3.12"
    # no code folder: the built-in handler, inline in CloudFormation, a zip with its hash in Terraform
    assert "def handler(event, context):" in fn["Code"]["ZipFile"]
    assert "VpcConfig" not in fn and not of_type(cfn, "AWS::EC2::SecurityGroup")
    assert cfn["FnRole"]["Properties"]["ManagedPolicyArns"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}
    ]
    assert cfn["FnLogs"]["Properties"]["LogGroupName"] == {"Fn::Sub": "/aws/lambda/${AWS::StackName}-fn"}
    assert 'resource "aws_lambda_function" "fn"' in tf and "vpc_config" not in tf
    assert re.search(r'filename = "lambda/fn-[0-9a-f]{16}\.zip" source_code_hash = "[A-Za-z0-9+/]{43}="', tf)
    assert "s3_bucket" not in tf


def test_lambda_in_subnet_gets_vpc_config_and_vpc_policy():
    d = Design(name="x")
    network(d)
    d.add("lambda_function", "fn", parent="private_a")
    cfn, tf = outputs(d)
    vpc_config = cfn["Fn"]["Properties"]["VpcConfig"]
    assert vpc_config["SubnetIds"] == [{"Ref": "PrivateA"}, {"Ref": "PrivateC"}]
    assert vpc_config["SecurityGroupIds"] == [{"Ref": "FnSg"}]
    assert cfn["FnRole"]["Properties"]["ManagedPolicyArns"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"}
    ]
    assert "vpc_config {" in tf and "aws_iam_role_policy_attachment.fn_role_policy1" in tf


def test_vpc_placement_picks_the_subnet_tier():
    d = Design(name="x")
    network(d)
    d.add("lambda_function", "fn", parent="vpc", properties={"subnet_tier": "public"})
    d.add("autoscaling_group", "fleet", parent="public_c")
    cfn, _ = outputs(d)
    assert cfn["Fn"]["Properties"]["VpcConfig"]["SubnetIds"] == [{"Ref": "PublicA"}, {"Ref": "PublicC"}]
    assert cfn["Fleet"]["Properties"]["VPCZoneIdentifier"] == [{"Ref": "PublicA"}, {"Ref": "PublicC"}]


def test_lambda_image_package():
    d = Design(name="x")
    uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:" + "a" * 64
    d.add("lambda_function", "fn", properties={"package_type": "Image", "image_uri": uri})
    cfn, tf = outputs(d)
    fn = cfn["Fn"]["Properties"]
    assert fn["Code"] == {"ImageUri": {"Ref": "FnImageUri"}}
    assert "Runtime" not in fn and "Handler" not in fn
    assert "image_uri = var.fn_image_uri" in tf and "s3_bucket" not in tf and "filename" not in tf


def test_lambda_image_comes_from_a_connected_repository():
    d = Design(name="x")
    d.add("ecr_repository", "repo")
    d.add("lambda_function", "fn", properties={"package_type": "Image"})
    d.connect("fn", "repo", properties={"access": "read"})
    resolved = resolve(d)
    fn = cloudformation.template(resolved)["Resources"]["Fn"]["Properties"]
    assert fn["Code"] == {"ImageUri": {"Fn::Sub": "${Repo.RepositoryUri}:${FnImageTag}"}}
    (tag,) = [v for v in resolved.variables if v.name == "fn_image_tag"]
    assert tag.default is None and tag.sandbox == "latest"  # asked at deploy time: no placeholder tag


def test_lambda_image_without_uri_or_repository_is_refused():
    d = Design(name="x")
    d.add("lambda_function", "fn", properties={"package_type": "Image"})
    with pytest.raises(DesignError, match="ECR repository"):
        resolve(d)


def test_ecr_options():
    d = Design(name="x")
    d.add("ecr_repository", "repo", properties={"immutable_tags": False, "expire_untagged": False})
    cfn, tf = outputs(d)
    repo = cfn["Repo"]["Properties"]
    assert repo["ImageTagMutability"] == "MUTABLE" and "LifecyclePolicy" not in repo
    assert "aws_ecr_lifecycle_policy" not in tf
    d.resources["repo"]["properties"] = {"untagged_days": 3}
    cfn, tf = outputs(d)
    policy = json.loads(cfn["Repo"]["Properties"]["LifecyclePolicy"]["LifecyclePolicyText"])
    assert policy["rules"][0]["selection"]["countNumber"] == 3
    assert 'resource "aws_ecr_lifecycle_policy" "repo_lifecycle"' in tf and "countNumber = 3" in tf


def test_instances_require_imdsv2_and_encrypt_root_volume():
    d = Design(name="x")
    network(d)
    d.add("ec2_instance", "box", parent="private_a")
    d.add("launch_template", "tpl")
    d.add("autoscaling_group", "fleet", parent="private_a")
    cfn, tf = outputs(d)
    assert cfn["Box"]["Properties"]["MetadataOptions"]["HttpTokens"] == "required"
    assert cfn["Box"]["Properties"]["BlockDeviceMappings"][0]["Ebs"]["Encrypted"] is True
    for name in ("Tpl", "FleetTemplate"):
        data = cfn[name]["Properties"]["LaunchTemplateData"]
        assert data["MetadataOptions"]["HttpTokens"] == "required"
        assert data["BlockDeviceMappings"][0]["Ebs"]["Encrypted"] is True
    assert cfn["FleetTemplate"]["Properties"]["LaunchTemplateData"]["SecurityGroupIds"] == [{"Ref": "FleetSg"}]
    assert cfn["Fleet"]["Properties"]["VPCZoneIdentifier"] == [{"Ref": "PrivateA"}, {"Ref": "PrivateC"}]
    assert cfn["Fleet"]["Properties"]["MinSize"] == 1 and "DesiredCapacity" not in cfn["Fleet"]["Properties"]
    assert tf.count('http_tokens = "required"') == 3


# ---------------------------------------------------------------- connections


@pytest.fixture(scope="module")
def wired():
    return outputs(connected())


def test_compute_to_data_store_opens_its_port(wired):
    cfn, tf = wired
    ingress = of_type(cfn, "AWS::EC2::SecurityGroupIngress")
    sources = {body["Properties"]["SourceSecurityGroupId"]["Ref"] for body in ingress.values() if body["Properties"]["FromPort"] == 6379}
    assert sources == {"FnSg", "BoxSg", "JobSg"}
    env = cfn["Fn"]["Properties"]["Environment"]["Variables"]
    assert env["CACHE_HOST"] == {"Fn::GetAtt": ["Cache", "PrimaryEndPoint.Address"]}
    assert "referenced_security_group_id = aws_security_group.job_sg.id" in tf


def test_compute_to_service_grants_least_privilege(wired):
    cfn, tf = wired
    policies = {name: body["Properties"] for name, body in of_type(cfn, "AWS::IAM::RolePolicy").items()}
    by_role: dict = {}  # role -> the statement of each of its connection policies, by the service its actions are for
    for p in policies.values():
        statement = p["PolicyDocument"]["Statement"][0]
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        by_role.setdefault(p["RoleName"]["Ref"], {})[actions[0].split(":")[0]] = {**statement, "Action": actions}
    assert by_role["FnRole"]["dynamodb"]["Action"] == ["dynamodb:BatchGetItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"]
    assert by_role["BoxRole"]["s3"]["Action"] == ["s3:DeleteObject", "s3:PutObject"]
    # Redis asks for its AUTH token: whoever reaches the cache may read that secret (and only that one)
    assert by_role["BoxRole"]["secretsmanager"]["Resource"] == {"Ref": "CacheAuth"}
    assert "dynamodb:PutItem" in by_role["FleetRole"]["dynamodb"]["Action"]
    assert by_role["WebRole"]["dynamodb"]["Action"][0].startswith("dynamodb:")
    # ECS pulls images with the *execution* role; only pushing is the code's own business
    assert "ecr:PutImage" in by_role["JobRole"]["ecr"]["Action"] and "ecr:BatchGetImage" not in by_role["JobRole"]["ecr"]["Action"]
    assert "ecr:BatchGetImage" in by_role["JobExecutionRole"]["ecr"]["Action"]
    assert by_role["ApiExecutionRole"]["ecr"]["Resource"] == {"Fn::GetAtt": ["Repo", "Arn"]}
    assert "ecr:PutImage" not in by_role["ApiExecutionRole"]["ecr"]["Action"] and "ApiRole" not in by_role
    assert by_role["EdgeFnRole"]["ecr"]["Action"] == ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer"]
    assert cfn["EdgeFn"]["Properties"]["Environment"]["Variables"]["REPO_REPOSITORY_URL"] == {"Fn::GetAtt": ["Repo", "RepositoryUri"]}
    web_env = cfn["Web"]["Properties"]["SourceConfiguration"]["ImageRepository"]["ImageConfiguration"]["RuntimeEnvironmentVariables"]
    assert web_env == [{"Name": "TABLE_TABLE_NAME", "Value": {"Ref": "Table"}}]
    job_env = cfn["Job"]["Properties"]["ContainerDefinitions"][0]["Environment"]
    assert {"Name": "REPO_REPOSITORY_URL", "Value": {"Fn::GetAtt": ["Repo", "RepositoryUri"]}} in job_env
    assert tf.count('resource "aws_iam_role_policy"') == len(policies)
    assert "TABLE_TABLE_NAME = aws_dynamodb_table.table.id" in tf


def test_load_balancer_targets_compute(wired):
    cfn, tf = wired
    groups = {body["Properties"]["TargetType"]: body["Properties"] for body in of_type(cfn, "AWS::ElasticLoadBalancingV2::TargetGroup").values()}
    assert groups["lambda"]["Targets"] == [{"Id": {"Fn::GetAtt": ["EdgeFn", "Arn"]}}]
    assert cfn["Fleet"]["Properties"]["TargetGroupARNs"] == [{"Ref": "LbToFleetTargets"}]
    assert "target_group_arns = [aws_lb_target_group.lb_to_fleet_targets.arn]" in tf
    assert 'resource "aws_lb_target_group_attachment" "lb_to_box_attachment"' in tf
    assert "target_id = aws_instance.box.id" in tf
    assert "function_name = aws_lambda_function.edge_fn.arn" in tf


# ---------------------------------------------------------------- property validation


def test_app_runner_is_refused_where_aws_does_not_offer_it():
    d = Design(name="x", region="ap-northeast-2")
    with pytest.raises(DesignError) as info:
        d.add("app_runner_service", "web")
    assert "web" in str(info.value) and "ap-northeast-2" in str(info.value)


@pytest.mark.parametrize(
    ("type_", "parent", "bad"),
    [
        ("lambda_function", None, {"memory_size": 64}),
        ("lambda_function", None, {"runtime": "python2.7"}),
        ("lambda_function", None, {"code_bucket": "Not_A_Bucket"}),
        ("ec2_instance", "private_a", {"ami_id": "ubuntu-latest"}),
        ("launch_template", None, {"root_volume_size": 0}),
        ("autoscaling_group", "private_a", {"max_size": 0}),
        ("autoscaling_group", "private_a", {"min_size": 4, "max_size": 2}),
        ("autoscaling_group", "private_a", {"min_size": 1, "max_size": 2, "desired_capacity": 3}),
        ("app_runner_service", None, {"cpu": "256", "memory": "4096"}),
        ("ecs_task_definition", None, {"cpu": "4096", "memory": "512"}),
        ("ecr_repository", None, {"repository_name": "Upper/Case"}),
        ("app_runner_service", None, {"image": "docker.io/library/nginx:latest"}),
        ("ecs_task_definition", None, {"cpu": "3"}),
    ],
)
def test_bad_property_names_the_resource(type_, parent, bad):
    d = Design(name="x")
    network(d)
    with pytest.raises(DesignError) as info:
        d.add(type_, "bad_one", parent=parent, properties=bad)
    assert "bad_one" in str(info.value)
