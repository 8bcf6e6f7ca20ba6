"""Messaging: SQS, SNS, EventBridge (buses, rules, schedules), Kinesis, Firehose, Step Functions.

Each entry is also a target of computes' `iam_access` connections (`iam`,
`iam_resources`, `env`).  Connections between messaging resources (fan-out,
triggers, rule targets) are wired in `compiler/wiring_messaging.py`.
"""

from __future__ import annotations

from ..compiler.expr import Block, JsonEncode
from .common import role, service_key
from .messaging_common import ACCESS, ARN, LAMBDA, _resource_policy, _when, json_document  # noqa: F401
from .messaging_email import SES_IDENTITY, SNS_SUBSCRIBER
from .messaging_streams import FIREHOSE_STREAM, KINESIS_STREAM, STEP_FUNCTION
from .spec import (
    Emit,
    If,
    J,
    Link,
    Name,
    Output,
    P,
    ResourceType,
    Self,
    SelfAttr,
    Slot,
    Tags,
    prop,
)

# ---------------------------------------------------------------- SQS

SQS_READ = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl")
SQS_WRITE = ("sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl")
_QUEUE_NAME = If("fifo", True, J(Name(max=75), ".fifo"), Name())
_DLQ_NAME = If("fifo", True, J(Name(suffix="dlq", max=75), ".fifo"), Name(suffix="dlq"))
_REDRIVE = {"deadLetterTargetArn": SelfAttr("dlq", "Arn", "arn"), "maxReceiveCount": P("max_receive_count")}

SQS_QUEUE = ResourceType(
    type="sqs_queue",
    label="SQS queue",
    aliases=("SQS", "queue", "SQS queue", "message queue", "job queue", "DLQ", "dead letter queue"),
    category="messaging",
    icon="aws-sqs",
    description="A message queue, encrypted with SQS-managed keys; optionally FIFO and with a dead-letter queue.",
    properties={
        "fifo": prop("boolean", False, "First-in-first-out queue with exactly-once processing (name ends in .fifo)"),
        "content_based_deduplication": prop("boolean", False, "FIFO only: deduplicate by message body hash"),
        "visibility_timeout": prop("integer", 30, "Seconds a received message stays hidden (at least the consumer's timeout)", minimum=0, maximum=43200),
        "retention_seconds": prop("integer", 345600, "How long messages are kept (60 s to 14 days)", minimum=60, maximum=1209600),
        "receive_wait_seconds": prop("integer", 0, "Long polling wait (0 to 20 s)", minimum=0, maximum=20),
        "dead_letter": prop("boolean", False, "Move messages that keep failing to a dead-letter queue"),
        "max_receive_count": prop("integer", 5, "Receives before a message goes to the dead-letter queue", minimum=1, maximum=1000),
    },
    env={"QUEUE_URL": Self()},
    iam={"read": SQS_READ, "write": SQS_WRITE, "readwrite": tuple(dict.fromkeys(SQS_READ + SQS_WRITE))},
    iam_resources=(ARN,),
    links=(
        Link(
            LAMBDA,
            "queue_trigger",
            "triggers it: an event source mapping, and a policy letting the function's role receive and delete messages",
            {"batch_size": prop("integer", 10, "Messages per invocation", minimum=1, maximum=10)},
        ),
    ),
    emits=(
        Emit(
            "",
            "AWS::SQS::Queue",
            {
                "QueueName": _QUEUE_NAME,
                "FifoQueue": If("fifo", True, True),
                "ContentBasedDeduplication": If("fifo", True, P("content_based_deduplication")),
                "SqsManagedSseEnabled": True,
                "VisibilityTimeout": P("visibility_timeout"),
                "MessageRetentionPeriod": P("retention_seconds"),
                "ReceiveMessageWaitTimeSeconds": P("receive_wait_seconds"),
                "RedrivePolicy": If("dead_letter", True, _REDRIVE),
                "Tags": Tags(),
            },
            "aws_sqs_queue",
            {
                "name": _QUEUE_NAME,
                "fifo_queue": If("fifo", True, True),
                "content_based_deduplication": If("fifo", True, P("content_based_deduplication")),
                "sqs_managed_sse_enabled": True,
                "visibility_timeout_seconds": P("visibility_timeout"),
                "message_retention_seconds": P("retention_seconds"),
                "receive_wait_time_seconds": P("receive_wait_seconds"),
                "redrive_policy": If("dead_letter", True, JsonEncode(_REDRIVE)),
                "tags": Tags(),
            },
        ),
        Emit(
            "dlq",
            "AWS::SQS::Queue",
            {
                "QueueName": _DLQ_NAME,
                "FifoQueue": If("fifo", True, True),
                "SqsManagedSseEnabled": True,
                "MessageRetentionPeriod": 1209600,
                "Tags": Tags(),
            },
            "aws_sqs_queue",
            {
                "name": _DLQ_NAME,
                "fifo_queue": If("fifo", True, True),
                "sqs_managed_sse_enabled": True,
                "message_retention_seconds": 1209600,
                "tags": Tags(),
            },
            when=("dead_letter", True),
        ),
        _resource_policy("AWS::SQS::QueuePolicy", {"Queues": [Self()]}, "aws_sqs_queue_policy", {"queue_url": Self()}),
    ),
    outputs=(
        Output("url", "Queue URL", Self(), Self()),
        Output("arn", "Queue ARN", ARN, ARN),
    ),
    accepted={
        "CKV_AWS_27": "encrypted with SQS-managed keys (SqsManagedSseEnabled), which SNS and EventBridge can deliver to "
        "without a key policy; the CloudFormation check reads only KmsMasterKeyId",
    },
    cost={"monthly": 0, "note": "$0.40 per million requests after the free tier"},
)

