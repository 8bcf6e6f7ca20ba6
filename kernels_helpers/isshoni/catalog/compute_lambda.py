"""Compute: Lambda functions (code packaged from a folder, an image, or a built-in handler)."""

from __future__ import annotations

from ..compiler.expr import Block
from ..compiler.package import CODE_PATH
from .common import LOGS_NOT_KMS, role, role_arn, security_group, short_logs
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
    Risk,
    Self,
    SelfAttr,
    Slot,
    Subnets,
    Tags,
    enum,
    managed_policy,
    optional,
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


_ZIP = ("package_type", "Zip")
S3_BUCKET_OR_NONE = r"^$|^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"

LAMBDA_FUNCTION = ResourceType(
    type="lambda_function",
    label="Lambda function",
    aliases=("Lambda", "function", "Lambda function", "serverless function", "handler", "worker"),
    category="compute",
    icon="aws-lambda",
    description=(
        "A function run on demand, with its own role and log group: its code packaged from a folder next to the design "
        "(code_path; without one, a built-in handler that answers 200), or a container image from a connected ECR "
        "repository; placed in a VPC it gets subnets and a security group."
    ),
    properties={
        "package_type": enum(("Zip", "Image"), "Zip", "Zip archive or container image"),
        "runtime": enum(LAMBDA_RUNTIMES, "python3.12", "Runtime (Zip packages)"),
        "handler": prop("string", "index.handler", "Handler (Zip packages): module.function", pattern=r"^[^\s]{1,128}$"),
        "code_path": prop(
            "string", "", "Folder holding the function's code, relative to the design file; zipped at generate time "
            "(empty: a built-in handler that answers 200)", pattern=optional(CODE_PATH),
        ),
        "code_bucket": prop(
            "string", "", "An S3 bucket that already holds the code zip (empty: the code comes from code_path)",
            pattern=S3_BUCKET_OR_NONE, variable=True,
        ),
        "code_key": prop("string", "", "S3 key of the zip in code_bucket (empty: functions/<id>.zip)", pattern=S3_KEY),
        "image_uri": prop(
            "string", "", "ECR image URI (Image packages; empty: the connected ECR repository's image, tagged image_tag)",
            pattern=optional(ECR_IMAGE_URI), variable=True,
        ),
        "image_tag": prop(
            "string", "", "Tag of the connected repository's image (empty: asked at deploy time)",
            pattern=r"^([A-Za-z0-9_][A-Za-z0-9._-]{0,127})?$", variable=True, ask="latest",
        ),
        "reserved_concurrency": prop(
            "integer", 0, "Concurrent executions reserved for (and capped at) this function (0: none; new accounts cannot reserve any)",
            minimum=0, maximum=10000,
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
                "Code": Slot("code", single=True),
                "ReservedConcurrentExecutions": If("reserved_concurrency", 0, None, P("reserved_concurrency")),
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
                "filename": Slot("filename", single=True),
                "source_code_hash": Slot("code_hash", single=True),
                "s3_bucket": Slot("s3_bucket", single=True),
                "s3_key": Slot("s3_key", single=True),
                "image_uri": Slot("image_uri", single=True),
                "reserved_concurrent_executions": If("reserved_concurrency", 0, None, P("reserved_concurrency")),
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
    accepted={
        **LOGS_NOT_KMS,
        "CKV_AWS_116": "no dead-letter queue: failed asynchronous invocations are retried twice and logged; triggering queues keep their own",
        "CKV_AWS_173": "the environment holds resource names only, encrypted at rest with the Lambda service key",
        "CKV_AWS_272": "no code signing: Isshoni packages the code from the design's own folder",
        "CKV_AWS_50": "no X-Ray tracing: CloudWatch logs and metrics only (traces are billed per trace)",
    },
    risks=(
        short_logs(),
        Risk(
            ("CKV_AWS_115",), ("reserved_concurrency", 0),
            "reserved_concurrency=0 in the design: the function shares the account's concurrency (reserving some fails on accounts limited to 10)",
        ),
        Risk(("CKV_AWS_117",), ("@in:vpc", False), "not placed in a VPC in the design: it calls AWS APIs only and needs no private network"),
    ),
    cost={"monthly": 0, "note": "per request and GB-second; free tier covers small workloads"},
)

