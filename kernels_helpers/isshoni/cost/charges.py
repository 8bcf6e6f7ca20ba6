"""What each catalog type costs, as data: its price dimensions and the usage assumptions a user
can change (added to the type's properties, so the inspector shows them and validation checks
them; they emit nothing).  The prices themselves are per region in prices.json.

A `Charge` is one line of a bill: a month's quantity (the product of its `quantity` factors: a
property of the node, a number, or a property looked up in a table, `("multi_az", {True: 2,
False: 1})`) times a unit price from the price table, whose key may name properties
(`"ec2.{instance_type}.hour"`).  `when` limits a charge to nodes whose properties say so.
A type in FREE costs nothing by itself (AWS does not bill for a VPC or a security group); a type
in neither is "not priced": an estimate says so instead of counting it as zero.
"""

from __future__ import annotations

from dataclasses import dataclass

HOURS = 730  # hours in a month, as the AWS Pricing Calculator counts them


@dataclass(frozen=True)
class Usage:
    """A usage assumption of a node, editable as one of its properties."""

    name: str
    default: float
    description: str


@dataclass(frozen=True)
class Charge:
    what: str
    price: str
    unit: str
    quantity: tuple = ()
    when: tuple = ()  # (property, value) pairs that must all hold


FREE = frozenset({
    "vpc", "subnet", "internet_gateway", "route_table", "security_group", "network_acl", "iam_role", "iam_policy",
    "ecs_cluster", "ecs_task_definition", "ecs_capacity_provider", "launch_template", "acm_certificate", "ssm_parameter",
    "ssm_parameter_path", "github_deploy_role", "cognito_app_client", "glue_database", "eventbridge_bus", "external",
})

_MULTI_AZ = ("multi_az", {True: 2, False: 1})

MODELS: dict[str, tuple[Charge, ...]] = {
    # compute
    "lambda_function": (
        Charge("requests", "lambda.requests", "per 1M requests", ("requests_per_month", 1e-6)),
        Charge("compute", "lambda.gb_second.{architecture}", "per GB-second",
               ("requests_per_month", "avg_duration_ms", 0.001, "memory_size", 1 / 1024)),
    ),
    "ecs_service": (  # Fargate, Linux: each task's vCPUs and memory, all month
        Charge("vCPU", "fargate.vcpu_hour", "per vCPU-hour", ("desired_count", "cpu", 1 / 1024, HOURS)),
        Charge("memory", "fargate.gb_hour", "per GB-hour", ("desired_count", "memory", 1 / 1024, HOURS)),
    ),
    "ec2_instance": (Charge("instance", "ec2.{instance_type}.hour", "per instance-hour", (HOURS,)),),
    "autoscaling_group": (  # the baseline fleet: min_size instances all month
        Charge("instances", "ec2.{instance_type}.hour", "per instance-hour", ("min_size", HOURS)),
    ),
    # networking
    "nat_gateway": (
        Charge("hours", "vpc.nat_gateway.hour", "per hour", (HOURS,)),
        Charge("data", "vpc.nat_gateway.gb", "per GB processed", ("data_processed_gb",)),
    ),
    "vpc_endpoint": (  # a gateway endpoint (S3, DynamoDB) is free; an interface endpoint bills per AZ
        Charge("hours", "vpc.interface_endpoint.hour", "per AZ-hour", ("azs", HOURS), when=(("endpoint_type", "Interface"),)),
    ),
    "alb": (
        Charge("hours", "elb.alb.hour", "per hour", (HOURS,)),
        Charge("capacity", "elb.alb.lcu_hour", "per LCU-hour", ("lcus", HOURS)),
    ),
    "api_gateway_http": (Charge("requests", "apigateway.http.requests", "per 1M requests", ("requests_per_month", 1e-6)),),
    "cloudfront_distribution": (
        Charge("transfer", "cloudfront.gb", "per GB to the internet", ("transfer_gb",)),
        Charge("requests", "cloudfront.https_requests", "per 10,000 HTTPS requests", ("requests_per_month", 1e-4)),
    ),
    "route53_zone": (Charge("zone", "route53.zone.month", "per hosted zone-month", (1,)),),
    "route53_record": (Charge("queries", "route53.queries", "per 1M queries", ("queries_per_month", 1e-6)),),
    # data
    "dynamodb_table": (  # on-demand capacity
        Charge("writes", "dynamodb.write_request", "per 1M write request units", ("writes_per_month", 1e-6)),
        Charge("reads", "dynamodb.read_request", "per 1M read request units", ("reads_per_month", 1e-6)),
        Charge("storage", "dynamodb.gb_month", "per GB-month", ("stored_gb",)),
    ),
    "s3_bucket": (
        Charge("storage", "s3.standard.gb_month", "per GB-month", ("stored_gb",)),
        Charge("writes", "s3.put_requests", "per 1,000 PUT/POST/LIST requests", ("puts_per_month", 1e-3)),
        Charge("reads", "s3.get_requests", "per 1,000 GET requests", ("gets_per_month", 1e-3)),
    ),
    "elasticache_redis": (Charge("nodes", "elasticache.{node_type}.hour", "per node-hour", ("nodes", HOURS)),),
    "rds_instance": (
        Charge("instance", "rds.{engine}.{instance_class}.hour", "per instance-hour", (_MULTI_AZ, HOURS)),
        Charge("storage", "rds.gp3.gb_month", "per GB-month", ("allocated_storage", _MULTI_AZ)),
    ),
    # messaging
    "sqs_queue": (
        Charge("requests", "sqs.standard.requests", "per 1M requests", ("requests_per_month", 1e-6), when=(("fifo", False),)),
        Charge("requests", "sqs.fifo.requests", "per 1M requests", ("requests_per_month", 1e-6), when=(("fifo", True),)),
    ),
    "sns_topic": (Charge("publishes", "sns.publishes", "per 1M publishes", ("publishes_per_month", 1e-6)),),
    "eventbridge_rule": (Charge("events", "eventbridge.custom_events", "per 1M custom events", ("events_per_month", 1e-6)),),
    # observability
    "cloudwatch_alarm": (Charge("alarm", "cloudwatch.alarm.month", "per alarm-month", (1,)),),
}

