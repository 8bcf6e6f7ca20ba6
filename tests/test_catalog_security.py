"""Security and observability: IAM, KMS, secrets, SSM, WAF, Cognito, alarms, dashboards, trails, flow logs."""

from __future__ import annotations

import json
import re

import pytest

from iac import every_type, lint_errors, network, terraform_errors
from isshoni import Design
from isshoni.catalog import CATALOG
from isshoni.compiler import cloudformation, resolve, terraform
from isshoni.design import DesignError

SECURITY = ["iam_role", "iam_policy", "kms_key", "secret", "ssm_parameter", "waf_web_acl", "cognito_user_pool", "cognito_app_client"]
OBSERVABILITY = ["log_group", "cloudwatch_alarm", "cloudwatch_dashboard", "cloudtrail_trail", "vpc_flow_log"]
REGIONS = ["us-east-1", "ap-northeast-2"]


def needs(*types: str):
    """Skip until the types other categories add exist in the catalog."""
    missing = [t for t in types if t not in CATALOG]
    return pytest.mark.skipif(bool(missing), reason=f"not in the catalog yet: {', '.join(missing)}")


def compiled(design: Design):
    resolved = resolve(design)
    return cloudformation.template(resolved)["Resources"], "\n".join(terraform.files(resolved).values())


def of_type(resources: dict, cfn_type: str) -> dict:
    return {k: v for k, v in resources.items() if v["Type"] == cfn_type}


def one(resources: dict, cfn_type: str) -> dict:
    found = of_type(resources, cfn_type)
    assert len(found) == 1, (cfn_type, sorted(found))
    return next(iter(found.values()))["Properties"]


def assert_clean(design: Design) -> None:
    assert lint_errors(design) == []
    assert terraform_errors(design) == []


def base(region: str = "us-east-1") -> Design:
    d = Design(name="sec", region=region)
    network(d)
    return d


# ------------------------------------------------------------------ every type


@pytest.mark.slow
@pytest.mark.parametrize("region", REGIONS)
def test_every_security_and_observability_type_validates(region):
    assert_clean(every_type(region, types=SECURITY + OBSERVABILITY))


def connected(region: str) -> Design:
    """One design that starts every connection these categories define (those whose targets exist)."""
    d = base(region)
    d.add("alb", "web", parent="public_a")
    d.add("ecs_service", "api", parent="private_a")
    d.add("dynamodb_table", "orders")
    d.add("s3_bucket", "audit")
    d.add("iam_role", "worker", properties={"service": "states.amazonaws.com"})
    d.add("iam_policy", "reader")
    d.add("kms_key", "key")
    d.add("secret", "token")
    d.add("ssm_parameter", "setting", properties={"value": "blue"})
    d.add("waf_web_acl", "waf", properties={"rate_limit": 2000})
    d.add("cognito_user_pool", "users")
    d.add("cognito_app_client", "spa")
    d.add("cloudwatch_alarm", "cpu")
    d.add("cloudwatch_alarm", "errors")
    d.add("cloudwatch_dashboard", "board")
    d.add("cloudtrail_trail", "trail")
    d.add("vpc_flow_log", "flows", parent="vpc")
    d.connect("worker", "orders", properties={"access": "read"})
    d.connect("worker", "key", properties={"access": "readwrite"})
    d.connect("worker", "token", properties={"access": "read"})
    d.connect("worker", "setting", properties={"access": "read"})
    d.connect("reader", "worker")
    d.connect("reader", "api")
    d.connect("waf", "web")
    d.connect("spa", "users")
    d.connect("cpu", "api")
    d.connect("errors", "web")
    for target in ("web", "api", "orders"):
        d.connect("board", target)
    d.connect("trail", "audit")
    if "sns_topic" in CATALOG:
        d.add("sns_topic", "ops", properties={"encrypted": False})
        d.connect("cpu", "ops")
    if "sqs_queue" in CATALOG:
        d.add("sqs_queue", "jobs")
        d.connect("board", "jobs")
        d.add("cloudwatch_alarm", "backlog")
        d.connect("backlog", "jobs")
    if "lambda_function" in CATALOG:
        d.add("lambda_function", "fn")
        d.connect("board", "fn")
        d.add("cloudwatch_alarm", "fn_errors")
        d.connect("fn_errors", "fn")
    if "api_gateway_rest" in CATALOG and "lambda_function" in CATALOG:
        d.add("api_gateway_rest", "rest")
        d.connect("rest", "fn")
        d.connect("waf", "rest")
    return d


