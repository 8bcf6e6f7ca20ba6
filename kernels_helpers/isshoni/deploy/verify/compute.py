"""Containers and functions: ECS clusters, services, task definitions, Lambda."""

from __future__ import annotations

from . import UNKNOWN, Check, NotFound, verifier


@verifier("AWS::ECS::Cluster", "aws_ecs_cluster")
def cluster(c: Check) -> None:
    found = c.client("ecs").describe_clusters(clusters=[c.id], include=["SETTINGS"])["clusters"]
    if not found or found[0].get("status") != "ACTIVE":
        raise NotFound(f"ECS cluster {c.id}")
    for setting in c.value("ClusterSettings", []):
        actual = {s["name"]: s["value"] for s in found[0].get("settings", [])}
        c.expect(f"setting {setting['Name']}", setting["Value"], actual.get(setting["Name"]))


def _service_cluster(service_arn: str, asked) -> str | None:
    parts = service_arn.split(":", 5)[-1].split("/") if service_arn.startswith("arn:") else []
    if len(parts) == 3:  # service/cluster/name
        return parts[1]
    return asked if asked is not UNKNOWN else None


@verifier("AWS::ECS::Service", "aws_ecs_service")
def service(c: Check) -> None:
    cluster_ = _service_cluster(c.id, c.value("Cluster"))
    found = c.client("ecs").describe_services(cluster=cluster_, services=[c.id])["services"] if cluster_ else []
    if not found or found[0].get("status") == "INACTIVE":
        raise NotFound(f"ECS service {c.id}")
    svc = found[0]
    c.expect_fields(svc, {"LaunchType": "launchType", "DesiredCount": "desiredCount", "TaskDefinition": "taskDefinition"})
    net = (c.value("NetworkConfiguration", {}) or {}).get("AwsvpcConfiguration")
    if net:
        actual = (svc.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
        c.expect("NetworkConfiguration.Subnets", net.get("Subnets", UNKNOWN), actual.get("subnets"))
        c.expect("NetworkConfiguration.SecurityGroups", net.get("SecurityGroups", UNKNOWN), actual.get("securityGroups"))
        c.expect("NetworkConfiguration.AssignPublicIp", net.get("AssignPublicIp", UNKNOWN), actual.get("assignPublicIp"))
    for lb in c.value("LoadBalancers", []):
        actual = [x.get("targetGroupArn") for x in svc.get("loadBalancers", [])]
        c.expect("LoadBalancers target group", [lb.get("TargetGroupArn")], actual[:1] if actual else [])
    if svc.get("runningCount", 0) == 0 and c.run.target.is_sandbox:
        c.note("the sandbox runs no containers: 0 tasks running")


@verifier("AWS::ECS::TaskDefinition", "aws_ecs_task_definition")
def task_definition(c: Check) -> None:
    ident = c.attrs.get("arn") or c.id
    td = c.client("ecs").describe_task_definition(taskDefinition=ident)["taskDefinition"]
    if td.get("status") == "INACTIVE":
        raise NotFound(f"task definition {ident} is inactive")
    c.expect_fields(td, {"Cpu": "cpu", "Memory": "memory", "NetworkMode": "networkMode",
                         "RequiresCompatibilities": "requiresCompatibilities", "ExecutionRoleArn": "executionRoleArn",
                         "TaskRoleArn": "taskRoleArn"})
    actual = {x.get("name"): x for x in td.get("containerDefinitions", [])}
    for container in c.value("ContainerDefinitions", []):
        got = actual.get(container.get("Name"))
        if got is None:
            c.report.dropped.append(f"container {container.get('Name')}: missing")
            continue
        c.expect(f"container {container['Name']} image", container.get("Image", UNKNOWN), got.get("image"))
        ports = [p.get("ContainerPort") for p in container.get("PortMappings", [])]
        c.expect(f"container {container['Name']} ports", ports, [p.get("containerPort") for p in got.get("portMappings", [])])
        env = {x["Name"]: x["Value"] for x in container.get("Environment", [])}
        got_env = {x["name"]: x["value"] for x in got.get("environment", [])}
        for key, value in env.items():
            c.expect(f"container {container['Name']} env {key}", value, got_env.get(key))


@verifier("AWS::Lambda::Function", "aws_lambda_function")
def lambda_function(c: Check) -> None:
    conf = c.client("lambda").get_function(FunctionName=c.id)["Configuration"]
    c.expect_fields(conf, "Runtime", "Handler", "MemorySize", "Timeout", "Role")
