"""Compute: ECS on Fargate (clusters, services, stand-alone tasks) and what every compute may connect to.

Lambda (`compute_lambda`), EC2 and Auto Scaling (`compute_ec2`) and container registries and
App Runner (`compute_containers`) are entries of this category kept in modules of their own.
"""

from __future__ import annotations

from ..compiler.expr import Block, JsonEncode, TfText
from .common import LOGS_NOT_KMS, ingress_from_cidr, log_retention, role, role_arn, security_group, short_logs
from .compute_common import ACCESS, DATA_STORES, LOG_RETENTION, SERVICES, SUBNET_TIER, _in_vpc, compute_links  # noqa: F401
from .compute_containers import APP_RUNNER_SERVICE, ECR_REPOSITORY
from .compute_ec2 import AUTOSCALING_GROUP, EC2_INSTANCE, LAUNCH_TEMPLATE
from .compute_ecs_ec2 import ECS_CAPACITY_PROVIDER
from .compute_lambda import LAMBDA_FUNCTION, LAMBDA_RUNTIMES  # noqa: F401
from .networking_lb import IPV4_CIDR
from .spec import (
    Emit,
    Env,
    If,
    J,
    Link,
    Name,
    Output,
    P,
    Region,
    ResourceType,
    Risk,
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
    aliases=("ECS cluster", "cluster"),
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


# nginx stable-alpine, pinned by digest (an immutable reference: a tag can be moved), resolved
# 2026-09-09; it listens on 80 and has busybox wget for the container health check.
DEFAULT_IMAGE = "public.ecr.aws/nginx/nginx@sha256:8d32e1ab9a199e9d83b66ada9823585379878433a9b22fa20110418a3e8a0baf"
# the image of a connected ECR repository (compiler/wiring_compute.py), or the image property
_IMAGE = Slot("image", single=True, default=P("image"))
_HEALTH_COMMAND = ["CMD-SHELL", J("wget -q -O /dev/null http://localhost:", P("port"), P("health_check_path"), " || exit 1")]


def _container(side: str) -> dict:
    """The single container of a Fargate service, in CFN or ECS-JSON (Terraform) spelling."""
    if side == "cfn":
        return {
            "Name": P("container_name"),
            "Image": _IMAGE,
            "Essential": True,
            "PortMappings": [{"ContainerPort": P("port"), "Protocol": "tcp"}],
            "Environment": Env("list", "Name", "Value"),
            "ReadonlyRootFilesystem": P("read_only_root"),
            "HealthCheck": If(
                "health_check_path", "", None,
                {"Command": _HEALTH_COMMAND, "Interval": 30, "Timeout": 5, "Retries": 3, "StartPeriod": 30},
            ),
            "LogConfiguration": {
                "LogDriver": "awslogs",
                "Options": {"awslogs-group": Self("logs"), "awslogs-region": Region(), "awslogs-stream-prefix": "app"},
            },
        }
    return {
        "name": P("container_name"),
        "image": _IMAGE,
        "essential": True,
        "portMappings": [{"containerPort": P("port"), "protocol": "tcp"}],
        "environment": Env("list", "name", "value"),
        "readonlyRootFilesystem": P("read_only_root"),
        "healthCheck": If(
            "health_check_path", "", None,
            {"command": _HEALTH_COMMAND, "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 30},
        ),
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {"awslogs-group": Self("logs", tf="name"), "awslogs-region": Region(), "awslogs-stream-prefix": "app"},
        },
    }


CONTAINER_PROPERTIES = {
    "image": prop(
        "string", DEFAULT_IMAGE,
        "Container image; pin it by digest (repository@sha256:...) so every task runs the same bytes. Connected to an "
        "ECR repository and left at the default (or empty): that repository's image, tagged image_tag",
        pattern=r"^[A-Za-z0-9./:@_-]*$", variable=True,
    ),
    "image_tag": LAMBDA_FUNCTION.properties["image_tag"],
    "container_name": prop("string", "app", "Container name", pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,254}$"),
    "read_only_root": prop("boolean", False, "Mount the container's root file system read-only (the image must write nowhere else)"),
}
READ_ONLY_ROOT = Risk(
    ("CKV_AWS_336",), ("read_only_root", False),
    "read_only_root=false in the design: the container writes to its own file system (the default nginx keeps its cache and pid file there)",
)
_SCALING = ("autoscaling", True)
_SCALED = J("service/", Slot("cluster_name", single=True), "/", SelfAttr("", "Name", "name"))


# Fargate, unless the service was connected to EC2 capacity (then its capacity provider strategy decides)
_ON_EC2 = "@slot:capacity"
_LAUNCH_TYPE = If(_ON_EC2, True, None, "FARGATE")
_COMPATIBILITIES = If(_ON_EC2, True, ["EC2"], ["FARGATE"])


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
            "RequiresCompatibilities": _COMPATIBILITIES,
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
            "requires_compatibilities": _COMPATIBILITIES,
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


_PUBLIC = ("public_access", True)
PUBLIC_NEEDS_IP = {
    "if": {"properties": {"public_access": {"const": True}}, "required": ["public_access"]},
    "then": {"properties": {"assign_public_ip": {"const": True}}, "required": ["assign_public_ip"]},
}


ECS_SERVICE = ResourceType(
    type="ecs_service",
    label="ECS service (Fargate)",
    aliases=("ECS", "ECS service", "Fargate", "Fargate service", "container service", "containers"),
    category="compute",
    icon="aws-fargate",
    description=(
        "Containers on Fargate in private subnets, with its own task definition, roles, security group and logs; "
        "a container health check, rolling deployments that roll back when tasks fail, and CPU autoscaling."
    ),
    properties={
        **CONTAINER_PROPERTIES,
        "port": prop("integer", 80, "Container port", minimum=1, maximum=65535),
        "health_check_path": prop(
            "string", "/", "Path the container's own health check fetches with wget (empty: no container health check)",
            pattern=r"^(/[A-Za-z0-9_.~/-]*)?$",
        ),
        "cpu": enum(tuple(str(c) for c in FARGATE_CPU), "256", "Fargate CPU units"),
        "memory": enum(("512", "1024", "2048", "3072", "4096", "8192", "16384", "30720"), "512", "Fargate memory (MiB)"),
        "desired_count": prop("integer", 1, "Number of tasks", minimum=0, maximum=1000, variable=True),
        "assign_public_ip": prop("boolean", False, "Give tasks public IPs (only in public subnets without NAT)"),
        "public_access": prop(
            "boolean", False,
            "Reachable from ingress_cidr on the tasks' public IPs, without a load balancer (needs assign_public_ip and a "
            "public subnet): no TLS and no stable address, a task's IP changes when it is replaced. Callers inside the "
            "VPC reach a service through a Cloud Map namespace instead",
        ),
        "ingress_cidr": prop("string", "0.0.0.0/0", "Addresses that may reach the container port when public_access", pattern=IPV4_CIDR),
        "log_retention_days": log_retention(7),
        "autoscaling": prop("boolean", True, "Scale the number of tasks with CPU use"),
        "min_count": prop("integer", 1, "Fewest tasks autoscaling keeps", minimum=0, maximum=1000),
        "max_count": prop("integer", 4, "Most tasks autoscaling starts", minimum=1, maximum=1000),
        "cpu_target": prop("integer", 70, "Average CPU use (percent) autoscaling aims for", minimum=10, maximum=95),
    },
    containers=("vpc", "subnet"),
    needs_container=True,
    security_group="sg",
    role="role",
    constraints=(*FARGATE_CONSTRAINTS, PUBLIC_NEEDS_IP),
    links=compute_links((
        Link(("ecs_cluster",), "ecs_cluster", "runs in this cluster (otherwise in the design's default cluster)"),
        Link(
            ("ecs_capacity_provider",), "capacity_strategy",
            "runs on this EC2 capacity instead of Fargate: a capacity provider strategy (the provider must serve the service's cluster)",
        ),
        Link(
            ("service_discovery_namespace",), "service_registry",
            "registers its tasks in this namespace: <id>.<namespace> answers with their private IPs (an A record per "
            "task, removed when ECS stops it), so services connected to it can call it by name",
        ),
    )),
    emits=(
        Emit(
            "",
            "AWS::ECS::Service",
            {
                "Cluster": Slot("cluster", single=True),
                "LaunchType": _LAUNCH_TYPE,
                "CapacityProviderStrategy": Slot("capacity"),
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
                "ServiceRegistries": Slot("registries"),
                "HealthCheckGracePeriodSeconds": Slot("grace_period", single=True),
                "DeploymentConfiguration": {
                    "DeploymentCircuitBreaker": {"Enable": True, "Rollback": True},
                    "MaximumPercent": 200,
                    "MinimumHealthyPercent": 100,
                },
                "PropagateTags": "SERVICE",
                "Tags": Tags(),
            },
            "aws_ecs_service",
            {
                "name": Name(),
                "cluster": Slot("cluster", single=True),
                "launch_type": _LAUNCH_TYPE,
                "capacity_provider_strategy": Slot("capacity"),
                "desired_count": P("desired_count"),
                "task_definition": Self("task", tf="arn"),
                "propagate_tags": "SERVICE",
                "network_configuration": Block(
                    {"subnets": Subnets(), "security_groups": [Self("sg")], "assign_public_ip": P("assign_public_ip")}
                ),
                "load_balancer": Slot("load_balancers"),
                "service_registries": Slot("registries", single=True),
                "health_check_grace_period_seconds": Slot("grace_period", single=True),
                "deployment_circuit_breaker": Block({"enable": True, "rollback": True}),
                "deployment_maximum_percent": 200,
                "deployment_minimum_healthy_percent": 100,
                "tags": Tags(),
                # autoscaling owns the task count once the service runs
                "lifecycle": If(*_SCALING, Block({"ignore_changes": [TfText("desired_count", ())]})),
            },
        ),
        fargate_task("task", _container),
        Emit(
            "scaling",
            "AWS::ApplicationAutoScaling::ScalableTarget",
            {
                "ServiceNamespace": "ecs",
                "ScalableDimension": "ecs:service:DesiredCount",
                "ResourceId": _SCALED,
                "MinCapacity": P("min_count"),
                "MaxCapacity": P("max_count"),
            },
            "aws_appautoscaling_target",
            {
                "service_namespace": "ecs",
                "scalable_dimension": "ecs:service:DesiredCount",
                "resource_id": _SCALED,
                "min_capacity": P("min_count"),
                "max_capacity": P("max_count"),
                "tags": Tags(),
            },
            when=_SCALING,
        ),
        Emit(
            "scaling_policy",
            "AWS::ApplicationAutoScaling::ScalingPolicy",
            {
                "PolicyName": Name(suffix="cpu", max=255),
                "PolicyType": "TargetTrackingScaling",
                "ScalingTargetId": Self("scaling"),
                "TargetTrackingScalingPolicyConfiguration": {
                    "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
                    "TargetValue": P("cpu_target"),
                    "ScaleInCooldown": 120,
                    "ScaleOutCooldown": 60,
                },
            },
            "aws_appautoscaling_policy",
            {
                "name": Name(suffix="cpu", max=255),
                "policy_type": "TargetTrackingScaling",
                "service_namespace": Self("scaling", tf="service_namespace"),
                "scalable_dimension": Self("scaling", tf="scalable_dimension"),
                "resource_id": Self("scaling", tf="resource_id"),
                "target_tracking_scaling_policy_configuration": Block(
                    {
                        "predefined_metric_specification": Block({"predefined_metric_type": "ECSServiceAverageCPUUtilization"}),
                        "target_value": P("cpu_target"),
                        "scale_in_cooldown": 120,
                        "scale_out_cooldown": 60,
                    }
                ),
            },
            when=_SCALING,
        ),
        *role("role", "ecs-tasks.amazonaws.com"),
        *role("execution_role", "ecs-tasks.amazonaws.com", (EXECUTION_POLICY,)),
        Emit(
            "logs",
            "AWS::Logs::LogGroup",
            {"RetentionInDays": P("log_retention_days"), "Tags": Tags()},
            "aws_cloudwatch_log_group",
            {"retention_in_days": P("log_retention_days"), "tags": Tags()},
        ),
        *security_group("ECS service tasks"),
        ingress_from_cidr("public_ingress", P("port"), P("ingress_cidr"), "Direct access to the container port", when=_PUBLIC),
    ),
    outputs=(Output("name", "Service name", SelfAttr("", "Name", "name"), SelfAttr("", "Name", "name")),),
    accepted=LOGS_NOT_KMS,
    risks=(
        short_logs(),
        READ_ONLY_ROOT,
        Risk(
            ("CKV_AWS_333",), ("assign_public_ip", True),
            "assign_public_ip=true in the design: the tasks sit in a public subnet with addresses of their own (public_access={public_access})",
        ),
        Risk(
            ("CKV_AWS_260", "CKV_AWS_277"), ("public_access", True),
            "public_access=true in the design: the container port is open to {ingress_cidr} without a load balancer",
            parts=("public_ingress", "sg"),
        ),
    ),
    cost={"monthly_per_vcpu": 29.55, "monthly_per_gb": 3.24},
)

def _job_container(side: str) -> dict:
    """A service container without port mappings: a job is started, it is not reached."""
    container = _container(side)
    container.pop("PortMappings" if side == "cfn" else "portMappings")
    container.pop("HealthCheck" if side == "cfn" else "healthCheck")
    return container


ECS_TASK_DEFINITION = ResourceType(
    type="ecs_task_definition",
    label="ECS task (Fargate job)",
    aliases=("ECS task", "Fargate task", "batch job", "task definition"),
    category="compute",
    icon="aws-fargate",
    description="A stand-alone Fargate task for one-off or scheduled jobs, with its own roles and logs; "
    "placed in a VPC it also gets a security group for the tasks.",
    properties={
        **CONTAINER_PROPERTIES,
        "cpu": ECS_SERVICE.properties["cpu"],
        "memory": ECS_SERVICE.properties["memory"],
        "log_retention_days": log_retention(7),
        "subnet_tier": SUBNET_TIER,
    },
    constraints=FARGATE_CONSTRAINTS,
    containers=("vpc", "subnet"),
    security_group="sg",
    role="role",
    links=compute_links((Link(("ecs_cluster",), "ecs_cluster", "runs in this cluster when started (otherwise in the design's default cluster)"),)),
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
    accepted=LOGS_NOT_KMS,
    risks=(
        short_logs(),
        READ_ONLY_ROOT,
        Risk(
            ("CKV2_AWS_5",), ("@in:vpc", True),
            "placed in a VPC in the design: this security group is given to the tasks whoever starts them (RunTask), not to a resource of the template",
            parts=("sg",),
        ),
    ),
    cost={"monthly": 0, "note": "Fargate per vCPU-second and GB-second while a task runs"},
)


TYPES = (
    ECS_CLUSTER, ECS_SERVICE, LAMBDA_FUNCTION, EC2_INSTANCE, LAUNCH_TEMPLATE, AUTOSCALING_GROUP, ECR_REPOSITORY,
    APP_RUNNER_SERVICE, ECS_TASK_DEFINITION, ECS_CAPACITY_PROVIDER,
)
