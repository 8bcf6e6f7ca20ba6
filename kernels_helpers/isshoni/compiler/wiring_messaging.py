"""Wiring units for connections of messaging (SQS, SNS, EventBridge, Kinesis, Firehose, Step Functions).

Permissions go where AWS looks for them: a function's role for pollers
(event source mappings), resource policies for pushes from a service
principal (SNS -> SQS, EventBridge -> SQS/SNS), Lambda permissions for
invocations, and roles of the pushing side (Scheduler, Firehose, EventBridge
-> Step Functions).  Every grant names the one resource it is for.
"""

from __future__ import annotations

from ..design.errors import DesignError, Problem, json_path
from . import expr as e
from .names import tf_identifier
from .resolve import Context
from .wiring import finisher, policy_document, role_of, role_policy, unit

KEY_USE = ["kms:Decrypt", "kms:GenerateDataKey*"]


def _refuse(cid: str, message: str) -> None:
    raise DesignError([Problem(json_path(["connections", cid]), message, cid)])


def _arn(ctx: Context, rid: str):
    """The ARN of a resource (SNS topics and state machines: their Ref)."""
    if ctx.type_of(rid) in ("sns_topic", "step_function"):
        return ctx.ref(rid, tf="arn")
    return ctx.attr(rid, "Arn", "arn")


def _sid(prefix: str, cid: str) -> str:
    return (prefix + "".join(w.capitalize() for w in tf_identifier(cid).split("_")))[:100]


def _allow(service: str, action: str, resource, source_arn, sid: str) -> dict:
    """A resource-policy statement letting `service` act for one source ARN only."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": action,
        "Resource": resource,
        "Condition": {"ArnEquals": {"aws:SourceArn": source_arn}},
    }


def _lambda_permission(ctx: Context, cid: str, function: str, service: str, source_arn) -> str:
    fn = ctx.attr(function, "Arn", "arn")
    return ctx.add_part(
        cid,
        "invoke",
        "AWS::Lambda::Permission",
        {"FunctionName": fn, "Action": "lambda:InvokeFunction", "Principal": service, "SourceArn": source_arn},
        "aws_lambda_permission",
        {"function_name": fn, "action": "lambda:InvokeFunction", "principal": service, "source_arn": source_arn},
    )


def _service_role(ctx: Context, cid: str, service: str, statements: list) -> e.Ref:
    """A role for one connection, assumed by `service`, with one inline policy."""
    trust = policy_document([{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}])
    tags = ctx.tags(None, "cfn", f"{cid} role"), ctx.tags(None, "tf", f"{cid} role")
    lid = ctx.add_part(
        cid,
        "role",
        "AWS::IAM::Role",
        {"AssumeRolePolicyDocument": trust, "Tags": tags[0]},
        "aws_iam_role",
        {"assume_role_policy": e.JsonEncode(trust), "tags": tags[1]},
    )
    role_policy(ctx, cid, "role_policy", e.Ref(lid), tf_identifier(cid), statements)
    return e.Ref(lid)


# ------------------------------------------------------------------ encrypted topics AWS services publish to


def key_statement(service: str) -> dict:
    sid = "Allow" + "".join(w.capitalize() for w in service.split(".")[0].split("-"))
    return {"Sid": sid[:100], "Effect": "Allow", "Principal": {"Service": service}, "Action": KEY_USE, "Resource": "*"}


def service_publishes(ctx: Context, topic: str, service: str) -> None:
    """An AWS service (CloudWatch alarms, EventBridge) publishes to `topic`.  Encrypted, the topic
    then uses a key of its own that the service may use (the AWS managed key is closed to it)."""
    if not ctx.props(topic).get("encrypted", True):
        return
    services = ctx.memo.setdefault("topic_key_services", {}).setdefault(topic, set())
    if not services:
        ctx.contribute(topic, "key", ctx.ref(topic, "key"), ctx.attr(topic, "Arn", "arn", key="key"))
    if service not in services:
        services.add(service)
        statement = key_statement(service)
        ctx.contribute(topic, "key_statements", statement, statement)


@finisher
def finish_topic_keys(ctx: Context) -> None:
    """Code that publishes to a topic with a key of its own may use that key too."""
    keyed = ctx.memo.get("topic_key_services", {})
    for cid in sorted(ctx.design.connections):
        conn = ctx.design.connections[cid]
        source, topic = conn["source"], conn["target"]
        if topic not in keyed or not ctx.has_part(topic, "key"):
            continue
        link = ctx.entry(source).link_to(ctx.type_of(topic))
        role = role_of(ctx, source)
        if link is None or link.wiring != "iam_access" or role is None or ctx.conn_props(cid).get("access") == "read":
            continue
        statement = {"Effect": "Allow", "Action": KEY_USE, "Resource": ctx.attr(topic, "Arn", "arn", key="key")}
        role_policy(ctx, cid, "key_policy", role, f"{tf_identifier(cid)}-key", [statement])


# ------------------------------------------------------------------ event source mappings


def _event_source(ctx: Context, cid, source, function, props, actions: tuple, extra: tuple = ()) -> None:
    """Lambda polls the source: read policy on the function's role, then the mapping (which checks it)."""
    source_arn = ctx.attr(source, "Arn", "arn")
    depends = []
    role = role_of(ctx, function)
    if role is not None:
        statement = {"Effect": "Allow", "Action": list(actions), "Resource": source_arn}
        depends.append(role_policy(ctx, cid, "policy", role, f"{tf_identifier(cid)}-poll", [statement]))
    fn = ctx.attr(function, "Arn", "arn")
    cfn = {"EventSourceArn": source_arn, "FunctionName": fn, "BatchSize": props["batch_size"], "Enabled": True}
    tf = {"event_source_arn": source_arn, "function_name": fn, "batch_size": props["batch_size"], "enabled": True}
    for cfn_key, tf_key, value in extra:
        cfn[cfn_key] = value
        tf[tf_key] = value
    cfn["Tags"], tf["tags"] = ctx.tags(None, "cfn", f"{cid} trigger"), ctx.tags(None, "tf", f"{cid} trigger")
    ctx.add_part(cid, "mapping", "AWS::Lambda::EventSourceMapping", cfn, "aws_lambda_event_source_mapping", tf, depends)


