"""Catalog gaps of issue 19 about compute (the designs: tests/gaps.py; lint, validate and checkov of
each: test_catalog_gaps.py): calling an API, starting tasks, parameter paths, images from a
repository, services reached without a load balancer, service discovery, ECS on EC2."""

from __future__ import annotations

from gaps import DESIGNS, compiled, policy_statements


def env_of(resources: dict, logical: str) -> dict:
    """A Lambda function's or an ECS container's environment, as {name: value}."""
    body = resources[logical]["Properties"]
    if "Environment" in body:
        return body["Environment"]["Variables"]
    (container,) = body["ContainerDefinitions"]
    return {item["Name"]: item["Value"] for item in container.get("Environment", [])}


# ------------------------------------------------------------------ 6. a service calling an API Gateway


def test_a_service_gets_the_api_urls_and_may_invoke_the_iam_api_only():
    resources, main, _resolved = compiled(DESIGNS["api_url"]())
    assert env_of(resources, "WebTask") == {
        "PARTNER_API_URL": {"Fn::Sub": "https://${PartnerApi}.execute-api.${AWS::Region}.amazonaws.com/prod/"},
        "PUBLIC_API_URL": {"Fn::GetAtt": ["PublicApi", "ApiEndpoint"]},
    }
    (statement,) = policy_statements(resources, "WebRole")  # the public API needs no grant
    assert statement["Action"] == "execute-api:Invoke"
    assert statement["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${PartnerApi}/prod/*/*"}
    assert '"value" = aws_apigatewayv2_api.public_api.api_endpoint' in main or "aws_apigatewayv2_api.public_api.api_endpoint" in main


def test_an_http_api_with_iam_authorization_is_invoked_on_its_own_arn():
    design = DESIGNS["api_url"]()
    design.set("public_api", authorization="AWS_IAM")
    resources, _main, _resolved = compiled(design)
    resources_granted = sorted(str(s["Resource"]) for s in policy_statements(resources, "WebRole"))
    assert any("${PublicApi}/*" in r for r in resources_granted) and len(resources_granted) == 2


# ------------------------------------------------------------------ 7. compute that may RunTask


def test_compute_may_run_a_task_in_its_cluster_and_pass_only_its_roles():
    resources, main, _resolved = compiled(DESIGNS["run_task"]())
    run, describe, pass_role = policy_statements(resources, "StarterRole")
    assert run["Action"] == "ecs:RunTask"
    assert run["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task-definition/${AWS::StackName}-report:*"}
    assert run["Condition"] == {"ArnEquals": {"ecs:cluster": {"Fn::GetAtt": ["DefaultCluster", "Arn"]}}}
    assert describe["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task/${DefaultCluster}/*"}
    assert pass_role["Action"] == "iam:PassRole"
    assert pass_role["Resource"] == [{"Fn::GetAtt": ["ReportRole", "Arn"]}, {"Fn::GetAtt": ["ReportExecutionRole", "Arn"]}]
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
    env = env_of(resources, "Starter")
    assert env["REPORT_TASK_FAMILY"] == {"Fn::Sub": "${AWS::StackName}-report"}
    assert env["REPORT_CLUSTER_ARN"] == {"Fn::GetAtt": ["DefaultCluster", "Arn"]}
    assert env["REPORT_SUBNETS"] == {"Fn::Join": [",", [{"Ref": "PrivateA"}, {"Ref": "PrivateC"}]]}
    assert env["REPORT_SECURITY_GROUP"] == {"Ref": "ReportSg"}
    # a task connected to a cluster runs there
    (run_cleanup, _, _) = policy_statements(resources, "WebRole")
    assert run_cleanup["Condition"] == {"ArnEquals": {"ecs:cluster": {"Fn::GetAtt": ["Batch", "Arn"]}}}
    assert "task/${aws_ecs_cluster.default_cluster.name}/*" in main
