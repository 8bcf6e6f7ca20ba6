"""What every compute entry shares: the connections it may start and the common properties."""

from __future__ import annotations

from .spec import Emit, Link, enum

DATA_STORES = (
    "rds_instance", "rds_read_replica", "aurora_cluster", "elasticache_redis", "elasticache_memcached",
    "efs_file_system", "opensearch_domain",
)
SERVICES = (
    "dynamodb_table", "s3_bucket", "sqs_queue", "sns_topic", "secret", "kinesis_stream", "ssm_parameter",
    "kms_key", "eventbridge_bus", "step_function", "ecr_repository",
)
SEND = {"access": enum(("send",), "send", "What the compute may do with it: send e-mail as this identity")}
ACCESS = {"access": enum(("read", "write", "readwrite"), "readwrite", "What the compute may do with it")}


def compute_links(extra: tuple = ()) -> tuple:
    """The connections every compute resource may start."""
    return (
        Link(DATA_STORES, "data_port", "reaches it on its port: an ingress rule from the compute's security group; endpoint passed as environment"),
        Link(SERVICES, "iam_access", "uses it: a least-privilege IAM policy on the compute's role; names/ARNs passed as environment", ACCESS),
        Link(
            ("ses_email_identity",), "iam_access",
            "sends e-mail as it: ses:SendEmail and ses:SendRawEmail on this identity's ARN only; the identity passed as environment",
            SEND,
        ),
        Link(
            ("ssm_parameter_path",), "parameter_path",
            "reads the SecureString parameters under its path: ssm:GetParameter(s)/GetParametersByPath on that path only, "
            "kms:Decrypt on its key through SSM only; the path passed as environment",
            {"access": enum(("read", "readwrite"), "read", "Read the values, or also put them")},
        ),
        Link(
            ("api_gateway_http", "api_gateway_rest"), "api_call",
            "calls it: its invoke URL in the environment; when the API takes AWS_IAM authorization, execute-api:Invoke on this API only",
        ),
        Link(
            ("ecs_service",), "service_call",
            "calls it by name: its Cloud Map name and port (<ID>_HOST, <ID>_URL) as environment and an ingress rule on its "
            "port from this compute's security group (both in one VPC; the service registered in a namespace)",
        ),
        Link(
            ("ecs_task_definition",), "run_task",
            "may start it: ecs:RunTask on its task definition family in its cluster only, iam:PassRole on its two roles; "
            "the family, cluster ARN, subnets and security group passed as environment",
        ),
        *extra,
    )


LOG_RETENTION = enum((1, 3, 5, 7, 14, 30, 60, 90, 180, 365), 7, "Log retention in days", type="integer")
SUBNET_TIER = enum(("private", "public"), "private", "Subnets to use when placed in the VPC itself (in a subnet: that subnet's tier)")


def _in_vpc(parts: tuple) -> tuple:
    """The same parts, emitted only when the resource sits in a VPC (or one of its subnets)."""
    return tuple(Emit(p.key, p.cfn_type, p.cfn, p.tf_type, p.tf, when=("@in:vpc", True), depends_on=p.depends_on) for p in parts)


