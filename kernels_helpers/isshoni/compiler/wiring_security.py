"""Wiring units for connections of security and observability (IAM, KMS, secrets, WAF, Cognito, alarms)."""

from __future__ import annotations

import json
from collections import defaultdict

from . import expr as e
from .model import OutputValue
from .names import tf_identifier
from .resolve import Context, tag_value
from .wiring import finisher, role_of, unit
from .wiring_messaging import key_statement, service_publishes

# ------------------------------------------------------------------ security


@unit("policy_attachment")
def policy_attachment(ctx: Context, cid, policy, target, props):
    """Managed policy -> role: CFN lists the role on the policy, Terraform attaches it."""
    role = role_of(ctx, target)
    if role is None:
        return
    ctx.contribute(policy, "roles", role, None)
    ctx.add_part(
        cid,
        "attachment",
        None,
        {},
        "aws_iam_role_policy_attachment",
        {"role": e.Ref(role.lid, "name"), "policy_arn": ctx.ref(policy, tf="arn")},
    )


@unit("waf_association")
def waf_association(ctx: Context, cid, acl, target, props):
    ctx.memo.setdefault("waf_associations", []).append((cid, acl, target))


@finisher
def finish_waf_associations(ctx: Context) -> None:
    """Web ACL -> load balancer or REST API stage: the ACL inspects every request it gets.

    A REST API only has a stage once a method exists, which other connections decide.
    """
    for cid, acl, target in ctx.memo.get("waf_associations", []):
        if ctx.type_of(target) == "api_gateway_rest":
            if not ctx.slots.get((target, "methods")):
                continue
            # A stage has no ARN attribute in CloudFormation; its Ref (the stage name) also orders the association after it.
            cfn_arn = e.arn("apigateway", "/restapis/", ctx.ref(target), "/stages/", ctx.ref(target, "stage"), account=False)
            tf_arn = ctx.ref(target, "stage", tf="arn")
        else:
            cfn_arn, tf_arn = ctx.ref(target), ctx.ref(target, tf="arn")
        ctx.add_part(
            cid,
            "association",
            "AWS::WAFv2::WebACLAssociation",
            {"ResourceArn": cfn_arn, "WebACLArn": ctx.attr(acl, "Arn", "arn")},
            "aws_wafv2_web_acl_association",
            {"resource_arn": tf_arn, "web_acl_arn": ctx.attr(acl, "Arn", "arn")},
        )


@unit("cognito_client")
def cognito_client(ctx: Context, cid, client, pool, props):
    ctx.contribute(client, "pool", ctx.ref(pool), ctx.ref(pool))


# ------------------------------------------------------------------ observability

# type -> (namespace, [(metric, statistic)], alarm threshold); the first metric is what an 'auto' alarm watches.
METRICS = {
    "alb": ("AWS/ApplicationELB", [("HTTPCode_Target_5XX_Count", "Sum"), ("RequestCount", "Sum"), ("TargetResponseTime", "Average")], 10),
    "ecs_service": ("AWS/ECS", [("CPUUtilization", "Average"), ("MemoryUtilization", "Average")], 80),
    "lambda_function": ("AWS/Lambda", [("Errors", "Sum"), ("Invocations", "Sum"), ("Throttles", "Sum")], 1),
    "dynamodb_table": (
        "AWS/DynamoDB",
        [("ReadThrottleEvents", "Sum"), ("WriteThrottleEvents", "Sum"), ("ConsumedReadCapacityUnits", "Sum"), ("ConsumedWriteCapacityUnits", "Sum")],
        1,
    ),
    "sqs_queue": ("AWS/SQS", [("ApproximateAgeOfOldestMessage", "Maximum"), ("ApproximateNumberOfMessagesVisible", "Average")], 300),
}


def dimensions(ctx: Context, target: str) -> list[tuple[str, object]]:
    """CloudWatch dimensions of a watched resource, as neutral expressions (same value in both languages)."""
    kind = ctx.type_of(target)
    if kind == "alb":
        return [("LoadBalancer", ctx.attr(target, "LoadBalancerFullName", "arn_suffix"))]
    if kind == "ecs_service":
        clusters = ctx.slots.get((target, "cluster"))
        dims = [("ClusterName", e.Ref(clusters[0][0].lid, "name"))] if clusters else []
        return dims + [("ServiceName", ctx.attr(target, "Name", "name"))]
    if kind == "lambda_function":
        return [("FunctionName", ctx.ref(target, tf="function_name"))]
    if kind == "dynamodb_table":
        return [("TableName", ctx.ref(target))]
    if kind == "sqs_queue":
        return [("QueueName", ctx.attr(target, "QueueName", "name"))]
    raise KeyError(f"no CloudWatch metrics known for {kind!r}")