@pytest.mark.slow
@pytest.mark.parametrize("region", REGIONS)
def test_every_connection_validates(region):
    assert_clean(connected(region))


@pytest.mark.slow
def test_variants_validate():
    """Non-default choices compile clean too."""
    d = base("ap-northeast-2")
    d.add("iam_role", "ec2", properties={"service": "ec2.amazonaws.com", "max_session_seconds": 43200, "description": "Batch hosts"})
    d.add("iam_policy", "p", properties={"description": "Deny deletes", "document": {"Version": "2012-10-17", "Statement": [
        {"Sid": "NoDelete", "Effect": "Deny", "Action": ["s3:DeleteObject"], "Resource": "*"}]}})
    d.connect("p", "ec2")
    d.add("kms_key", "k", properties={"rotation": False, "pending_window_days": 7, "description": "Backups"})
    d.add("secret", "s", properties={"recovery_window_days": 0, "exclude_punctuation": False, "length": 64, "description": "DB password"})
    d.add("ssm_parameter", "m", properties={"parameter_name": "/app/color", "tier": "Advanced", "value": '{"a": "${b}"}'})
    d.add("waf_web_acl", "w", properties={"default_action": "block", "rate_limit": 100})
    d.add("cognito_user_pool", "off", properties={"mfa": "OFF", "password_symbols": False, "deletion_protection": True})
    d.add("cognito_user_pool", "on", properties={"mfa": "ON", "password_min_length": 20})
    d.add("cognito_app_client", "c", properties={"access_token_hours": 24, "refresh_token_days": 3650})
    d.connect("c", "on")
    d.add("cloudwatch_alarm", "a", properties={
        "namespace": "App/Orders", "metric_name": "Failures", "statistic": "SampleCount", "threshold": 2.5,
        "comparison": "LessThanThreshold", "period": 60, "evaluation_periods": 5, "treat_missing_data": "breaching"})
    d.add("cloudwatch_dashboard", "b", properties={"period": 3600})
    d.add("vpc_flow_log", "f", parent="vpc", properties={"traffic_type": "ALL", "aggregation_seconds": 60, "retention_days": 365})
    d.add("s3_bucket", "logs")
    d.add("cloudtrail_trail", "t", properties={"global_events": False})
    d.connect("t", "logs")
    assert_clean(d)


# ------------------------------------------------------------------ IAM


def test_role_gets_least_privilege_from_its_connections():
    resources, main = compiled(connected("us-east-1"))
    policies = {p["Properties"]["PolicyName"]: p["Properties"] for p in of_type(resources, "AWS::IAM::RolePolicy").values()}
    worker = {name: p for name, p in policies.items() if p["RoleName"] == {"Ref": "Worker"}}
    actions = sorted(a for p in worker.values() for a in p["PolicyDocument"]["Statement"][0]["Action"])
    assert "dynamodb:GetItem" in actions and "dynamodb:PutItem" not in actions
    assert {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"} <= set(actions)
    assert {"secretsmanager:GetSecretValue", "ssm:GetParameter"} <= set(actions)
    assert resources["Worker"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "states.amazonaws.com"}
    assert len(re.findall(r"role += aws_iam_role\.worker\.id", main)) == 4


def test_policy_attaches_to_roles():
    resources, main = compiled(connected("us-east-1"))
    policy = one(resources, "AWS::IAM::ManagedPolicy")
    assert policy["Roles"] == [{"Ref": "ApiRole"}, {"Ref": "Worker"}]
    assert main.count('resource "aws_iam_role_policy_attachment" "reader_to_') == 2
    assert "role       = aws_iam_role.worker.name" in main
    assert "policy_arn = aws_iam_policy.reader.arn" in main


def test_policy_document_is_data():
    d = base()
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}
    d.add("iam_policy", "deny", properties={"document": doc})
    resources, main = compiled(d)
    assert one(resources, "AWS::IAM::ManagedPolicy")["PolicyDocument"] == doc
    assert 'Action   = "s3:*"' in main


# ------------------------------------------------------------------ KMS, secrets, SSM


