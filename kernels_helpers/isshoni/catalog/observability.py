"""Observability: CloudWatch log groups, alarms and dashboards."""

from __future__ import annotations

import json

from ..compiler.expr import JsonEncode
from .common import LOGS_NOT_KMS, log_retention, role, role_arn, short_logs
from .spec import Emit, If, J, Link, Name, Output, P, ResourceType, Self, SelfAttr, Slot, Tags, Up, enum, prop

LOG_GROUP = ResourceType(
    type="log_group",
    label="CloudWatch log group",
    aliases=("logs", "log group", "CloudWatch Logs"),
    category="observability",
    icon="aws-cloudwatch-logs",
    description="A log group with a retention period.",
    properties={"retention_days": enum((1, 3, 5, 7, 14, 30, 60, 90, 180, 365, 731, 1827, 3653), 7, "Retention in days", type="integer")},
    accepted=LOGS_NOT_KMS,
    risks=(short_logs("retention_days"),),
    emits=(
        Emit(
            "",
            "AWS::Logs::LogGroup",
            {"RetentionInDays": P("retention_days"), "Tags": Tags()},
            "aws_cloudwatch_log_group",
            {"retention_in_days": P("retention_days"), "tags": Tags()},
        ),
    ),
    outputs=(Output("name", "Log group name", Self(), Self(tf="name")),),
    cost={"monthly": 0.5, "note": "per GB ingested"},
)


# What an alarm or a dashboard may watch; the metrics per type live in compiler/wiring_security.py.
WATCHED = ("alb", "ecs_service", "lambda_function", "dynamodb_table", "sqs_queue")
COMPARISONS = (
    "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold",
)
PERCENTILES = ("p50", "p90", "p95", "p99")
STATISTICS = ("auto", "Average", "Sum", "Minimum", "Maximum", "SampleCount", *PERCENTILES)

CLOUDWATCH_ALARM = ResourceType(
    type="cloudwatch_alarm",
    label="CloudWatch alarm",
    aliases=("alarm", "CloudWatch alarm", "alert"),
    category="observability",
    icon="aws-cloudwatch",
    description=(
        "A metric alarm. Connect it to the resource it watches (namespace, metric and dimensions follow when left "
        "at 'auto') and to an SNS topic it notifies. Unconnected 'auto' alarms watch Errors in the Custom namespace."
    ),
    properties={
        "namespace": prop("string", "auto", "Metric namespace (auto: from the watched resource)", pattern=r"^(auto|[A-Za-z0-9./#:_-]{1,255})$"),
        "metric_name": prop("string", "auto", "Metric name (auto: a key metric of the watched resource)", pattern=r"^(auto|[A-Za-z0-9./#:_-]{1,255})$"),
        "statistic": enum(STATISTICS, "auto", "Statistic (auto: the one that suits the metric)"),
        "threshold": prop("number", 1, "Threshold (left unset with metric auto: a sensible value for the watched metric)"),
        "comparison": enum(COMPARISONS, "GreaterThanOrEqualToThreshold", "How the statistic is compared with the threshold"),
        "period": enum((60, 300, 900, 3600), 300, "Seconds per datapoint", type="integer"),
        "evaluation_periods": prop("integer", 1, "Datapoints that must breach", minimum=1, maximum=100),
        "treat_missing_data": enum(("missing", "notBreaching", "breaching", "ignore"), "notBreaching", "How missing data counts"),
    },
    links=(
        Link(("sns_topic",), "alarm_notify", "notifies this topic when it goes into alarm"),
        Link(WATCHED, "alarm_watch", "watches it: the metric's dimensions (and namespace/metric when 'auto')"),
    ),
    emits=(
        Emit(
            "",
            "AWS::CloudWatch::Alarm",
            {
                "AlarmName": Name(max=255),
                "AlarmDescription": J("Alarm ", Name(max=255)),
                "Namespace": Slot("namespace", single=True, default=If("namespace", "auto", "Custom", P("namespace"))),
                "MetricName": Slot("metric", single=True, default=If("metric_name", "auto", "Errors", P("metric_name"))),
                "Statistic": Slot("statistic", single=True, default=If("statistic", "auto", "Sum", If("statistic", PERCENTILES, None, P("statistic")))),
                "ExtendedStatistic": If("statistic", PERCENTILES, P("statistic")),
                "Dimensions": Slot("dimensions"),
                "Threshold": Slot("threshold", single=True, default=P("threshold")),
                "ComparisonOperator": P("comparison"),
                "Period": P("period"),
                "EvaluationPeriods": P("evaluation_periods"),
                "TreatMissingData": P("treat_missing_data"),
                "AlarmActions": Slot("actions"),
                "OKActions": Slot("actions"),
                "Tags": Tags(),
            },
            "aws_cloudwatch_metric_alarm",
            {
                "alarm_name": Name(max=255),
                "alarm_description": J("Alarm ", Name(max=255)),
                "namespace": Slot("namespace", single=True, default=If("namespace", "auto", "Custom", P("namespace"))),
                "metric_name": Slot("metric", single=True, default=If("metric_name", "auto", "Errors", P("metric_name"))),
                "statistic": Slot("statistic", single=True, default=If("statistic", "auto", "Sum", If("statistic", PERCENTILES, None, P("statistic")))),
                "extended_statistic": If("statistic", PERCENTILES, P("statistic")),
                "dimensions": Slot("dimensions", single=True),
                "threshold": Slot("threshold", single=True, default=P("threshold")),
                "comparison_operator": P("comparison"),
                "period": P("period"),
                "evaluation_periods": P("evaluation_periods"),
                "treat_missing_data": P("treat_missing_data"),
                "alarm_actions": Slot("actions"),
                "ok_actions": Slot("actions"),
                "tags": Tags(),
            },
        ),
    ),
    outputs=(Output("name", "Alarm name", Self(), Self(tf="alarm_name")),),
    cost={"monthly": 0.1, "note": "per standard-resolution metric alarm"},
)

