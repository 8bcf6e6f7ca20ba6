"""Messaging: SQS, SNS, EventBridge (buses, rules, schedules), Kinesis, Firehose, Step Functions.

Each entry is also a target of computes' `iam_access` connections (`iam`,
`iam_resources`, `env`).  Connections between messaging resources (fan-out,
triggers, rule targets) are wired in `compiler/wiring_messaging.py`.
"""

from __future__ import annotations

from ..compiler.expr import Block, JsonEncode
from .common import role, role_arn
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
    arn,
    enum,
    prop,
)

ACCESS = {"access": enum(("read", "write", "readwrite"), "readwrite", "What the state machine may do with it")}
LAMBDA = ("lambda_function",)

# A user-written JSON document (event pattern, state machine definition) lands
# in CloudFormation as structure, where `Ref` and `Fn::*` keys would be
# evaluated as intrinsics; the schema refuses those keys at any depth.
_NOT_INTRINSIC = {"not": {"pattern": r"^(Ref|Fn::.*)$"}}


def json_document(name: str, default: dict, description: str) -> dict:
    """A JSON-object property whose keys, at any depth, are never CloudFormation intrinsics."""
    return {
        "$id": f"https://isshoni.dev/schemas/json-document/{name}",  # an http(s) base: fastjsonschema resolves `#/$defs` against it
        "type": "object",
        "description": description,
        "default": default,
        # the top level is the value rule spelled out, not a `$ref` beside `$id`:
        # fastjsonschema (draft-07 habits) ignores the siblings of a `$ref`
        "propertyNames": _NOT_INTRINSIC,
        "additionalProperties": {"$ref": "#/$defs/value"},
        "$defs": {
            "value": {"propertyNames": _NOT_INTRINSIC, "additionalProperties": {"$ref": "#/$defs/value"}, "items": {"$ref": "#/$defs/value"}},
        },
    }


def _when(parts: tuple, when: tuple) -> tuple:
    return tuple(Emit(p.key, p.cfn_type, p.cfn, p.tf_type, p.tf, when, p.depends_on) for p in parts)


def _resource_policy(cfn_type: str, cfn_target: dict, tf_type: str, tf_target: dict) -> Emit:
    """A resource policy holding the statements connections put into Slot('policy')."""
    doc = {"Version": "2012-10-17", "Statement": Slot("policy")}
    return Emit(
        "policy", cfn_type, {**cfn_target, "PolicyDocument": doc}, tf_type, {**tf_target, "policy": JsonEncode(doc)}, when=("@slot", "policy")
    )


ARN = SelfAttr("", "Arn", "arn")

# ---------------------------------------------------------------- SQS

SQS_READ = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl")
SQS_WRITE = ("sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl")
_QUEUE_NAME = If("fifo", True, J(Name(max=75), ".fifo"), Name())
_DLQ_NAME = If("fifo", True, J(Name(suffix="dlq", max=75), ".fifo"), Name(suffix="dlq"))
_REDRIVE = {"deadLetterTargetArn": SelfAttr("dlq", "Arn", "arn"), "maxReceiveCount": P("max_receive_count")}

SQS_QUEUE = ResourceType(
    type="sqs_queue",
    label="SQS queue",
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
    cost={"monthly": 0, "note": "$0.40 per million requests after the free tier"},
)

# ---------------------------------------------------------------- SNS

TOPIC_ARN = Self(tf="arn")

