"""Compute: ECS on Fargate (clusters, services, stand-alone tasks) and what every compute may connect to.

Lambda (`compute_lambda`), EC2 and Auto Scaling (`compute_ec2`) and container registries and
App Runner (`compute_containers`) are entries of this category kept in modules of their own.
"""

from __future__ import annotations

from ..compiler.expr import Block, JsonEncode
from .common import role, role_arn, security_group
from .compute_common import ACCESS, DATA_STORES, LOG_RETENTION, SERVICES, SUBNET_TIER, _in_vpc, compute_links  # noqa: F401
from .compute_containers import APP_RUNNER_SERVICE, ECR_REPOSITORY
from .compute_ec2 import AUTOSCALING_GROUP, EC2_INSTANCE, LAUNCH_TEMPLATE
from .compute_lambda import LAMBDA_FUNCTION, LAMBDA_RUNTIMES  # noqa: F401
from .spec import (
    Emit,
    Env,
    If,
    Link,
    Name,
    Output,
    P,
    Region,
    ResourceType,
    Self,
    SelfAttr,
    Slot,
    Subnets,
    Tags,
    allowed_when,
    enum,
    managed_policy,
    prop,
)

ECS_CLUSTER = ResourceType(
    type="ecs_cluster",
    label="ECS cluster",
    category="compute",
    icon="aws-ecs",
    description="A cluster for ECS services (Fargate capacity, Container Insights).",
    properties={"container_insights": prop("boolean", True, "Collect Container Insights metrics")},
    emits=(
        Emit(
            "",
            "AWS::ECS::Cluster",
            {
                "ClusterName": Name(),
                "ClusterSettings": [{"Name": "containerInsights", "Value": If("container_insights", True, "enabled", "disabled")}],
                "Tags": Tags(),
            },
            "aws_ecs_cluster",
            {
                "name": Name(),
                "setting": Block({"name": "containerInsights", "value": If("container_insights", True, "enabled", "disabled")}),
                "tags": Tags(),
            },
        ),
    ),
    outputs=(Output("name", "Cluster name", Self(), Self(tf="name")),),
    cost={"monthly": 0},
)

EXECUTION_POLICY = managed_policy("service-role/AmazonECSTaskExecutionRolePolicy")
FARGATE_CPU = (256, 512, 1024, 2048, 4096)


def _container(side: str) -> dict:
    """The single container of a Fargate service, in CFN or ECS-JSON (Terraform) spelling."""
    if side == "cfn":
        return {
            "Name": P("container_name"),
            "Image": P("image"),
            "Essential": True,
            "PortMappings": [{"ContainerPort": P("port"), "Protocol": "tcp"}],
            "Environment": Env("list", "Name", "Value"),
            "LogConfiguration": {
                "LogDriver": "awslogs",
                "Options": {"awslogs-group": Self("logs"), "awslogs-region": Region(), "awslogs-stream-prefix": "app"},
            },
        }
    return {
        "name": P("container_name"),
        "image": P("image"),
        "essential": True,
        "portMappings": [{"containerPort": P("port"), "protocol": "tcp"}],
        "environment": Env("list", "name", "value"),
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {"awslogs-group": Self("logs", tf="name"), "awslogs-region": Region(), "awslogs-stream-prefix": "app"},
        },
    }


def fargate_task(key: str, container) -> Emit:
    """A Fargate task definition with one container (`container(side)` spells it per language),
    the resource's task and execution roles and its cpu/memory properties."""
    return Emit(
        key,
        "AWS::ECS::TaskDefinition",
        {
            "Family": Name(),
            "Cpu": P("cpu"),
            "Memory": P("memory"),
            "NetworkMode": "awsvpc",
            "RequiresCompatibilities": ["FARGATE"],
            "ExecutionRoleArn": role_arn("execution_role"),
            "TaskRoleArn": role_arn("role"),
            "ContainerDefinitions": [container("cfn")],
            "Tags": Tags(),
        },
        "aws_ecs_task_definition",
        {
            "family": Name(),
            "cpu": P("cpu"),
            "memory": P("memory"),
            "network_mode": "awsvpc",
            "requires_compatibilities": ["FARGATE"],
            "execution_role_arn": role_arn("execution_role"),
            "task_role_arn": role_arn("role"),
            "container_definitions": JsonEncode([container("tf")]),
            "tags": Tags(),
        },
    )


# Memory sizes (of the ecs_service choices) Fargate accepts with each CPU size.
FARGATE_MEMORY = {
    "256": ("512", "1024", "2048"),
    "512": ("1024", "2048", "3072", "4096"),
    "1024": ("2048", "3072", "4096", "8192"),
    "2048": ("4096", "8192", "16384"),
    "4096": ("8192", "16384", "30720"),
}
FARGATE_CONSTRAINTS = tuple(allowed_when("cpu", cpu, "memory", memory) for cpu, memory in FARGATE_MEMORY.items())