# Shown when nothing is connected yet (a dashboard needs at least one widget).
EMPTY_DASHBOARD = {
    "widgets": [
        {"type": "text", "x": 0, "y": 0, "width": 24, "height": 2, "properties": {"markdown": "Connect resources to this dashboard to chart them."}}
    ]
}

CLOUDWATCH_DASHBOARD = ResourceType(
    type="cloudwatch_dashboard",
    label="CloudWatch dashboard",
    aliases=("dashboard", "CloudWatch dashboard"),
    category="observability",
    icon="aws-cloudwatch",
    description="A dashboard with one chart of key metrics for each resource connected to it.",
    properties={
        "period": enum((60, 300, 900, 3600), 300, "Seconds per datapoint in the charts", type="integer"),
    },
    links=(Link(WATCHED, "dashboard_widget", "shows it: a chart of its key metrics"),),
    emits=(
        Emit(
            "",
            "AWS::CloudWatch::Dashboard",
            {"DashboardName": Name(max=255), "DashboardBody": Slot("body", single=True, default=json.dumps(EMPTY_DASHBOARD))},
            "aws_cloudwatch_dashboard",
            {"dashboard_name": Name(max=255), "dashboard_body": Slot("body", single=True, default=JsonEncode(EMPTY_DASHBOARD))},
        ),
    ),
    outputs=(Output("name", "Dashboard name", Self(), Self(tf="dashboard_name")),),
    cost={"monthly": 3, "note": "per dashboard beyond the free three"},
)

CLOUDTRAIL_TRAIL = ResourceType(
    type="cloudtrail_trail",
    label="CloudTrail trail",
    aliases=("CloudTrail", "audit trail", "audit log"),
    category="observability",
    icon="aws-cloudtrail",
    description=(
        "A multi-region trail of API activity with log file validation, written to the S3 bucket it is connected to "
        "(with the bucket policy CloudTrail needs); nothing is created until it is connected."
    ),
    properties={
        "global_events": prop("boolean", True, "Include global services such as IAM"),
    },
    links=(Link(("s3_bucket",), "trail_bucket", "writes its logs to this bucket (with the bucket policy that allows it)"),),
    emits=(
        Emit(
            "",
            "AWS::CloudTrail::Trail",
            {
                "TrailName": Name(max=128),
                "S3BucketName": Slot("bucket", single=True),
                "IsLogging": True,
                "IsMultiRegionTrail": True,
                "IncludeGlobalServiceEvents": P("global_events"),
                "EnableLogFileValidation": True,
                "Tags": Tags(),
            },
            "aws_cloudtrail",
            {
                "name": Name(max=128),
                "s3_bucket_name": Slot("bucket", single=True),
                "enable_logging": True,
                "is_multi_region_trail": True,
                "include_global_service_events": P("global_events"),
                "enable_log_file_validation": True,
                "tags": Tags(),
            },
            when=("@slot", "bucket"),
        ),
    ),
    cost={"monthly": 0, "note": "first management-event trail free; S3 storage extra"},
)