@unit("queue_trigger")
def queue_trigger(ctx: Context, cid, queue, function, props):
    """SQS -> Lambda: the function receives, deletes and inspects messages of this queue only."""
    visibility, timeout = ctx.props(queue)["visibility_timeout"], ctx.props(function).get("timeout", 3)
    if isinstance(timeout, int) and visibility < timeout:
        _refuse(cid, f"queue {queue!r} hides messages for {visibility} s, less than the {timeout} s timeout of {function!r}; AWS refuses the trigger")
    actions = ("sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage")
    _event_source(ctx, cid, queue, function, props, actions)


@unit("stream_trigger")
def stream_trigger(ctx: Context, cid, stream, function, props):
    """Kinesis -> Lambda: the function reads this stream from the latest record."""
    actions = (
        "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator",
        "kinesis:ListShards", "kinesis:SubscribeToShard",
    )
    _event_source(ctx, cid, stream, function, props, actions, (("StartingPosition", "starting_position", "LATEST"),))


# ------------------------------------------------------------------ SNS


@unit("sns_subscription")
def sns_subscription(ctx: Context, cid, topic, target, props):
    """SNS -> SQS (queue policy for this topic) or SNS -> Lambda (invoke permission for this topic)."""
    topic_arn = ctx.ref(topic, tf="arn")
    endpoint = ctx.attr(target, "Arn", "arn")
    cfn = {"TopicArn": topic_arn, "Protocol": "", "Endpoint": endpoint}
    tf = {"topic_arn": topic_arn, "protocol": "", "endpoint": endpoint}
    if ctx.type_of(target) == "sqs_queue":
        if ctx.props(target).get("fifo"):
            _refuse(cid, f"a standard SNS topic cannot deliver to the FIFO queue {target!r}")
        statement = _allow("sns.amazonaws.com", "sqs:SendMessage", endpoint, topic_arn, _sid("Sns", cid))
        ctx.contribute(target, "policy", statement, statement)
        raw = bool(props.get("raw_message_delivery", True))
        cfn.update(Protocol="sqs", RawMessageDelivery=raw)
        tf.update(protocol="sqs", raw_message_delivery=raw)
        depends = [ctx.lid(target, "policy")]
    else:
        cfn["Protocol"] = tf["protocol"] = "lambda"
        depends = [_lambda_permission(ctx, cid, target, "sns.amazonaws.com", topic_arn)]
    ctx.add_part(cid, "subscription", "AWS::SNS::Subscription", cfn, "aws_sns_topic_subscription", tf, depends)