def test_key_has_alias_rotation_and_root_policy():
    d = base()
    d.add("kms_key", "key")
    resources, main = compiled(d)
    key = one(resources, "AWS::KMS::Key")
    assert key["EnableKeyRotation"] is True
    assert key["KeyPolicy"]["Statement"][0]["Principal"]["AWS"] == {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
    assert one(resources, "AWS::KMS::Alias")["AliasName"] == {"Fn::Sub": "alias/${AWS::StackName}-key"}
    assert 'resource "aws_kms_alias" "key_alias"' in main


def test_secret_never_holds_a_value():
    d = base()
    d.add("secret", "token")
    resources, main = compiled(d)
    secret = one(resources, "AWS::SecretsManager::Secret")
    assert "SecretString" not in secret and secret["GenerateSecretString"]["PasswordLength"] == 32
    assert "aws_secretsmanager_secret_version" not in main and "secret_string" not in main


def test_environment_names_of_security_targets():
    d = base()
    d.add("ecs_service", "api", parent="private_a")
    for rtype in ("kms_key", "secret", "ssm_parameter"):
        d.add(rtype, rtype)
        d.connect("api", rtype, properties={"access": "read"})
    resources, _ = compiled(d)
    env = resources["ApiTask"]["Properties"]["ContainerDefinitions"][0]["Environment"]
    assert [v["Name"] for v in env] == ["KMS_KEY_KEY_ARN", "SECRET_SECRET_ARN", "SSM_PARAMETER_PARAMETER_NAME"]


# ------------------------------------------------------------------ WAF and Cognito


def test_waf_protects_the_load_balancer():
    resources, main = compiled(connected("us-east-1"))
    acl = one(resources, "AWS::WAFv2::WebACL")
    assert [r["Name"] for r in acl["Rules"]] == ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "RateLimit"]
    assocs = [a["Properties"] for a in of_type(resources, "AWS::WAFv2::WebACLAssociation").values()]
    assert {"ResourceArn": {"Ref": "Web"}, "WebACLArn": {"Fn::GetAtt": ["Waf", "Arn"]}} in assocs
    assert "resource_arn = aws_lb.web.arn" in main


@needs("api_gateway_rest", "lambda_function")
def test_waf_protects_a_rest_api_stage():
    resources, main = compiled(connected("us-east-1"))
    arns = [a["Properties"]["ResourceArn"] for a in of_type(resources, "AWS::WAFv2::WebACLAssociation").values()]
    assert any(isinstance(a, dict) and "Fn::Sub" in a and "::/restapis/${Rest}/stages/${RestStage}" in a["Fn::Sub"] for a in arns)
    assert "resource_arn = aws_api_gateway_stage.rest_stage.arn" in main


def test_app_client_needs_its_pool():
    d = base()
    d.add("cognito_user_pool", "users")
    d.add("cognito_app_client", "spa")
    resources, main = compiled(d)
    assert not of_type(resources, "AWS::Cognito::UserPoolClient") and "aws_cognito_user_pool_client" not in main
    d.connect("spa", "users")
    resources, main = compiled(d)
    client = one(resources, "AWS::Cognito::UserPoolClient")
    assert client["UserPoolId"] == {"Ref": "Users"} and client["GenerateSecret"] is False
    assert "user_pool_id                  = aws_cognito_user_pool.users.id" in main


# ------------------------------------------------------------------ alarms


def alarm(resources: dict, name: str) -> dict:
    return resources[name]["Properties"]


def test_alarm_watches_what_it_is_connected_to():
    resources, main = compiled(connected("us-east-1"))
    errors = alarm(resources, "Errors")
    assert errors["Namespace"] == "AWS/ApplicationELB" and errors["MetricName"] == "HTTPCode_Target_5XX_Count"
    assert errors["Dimensions"] == [{"Name": "LoadBalancer", "Value": {"Fn::GetAtt": ["Web", "LoadBalancerFullName"]}}]
    cpu = alarm(resources, "Cpu")
    assert (cpu["Namespace"], cpu["MetricName"], cpu["Statistic"], cpu["Threshold"]) == ("AWS/ECS", "CPUUtilization", "Average", 80)
    assert [d["Name"] for d in cpu["Dimensions"]] == ["ClusterName", "ServiceName"]
    assert cpu["Dimensions"][0]["Value"] == {"Ref": "DefaultCluster"}
    assert "LoadBalancer = aws_lb.web.arn_suffix" in main
    assert "ClusterName = aws_ecs_cluster.default_cluster.name" in main


