"""Compute: ECS on Fargate, Lambda, EC2 and Auto Scaling, container registries, App Runner."""

from __future__ import annotations

from ..compiler.expr import Block, JsonEncode
from .common import role, role_arn, security_group
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
    Self,
    SelfAttr,
    Slot,
    Subnets,
    Tags,
    Up,
    allowed_when,
    enum,
    prop,
)

DATA_STORES = (
    "rds_instance", "rds_read_replica", "aurora_cluster", "elasticache_redis", "elasticache_memcached",
    "efs_file_system", "opensearch_domain",
)
SERVICES = (
    "dynamodb_table", "s3_bucket", "sqs_queue", "sns_topic", "secret", "kinesis_stream", "ssm_parameter",
    "kms_key", "eventbridge_bus", "step_function", "ecr_repository",
)
ACCESS = {"access": enum(("read", "write", "readwrite"), "readwrite", "What the compute may do with it")}
EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"


def compute_links(extra: tuple = ()) -> tuple:
    """The connections every compute resource may start."""
    return (
        Link(DATA_STORES, "data_port", "reaches it on its port: an ingress rule from the compute's security group; endpoint passed as environment"),
        Link(SERVICES, "iam_access", "uses it: a least-privilege IAM policy on the compute's role; names/ARNs passed as environment", ACCESS),
        *extra,
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

# ---------------------------------------------------------------- Lambda

LAMBDA_BASIC_POLICY = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
LAMBDA_VPC_POLICY = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
# Runtimes both cfn-lint (not deprecated) and the Terraform provider 5.x accept.
LAMBDA_RUNTIMES = ("python3.12", "python3.13", "nodejs22.x", "java21", "ruby3.4", "provided.al2023")
LOG_RETENTION = enum((1, 3, 5, 7, 14, 30, 60, 90, 180, 365), 7, "Log retention in days", type="integer")
S3_BUCKET_NAME = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"
S3_KEY = r"^([A-Za-z0-9!_.*'()/-]{1,1024})?$"
ECR_IMAGE_URI = r"^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com/[a-z0-9._/-]+(:[A-Za-z0-9._-]{1,128}|@sha256:[a-f0-9]{64})$"


SUBNET_TIER = enum(("private", "public"), "private", "Subnets to use when placed in the VPC itself (in a subnet: that subnet's tier)")


def _in_vpc(parts: tuple) -> tuple:
    """The same parts, emitted only when the resource sits in a VPC (or one of its subnets)."""
    return tuple(Emit(p.key, p.cfn_type, p.cfn, p.tf_type, p.tf, when=("@in:vpc", True), depends_on=p.depends_on) for p in parts)


def _log_group(name) -> Emit:
    return Emit(
        "logs",
        "AWS::Logs::LogGroup",
        {"LogGroupName": name, "RetentionInDays": P("log_retention_days"), "Tags": Tags()},
        "aws_cloudwatch_log_group",
        {"name": name, "retention_in_days": P("log_retention_days"), "tags": Tags()},
    )


# The code lives in S3 (or ECR for images) in both languages: the compiler only
# writes templates, so there is no zip file for Terraform to point at.
_CODE_KEY = If("code_key", "", J("functions/", Name(max=64), ".zip"), P("code_key"))
_ZIP = ("package_type", "Zip")

LAMBDA_FUNCTION = ResourceType(
    type="lambda_function",
    label="Lambda function",
    category="compute",
    icon="aws-lambda",
    description="A function run on demand; code from S3 (or a container image), own role and log group; "
    "placed in a VPC it gets subnets and a security group.",
    properties={
        "package_type": enum(("Zip", "Image"), "Zip", "Zip archive in S3 or container image in ECR"),
        "runtime": enum(LAMBDA_RUNTIMES, "python3.12", "Runtime (Zip packages)"),
        "handler": prop("string", "index.handler", "Handler (Zip packages)", pattern=r"^[^\s]{1,128}$"),
        "code_bucket": prop("string", "my-artifacts", "S3 bucket holding the code zip", pattern=S3_BUCKET_NAME, variable=True),
        "code_key": prop("string", "", "S3 key of the code zip (empty: functions/<design>-<id>.zip)", pattern=S3_KEY),
        "image_uri": prop(
            "string", "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest", "ECR image URI (Image packages)",
            pattern=ECR_IMAGE_URI, variable=True,
        ),
        "memory_size": prop("integer", 256, "Memory in MiB (CPU scales with it)", minimum=128, maximum=10240, variable=True),
        "timeout": prop("integer", 30, "Timeout in seconds", minimum=1, maximum=900),
        "architecture": enum(("x86_64", "arm64"), "x86_64", "Instruction set (arm64 is cheaper)"),
        "log_retention_days": LOG_RETENTION,
        "subnet_tier": SUBNET_TIER,
    },
    containers=("vpc", "subnet"),
    security_group="sg",
    role="role",
    links=compute_links(),
    emits=(
        Emit(
            "",
            "AWS::Lambda::Function",
            {
                "FunctionName": Name(max=64),
                "PackageType": P("package_type"),
                "Runtime": If(*_ZIP, P("runtime")),
                "Handler": If(*_ZIP, P("handler")),
                "Code": If(*_ZIP, {"S3Bucket": P("code_bucket"), "S3Key": _CODE_KEY}, {"ImageUri": P("image_uri")}),
                "Role": role_arn(),
                "MemorySize": P("memory_size"),
                "Timeout": P("timeout"),
                "Architectures": [P("architecture")],
                "Environment": {"Variables": Env()},
                "VpcConfig": If("@in:vpc", True, {"SubnetIds": Subnets(), "SecurityGroupIds": [Self("sg")]}),
                "LoggingConfig": {"LogGroup": Self("logs"), "LogFormat": "Text"},
                "Tags": Tags(),
            },
            "aws_lambda_function",
            {
                "function_name": Name(max=64),
                "package_type": P("package_type"),
                "runtime": If(*_ZIP, P("runtime")),
                "handler": If(*_ZIP, P("handler")),
                "s3_bucket": If(*_ZIP, P("code_bucket")),
                "s3_key": If(*_ZIP, _CODE_KEY),
                "image_uri": If("package_type", "Image", P("image_uri")),
                "role": role_arn(),
                "memory_size": P("memory_size"),
                "timeout": P("timeout"),
                "architectures": [P("architecture")],
                "environment": Block({"variables": Env()}),
                "vpc_config": If("@in:vpc", True, Block({"subnet_ids": Subnets(), "security_group_ids": [Self("sg")]})),
                "logging_config": Block({"log_group": Self("logs", tf="name"), "log_format": "Text"}),
                "tags": Tags(),
            },
            depends_on=("role_policy1",),
        ),
        *role("role", "lambda.amazonaws.com", (If("@in:vpc", True, LAMBDA_VPC_POLICY, LAMBDA_BASIC_POLICY),)),
        _log_group(J("/aws/lambda/", Name(max=64))),
        *_in_vpc(security_group("Lambda function")),
    ),
    outputs=(
        Output("name", "Function name", Self(), Self(tf="function_name")),
        Output("arn", "Function ARN", SelfAttr("", "Arn", "arn"), SelfAttr("", "Arn", "arn")),
    ),
    cost={"monthly": 0, "note": "per request and GB-second; free tier covers small workloads"},
)

# ---------------------------------------------------------------- EC2 and Auto Scaling

AMI = prop("string", "ami-0123456789abcdef0", "AMI id (region specific)", pattern=r"^ami-[0-9a-f]{8,17}$", variable=True)
INSTANCE_TYPE = prop("string", "t3.micro", "Instance type", pattern=r"^[a-z][a-z0-9-]*\.[a-z0-9]+$", variable=True)
ROOT_DEVICE = prop("string", "/dev/xvda", "Root device name of the AMI (/dev/xvda on Amazon Linux)", pattern=r"^/dev/[a-z0-9]{2,12}$")
ROOT_SIZE = prop("integer", 20, "Root volume size (GiB), encrypted gp3", minimum=1, maximum=16384)
SSM_CORE_POLICY = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
EC2_PROPERTIES = {
    "ami_id": AMI,
    "instance_type": INSTANCE_TYPE,
    "root_device_name": ROOT_DEVICE,
    "root_volume_size": ROOT_SIZE,
    "detailed_monitoring": prop("boolean", False, "One-minute CloudWatch metrics (extra cost)"),
}
IMDSV2_CFN = {"HttpTokens": "required", "HttpEndpoint": "enabled"}
IMDSV2_TF = Block({"http_tokens": "required", "http_endpoint": "enabled"})


def _instance_profile() -> tuple:
    """An instance role (Session Manager instead of SSH) and the profile that hands it to EC2."""
    return (
        *role("role", "ec2.amazonaws.com", (SSM_CORE_POLICY,)),
        Emit(
            "profile",
            "AWS::IAM::InstanceProfile",
            {"Roles": [Self("role")]},
            "aws_iam_instance_profile",
            {"role": Self("role", tf="name"), "tags": Tags()},
        ),
    )


def _launch_template(key: str, own: bool) -> Emit:
    """A launch template in both languages; `own` ties it to the resource's own security
    group and instance profile (an Auto Scaling group's), not just the shared settings."""
    return Emit(
        key,
        "AWS::EC2::LaunchTemplate",
        {
            "LaunchTemplateName": Name(max=128),
            "LaunchTemplateData": _template_data("cfn", own=own),
            "TagSpecifications": [{"ResourceType": "launch-template", "Tags": Tags()}],
        },
        "aws_launch_template",
        {"name": Name(max=128), **_template_data("tf", own=own), "tags": Tags()},
    )


def _template_data(side: str, own: bool) -> dict:
    """Launch template data; `own` adds the security group and instance profile of an Auto Scaling group."""
    if side == "cfn":
        data = {
            "ImageId": P("ami_id"),
            "InstanceType": P("instance_type"),
            "MetadataOptions": IMDSV2_CFN,
            "Monitoring": {"Enabled": P("detailed_monitoring")},
            "BlockDeviceMappings": [
                {
                    "DeviceName": P("root_device_name"),
                    "Ebs": {"VolumeSize": P("root_volume_size"), "VolumeType": "gp3", "Encrypted": True, "DeleteOnTermination": True},
                }
            ],
            "TagSpecifications": [{"ResourceType": "instance", "Tags": Tags()}, {"ResourceType": "volume", "Tags": Tags()}],
        }
        if own:
            data["SecurityGroupIds"] = [Self("sg")]
            data["IamInstanceProfile"] = {"Arn": SelfAttr("profile", "Arn", "arn")}
        return data
    data = {
        "image_id": P("ami_id"),
        "instance_type": P("instance_type"),
        "metadata_options": IMDSV2_TF,
        "monitoring": Block({"enabled": P("detailed_monitoring")}),
        "block_device_mappings": Block(
            {
                "device_name": P("root_device_name"),
                "ebs": Block({"volume_size": P("root_volume_size"), "volume_type": "gp3", "encrypted": "true", "delete_on_termination": "true"}),
            }
        ),
        "tag_specifications": [Block({"resource_type": "instance", "tags": Tags()}), Block({"resource_type": "volume", "tags": Tags()})],
    }
    if own:
        data["vpc_security_group_ids"] = [Self("sg")]
        data["iam_instance_profile"] = Block({"arn": SelfAttr("profile", "Arn", "arn")})
    return data


EC2_INSTANCE = ResourceType(
    type="ec2_instance",
    label="EC2 instance",
    category="compute",
    icon="aws-ec2",
    description="One virtual machine in a subnet: IMDSv2 only, encrypted root volume, own security group, "
    "role with Session Manager access.",
    properties=dict(EC2_PROPERTIES),
    containers=("subnet",),
    needs_container=True,
    security_group="sg",
    role="role",
    links=compute_links(),
    emits=(
        Emit(
            "",
            "AWS::EC2::Instance",
            {
                "ImageId": P("ami_id"),
                "InstanceType": P("instance_type"),
                "SubnetId": Up("subnet"),
                "SecurityGroupIds": [Self("sg")],
                "IamInstanceProfile": Self("profile"),
                "MetadataOptions": IMDSV2_CFN,
                "Monitoring": P("detailed_monitoring"),
                "BlockDeviceMappings": [
                    {
                        "DeviceName": P("root_device_name"),
                        "Ebs": {"VolumeSize": P("root_volume_size"), "VolumeType": "gp3", "Encrypted": True, "DeleteOnTermination": True},
                    }
                ],
                "Tags": Tags(),
            },
            "aws_instance",
            {
                "ami": P("ami_id"),
                "instance_type": P("instance_type"),
                "subnet_id": Up("subnet"),
                "vpc_security_group_ids": [Self("sg")],
                "iam_instance_profile": Self("profile", tf="name"),
                "metadata_options": IMDSV2_TF,
                "monitoring": P("detailed_monitoring"),
                "root_block_device": Block(
                    {"volume_size": P("root_volume_size"), "volume_type": "gp3", "encrypted": True, "delete_on_termination": True, "tags": Tags()}
                ),
                "tags": Tags(),
            },
        ),
        *_instance_profile(),
        *security_group("EC2 instance"),
    ),
    outputs=(
        Output("id", "Instance id", Self(), Self()),
        Output("private_ip", "Private IP address", SelfAttr("", "PrivateIp", "private_ip"), SelfAttr("", "PrivateIp", "private_ip")),
    ),
    cost={"monthly": 7.59, "note": "t3.micro on demand in us-east-1, plus EBS"},
)

LAUNCH_TEMPLATE = ResourceType(
    type="launch_template",
    label="Launch template",
    category="compute",
    icon="aws-ec2",
    description="Reusable instance settings (AMI, type, IMDSv2 only, encrypted root volume) for instances and groups started elsewhere.",
    properties=dict(EC2_PROPERTIES),
    emits=(
        _launch_template("", own=False),
    ),
    outputs=(
        Output("id", "Launch template id", Self(), Self()),
        Output(
            "version", "Latest version", SelfAttr("", "LatestVersionNumber", "latest_version"),
            SelfAttr("", "LatestVersionNumber", "latest_version"),
        ),
    ),
    cost={"monthly": 0},
)

ASG_MAX_MIN, ASG_MAX = 20, 50


def _size_order() -> tuple:
    """min_size <= desired_capacity <= max_size, spelled as JSON Schema (which cannot compare properties)."""

    def when(name: str, k: int, then: dict) -> dict:
        return {"if": {"properties": {name: {"const": k}}, "required": [name]}, "then": {"properties": then}}

    rising = [when("min_size", k, {"max_size": {"minimum": k}, "desired_capacity": {"minimum": k}}) for k in range(1, ASG_MAX_MIN + 1)]
    falling = [when("max_size", k, {"desired_capacity": {"maximum": k}}) for k in range(1, ASG_MAX)]
    return tuple(rising + falling)


AUTOSCALING_GROUP = ResourceType(
    type="autoscaling_group",
    label="Auto Scaling group",
    category="compute",
    icon="aws-auto-scaling",
    description="Identical EC2 instances spread over the subnets of one tier; own launch template, security group "
    "and role; load balancers register it as a target.",
    properties={
        **EC2_PROPERTIES,
        "min_size": prop("integer", 1, "Fewest instances", minimum=0, maximum=ASG_MAX_MIN),
        "max_size": prop("integer", 2, "Most instances (at least the fewest)", minimum=1, maximum=ASG_MAX),
        "desired_capacity": prop("integer", None, "Instances to start with, between fewest and most (unset: the fewest)", minimum=0, maximum=ASG_MAX),
        "health_check_type": enum(("EC2", "ELB"), "EC2", "Replace instances failing EC2 checks, or also load balancer checks"),
        "health_check_grace_period": prop("integer", 300, "Seconds before health checks count", minimum=0, maximum=7200),
        "subnet_tier": SUBNET_TIER,
    },
    constraints=_size_order(),
    containers=("vpc", "subnet"),
    needs_container=True,
    security_group="sg",
    role="role",
    links=compute_links(),
    emits=(
        Emit(
            "",
            "AWS::AutoScaling::AutoScalingGroup",
            {
                "MinSize": P("min_size"),
                "MaxSize": P("max_size"),
                "DesiredCapacity": P("desired_capacity"),
                "VPCZoneIdentifier": Subnets(),
                "LaunchTemplate": {"LaunchTemplateId": Self("template"), "Version": SelfAttr("template", "LatestVersionNumber", "latest_version")},
                "TargetGroupARNs": Slot("target_groups"),
                "HealthCheckType": P("health_check_type"),
                "HealthCheckGracePeriod": P("health_check_grace_period"),
            },
            "aws_autoscaling_group",
            {
                "name": Name(max=255),
                "min_size": P("min_size"),
                "max_size": P("max_size"),
                "desired_capacity": P("desired_capacity"),
                "vpc_zone_identifier": Subnets(),
                "launch_template": Block({"id": Self("template"), "version": SelfAttr("template", "LatestVersionNumber", "latest_version")}),
                "target_group_arns": Slot("target_groups"),
                "health_check_type": P("health_check_type"),
                "health_check_grace_period": P("health_check_grace_period"),
            },
        ),
        _launch_template("template", own=True),
        *_instance_profile(),
        *security_group("Auto Scaling group instances"),
    ),
    outputs=(Output("name", "Auto Scaling group name", Self(), Self(tf="name")),),
    cost={"monthly": 7.59, "note": "per t3.micro instance on demand in us-east-1, plus EBS"},
)

# ---------------------------------------------------------------- containers

ECR_PULL = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer")
ECR_PUSH = ("ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart")


def _untagged_rule(days) -> dict:
    return {
        "rules": [
            {
                "rulePriority": 1,
                "description": "Expire untagged images",
                "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": days},
                "action": {"type": "expire"},
            }
        ]
    }


