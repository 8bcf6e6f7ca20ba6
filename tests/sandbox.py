"""Test helpers for deploy tests: a real moto sandbox on loopback, temp state dirs, and an
independent look at what exists in it (raw boto3 calls, not Isshoni's own sweeper)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "chat_canary.infra.json"


@contextmanager
def state_dir(path: Path):
    """Point ISSHONI_STATE_DIR at `path` for the block (module-scoped fixtures cannot use monkeypatch)."""
    old = os.environ.get("ISSHONI_STATE_DIR")
    os.environ["ISSHONI_STATE_DIR"] = str(path)
    try:
        yield path
    finally:
        if old is None:
            os.environ.pop("ISSHONI_STATE_DIR", None)
        else:
            os.environ["ISSHONI_STATE_DIR"] = old


@contextmanager
def running_sandbox(path: Path):
    """A real moto server (its own process, free port on 127.0.0.1), stopped by PID at the end."""
    from isshoni.deploy import sandbox

    with state_dir(path):
        sb = sandbox.start()
        try:
            yield sb
        finally:
            sandbox.stop()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    os.kill(sb.pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
            else:
                raise AssertionError(f"sandbox pid {sb.pid} still alive after stop")


def design_copy(folder: Path, name: str, edit=None) -> Path:
    """chat_canary under another name (stacks and tables are per design name), optionally edited."""
    data = json.loads(TEMPLATE.read_text())
    data["meta"]["name"] = name
    data["deployments"] = {}
    if edit:
        edit(data)
    path = folder / f"{name}.infra.json"
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    return path


def client(sb, service: str, region: str = "ap-northeast-2"):
    from isshoni.deploy import sandbox

    return sandbox.client(sb, service, region)


def cli(*args: str, timeout: float = 600, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "isshoni", *args], capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ), **kwargs)


def _pages(c, op: str, key: str, **kwargs) -> list:
    if c.can_paginate(op):
        return [x for page in c.get_paginator(op).paginate(**kwargs) for x in page.get(key, [])]
    return getattr(c, op)(**kwargs).get(key, [])


def _ec2(c) -> dict[str, set]:
    instances = {i["InstanceId"] for r in _pages(c, "describe_instances", "Reservations") for i in r["Instances"]
                 if i["State"]["Name"] not in ("terminated", "shutting-down")}
    return {
        "vpcs": {v["VpcId"] for v in c.describe_vpcs()["Vpcs"]},
        "subnets": {s["SubnetId"] for s in c.describe_subnets()["Subnets"]},
        "security_groups": {g["GroupId"] for g in c.describe_security_groups()["SecurityGroups"]},
        "route_tables": {t["RouteTableId"] for t in c.describe_route_tables()["RouteTables"]},
        "internet_gateways": {g["InternetGatewayId"] for g in c.describe_internet_gateways()["InternetGateways"]},
        "nat_gateways": {n["NatGatewayId"] for n in c.describe_nat_gateways()["NatGateways"] if n["State"] not in ("deleted", "deleting")},
        "addresses": {a.get("AllocationId") for a in c.describe_addresses()["Addresses"]},
        "vpc_endpoints": {e["VpcEndpointId"] for e in c.describe_vpc_endpoints()["VpcEndpoints"] if e.get("State", "").lower() != "deleted"},
        "instances": instances,
        "launch_templates": {t["LaunchTemplateId"] for t in _pages(c, "describe_launch_templates", "LaunchTemplates")},
        "network_interfaces": {n["NetworkInterfaceId"] for n in _pages(c, "describe_network_interfaces", "NetworkInterfaces")},
    }


def _ecs(c) -> dict[str, set]:
    clusters = c.list_clusters().get("clusterArns", [])
    active = [x["clusterArn"] for x in c.describe_clusters(clusters=clusters)["clusters"] if x["status"] == "ACTIVE"] if clusters else []
    return {
        "ecs_clusters": set(active),
        "ecs_services": {s for cluster in active for s in c.list_services(cluster=cluster).get("serviceArns", [])},
        "task_definitions": set(c.list_task_definitions(status="ACTIVE").get("taskDefinitionArns", [])),
    }


def _iam(c) -> dict[str, set]:
    return {
        "roles": {r["RoleName"] for r in _pages(c, "list_roles", "Roles") if not r.get("Path", "/").startswith("/aws-service-role/")},
        "instance_profiles": {p["InstanceProfileName"] for p in _pages(c, "list_instance_profiles", "InstanceProfiles")},
        "policies": {p["Arn"] for p in _pages(c, "list_policies", "Policies", Scope="Local")},
    }


SCALED = ("ecs", "dynamodb", "lambda", "rds")  # the namespaces the catalog scales (moto knows these)


def _kms(c) -> dict[str, set]:
    """Customer keys still usable (a deleted key waits out its pending-deletion window, as in AWS).  A key
    behind an `alias/aws/...` is a service's default key (moto makes DynamoDB's on first use, as a customer
    key): AWS manages those, nothing deletes them."""
    managed = {a.get("TargetKeyId") for a in _pages(c, "list_aliases", "Aliases") if a["AliasName"].startswith("alias/aws/")}
    keys = (c.describe_key(KeyId=k["KeyId"])["KeyMetadata"] for k in _pages(c, "list_keys", "Keys") if k["KeyId"] not in managed)
    return {"kms_keys": {k["KeyId"] for k in keys if k["KeyManager"] == "CUSTOMER" and k["KeyState"] != "PendingDeletion"}}


# CloudFormation's service name (AWS::<Service>::...) -> (boto3 service, what it lists): every service a shipped
# template uses must be here (tests/test_deploy_templates.py checks), so "the sandbox is empty" means it.
LISTINGS = {
    "EC2": ("ec2", _ec2),
    "ElasticLoadBalancingV2": ("elbv2", lambda c: {
        "load_balancers": {lb["LoadBalancerArn"] for lb in _pages(c, "describe_load_balancers", "LoadBalancers")},
        "target_groups": {t["TargetGroupArn"] for t in _pages(c, "describe_target_groups", "TargetGroups")}}),
    "ECS": ("ecs", _ecs),
    "DynamoDB": ("dynamodb", lambda c: {"tables": set(_pages(c, "list_tables", "TableNames"))}),
    "S3": ("s3", lambda c: {"buckets": {b["Name"] for b in c.list_buckets().get("Buckets", [])}}),
    "IAM": ("iam", _iam),
    "Logs": ("logs", lambda c: {"log_groups": {g["logGroupName"] for g in _pages(c, "describe_log_groups", "logGroups")}}),
    "CloudWatch": ("cloudwatch", lambda c: {"alarms": {a["AlarmName"] for a in _pages(c, "describe_alarms", "MetricAlarms")}}),
    "CertificateManager": ("acm", lambda c: {
        "certificates": {x["CertificateArn"] for x in _pages(c, "list_certificates", "CertificateSummaryList")}}),
    "CloudFront": ("cloudfront", lambda c: {
        "distributions": {d["Id"] for d in (c.list_distributions()["DistributionList"].get("Items") or [])},
        "origin_access_controls": {o["Id"] for o in (c.list_origin_access_controls()["OriginAccessControlList"].get("Items") or [])}}),
    "CloudFormation": ("cloudformation", lambda c: {
        "stacks": {s["StackName"] for s in _pages(c, "describe_stacks", "Stacks") if s["StackStatus"] != "DELETE_COMPLETE"}}),
    "ElastiCache": ("elasticache", lambda c: {
        "replication_groups": {g["ReplicationGroupId"] for g in _pages(c, "describe_replication_groups", "ReplicationGroups")},
        "cache_clusters": {x["CacheClusterId"] for x in _pages(c, "describe_cache_clusters", "CacheClusters")},
        "cache_subnet_groups": {g["CacheSubnetGroupName"] for g in _pages(c, "describe_cache_subnet_groups", "CacheSubnetGroups")}}),
    "AutoScaling": ("autoscaling", lambda c: {
        "autoscaling_groups": {g["AutoScalingGroupName"] for g in _pages(c, "describe_auto_scaling_groups", "AutoScalingGroups")},
        "launch_configurations": {x["LaunchConfigurationName"] for x in _pages(c, "describe_launch_configurations", "LaunchConfigurations")}}),
    "RDS": ("rds", lambda c: {
        "db_instances": {d["DBInstanceIdentifier"] for d in _pages(c, "describe_db_instances", "DBInstances")},
        "db_clusters": {d["DBClusterIdentifier"] for d in _pages(c, "describe_db_clusters", "DBClusters")},
        "db_subnet_groups": {g["DBSubnetGroupName"] for g in _pages(c, "describe_db_subnet_groups", "DBSubnetGroups")}}),
    "SecretsManager": ("secretsmanager", lambda c: {"secrets": {x["ARN"] for x in _pages(c, "list_secrets", "SecretList")}}),
    "Lambda": ("lambda", lambda c: {
        "functions": {f["FunctionName"] for f in _pages(c, "list_functions", "Functions")},
        "event_source_mappings": {m["UUID"] for m in _pages(c, "list_event_source_mappings", "EventSourceMappings")}}),
    "ApiGatewayV2": ("apigatewayv2", lambda c: {"http_apis": {a["ApiId"] for a in _pages(c, "get_apis", "Items")}}),
    "ApiGateway": ("apigateway", lambda c: {"rest_apis": {a["id"] for a in _pages(c, "get_rest_apis", "items")}}),
    "Events": ("events", lambda c: {
        "event_rules": {r["Name"] for r in _pages(c, "list_rules", "Rules")},
        "event_buses": {b["Name"] for b in c.list_event_buses().get("EventBuses", []) if b["Name"] != "default"}}),
    "SNS": ("sns", lambda c: {
        "topics": {t["TopicArn"] for t in _pages(c, "list_topics", "Topics")},
        "subscriptions": {x["SubscriptionArn"] for x in _pages(c, "list_subscriptions", "Subscriptions")}}),
    "SQS": ("sqs", lambda c: {"queues": set(c.list_queues().get("QueueUrls", []))}),
    "Route53": ("route53", lambda c: {"hosted_zones": {z["Id"] for z in _pages(c, "list_hosted_zones", "HostedZones")}}),
    "KMS": ("kms", _kms),
    "ApplicationAutoScaling": ("application-autoscaling", lambda c: {
        "scalable_targets": {(ns, t["ResourceId"], t["ScalableDimension"]) for ns in SCALED
                             for t in _pages(c, "describe_scalable_targets", "ScalableTargets", ServiceNamespace=ns)},
        "scaling_policies": {p["PolicyARN"] for ns in SCALED
                             for p in _pages(c, "describe_scaling_policies", "ScalingPolicies", ServiceNamespace=ns)}}),
}
# Terraform-only parts (split out of a resource CloudFormation sets inline) belong to these services
TF_SERVICES = {"aws_iam_": "IAM", "aws_s3_": "S3", "aws_vpc_": "EC2", "aws_cloudwatch_event_": "Events", "aws_lambda_": "Lambda",
               "aws_sns_": "SNS", "aws_sqs_": "SQS", "aws_lb": "ElasticLoadBalancingV2", "aws_appautoscaling_": "ApplicationAutoScaling",
               "aws_route53_": "Route53", "aws_kms_": "KMS", "aws_acm_": "CertificateManager",
               "aws_default_security_group": "EC2", "aws_secretsmanager_": "SecretsManager"}


def snapshot(sb, region: str = "ap-northeast-2") -> dict[str, set]:
    """Everything in the sandbox, by kind, through each service's own listings (for before/after comparisons)."""
    out: dict[str, set] = {}
    for service, listing in LISTINGS.values():
        out.update(listing(client(sb, service, region)))
    return out