FLOW_LOG_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"]


def flow_log(prefix: str, vpc, traffic, aggregation, retention, when=None, shared_role: bool = False) -> tuple:
    """A VPC's flow log to its own log group through a role only VPC Flow Logs may assume.

    Keys: `prefix` (the flow log), `<prefix>_logs`, `<prefix>_role`, `<prefix>_policy`
    (`logs`, `role`, `role_policy` when the prefix is empty: the stand-alone entry).  With
    `shared_role` the design's one flow-log role delivers (wiring gives it, in Slot('flow_log_role'))."""
    key = (lambda k: k) if not prefix else (lambda k: f"{prefix}_{k}" if k else prefix)
    logs, role_key, policy = key("logs"), key("role"), key("role_policy") if not prefix else key("policy")
    group_arn = SelfAttr(logs, "Arn", "arn")
    delivery = Slot("flow_log_role", single=True) if shared_role else role_arn(role_key)
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": FLOW_LOG_ACTIONS, "Resource": [group_arn, J(group_arn, ":*")]}]}
    parts = (
        Emit(
            key(""),
            "AWS::EC2::FlowLog",
            {
                "ResourceId": vpc,
                "ResourceType": "VPC",
                "TrafficType": traffic,
                "LogDestinationType": "cloud-watch-logs",
                "LogGroupName": Self(logs),
                "DeliverLogsPermissionArn": delivery,
                "MaxAggregationInterval": aggregation,
                "Tags": Tags(),
            },
            "aws_flow_log",
            {
                "vpc_id": vpc,
                "traffic_type": traffic,
                "log_destination_type": "cloud-watch-logs",
                "log_destination": group_arn,
                "iam_role_arn": delivery,
                "max_aggregation_interval": aggregation,
                "tags": Tags(),
            },
            depends_on=() if shared_role else (policy,),
        ),
        Emit(
            logs,
            "AWS::Logs::LogGroup",
            {"LogGroupName": J("/vpc/flow-logs/", Name()), "RetentionInDays": retention, "Tags": Tags()},
            "aws_cloudwatch_log_group",
            {"name": J("/vpc/flow-logs/", Name()), "retention_in_days": retention, "tags": Tags()},
        ),
    )
    if not shared_role:
        parts += (
            *role(role_key, "vpc-flow-logs.amazonaws.com"),
            Emit(
                policy,
                "AWS::IAM::RolePolicy",
                {"PolicyName": "deliver-flow-logs", "RoleName": Self(role_key), "PolicyDocument": document},
                "aws_iam_role_policy",
                {"name": "deliver-flow-logs", "role": Self(role_key), "policy": JsonEncode(document)},
            ),
        )
    return tuple(Emit(p.key, p.cfn_type, p.cfn, p.tf_type, p.tf, when, p.depends_on) for p in parts) if when else parts


FLOW_TRAFFIC = ("ALL", "ACCEPT", "REJECT")

VPC_FLOW_LOG = ResourceType(
    type="vpc_flow_log",
    label="VPC flow log",
    aliases=("flow log", "flow logs", "VPC flow logs"),
    category="observability",
    icon="aws-vpc-flow-logs",
    description="Flow logs of the VPC it sits in, delivered to its own CloudWatch log group through a dedicated role.",
    properties={
        "traffic_type": enum(FLOW_TRAFFIC, "REJECT", "Which traffic to record"),
        "aggregation_seconds": enum((60, 600), 600, "Maximum aggregation interval", type="integer"),
        "retention_days": log_retention(365),
    },
    containers=("vpc",),
    needs_container=True,
    emits=flow_log("", Up("vpc"), P("traffic_type"), P("aggregation_seconds"), P("retention_days")),
    outputs=(Output("log_group", "Flow log group", Self("logs"), Self("logs", tf="name")),),
    accepted=LOGS_NOT_KMS,
    risks=(short_logs("retention_days"),),
    cost={"monthly": 0.5, "note": "per GB of logs ingested"},
)

TYPES = (LOG_GROUP, CLOUDWATCH_ALARM, CLOUDWATCH_DASHBOARD, CLOUDTRAIL_TRAIL, VPC_FLOW_LOG)
