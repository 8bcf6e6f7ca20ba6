"""Test helpers for deploy tests: a real moto sandbox on loopback, temp state dirs, and an
independent look at what exists in it (raw boto3 calls, not Isshoni's own sweeper)."""

from __future__ import annotations

import json
import os
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


def snapshot(sb, region: str = "ap-northeast-2") -> dict[str, set]:
    """Everything of interest in the sandbox, by kind (for before/after comparisons)."""
    ec2, elb, ecs = client(sb, "ec2", region), client(sb, "elbv2", region), client(sb, "ecs", region)
    clusters = ecs.list_clusters().get("clusterArns", [])
    active = [c["clusterArn"] for c in ecs.describe_clusters(clusters=clusters)["clusters"] if c["status"] == "ACTIVE"] if clusters else []
    iam = client(sb, "iam", region)
    roles = {r["RoleName"] for page in iam.get_paginator("list_roles").paginate() for r in page["Roles"]
             if not r.get("Path", "/").startswith("/aws-service-role/")}
    return {
        "vpcs": {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]},
        "subnets": {s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]},
        "security_groups": {g["GroupId"] for g in ec2.describe_security_groups()["SecurityGroups"]},
        "route_tables": {t["RouteTableId"] for t in ec2.describe_route_tables()["RouteTables"]},
        "internet_gateways": {g["InternetGatewayId"] for g in ec2.describe_internet_gateways()["InternetGateways"]},
        "nat_gateways": {n["NatGatewayId"] for n in ec2.describe_nat_gateways()["NatGateways"] if n["State"] not in ("deleted", "deleting")},
        "addresses": {a.get("AllocationId") for a in ec2.describe_addresses()["Addresses"]},
        "vpc_endpoints": {e["VpcEndpointId"] for e in ec2.describe_vpc_endpoints()["VpcEndpoints"] if e.get("State", "").lower() != "deleted"},
        "load_balancers": {lb["LoadBalancerArn"] for lb in elb.describe_load_balancers()["LoadBalancers"]},
        "target_groups": {t["TargetGroupArn"] for t in elb.describe_target_groups()["TargetGroups"]},
        "ecs_clusters": set(active),
        "task_definitions": set(ecs.list_task_definitions(status="ACTIVE").get("taskDefinitionArns", [])),
        "tables": set(client(sb, "dynamodb", region).list_tables().get("TableNames", [])),
        "buckets": {b["Name"] for b in client(sb, "s3", region).list_buckets().get("Buckets", [])},
        "roles": roles,
        "log_groups": {g["logGroupName"] for g in client(sb, "logs", region).describe_log_groups()["logGroups"]},
        "alarms": {a["AlarmName"] for a in client(sb, "cloudwatch", region).describe_alarms()["MetricAlarms"]},
        "certificates": {c["CertificateArn"] for c in client(sb, "acm", region).list_certificates()["CertificateSummaryList"]},
        "distributions": {d["Id"] for d in (client(sb, "cloudfront", region).list_distributions()["DistributionList"].get("Items") or [])},
        "stacks": {s["StackName"] for s in client(sb, "cloudformation", region).describe_stacks()["Stacks"]
                   if s["StackStatus"] != "DELETE_COMPLETE"},
    }


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
