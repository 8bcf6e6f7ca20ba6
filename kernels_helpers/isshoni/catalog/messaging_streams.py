"""Messaging: Kinesis data streams, Data Firehose and Step Functions (their wiring: `compiler/wiring_messaging.py`)."""

from __future__ import annotations

from ..compiler.expr import Block, JsonEncode
from .common import role, role_arn
from .messaging_common import ACCESS, ARN, LAMBDA, json_document
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

# ---------------------------------------------------------------- Kinesis

KINESIS_READ = (
    "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator",
    "kinesis:ListShards", "kinesis:SubscribeToShard",
)
KINESIS_WRITE = ("kinesis:DescribeStreamSummary", "kinesis:PutRecord", "kinesis:PutRecords")

KINESIS_STREAM = ResourceType(
    type="kinesis_stream",
    label="Kinesis data stream",
    aliases=("Kinesis", "Kinesis stream", "Kinesis Data Streams", "data stream", "stream"),
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
    aliases=("Firehose", "Kinesis Firehose", "Data Firehose", "delivery stream", "stream"),
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
    aliases=("Step Functions", "state machine", "workflow", "orchestrator", "SFN"),
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