@unit("alarm_notify")
def alarm_notify(ctx: Context, cid, alarm, topic, props):
    """Alarm -> topic: the alarm's actions, and a topic policy statement letting CloudWatch publish for it."""
    service_publishes(ctx, topic, "cloudwatch.amazonaws.com")
    topic_arn = ctx.ref(topic, tf="arn")
    ctx.contribute(alarm, "actions", topic_arn, topic_arn)
    alarm_arn = _alarm_arn(ctx, alarm)
    statement = {
        "Sid": ("CloudWatch" + "".join(w.capitalize() for w in tf_identifier(cid).split("_")))[:100],
        "Effect": "Allow",
        "Principal": {"Service": "cloudwatch.amazonaws.com"},
        "Action": "sns:Publish",
        "Resource": topic_arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": alarm_arn}},
    }
    ctx.contribute(topic, "policy", statement, statement)


def _alarm_arn(ctx: Context, alarm: str):
    return e.arn("cloudwatch", "alarm:", ctx.physical_name(alarm, "", 255))


@finisher
def finish_alert_topic(ctx: Context) -> None:
    """Alarms that notify no topic notify the design's own alerts topic (an alarm nobody hears
    is no alarm): encrypted with a key CloudWatch may use, published to by these alarms only."""
    alarms = [r for r in ctx.of_type("cloudwatch_alarm") if not ctx.slots.get((r, "actions"))]
    if not alarms:
        return
    root = {"Sid": "AccountAdministers", "Effect": "Allow", "Principal": {"AWS": e.arn("iam", "root", region=False)}, "Action": "kms:*", "Resource": "*"}
    key_policy = {"Version": "2012-10-17", "Statement": [root, key_statement("cloudwatch.amazonaws.com")]}
    name = ctx.physical_name("isshoni alerts", max_len=256)
    description = e.join("Key of the alerts topic ", name)
    key = ctx.add_part(
        "@design", "alerts_key",
        "AWS::KMS::Key", {"Description": description, "EnableKeyRotation": True, "KeyPolicy": key_policy, "Tags": ctx.tags(None, "cfn", "Alerts key")},
        "aws_kms_key", {"description": description, "enable_key_rotation": True, "policy": e.JsonEncode(key_policy), "tags": ctx.tags(None, "tf", "Alerts key")},
        name="alerts_key",
    )
    topic = ctx.add_part(
        "@design", "alerts",
        "AWS::SNS::Topic", {"TopicName": name, "KmsMasterKeyId": e.Ref(key), "Tags": ctx.tags(None, "cfn", "Alerts")},
        "aws_sns_topic", {"name": name, "kms_master_key_id": e.Attr(key, "Arn", "arn"), "tags": ctx.tags(None, "tf", "Alerts")},
        name="alerts",
    )
    publish = {
        "Sid": "CloudWatchAlarms",
        "Effect": "Allow",
        "Principal": {"Service": "cloudwatch.amazonaws.com"},
        "Action": "sns:Publish",
        "Resource": e.Ref(topic, "arn"),
        "Condition": {"ArnEquals": {"aws:SourceArn": [_alarm_arn(ctx, a) for a in alarms]}},
    }
    document = {"Version": "2012-10-17", "Statement": [publish]}
    ctx.add_part(
        "@design", "alerts_policy",
        "AWS::SNS::TopicPolicy", {"Topics": [e.Ref(topic)], "PolicyDocument": document},
        "aws_sns_topic_policy", {"arn": e.Ref(topic, "arn"), "policy": e.JsonEncode(document)},
        name="alerts_policy",
    )
    for alarm in alarms:
        ctx.contribute(alarm, "actions", e.Ref(topic), e.Ref(topic, "arn"))
    ctx.outputs.append(OutputValue("alerts_topic_arn", "Topic the alarms notify: subscribe to it (e-mail, SMS, chat)", e.Ref(topic), e.Ref(topic, "arn"), "@design"))


FLOW_LOG_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"]


@finisher
def finish_flow_log_role(ctx: Context) -> None:
    """The VPCs' own flow logs deliver through one role per design (not one per VPC: accounts have
    a quota of roles), allowed to write to this deployment's flow-log groups only."""
    vpcs = [r for r in ctx.of_type("vpc") if ctx.props(r).get("flow_logs")]
    if not vpcs:
        return
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ]}
    role = ctx.add_part(
        "@design", "flow_logs_role",
        "AWS::IAM::Role", {"AssumeRolePolicyDocument": trust, "Tags": ctx.tags(None, "cfn", "Flow log delivery")},
        "aws_iam_role", {"assume_role_policy": e.JsonEncode(trust), "tags": ctx.tags(None, "tf", "Flow log delivery")},
        name="flow_logs_role",
    )
    groups = e.arn("logs", "log-group:/vpc/flow-logs/", e.NAME_PREFIX, "-*")
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": FLOW_LOG_ACTIONS, "Resource": [groups, e.join(groups, ":*")]}]}
    policy = ctx.add_part(
        "@design", "flow_logs_policy",
        "AWS::IAM::RolePolicy", {"PolicyName": "deliver-flow-logs", "RoleName": e.Ref(role), "PolicyDocument": document},
        "aws_iam_role_policy", {"name": "deliver-flow-logs", "role": e.Ref(role), "policy": e.JsonEncode(document)},
        name="flow_logs_policy",
    )
    for vpc in vpcs:
        ctx.contribute(vpc, "flow_log_role", e.Attr(role, "Arn", "arn"), e.Attr(role, "Arn", "arn"))
        ctx.depend(vpc, "flow_log", policy)