# ---------------------------------------------------------------- SNS

TOPIC_ARN = Self(tf="arn")
_TOPIC_KEY = Slot("key", single=True, default="alias/aws/sns")  # wiring gives the topic its own key when a service publishes

SNS_TOPIC = ResourceType(
    type="sns_topic",
    label="SNS topic",
    aliases=("SNS", "topic", "SNS topic", "pub/sub", "notifications", "fan-out"),
    category="messaging",
    icon="aws-sns",
    description=(
        "A publish/subscribe topic, encrypted (with the AWS managed key, or with a key of its own once AWS services such "
        "as CloudWatch alarms or EventBridge publish to it); fans out to queues and functions."
    ),
    properties={
        "encrypted": prop(
            "boolean", True,
            "Encrypt messages at rest (AWS managed key alias/aws/sns; a key of the topic's own when AWS services publish to it)",
        ),
    },
    env={"TOPIC_ARN": TOPIC_ARN},
    iam={
        "read": ("sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic"),
        "write": ("sns:Publish",),
        "readwrite": ("sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:Publish"),
    },
    iam_resources=(TOPIC_ARN,),
    links=(
        Link(
            ("sqs_queue",),
            "sns_subscription",
            "fans out to it: an SQS subscription and a queue policy letting this topic send messages",
            {"raw_message_delivery": prop("boolean", True, "Deliver the message body as is, without the SNS envelope")},
        ),
        Link(LAMBDA, "sns_subscription", "invokes it for every message: a Lambda subscription and an invoke permission for this topic"),
        Link(
            ("sns_subscriber",), "sns_endpoint",
            "sends every message to this person: an e-mail or SMS subscription to its address or number (asked at deploy time when not set)",
        ),
    ),
    emits=(
        Emit(
            "",
            "AWS::SNS::Topic",
            {"TopicName": Name(max=256), "KmsMasterKeyId": If("encrypted", True, _TOPIC_KEY), "Tags": Tags()},
            "aws_sns_topic",
            {"name": Name(max=256), "kms_master_key_id": If("encrypted", True, _TOPIC_KEY), "tags": Tags()},
        ),
        service_key("key", "Key of an SNS topic AWS services publish to", ("@slot", "key_statements")),
        _resource_policy("AWS::SNS::TopicPolicy", {"Topics": [TOPIC_ARN]}, "aws_sns_topic_policy", {"arn": TOPIC_ARN}),
    ),
    outputs=(Output("arn", "Topic ARN", TOPIC_ARN, TOPIC_ARN),),
    cost={"monthly": 0, "note": "$0.50 per million publishes after the free tier, deliveries extra"},
)

# ---------------------------------------------------------------- EventBridge

EVENTBRIDGE_BUS = ResourceType(
    type="eventbridge_bus",
    label="EventBridge bus",
    aliases=("EventBridge", "event bus", "EventBridge bus", "events"),
    category="messaging",
    icon="aws-eventbridge",
    description="A custom event bus; rules connected to it route its events.",
    properties={},
    env={"BUS_NAME": Self()},
    iam={
        "read": ("events:DescribeEventBus",),
        "write": ("events:PutEvents",),
        "readwrite": ("events:DescribeEventBus", "events:PutEvents"),
    },
    iam_resources=(ARN,),
    emits=(
        Emit("", "AWS::Events::EventBus", {"Name": Name(max=256), "Tags": Tags()}, "aws_cloudwatch_event_bus", {"name": Name(max=256), "tags": Tags()}),
    ),
    outputs=(Output("name", "Event bus name", Self(), Self()), Output("arn", "Event bus ARN", ARN, ARN)),
    cost={"monthly": 0, "note": "$1 per million custom events"},
)

