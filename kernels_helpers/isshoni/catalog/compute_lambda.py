"""Compute: Lambda functions (code packaged from a folder, an image, or a built-in handler)."""

from __future__ import annotations

from ..compiler.expr import Block
from .common import role, role_arn, security_group
from .compute_common import LOG_RETENTION, SUBNET_TIER, _in_vpc, compute_links
from .spec import (
    Emit,
    Env,
    If,
    J,
    Name,
    Output,
    P,
    ResourceType,
    Self,
    SelfAttr,
    Subnets,
    Tags,
    enum,
    managed_policy,
    prop,
)

# ---------------------------------------------------------------- Lambda

LAMBDA_BASIC_POLICY = managed_policy("service-role/AWSLambdaBasicExecutionRole")
LAMBDA_VPC_POLICY = managed_policy("service-role/AWSLambdaVPCAccessExecutionRole")
# Runtimes both cfn-lint (not deprecated) and the Terraform provider 5.x accept.
LAMBDA_RUNTIMES = ("python3.12", "python3.13", "nodejs22.x", "java21", "ruby3.4", "provided.al2023")
S3_BUCKET_NAME = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"
S3_KEY = r"^([A-Za-z0-9!_.*'()/-]{1,1024})?$"
ECR_IMAGE_URI = r"^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com/[a-z0-9._/-]+(:[A-Za-z0-9._-]{1,128}|@sha256:[a-f0-9]{64})$"


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

