"""Observability: CloudWatch log groups, alarms and dashboards."""

from __future__ import annotations

from .spec import Emit, Output, P, ResourceType, Self, SelfAttr, Tags, enum

LOG_GROUP = ResourceType(
    type="log_group",
    label="CloudWatch log group",
    category="observability",
    icon="aws-cloudwatch-logs",
    description="A log group with a retention period.",
    properties={"retention_days": enum((1, 3, 5, 7, 14, 30, 60, 90, 180, 365, 731, 1827, 3653), 7, "Retention in days", type="integer")},
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

TYPES = (LOG_GROUP,)