SNS_TOPIC = ResourceType(
    type="sns_topic",
    label="SNS topic",
    category="messaging",
    icon="aws-sns",
    description="A publish/subscribe topic, encrypted with the AWS managed key; fans out to queues and functions.",
    properties={
        "encrypted": prop(
            "boolean", True,
            "Encrypt with the AWS managed key alias/aws/sns (EventBridge rules and other AWS services cannot publish to such a topic)",
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
    ),
    emits=(
        Emit(
            "",
            "AWS::SNS::Topic",
            {"TopicName": Name(max=256), "KmsMasterKeyId": If("encrypted", True, "alias/aws/sns"), "Tags": Tags()},
            "aws_sns_topic",
            {"name": Name(max=256), "kms_master_key_id": If("encrypted", True, "alias/aws/sns"), "tags": Tags()},
        ),
        _resource_policy("AWS::SNS::TopicPolicy", {"Topics": [TOPIC_ARN]}, "aws_sns_topic_policy", {"arn": TOPIC_ARN}),
    ),
    outputs=(Output("arn", "Topic ARN", TOPIC_ARN, TOPIC_ARN),),
    cost={"monthly": 0, "note": "$0.50 per million publishes after the free tier, deliveries extra"},
)

# ---------------------------------------------------------------- EventBridge

EVENTBRIDGE_BUS = ResourceType(
    type="eventbridge_bus",
    label="EventBridge bus",
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

# ---------------------------------------------------------------- Kinesis

KINESIS_READ = (
    "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator",
    "kinesis:ListShards", "kinesis:SubscribeToShard",
)
KINESIS_WRITE = ("kinesis:DescribeStreamSummary", "kinesis:PutRecord", "kinesis:PutRecords")

KINESIS_STREAM = ResourceType(
    type="kinesis_stream",
    label="Kinesis data stream",
    category="messaging",
    icon="aws-kinesis",
    description="An on-demand data stream, encrypted with the AWS managed key.",
    properties={
        "retention_hours": prop("integer", 24, "How long records are kept (24 hours to 365 days)", minimum=24, maximum=8760),
    },
    env={"STREAM_NAME": Self(tf="name")},
    iam={"read": KINESIS_READ, "write": KINESIS_WRITE, "readwrite": tuple(dict.fromkeys(KINESIS_READ + KINESIS_WRITE))},
    iam_resources=(ARN,),
    links=(
        Link(
            LAMBDA,
            "stream_trigger",
            "triggers it: an event source mapping from the latest record, and a read policy on the function's role",
            {"batch_size": prop("integer", 100, "Records per invocation", minimum=1, maximum=10000)},
        ),
    ),
    emits=(
        Emit(
            "",
            "AWS::Kinesis::Stream",
            {
                "Name": Name(max=128),
                "StreamModeDetails": {"StreamMode": "ON_DEMAND"},
                "RetentionPeriodHours": P("retention_hours"),
                "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"},
                "Tags": Tags(),
            },
            "aws_kinesis_stream",
            {
                "name": Name(max=128),
                "stream_mode_details": Block({"stream_mode": "ON_DEMAND"}),
                "retention_period": P("retention_hours"),
                "encryption_type": "KMS",
                "kms_key_id": "alias/aws/kinesis",
                "tags": Tags(),
            },
        ),
    ),
    outputs=(Output("name", "Stream name", Self(), Self(tf="name")), Output("arn", "Stream ARN", ARN, ARN)),
    cost={"monthly": 28.8, "note": "on-demand stream hours, plus per GB in and out"},
)

# ---------------------------------------------------------------- Firehose

FIREHOSE_STREAM = ResourceType(
    type="firehose_stream",
    label="Firehose stream",
    category="messaging",
    icon="aws-kinesis-firehose",
    description="A Data Firehose delivery stream that batches records into the S3 bucket it is connected to.",
    properties={
        "buffer_seconds": prop("integer", 300, "Deliver at least this often (seconds)", minimum=0, maximum=900),
        "buffer_mb": prop("integer", 5, "Deliver when this much has arrived (MiB)", minimum=1, maximum=128),
        "compression": enum(("UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY"), "GZIP", "Compression of delivered objects"),
        "prefix": prop("string", "", "S3 key prefix of delivered objects (empty: year/month/day/hour)", pattern=r"^([A-Za-z0-9_.=-]{1,200}/)?$"),
    },
    env={"STREAM_NAME": Self(tf="name")},
    iam={
        "read": ("firehose:DescribeDeliveryStream",),
        "write": ("firehose:PutRecord", "firehose:PutRecordBatch"),
        "readwrite": ("firehose:DescribeDeliveryStream", "firehose:PutRecord", "firehose:PutRecordBatch"),
    },
    iam_resources=(ARN,),
    links=(
        Link(("s3_bucket",), "firehose_destination", "delivers to this bucket: the stream's role may write to it"),
    ),
    emits=(
        Emit(
            "",
            "AWS::KinesisFirehose::DeliveryStream",
            {
                "DeliveryStreamName": Name(max=64),
                "DeliveryStreamType": "DirectPut",
                "DeliveryStreamEncryptionConfigurationInput": {"KeyType": "AWS_OWNED_CMK"},
                "ExtendedS3DestinationConfiguration": Slot("destination", single=True),
                "Tags": Tags(),
            },
            "aws_kinesis_firehose_delivery_stream",
            {
                "name": Name(max=64),
                "destination": "extended_s3",
                "server_side_encryption": Block({"enabled": True, "key_type": "AWS_OWNED_CMK"}),
                "extended_s3_configuration": Slot("destination", single=True),
                "tags": Tags(),
            },
            when=("@slot", "destination"),
        ),
    ),
    cost={"monthly": 0, "note": "$0.029 per GB ingested"},
)

# ---------------------------------------------------------------- Step Functions

PASS_DEFINITION = {
    "Comment": "Placeholder: replace with your workflow",
    "StartAt": "Start",
    "States": {"Start": {"Type": "Pass", "End": True}},
}
SFN_READ = ("states:DescribeStateMachine", "states:ListExecutions", "states:DescribeExecution", "states:GetExecutionHistory")
SFN_WRITE = ("states:StartExecution", "states:StopExecution")
SFN_NAME = Name(max=80)
LOG_DELIVERY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeLogGroups", "logs:DescribeResourcePolicies",
                "logs:GetLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:UpdateLogDelivery",
            ],
            "Resource": "*",
        }
    ],
}
_LOGGING = ("logging", True)