RULE_TARGETS = ("lambda_function", "sqs_queue", "sns_topic", "step_function")
SCHEDULE = r"^((rate\((1 (minute|hour|day)|[1-9][0-9]{0,4} (minutes|hours|days))\))|(cron\([0-9A-Za-z*?,/#\- ]{9,100}\)))$"

EVENTBRIDGE_RULE = ResourceType(
    type="eventbridge_rule",
    label="EventBridge rule",
    aliases=("EventBridge rule", "event rule", "rule"),
    category="messaging",
    icon="aws-eventbridge",
    description="Matches events (on the default bus unless connected to a bus) or runs on a schedule, and sends them to its targets.",
    properties={
        "event_pattern": json_document("event_pattern", {"source": ["isshoni.app"]}, "Event pattern (JSON) the rule matches"),
        "schedule": prop("string", "", "Schedule expression instead of a pattern, e.g. rate(5 minutes) (default bus only)", pattern=f"^$|{SCHEDULE}"),
        "enabled": prop("boolean", True, "Whether the rule is active"),
    },
    links=(
        Link(("eventbridge_bus",), "rule_bus", "listens on this bus (otherwise on the account's default bus)"),
        Link(
            RULE_TARGETS,
            "event_target",
            "sends matching events to it: a rule target plus the permission (invoke permission, resource policy or role) it needs",
        ),
    ),
    emits=(
        Emit(
            "",
            "AWS::Events::Rule",
            {
                "Name": Name(max=64),
                "EventBusName": Slot("bus", single=True),
                "EventPattern": If("schedule", "", P("event_pattern")),
                "ScheduleExpression": If("schedule", "", None, P("schedule")),
                "State": If("enabled", True, "ENABLED", "DISABLED"),
                "Targets": Slot("targets"),
                "Tags": Tags(),
            },
            "aws_cloudwatch_event_rule",
            {
                "name": Name(max=64),
                "event_bus_name": Slot("bus", single=True),
                "event_pattern": If("schedule", "", JsonEncode(P("event_pattern"))),
                "schedule_expression": If("schedule", "", None, P("schedule")),
                "state": If("enabled", True, "ENABLED", "DISABLED"),
                "tags": Tags(),
            },
        ),
    ),
    outputs=(Output("arn", "Rule ARN", ARN, ARN),),
    cost={"monthly": 0, "note": "AWS events free; custom events billed on the bus"},
)

SCHEDULE_TARGETS = ("lambda_function", "sqs_queue", "step_function")
_SCHEDULE_WHEN = ("@slot", "target")

EVENTBRIDGE_SCHEDULE = ResourceType(
    type="eventbridge_schedule",
    label="EventBridge schedule",
    aliases=("scheduler", "schedule", "cron", "EventBridge Scheduler", "timer"),
    category="messaging",
    icon="aws-eventbridge",
    description="An EventBridge Scheduler schedule (rate or cron) that runs the resource it is connected to, through its own role.",
    properties={
        "schedule": prop("string", "rate(1 hour)", "rate(...) or cron(...) expression", pattern=SCHEDULE),
        "timezone": prop("string", "UTC", "Time zone of cron expressions (IANA name)", pattern=r"^[A-Za-z]+(/[A-Za-z0-9_+-]+){0,2}$"),
        "enabled": prop("boolean", True, "Whether the schedule is active"),
    },
    role="role",
    links=(
        Link(SCHEDULE_TARGETS, "schedule_target", "runs it on the schedule: the schedule's role may invoke, send to or start it"),
    ),
    emits=(
        Emit(
            "",
            "AWS::Scheduler::Schedule",
            {
                "Name": Name(max=64),
                "ScheduleExpression": P("schedule"),
                "ScheduleExpressionTimezone": P("timezone"),
                "FlexibleTimeWindow": {"Mode": "OFF"},
                "State": If("enabled", True, "ENABLED", "DISABLED"),
                "Target": Slot("target", single=True),
            },
            "aws_scheduler_schedule",
            {
                "name": Name(max=64),
                "schedule_expression": P("schedule"),
                "schedule_expression_timezone": P("timezone"),
                "flexible_time_window": Block({"mode": "OFF"}),
                "state": If("enabled", True, "ENABLED", "DISABLED"),
                "target": Slot("target", single=True),
            },
            when=_SCHEDULE_WHEN,
        ),
        *_when(role("role", "scheduler.amazonaws.com"), _SCHEDULE_WHEN),
    ),
    cost={"monthly": 0, "note": "$1 per million invocations after 14 million free"},
)

TYPES = (
    SQS_QUEUE, SNS_TOPIC, EVENTBRIDGE_BUS, EVENTBRIDGE_RULE, EVENTBRIDGE_SCHEDULE, KINESIS_STREAM, FIREHOSE_STREAM, STEP_FUNCTION,
    SNS_SUBSCRIBER, SES_IDENTITY,
)
