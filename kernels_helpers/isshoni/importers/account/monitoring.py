"""CloudWatch alarms and log groups as CloudFormation resources."""

from __future__ import annotations

from .scanned import Found, Scan, shape

ALARM = {"AlarmName": "AlarmName", "AlarmDescription": "AlarmDescription", "MetricName": "MetricName",
         "Namespace": "Namespace", "Statistic": "Statistic", "ExtendedStatistic": "ExtendedStatistic",
         "Period": "Period", "EvaluationPeriods": "EvaluationPeriods", "Threshold": "Threshold",
         "ComparisonOperator": "ComparisonOperator", "TreatMissingData": "TreatMissingData",
         "AlarmActions": "AlarmActions", "OKActions": "OKActions", "Dimensions": "Dimensions",
         "DatapointsToAlarm": "DatapointsToAlarm"}
LOG_GROUP = {"retentionInDays": "RetentionInDays", "kmsKeyId": "KmsKeyId"}


def alarms(scan: Scan):
    for a in scan.pages("cloudwatch", "describe_alarms", "MetricAlarms"):
        yield Found("AWS::CloudWatch::Alarm", shape(a, ALARM), a["AlarmName"], {"Arn": a.get("AlarmArn")}, a["AlarmName"],
                    a.get("AlarmArn", a["AlarmName"]))


def log_groups(scan: Scan):
    for g in scan.pages("logs", "describe_log_groups", "logGroups"):
        props = {"LogGroupName": g["logGroupName"], **shape(g, LOG_GROUP)}
        arn = str(g.get("arn", "")).removesuffix(":*")
        yield Found("AWS::Logs::LogGroup", props, g["logGroupName"], {"Arn": arn} if arn else {}, g["logGroupName"],
                    arn or g["logGroupName"])


SCANNERS = (("CloudWatch alarms", alarms), ("CloudWatch Logs", log_groups))
__all__ = ["SCANNERS"]