USAGE: dict[str, tuple[Usage, ...]] = {
    "lambda_function": (Usage("requests_per_month", 1_000_000, "invocations a month"),
                        Usage("avg_duration_ms", 100, "average run time of an invocation, in ms")),
    "nat_gateway": (Usage("data_processed_gb", 100, "GB a month through the gateway"),),
    "vpc_endpoint": (Usage("azs", 2, "availability zones an interface endpoint is in"),),
    "alb": (Usage("lcus", 1, "load balancer capacity units used on average"),),
    "api_gateway_http": (Usage("requests_per_month", 1_000_000, "API requests a month"),),
    "cloudfront_distribution": (Usage("transfer_gb", 100, "GB a month sent to viewers"),
                                Usage("requests_per_month", 1_000_000, "HTTPS requests a month")),
    "route53_record": (Usage("queries_per_month", 1_000_000, "DNS queries a month (alias queries to AWS resources are free)"),),
    "dynamodb_table": (Usage("writes_per_month", 1_000_000, "write request units a month"),
                       Usage("reads_per_month", 5_000_000, "read request units a month"),
                       Usage("stored_gb", 1, "GB stored")),
    "s3_bucket": (Usage("stored_gb", 10, "GB stored (Standard)"), Usage("puts_per_month", 100_000, "PUT, POST and LIST requests a month"),
                  Usage("gets_per_month", 1_000_000, "GET requests a month")),
    "sqs_queue": (Usage("requests_per_month", 1_000_000, "API requests a month (send, receive, delete)"),),
    "sns_topic": (Usage("publishes_per_month", 1_000_000, "messages published a month"),),
    "eventbridge_rule": (Usage("events_per_month", 0, "custom events a month (events from AWS services are free)"),),
}


def usage_properties(type_name: str) -> dict[str, dict]:
    """The JSON Schema of a type's usage assumptions, as catalog properties (`x-usage`: they emit nothing)."""
    return {u.name: {"type": "number", "minimum": 0, "default": u.default, "x-usage": True,
                     "description": f"Cost assumption: {u.description}"} for u in USAGE.get(type_name, ())}