# ------------------------------------------------------------------ EventBridge rules


@unit("rule_bus")
def rule_bus(ctx: Context, cid, rule, bus, props):
    """The rule listens on a custom bus instead of the default one (schedules only run on the default bus)."""
    if ctx.props(rule).get("schedule"):
        _refuse(cid, f"rule {rule!r} has a schedule; scheduled rules only run on the default event bus")
    if ctx.slots.get((rule, "bus")):
        _refuse(cid, f"rule {rule!r} is already connected to an event bus")
    ctx.contribute(rule, "bus", ctx.ref(bus), ctx.ref(bus))


@unit("event_target")
def event_target(ctx: Context, cid, rule, target, props):
    """A rule target: CFN lists it on the rule, Terraform as its own resource; plus what lets EventBridge deliver."""
    rule_arn = ctx.attr(rule, "Arn", "arn")
    kind = ctx.type_of(target)
    target_arn = _arn(ctx, target)
    target_id = tf_identifier(cid)[:64]
    cfn = {"Id": target_id, "Arn": target_arn}
    tf = {"rule": ctx.ref(rule, tf="name"), "event_bus_name": ctx.ref(rule, tf="event_bus_name"), "target_id": target_id, "arn": target_arn}
    depends = []
    if len(ctx.slots.get((rule, "targets"), [])) >= 5:
        _refuse(cid, f"rule {rule!r} already has 5 targets, the most EventBridge allows")
    if kind == "lambda_function":
        depends.append(_lambda_permission(ctx, cid, target, "events.amazonaws.com", rule_arn))
    elif kind == "sqs_queue":
        statement = _allow("events.amazonaws.com", "sqs:SendMessage", target_arn, rule_arn, _sid("Events", cid))
        ctx.contribute(target, "policy", statement, statement)
        depends.append(ctx.lid(target, "policy"))
        if ctx.props(target).get("fifo"):
            cfn["SqsParameters"] = {"MessageGroupId": target_id}
            tf["sqs_target"] = e.Block({"message_group_id": target_id})
    elif kind == "sns_topic":
        service_publishes(ctx, target, "events.amazonaws.com")
        statement = _allow("events.amazonaws.com", "sns:Publish", target_arn, rule_arn, _sid("Events", cid))
        ctx.contribute(target, "policy", statement, statement)
        depends.append(ctx.lid(target, "policy"))
    elif kind == "step_function":
        statement = {"Effect": "Allow", "Action": "states:StartExecution", "Resource": target_arn}
        role = _service_role(ctx, cid, "events.amazonaws.com", [statement])
        cfn["RoleArn"] = tf["role_arn"] = e.Attr(role.lid, "Arn", "arn")
    ctx.contribute(rule, "targets", cfn, None)
    # CloudFormation: the rule lists the target inline (the permission refers to the rule, so no dependency).
    ctx.add_part(cid, "target", None, {}, "aws_cloudwatch_event_target", tf, depends)


# ------------------------------------------------------------------ S3 object events


@unit("bucket_events")
def bucket_events(ctx: Context, cid, bucket, function, props):
    """New objects in the bucket run the function: the bucket sends its events to EventBridge and a rule for
    this bucket's Object Created events invokes the function.  (Not the bucket's own Lambda notification:
    its permission would name the bucket's ARN while the bucket waits for the permission, a cycle.)"""
    if not ctx.slots.get((bucket, "notification")):  # one switch per bucket, however many functions
        ctx.contribute(bucket, "notification", {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}, None)
        ctx.add_part(bucket, "notification", None, {}, "aws_s3_bucket_notification",
                     {"bucket": ctx.ref(bucket), "eventbridge": True})
    pattern = {"source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": [ctx.ref(bucket)]}}}
    prefix = props.get("prefix") or ""
    if prefix:
        pattern["detail"]["object"] = {"key": [{"prefix": prefix}]}
    target_id = tf_identifier(cid)[:64]
    rule = ctx.add_part(
        cid, "rule", "AWS::Events::Rule",
        {"Description": f"New objects in {bucket} run {function}", "State": "ENABLED", "EventPattern": pattern,
         "Targets": [{"Id": target_id, "Arn": ctx.attr(function, "Arn", "arn")}]},
        "aws_cloudwatch_event_rule",
        {"description": f"New objects in {bucket} run {function}", "event_pattern": e.JsonEncode(pattern),
         "tags": ctx.tags(None, "tf", f"{cid} rule")},
    )
    rule_arn = e.Attr(rule, "Arn", "arn")
    permission = _lambda_permission(ctx, cid, function, "events.amazonaws.com", rule_arn)
    ctx.add_part(cid, "target", None, {}, "aws_cloudwatch_event_target",
                 {"rule": e.Ref(rule, "name"), "target_id": target_id, "arn": ctx.attr(function, "Arn", "arn")}, [permission])