def summary_seconds(summary: str) -> float:
    """The time a job's summary says it took (`deployed with ... in 26.0 s: ...`)."""
    return float(re.search(r" in (\d+\.\d) s\b", summary).group(1))


def added(before: dict, after: dict) -> dict[str, list]:
    """What `after` has that `before` did not (empty: the sandbox is back to where it was)."""
    return {k: sorted(after[k] - before.get(k, set())) for k in after if after[k] - before.get(k, set())}


def rule_weights(sb, rule_arn: str, region: str = "ap-northeast-2") -> list[int]:
    rule = client(sb, "elbv2", region).describe_rules(RuleArns=[rule_arn])["Rules"][0]
    return [g["Weight"] for a in rule["Actions"] for g in (a.get("ForwardConfig") or {}).get("TargetGroups", [])]


def weighted_rule(sb, design_name: str, region: str = "ap-northeast-2") -> tuple[str, dict[str, int]]:
    """The design's weighted listener rule, found from the ALB's listeners (not from Isshoni's state):
    (rule ARN, target group name -> weight)."""
    elb = client(sb, "elbv2", region)
    vpcs = {v["VpcId"] for v in client(sb, "ec2", region).describe_vpcs(
        Filters=[{"Name": "tag:isshoni:design", "Values": [design_name]}])["Vpcs"]}
    for lb in elb.describe_load_balancers()["LoadBalancers"]:
        if lb.get("VpcId") not in vpcs:  # (moto's CloudFormation does not tag load balancers)
            continue
        for listener in elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]:
            for rule in elb.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]:
                for action in rule["Actions"]:
                    groups = (action.get("ForwardConfig") or {}).get("TargetGroups", [])
                    if len(groups) == 2:
                        return rule["RuleArn"], {g["TargetGroupArn"]: g["Weight"] for g in groups}
    raise AssertionError(f"no weighted rule for {design_name}")