STEP_FUNCTION = ResourceType(
    type="step_function",
    label="Step Functions state machine",
    category="messaging",
    icon="aws-step-functions",
    description="A Standard workflow with its own role (states.amazonaws.com); connections grant it what its states call.",
    properties={
        "definition": json_document("definition", PASS_DEFINITION, "Amazon States Language definition (JSON)"),
        "logging": prop("boolean", True, "Log executions to CloudWatch Logs"),
        "log_level": enum(("ERROR", "FATAL", "ALL"), "ERROR", "Which execution events are logged"),
        "log_retention_days": enum((1, 3, 5, 7, 14, 30, 60, 90, 180, 365), 14, "Log retention in days", type="integer"),
        "tracing": prop("boolean", False, "Trace executions with X-Ray"),
    },
    role="role",
    env={"STATE_MACHINE_ARN": Self()},
    iam={"read": SFN_READ, "write": SFN_WRITE, "readwrite": SFN_READ + SFN_WRITE},
    iam_resources=(Self(), arn("states", "execution:", SFN_NAME, ":*")),
    links=(
        Link(LAMBDA, "sfn_invoke", "invokes it from a task state: the state machine's role may invoke the function"),
        Link(
            ("dynamodb_table", "sqs_queue", "sns_topic", "eventbridge_bus"),
            "iam_access",
            "calls it from SDK-integration task states: a least-privilege policy on the state machine's role",
            ACCESS,
        ),
    ),
    emits=(
        Emit(
            "",
            "AWS::StepFunctions::StateMachine",
            {
                "StateMachineName": SFN_NAME,
                "StateMachineType": "STANDARD",
                "RoleArn": role_arn(),
                "Definition": P("definition"),
                "LoggingConfiguration": If(
                    *_LOGGING,
                    {
                        "Level": P("log_level"),
                        "IncludeExecutionData": False,
                        "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": SelfAttr("logs", "Arn", "arn")}}],
                    },
                ),
                "TracingConfiguration": {"Enabled": P("tracing")},
                "Tags": Tags(),
            },
            "aws_sfn_state_machine",
            {
                "name": SFN_NAME,
                "type": "STANDARD",
                "role_arn": role_arn(),
                "definition": JsonEncode(P("definition")),
                "logging_configuration": If(
                    *_LOGGING,
                    Block({"level": P("log_level"), "include_execution_data": False, "log_destination": J(SelfAttr("logs", "Arn", "arn"), ":*")}),
                ),
                "tracing_configuration": Block({"enabled": P("tracing")}),
                "tags": Tags(),
            },
            depends_on=("logs_policy",),
        ),
        *role("role", "states.amazonaws.com"),
        Emit(
            "logs",
            "AWS::Logs::LogGroup",
            {"LogGroupName": J("/aws/vendedlogs/states/", SFN_NAME), "RetentionInDays": P("log_retention_days"), "Tags": Tags()},
            "aws_cloudwatch_log_group",
            {"name": J("/aws/vendedlogs/states/", SFN_NAME), "retention_in_days": P("log_retention_days"), "tags": Tags()},
            when=_LOGGING,
        ),
        Emit(
            "logs_policy",
            "AWS::IAM::RolePolicy",
            {"PolicyName": "log-delivery", "RoleName": Self("role"), "PolicyDocument": LOG_DELIVERY},
            "aws_iam_role_policy",
            {"name": "log-delivery", "role": Self("role"), "policy": JsonEncode(LOG_DELIVERY)},
            when=_LOGGING,
        ),
    ),
    outputs=(Output("arn", "State machine ARN", Self(), Self()),),
    cost={"monthly": 0, "note": "$25 per million state transitions after the free tier"},
)

TYPES = (SQS_QUEUE, SNS_TOPIC, EVENTBRIDGE_BUS, EVENTBRIDGE_RULE, EVENTBRIDGE_SCHEDULE, KINESIS_STREAM, FIREHOSE_STREAM, STEP_FUNCTION)