# ------------------------------------------------------------------ EventBridge Scheduler


@unit("schedule_target")
def schedule_target(ctx: Context, cid, schedule, target, props):
    """The schedule runs one target with its own role (Scheduler needs no resource policies)."""
    if ctx.slots.get((schedule, "target")):
        _refuse(cid, f"schedule {schedule!r} already has a target; a schedule runs exactly one")
    kind = ctx.type_of(target)
    target_arn = _arn(ctx, target)
    if kind == "lambda_function":
        statement = {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": [target_arn, e.join(target_arn, ":*")]}
    elif kind == "sqs_queue":
        statement = {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": target_arn}
    else:
        statement = {"Effect": "Allow", "Action": "states:StartExecution", "Resource": target_arn}
    role = ctx.ref(schedule, "role")
    policy = role_policy(ctx, cid, "policy", role, f"{tf_identifier(cid)}-run", [statement])
    role_arn = ctx.attr(schedule, "Arn", "arn", key="role")
    cfn = {"Arn": target_arn, "RoleArn": role_arn}
    tf = {"arn": target_arn, "role_arn": role_arn}
    if kind == "sqs_queue" and ctx.props(target).get("fifo"):
        group = tf_identifier(schedule)[:128]
        cfn["SqsParameters"] = {"MessageGroupId": group}
        tf["sqs_parameters"] = e.Block({"message_group_id": group})
    ctx.contribute(schedule, "target", cfn, e.Block(tf))
    ctx.depend(schedule, "", policy)


# ------------------------------------------------------------------ Firehose


@unit("firehose_destination")
def firehose_destination(ctx: Context, cid, stream, bucket, props):
    """Firehose -> S3: a role Firehose assumes, allowed to write into this bucket only."""
    if ctx.slots.get((stream, "destination")):
        _refuse(cid, f"Firehose stream {stream!r} already delivers to a bucket")
    bucket_arn = ctx.attr(bucket, "Arn", "arn")
    statement = {
        "Effect": "Allow",
        "Action": [
            "s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket",
            "s3:ListBucketMultipartUploads", "s3:PutObject",
        ],
        "Resource": [bucket_arn, e.join(bucket_arn, "/*")],
    }
    role = _service_role(ctx, cid, "firehose.amazonaws.com", [statement])
    role_arn = e.Attr(role.lid, "Arn", "arn")
    p = ctx.props(stream)
    cfn = {
        "BucketARN": bucket_arn,
        "RoleARN": role_arn,
        "BufferingHints": {"IntervalInSeconds": p["buffer_seconds"], "SizeInMBs": p["buffer_mb"]},
        "CompressionFormat": p["compression"],
    }
    tf = {
        "bucket_arn": bucket_arn,
        "role_arn": role_arn,
        "buffering_interval": p["buffer_seconds"],
        "buffering_size": p["buffer_mb"],
        "compression_format": p["compression"],
    }
    if p.get("prefix"):
        cfn["Prefix"] = tf["prefix"] = p["prefix"]
        cfn["ErrorOutputPrefix"] = tf["error_output_prefix"] = "errors/"
    ctx.contribute(stream, "destination", cfn, e.Block(tf))
    ctx.depend(stream, "", ctx.lid(cid, "role_policy"))


# ------------------------------------------------------------------ Step Functions


@unit("sfn_invoke")
def sfn_invoke(ctx: Context, cid, machine, function, props):
    """Step Functions -> Lambda: the state machine's role may invoke the function (and its versions)."""
    fn = ctx.attr(function, "Arn", "arn")
    statement = {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": [fn, e.join(fn, ":*")]}
    # No dependency of the state machine on this policy: Step Functions checks it only when a task runs,
    # and a function that starts this state machine (iam_access) would make a cycle.
    role_policy(ctx, cid, "policy", ctx.ref(machine, "role"), f"{tf_identifier(cid)}-invoke", [statement])