def test_alarm_settings_the_user_chose_win():
    d = base()
    d.add("dynamodb_table", "orders")
    d.add("cloudwatch_alarm", "reads", properties={"namespace": "AWS/DynamoDB", "metric_name": "ConsumedReadCapacityUnits", "threshold": 500})
    d.add("ecs_cluster", "cluster")
    d.add("ecs_service", "api", parent="private_a")
    d.add("cloudwatch_alarm", "cpu", properties={"threshold": 95, "statistic": "Maximum"})
    d.connect("reads", "orders")
    d.connect("api", "cluster")
    d.connect("cpu", "api")
    resources, main = compiled(d)
    reads = alarm(resources, "Reads")
    assert (reads["MetricName"], reads["Threshold"], reads["Dimensions"]) == (
        "ConsumedReadCapacityUnits", 500, [{"Name": "TableName", "Value": {"Ref": "Orders"}}]
    )
    cpu = alarm(resources, "Cpu")
    assert (cpu["Threshold"], cpu["Statistic"]) == (95, "Maximum")
    assert cpu["Dimensions"][0]["Value"] == {"Ref": "Cluster"}
    assert "ClusterName = aws_ecs_cluster.cluster.name" in main


@needs("sns_topic")
def test_alarm_notifies_a_topic():
    resources, main = compiled(connected("us-east-1"))
    cpu = alarm(resources, "Cpu")
    assert cpu["AlarmActions"] == [{"Ref": "Ops"}] and cpu["OKActions"] == [{"Ref": "Ops"}]
    statement = resources["OpsPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert "alarm_actions       = [aws_sns_topic.ops.arn]" in main


@needs("sns_topic")
def test_alarm_to_an_encrypted_topic_gives_the_topic_a_key_cloudwatch_may_use():
    d = base()
    d.add("sns_topic", "ops", properties={"encrypted": True})
    d.add("cloudwatch_alarm", "cpu")
    d.connect("cpu", "ops")
    resources, main = compiled(d)
    assert resources["Ops"]["Properties"]["KmsMasterKeyId"] == {"Ref": "OpsKey"}  # not alias/aws/sns, which CloudWatch cannot use
    statements = resources["OpsKey"]["Properties"]["KeyPolicy"]["Statement"]
    assert statements[1]["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert statements[1]["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert resources["OpsKey"]["Properties"]["EnableKeyRotation"] is True
    assert "kms_master_key_id = aws_kms_key.ops_key.arn" in main


def test_alarms_without_a_topic_notify_the_alerts_topic():
    d = base()
    d.add("cloudwatch_alarm", "cpu")
    d.add("cloudwatch_alarm", "errors")
    resolved = resolve(d)
    resources = cloudformation.template(resolved)["Resources"]
    for name in ("Cpu", "Errors"):
        assert resources[name]["Properties"]["AlarmActions"] == [{"Ref": "Alerts"}]
    assert resources["Alerts"]["Properties"]["KmsMasterKeyId"] == {"Ref": "AlertsKey"}
    condition = resources["AlertsPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]["Condition"]["ArnEquals"]["aws:SourceArn"]
    assert [c["Fn::Sub"] for c in condition] == [
        "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${AWS::StackName}-cpu",
        "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:${AWS::StackName}-errors",
    ]
    assert "alerts_topic_arn" in {o.name for o in resolved.outputs}


@needs("sqs_queue", "lambda_function")
def test_alarm_dimensions_of_queues_and_functions():
    resources, main = compiled(connected("us-east-1"))
    assert alarm(resources, "Backlog")["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["Jobs", "QueueName"]}}]
    assert alarm(resources, "FnErrors")["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "Fn"}}]
    assert "FunctionName = aws_lambda_function.fn.function_name" in main
    assert "QueueName = aws_sqs_queue.jobs.name" in main


# ------------------------------------------------------------------ dashboards


def substitute(value) -> str:
    """A CFN string value with every intrinsic replaced by a plain token, as CloudFormation would."""
    if isinstance(value, str):
        return value
    if "Fn::Sub" in value:
        text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
        return re.sub(r"\$\{[^!}][^}]*\}", "resolved-value", text).replace("${!", "${")
    return "resolved-value"


def test_dashboard_body_is_json_after_substitution():
    resources, main = compiled(connected("us-east-1"))
    body = json.loads(substitute(one(resources, "AWS::CloudWatch::Dashboard")["DashboardBody"]))
    widgets = {w["properties"]["title"]: w for w in body["widgets"]}
    assert {"Application Load Balancer", "ECS service Fargate", "DynamoDB table"} <= set(widgets)
    assert widgets["Application Load Balancer"]["properties"]["metrics"][0][:3] == ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer"]
    assert len({(w["x"], w["y"]) for w in body["widgets"]}) == len(body["widgets"])
    assert "dashboard_body = jsonencode({" in main


def test_unconnected_dashboard_is_still_valid():
    d = base()
    d.add("cloudwatch_dashboard", "board")
    resources, _ = compiled(d)
    assert json.loads(one(resources, "AWS::CloudWatch::Dashboard")["DashboardBody"])["widgets"]


# ------------------------------------------------------------------ trails and flow logs


def test_trail_writes_to_its_bucket_after_the_policy():
    resources, main = compiled(connected("us-east-1"))
    trail = resources["Trail"]
    assert trail["Properties"]["S3BucketName"] == {"Ref": "Audit"}
    assert trail["DependsOn"] == ["AuditPolicy"]
    sids = [s["Sid"] for s in one(resources, "AWS::S3::BucketPolicy")["PolicyDocument"]["Statement"]]
    assert sids == ["CloudTrailAclChecktrail", "CloudTrailWritetrail"]
    assert re.search(r'resource "aws_cloudtrail" "trail" \{(?:(?!\nresource ).)*\n  depends_on = \[aws_s3_bucket_policy\.audit_policy\]\n\}', main, re.S)
    assert '"aws:SourceArn" = "arn:${data.aws_partition.current.partition}:cloudtrail:' in main


def test_unconnected_trail_emits_nothing():
    d = base()
    d.add("cloudtrail_trail", "trail")
    resources, main = compiled(d)
    assert not of_type(resources, "AWS::CloudTrail::Trail") and "aws_cloudtrail" not in main


def test_flow_log_records_its_vpc():
    d = base()
    d.add("vpc_flow_log", "flows", parent="vpc")
    resources, main = compiled(d)
    flow = resources["Flows"]["Properties"]  # besides the VPC's own flow log (flow_logs is on by default)
    assert resources["VpcFlowLog"]["Properties"]["ResourceId"] == {"Ref": "Vpc"}
    assert flow["ResourceId"] == {"Ref": "Vpc"} and flow["DeliverLogsPermissionArn"] == {"Fn::GetAtt": ["FlowsRole", "Arn"]}
    assert resources["Flows"]["DependsOn"] == ["FlowsRolePolicy"]
    assert 'Service = "vpc-flow-logs.amazonaws.com"' in main


def test_flow_log_needs_a_vpc():
    with pytest.raises(DesignError, match="flows"):
        base().add("vpc_flow_log", "flows")


# ------------------------------------------------------------------ property validation

BAD = [
    ("iam_role", {"service": "evil.example.com"}),
    ("iam_role", {"max_session_seconds": 60}),
    ("iam_policy", {"document": "not an object"}),
    ("iam_policy", {"document": {"Version": "2012-10-17", "Statement": [{"Effect": "Maybe"}]}}),
    ("kms_key", {"pending_window_days": 3}),
    ("kms_key", {"description": "{{resolve:secretsmanager:x}}"}),
    ("secret", {"length": 8}),
    ("ssm_parameter", {"value": "{{resolve:secretsmanager:db}}"}),
    ("ssm_parameter", {"parameter_name": "/aws/reserved"}),
    ("ssm_parameter", {"parameter_name": "no-leading-slash"}),
    ("waf_web_acl", {"default_action": "count"}),
    ("cognito_user_pool", {"password_min_length": 4}),
    ("cognito_app_client", {"refresh_token_days": 0}),
    ("cloudwatch_alarm", {"comparison": "Bigger"}),
    ("cloudwatch_alarm", {"namespace": "bad namespace!"}),
    ("cloudwatch_dashboard", {"period": 7}),
    ("cloudtrail_trail", {"global_events": "yes"}),
    ("vpc_flow_log", {"traffic_type": "SOME"}),
]


@pytest.mark.parametrize("rtype,props", BAD)
def test_bad_properties_are_refused(rtype, props):
    d = base()
    parent = "vpc" if CATALOG[rtype].needs_container else None
    with pytest.raises(DesignError, match="bad_one"):
        d.add(rtype, "bad_one", parent=parent, properties=props)


def test_connections_only_where_they_mean_something():
    d = base()
    d.add("cloudwatch_alarm", "alarm")
    d.add("kms_key", "key")
    with pytest.raises(DesignError):
        d.connect("alarm", "key")