ECR_REPOSITORY = ResourceType(
    type="ecr_repository",
    label="ECR repository",
    category="compute",
    icon="aws-ecr",
    description="A private container image registry: scans on push, encrypted, untagged images expire.",
    properties={
        "repository_name": prop("string", "", "Repository name (empty: <design>-<id>)", pattern=r"^([a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*)?$", maxLength=256),
        "immutable_tags": prop("boolean", True, "Refuse to overwrite an existing tag"),
        "scan_on_push": prop("boolean", True, "Scan images for vulnerabilities when pushed"),
        "encryption": enum(("AES256", "KMS"), "AES256", "Encryption at rest (KMS uses the AWS managed key)"),
        "expire_untagged": prop("boolean", True, "Expire untagged images"),
        "untagged_days": prop("integer", 14, "Days an untagged image is kept", minimum=1, maximum=3650),
        "force_delete": prop("boolean", False, "Allow deleting the repository with images in it"),
    },
    env={"REPOSITORY_URL": SelfAttr("", "RepositoryUri", "repository_url")},
    iam={"read": ECR_PULL, "write": ECR_PUSH, "readwrite": tuple(sorted(set(ECR_PULL) | set(ECR_PUSH)))},
    iam_resources=(SelfAttr("", "Arn", "arn"),),
    emits=(
        Emit(
            "",
            "AWS::ECR::Repository",
            {
                "RepositoryName": Name(prop="repository_name", max=256),
                "ImageTagMutability": If("immutable_tags", True, "IMMUTABLE", "MUTABLE"),
                "ImageScanningConfiguration": {"ScanOnPush": P("scan_on_push")},
                "EncryptionConfiguration": {"EncryptionType": P("encryption")},
                "EmptyOnDelete": P("force_delete"),
                "LifecyclePolicy": If(
                    "expire_untagged", True,
                    {"LifecyclePolicyText": J(
                        '{"rules":[{"rulePriority":1,"description":"Expire untagged images","selection":{"tagStatus":"untagged",'
                        '"countType":"sinceImagePushed","countUnit":"days","countNumber":', P("untagged_days"),
                        '},"action":{"type":"expire"}}]}',
                    )},
                ),
                "Tags": Tags(),
            },
            "aws_ecr_repository",
            {
                "name": Name(prop="repository_name", max=256),
                "image_tag_mutability": If("immutable_tags", True, "IMMUTABLE", "MUTABLE"),
                "image_scanning_configuration": Block({"scan_on_push": P("scan_on_push")}),
                "encryption_configuration": Block({"encryption_type": P("encryption")}),
                "force_delete": P("force_delete"),
                "tags": Tags(),
            },
        ),
        Emit(
            "lifecycle",
            None,
            {},
            "aws_ecr_lifecycle_policy",
            {"repository": Self(tf="name"), "policy": JsonEncode(_untagged_rule(P("untagged_days")))},
            when=("expire_untagged", True),
        ),
    ),
    outputs=(Output("url", "Repository URL", SelfAttr("", "RepositoryUri", "repository_url"), SelfAttr("", "RepositoryUri", "repository_url")),),
    cost={"monthly": 0.1, "note": "per GB stored per month, plus transfer"},
)

