"""Shared checks of the catalog-gap tests: a design builds to CloudFormation with no cfn-lint finding
at all (errors, warnings and informational rules such as I3011), to Terraform that `terraform
validate` accepts (when the toolchain is here) and to code checkov finds nothing open in."""

from __future__ import annotations

import pytest

from iac import network, terraform_errors
from isshoni import Design
from isshoni.checks import cfnlint_check, checkov_check, toolchain
from isshoni.compiler import cloudformation, resolve, terraform


def compiled(design: Design):
    """(CloudFormation resources, the Terraform main.tf, the resolved model)."""
    resolved = resolve(design)
    return cloudformation.template(resolved)["Resources"], terraform.files(resolved)["main.tf"], resolved


def of_type(resources: dict, cfn_type: str) -> dict:
    return {k: v["Properties"] for k, v in resources.items() if v["Type"] == cfn_type}


def policy_statements(resources: dict, role_logical_id: str) -> list[dict]:
    """Every statement of the inline policies on one role."""
    return [
        statement
        for policy in of_type(resources, "AWS::IAM::RolePolicy").values()
        if policy["RoleName"] == {"Ref": role_logical_id}
        for statement in policy["PolicyDocument"]["Statement"]
    ]


def assert_lints_clean(design: Design) -> None:
    findings = [str(f) for f in cfnlint_check.run(resolve(design))]
    assert findings == [], findings


def assert_terraform_validates(design: Design) -> None:
    tools = toolchain.find()
    if tools.missing or not tools.mirror:
        pytest.skip(f"terraform validate needs a terraform binary and an AWS provider mirror: {tools.missing or 'no mirror'}")
    findings = [str(f) for f in terraform_errors(design)]
    assert findings == [], findings


def assert_checkov_clean(design: Design) -> None:
    if checkov_check.executable() is None:
        pytest.skip("checkov is not installed")
    findings = checkov_check.run(resolve(design))
    assert not [f for f in findings if f.rule in ("not-checked", "failed", "skipped")], [str(f) for f in findings]
    open_ = [str(f) for f in findings if not f.message.startswith("accepted: ")]
    assert open_ == [], open_
    for finding in findings:
        assert "No comment provided" not in finding.message, str(finding)


# ------------------------------------------------------------------ one design per gap


def alerts_by_email_and_sms() -> Design:
    """Gap 1: an alarm -> the alerts topic -> an e-mail and a text-message subscriber."""
    d = Design(name="alerts", region="us-east-1")
    d.add("lambda_function", "fn")
    d.add("cloudwatch_alarm", "errors")
    d.add("sns_topic", "alerts")
    d.add("sns_subscriber", "oncall_mail")
    d.add("sns_subscriber", "oncall_sms", properties={"protocol": "sms", "phone_number": "+4915112345678"})
    d.connect("errors", "fn")
    d.connect("errors", "alerts")
    d.connect("alerts", "oncall_mail")
    d.connect("alerts", "oncall_sms")
    return d


def mail_from_ses() -> Design:
    """Gap 2: a function sends mail as a domain identity whose DKIM records go in the design's zone,
    another as a single address."""
    d = Design(name="mailer", region="eu-west-1")
    d.add("route53_zone", "zone")
    d.add("ses_email_identity", "domain")
    d.add("ses_email_identity", "noreply", properties={"kind": "email_address"})
    d.add("lambda_function", "sender")
    d.add("lambda_function", "notifier")
    d.connect("domain", "zone")
    d.connect("sender", "domain")
    d.connect("notifier", "noreply")
    return d


def github_deploys() -> Design:
    """Gap 3: a GitHub Actions deploy role pushing images, rolling out a service, syncing a static
    site and invalidating its distribution, updating a function."""
    d = Design(name="pipeline", region="us-east-1")
    network(d)
    d.add("github_deploy_role", "deploy", properties={"repository": "acme/shop", "branch": "release/*"})
    d.add("ecr_repository", "images")
    d.add("ecs_service", "web", parent="private_a")
    d.add("s3_bucket", "site")
    d.add("cloudfront_distribution", "cdn")
    d.add("lambda_function", "fn")
    d.connect("cdn", "site")
    for target in ("images", "web", "site", "cdn", "fn"):
        d.connect("deploy", target)
    return d