def wait_for(predicate, timeout: float = 120, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out waiting")


def job_states(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {k: v.get("state") for k, v in (data.get("deployments") or {}).items()}


def provide_code(sb, path: Path) -> list[str]:
    """Put a tiny code zip where the design's Lambda functions read their code from S3 (as a person
    deploying it would upload theirs first).  Returns the buckets created, for `remove_buckets`."""
    import io
    import zipfile

    from isshoni.compiler import resolve
    from isshoni.design import Design

    design = Design.load(path)
    resolved = resolve(design)
    defaults = {v.name: v.default for v in resolved.variables}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return {'statusCode': 200}\n")
    s3 = client(sb, "s3", design.region)
    created = []
    for part in resolved.parts:
        code = (part.cfn or {}).get("Code") if part.cfn_type == "AWS::Lambda::Function" else None
        if not isinstance(code, dict) or "S3Bucket" not in code:
            continue
        bucket, key = (defaults.get(getattr(v, "name", None), v) for v in (code["S3Bucket"], code["S3Key"]))
        if not isinstance(bucket, str) or not isinstance(key, str):
            raise AssertionError(f"{part.lid}: cannot tell where its code lives ({code})")
        if bucket not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
            where = {} if design.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": design.region}}
            s3.create_bucket(Bucket=bucket, **where)
            created.append(bucket)
        s3.put_object(Bucket=bucket, Key=key, Body=buffer.getvalue())
    return created


def remove_buckets(sb, buckets: list[str], region: str) -> None:
    s3 = client(sb, "s3", region)
    for bucket in buckets:
        for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])
        s3.delete_bucket(Bucket=bucket)