ECS_SERVICE = ResourceType(
    type="ecs_service",
    label="ECS service (Fargate)",
    category="compute",
    icon="aws-fargate",
    description="Containers on Fargate in private subnets, with its own task definition, roles, security group and 7-day logs.",
    properties={
        "image": prop("string", "public.ecr.aws/nginx/nginx:stable", "Container image", pattern=r"^[A-Za-z0-9./:@_-]+$", variable=True),
        "container_name": prop("string", "app", "Container name", pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,254}$"),
        "port": prop("integer", 80, "Container port", minimum=1, maximum=65535),
        "cpu": enum(tuple(str(c) for c in FARGATE_CPU), "256", "Fargate CPU units"),
        "memory": enum(("512", "1024", "2048", "3072", "4096", "8192", "16384", "30720"), "512", "Fargate memory (MiB)"),
        "desired_count": prop("integer", 1, "Number of tasks", minimum=0, maximum=1000, variable=True),
        "assign_public_ip": prop("boolean", False, "Give tasks public IPs (only in public subnets without NAT)"),
        "log_retention_days": enum((1, 3, 5, 7, 14, 30, 60, 90, 180, 365), 7, "Log retention in days", type="integer"),
    },
    containers=("vpc", "subnet"),
    needs_container=True,
    security_group="sg",
    role="role",
    constraints=FARGATE_CONSTRAINTS,
    links=compute_links((Link(("ecs_cluster",), "ecs_cluster", "runs in this cluster (otherwise in the design's default cluster)"),)),
    emits=(
        Emit(
            "",
            "AWS::ECS::Service",
            {
                "Cluster": Slot("cluster", single=True),
                "LaunchType": "FARGATE",
                "DesiredCount": P("desired_count"),
                "TaskDefinition": Self("task"),
                "NetworkConfiguration": {
                    "AwsvpcConfiguration": {
                        "Subnets": Subnets(),
                        "SecurityGroups": [Self("sg")],
                        "AssignPublicIp": If("assign_public_ip", True, "ENABLED", "DISABLED"),
                    }
                },
                "LoadBalancers": Slot("load_balancers"),
                "HealthCheckGracePeriodSeconds": Slot("grace_period", single=True),
                "PropagateTags": "SERVICE",
                "Tags": Tags(),
            },
            "aws_ecs_service",
            {
                "name": Name(),
                "cluster": Slot("cluster", single=True),
                "launch_type": "FARGATE",
                "desired_count": P("desired_count"),
                "task_definition": Self("task", tf="arn"),
                "propagate_tags": "SERVICE",
                "network_configuration": Block(
                    {"subnets": Subnets(), "security_groups": [Self("sg")], "assign_public_ip": P("assign_public_ip")}
                ),
                "load_balancer": Slot("load_balancers"),
                "health_check_grace_period_seconds": Slot("grace_period", single=True),
                "tags": Tags(),
            },
        ),
        fargate_task("task", _container),
        *role("role", "ecs-tasks.amazonaws.com"),
        *role("execution_role", "ecs-tasks.amazonaws.com", (EXECUTION_POLICY,)),
        Emit(
            "logs",
            "AWS::Logs::LogGroup",
            {"RetentionInDays": P("log_retention_days")},
            "aws_cloudwatch_log_group",
            {"retention_in_days": P("log_retention_days")},
        ),
        *security_group("ECS service tasks"),
    ),
    outputs=(Output("name", "Service name", SelfAttr("", "Name", "name"), SelfAttr("", "Name", "name")),),
    cost={"monthly_per_vcpu": 29.55, "monthly_per_gb": 3.24},
)

def _job_container(side: str) -> dict:
    """A service container without port mappings: a job is started, it is not reached."""
    container = _container(side)
    container.pop("PortMappings" if side == "cfn" else "portMappings")
    return container


ECS_TASK_DEFINITION = ResourceType(
    type="ecs_task_definition",
    label="ECS task (Fargate job)",
    category="compute",
    icon="aws-fargate",
    description="A stand-alone Fargate task for one-off or scheduled jobs, with its own roles and logs; "
    "placed in a VPC it also gets a security group for the tasks.",
    properties={
        "image": ECS_SERVICE.properties["image"],
        "container_name": ECS_SERVICE.properties["container_name"],
        "cpu": ECS_SERVICE.properties["cpu"],
        "memory": ECS_SERVICE.properties["memory"],
        "log_retention_days": LOG_RETENTION,
        "subnet_tier": SUBNET_TIER,
    },
    constraints=FARGATE_CONSTRAINTS,
    containers=("vpc", "subnet"),
    security_group="sg",
    role="role",
    links=compute_links(),
    emits=(
        fargate_task("", _job_container),
        *role("role", "ecs-tasks.amazonaws.com"),
        *role("execution_role", "ecs-tasks.amazonaws.com", (EXECUTION_POLICY,)),
        Emit(
            "logs",
            "AWS::Logs::LogGroup",
            {"RetentionInDays": P("log_retention_days"), "Tags": Tags()},
            "aws_cloudwatch_log_group",
            {"retention_in_days": P("log_retention_days"), "tags": Tags()},
        ),
        *_in_vpc(security_group("ECS job tasks")),
    ),
    outputs=(Output("arn", "Task definition ARN", Self(), Self(tf="arn")),),
    cost={"monthly": 0, "note": "Fargate per vCPU-second and GB-second while a task runs"},
)




TYPES = (
    ECS_CLUSTER, ECS_SERVICE, LAMBDA_FUNCTION, EC2_INSTANCE, LAUNCH_TEMPLATE, AUTOSCALING_GROUP, ECR_REPOSITORY,
    APP_RUNNER_SERVICE, ECS_TASK_DEFINITION,
)