def service_calls_apis() -> Design:
    """Gap 6: a service calls a public HTTP API and a REST API that takes IAM authorization."""
    d = Design(name="calls", region="us-east-1")
    network(d)
    d.add("lambda_function", "backend")
    d.add("api_gateway_http", "public_api")
    d.add("api_gateway_rest", "partner_api", properties={"authorization": "AWS_IAM"})
    d.connect("public_api", "backend")
    d.connect("partner_api", "backend")
    d.add("ecs_service", "web", parent="private_a")
    d.connect("web", "public_api")
    d.connect("web", "partner_api")
    return d


def compute_runs_tasks() -> Design:
    """Gap 7: a function starts a job in the VPC (default cluster), a service starts one in its own cluster."""
    d = Design(name="jobs", region="us-east-1")
    network(d)
    d.add("ecs_task_definition", "report", parent="vpc")
    d.add("lambda_function", "starter")
    d.connect("starter", "report")
    d.add("ecs_cluster", "batch")
    d.add("ecs_task_definition", "cleanup", parent="vpc")
    d.connect("cleanup", "batch")
    d.add("ecs_service", "web", parent="private_a")
    d.connect("web", "cleanup")
    return d


def secure_parameters() -> Design:
    """Gap 8: a function reads SecureString parameters under a path with a key of its own; a service
    reads and writes another path, encrypted with the AWS managed key."""
    d = Design(name="config", region="us-east-1")
    network(d)
    d.add("ssm_parameter_path", "app_config", properties={"path": "/shop/prod"})
    d.add("ssm_parameter_path", "flags", properties={"encryption": "aws_managed"})
    d.add("lambda_function", "reader")
    d.add("ecs_service", "web", parent="private_a")
    d.connect("reader", "app_config")
    d.connect("web", "flags", properties={"access": "readwrite"})
    return d


def images_from_a_repository() -> Design:
    """Gap 9: a service and a job run their images from the design's repository, pulled by their
    execution roles; a function runs an image from it too."""
    d = Design(name="images", region="us-east-1")
    network(d)
    d.add("ecr_repository", "images")
    d.add("ecs_service", "web", parent="private_a", properties={"image_tag": "v1.4.2"})
    d.add("ecs_task_definition", "migrate", properties={"image": ""})
    d.add("lambda_function", "fn", properties={"package_type": "Image"})
    for source in ("web", "migrate", "fn"):
        d.connect(source, "images", properties={"access": "read"})
    return d


def services_by_name() -> Design:
    """Gap 5: a front service calls an orders service by its Cloud Map name; a function in the VPC too."""
    d = Design(name="mesh", region="us-east-1")
    network(d)
    d.add("service_discovery_namespace", "internal", parent="vpc", properties={"namespace": "shop.internal"})
    d.add("ecs_service", "orders", parent="private_a", properties={"port": 8080, "health_check_path": ""})
    d.add("ecs_service", "front", parent="private_a")
    d.add("lambda_function", "worker", parent="private_a")
    d.connect("orders", "internal")
    d.connect("front", "internal")
    d.connect("front", "orders")
    d.connect("worker", "orders")
    return d


def service_without_a_load_balancer() -> Design:
    """Gap 10: a service in a public subnet reached on its tasks' public IPs from one network."""
    d = Design(name="direct", region="us-east-1")
    network(d)
    d.add("ecs_service", "game", parent="public_a", properties={
        "port": 7777, "health_check_path": "", "assign_public_ip": True, "public_access": True, "ingress_cidr": "203.0.113.0/24",
    })
    return d


def ecs_on_ec2() -> Design:
    """Gap 4: a service of a cluster runs on EC2 capacity that serves that cluster."""
    d = Design(name="onec2", region="us-east-1")
    network(d)
    d.add("ecs_cluster", "cluster")
    d.add("ecs_capacity_provider", "fleet", parent="vpc")
    d.add("ecs_service", "web", parent="private_a")
    d.connect("fleet", "cluster")
    d.connect("web", "cluster")
    d.connect("web", "fleet")
    return d


DESIGNS = {
    "sns_email_sms": alerts_by_email_and_sms,
    "ses_identity": mail_from_ses,
    "github_oidc": github_deploys,
    "ecs_on_ec2": ecs_on_ec2,
    "api_url": service_calls_apis,
    "run_task": compute_runs_tasks,
    "ssm_path": secure_parameters,
    "ecr_image": images_from_a_repository,
    "cloud_map": services_by_name,
    "public_service": service_without_a_load_balancer,
}
