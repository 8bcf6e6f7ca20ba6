"""Compute: ECR repositories and App Runner services."""

from __future__ import annotations

from ..compiler.expr import Block, JsonEncode
from .common import role, role_arn
from .compute_common import compute_links
from .spec import (
    Emit,
    Env,
    If,
    J,
    Name,
    Output,
    P,
    ResourceType,
    Risk,
    Self,
    SelfAttr,
    Tags,
    allowed_when,
    enum,
    prop,
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
    aliases=("ECR", "container registry", "image registry", "Docker registry"),
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
        "force_delete": prop("boolean", False, "Allow deleting the repository with images in it (on in an ephemeral design)", ephemeral=True),
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
    risks=(
        Risk(
            ("CKV_AWS_136",), ("encryption", "AES256"),
            "encryption=AES256 in the design: images encrypted at rest with keys ECR manages (KMS adds a key policy and per-request cost)",
        ),
    ),
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
    aliases=("App Runner", "AppRunner"),
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