# Memory sizes App Runner accepts with each CPU size.
APP_RUNNER_MEMORY = {
    "256": ("512", "1024"),
    "512": ("1024",),
    "1024": ("2048", "3072", "4096"),
    "2048": ("4096", "6144"),
    "4096": ("8192", "10240", "12288"),
}
APP_RUNNER_CPU_MEMORY = tuple(sorted({m for ms in APP_RUNNER_MEMORY.values() for m in ms}, key=int))

APP_RUNNER_SERVICE = ResourceType(
    type="app_runner_service",
    label="App Runner service",
    category="compute",
    icon="aws-app-runner",
    description="A web container run and scaled by App Runner from a public ECR image, with HTTPS URL and instance role.",
    properties={
        "image": prop(
            "string", "public.ecr.aws/aws-containers/hello-app-runner:latest", "Public ECR image",
            pattern=r"^public\.ecr\.aws/[a-z0-9._/-]+(:[A-Za-z0-9._-]{1,128}|@sha256:[a-f0-9]{64})?$", variable=True,
        ),
        "port": prop("integer", 8000, "Port the container listens on", minimum=1, maximum=65535),
        "cpu": enum(("256", "512", "1024", "2048", "4096"), "1024", "CPU units (1024 = 1 vCPU)"),
        "memory": enum(APP_RUNNER_CPU_MEMORY, "2048", "Memory (MiB); must suit the CPU"),
        "health_check_path": prop("string", "/", "HTTP health check path", pattern=r"^/[A-Za-z0-9_.~/-]*$"),
    },
    constraints=tuple(allowed_when("cpu", cpu, "memory", memory) for cpu, memory in APP_RUNNER_MEMORY.items()),
    role="role",
    links=compute_links(),
    emits=(
        Emit(
            "",
            "AWS::AppRunner::Service",
            {
                "ServiceName": Name(max=40),
                "SourceConfiguration": {
                    "AutoDeploymentsEnabled": False,
                    "ImageRepository": {
                        "ImageIdentifier": P("image"),
                        "ImageRepositoryType": "ECR_PUBLIC",
                        "ImageConfiguration": {"Port": J(P("port")), "RuntimeEnvironmentVariables": Env("list", "Name", "Value")},
                    },
                },
                "InstanceConfiguration": {"Cpu": P("cpu"), "Memory": P("memory"), "InstanceRoleArn": role_arn()},
                "HealthCheckConfiguration": {"Protocol": "HTTP", "Path": P("health_check_path")},
                "Tags": Tags(),
            },
            "aws_apprunner_service",
            {
                "service_name": Name(max=40),
                "source_configuration": Block(
                    {
                        "auto_deployments_enabled": False,
                        "image_repository": Block(
                            {
                                "image_identifier": P("image"),
                                "image_repository_type": "ECR_PUBLIC",
                                "image_configuration": Block({"port": J(P("port")), "runtime_environment_variables": Env()}),
                            }
                        ),
                    }
                ),
                "instance_configuration": Block({"cpu": P("cpu"), "memory": P("memory"), "instance_role_arn": role_arn()}),
                "health_check_configuration": Block({"protocol": "HTTP", "path": P("health_check_path")}),
                "tags": Tags(),
            },
        ),
        *role("role", "tasks.apprunner.amazonaws.com"),
    ),
    outputs=(Output("url", "Service URL", SelfAttr("", "ServiceUrl", "service_url"), SelfAttr("", "ServiceUrl", "service_url")),),
    cost={"monthly": 57, "note": "1 vCPU / 2 GB active all month; idle instances bill memory only"},
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