@unit("alarm_watch")
def alarm_watch(ctx: Context, cid, alarm, target, props):
    """An alarm watches one metric: the first connection (by id) decides; others are ignored."""
    ctx.memo.setdefault("alarm_watch", {}).setdefault(alarm, target)


@finisher
def finish_alarms(ctx: Context) -> None:
    """Dimensions need the ECS cluster, which is only known once every connection is wired."""
    for alarm, target in sorted(ctx.memo.get("alarm_watch", {}).items()):
        props = ctx.props(alarm)
        namespace, metrics, threshold = METRICS[ctx.type_of(target)]
        metric, statistic = metrics[0]
        if props["namespace"] == "auto":
            ctx.contribute(alarm, "namespace", namespace, namespace)
        if props["metric_name"] == "auto":
            ctx.contribute(alarm, "metric", metric, metric)
            if "threshold" not in ctx.resources[alarm].get("properties", {}):
                ctx.contribute(alarm, "threshold", threshold, threshold)
        if props["statistic"] == "auto":
            ctx.contribute(alarm, "statistic", statistic, statistic)
        dims = dimensions(ctx, target)
        for name, value in dims:
            ctx.contribute(alarm, "dimensions", {"Name": name, "Value": value}, None)
        ctx.contribute(alarm, "dimensions", None, dict(dims))


@unit("dashboard_widget")
def dashboard_widget(ctx: Context, cid, dashboard, target, props):
    ctx.memo.setdefault("dashboard_widgets", defaultdict(list))[dashboard].append(target)


def json_text(value) -> object:
    """JSON text of a structure whose leaves may be expressions (strings in the JSON), as one join.

    CloudFormation wants a dashboard body as a string; references are names and
    ARNs, which never need escaping inside a JSON string.
    """
    parts: list = []

    def write(v):
        if isinstance(v, dict):
            parts.append("{")
            for index, (k, item) in enumerate(v.items()):
                parts.append(("," if index else "") + json.dumps(k) + ":")
                write(item)
            parts.append("}")
        elif isinstance(v, list):
            parts.append("[")
            for index, item in enumerate(v):
                if index:
                    parts.append(",")
                write(item)
            parts.append("]")
        elif isinstance(v, (str, int, float, bool)) or v is None:
            parts.append(json.dumps(v))
        else:
            parts.extend(['"', v, '"'])

    write(value)
    return e.join(*parts)


def _widget(ctx: Context, index: int, target: str, period: int) -> dict:
    namespace, metrics, _ = METRICS[ctx.type_of(target)]
    dims = [x for pair in dimensions(ctx, target) for x in pair]
    return {
        "type": "metric",
        "x": (index % 2) * 12,
        "y": (index // 2) * 6,
        "width": 12,
        "height": 6,
        "properties": {
            "title": tag_value(ctx.resources[target].get("label") or target),
            "region": e.Pseudo("region"),
            "view": "timeSeries",
            "stacked": False,
            "period": period,
            "metrics": [[namespace, metric, *dims, {"stat": stat}] for metric, stat in metrics],
        },
    }


@finisher
def finish_dashboards(ctx: Context) -> None:
    for dashboard, targets in sorted(ctx.memo.get("dashboard_widgets", {}).items()):
        period = ctx.props(dashboard)["period"]
        body = {"widgets": [_widget(ctx, i, t, period) for i, t in enumerate(targets)]}
        ctx.contribute(dashboard, "body", json_text(body), e.JsonEncode(body))


@unit("trail_bucket")
def trail_bucket(ctx: Context, cid, trail, bucket, props):
    """Trail -> bucket: the bucket policy CloudTrail checks before it starts, then the trail itself."""
    ctx.contribute(trail, "bucket", ctx.ref(bucket), ctx.ref(bucket))
    name = ctx.physical_name(trail, "", 128)
    # The trail's ARN is built from its name: a GetAtt would make the policy and the trail depend on each other.
    source = {"StringEquals": {"aws:SourceArn": e.arn("cloudtrail", "trail/", name)}}
    bucket_arn = ctx.attr(bucket, "Arn", "arn")
    sid = tf_identifier(trail).replace("_", "")
    statements = (
        {
            "Sid": f"CloudTrailAclCheck{sid}"[:100],
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": bucket_arn,
            "Condition": source,
        },
        {
            "Sid": f"CloudTrailWrite{sid}"[:100],
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": e.join(bucket_arn, "/AWSLogs/", e.Pseudo("account_id"), "/*"),
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", **source["StringEquals"]}},
        },
    )
    for statement in statements:
        ctx.contribute(bucket, "policy", statement, statement)
    ctx.depend(trail, "", ctx.lid(bucket, "policy"))
