"""Messaging catalog: SQS, SNS, EventBridge, Kinesis, Firehose, Step Functions, and their connections."""

from __future__ import annotations

import pytest

from iac import every_type, lint_errors, terraform_errors
from isshoni import Design
from isshoni.catalog import CATALOG
from isshoni.compiler import cloudformation, resolve, terraform
from isshoni.design import DesignError

MESSAGING = ("sqs_queue", "sns_topic", "eventbridge_bus", "eventbridge_rule", "eventbridge_schedule", "kinesis_stream", "firehose_stream", "step_function")
REGIONS = ("us-east-1", "ap-northeast-2")
needs_lambda = pytest.mark.skipif("lambda_function" not in CATALOG, reason="lambda_function is not in the catalog yet")


def outputs(design: Design) -> tuple[dict, str]:
    """CFN resources (logical id -> resource) and the Terraform main.tf text."""
    resolved = resolve(design)
    return cloudformation.template(resolved)["Resources"], terraform.files(resolved)["main.tf"]


def has_tf(main: str, tf_type: str, name: str) -> bool:
    return f'resource "{tf_type}" "{name}" {{' in main


def variants(region: str) -> Design:
    """Every messaging type with defaults, plus the optional shapes (FIFO, dead-letter, schedule, no logging)."""
    d = every_type(region, types=MESSAGING)
    d.add("sqs_queue", "fifo_q", properties={"fifo": True, "dead_letter": True, "content_based_deduplication": True})
    d.add("sqs_queue", "dl_q", properties={"dead_letter": True, "visibility_timeout": 120})
    d.add("sns_topic", "plain_topic", properties={"encrypted": False})
    d.add("eventbridge_rule", "cron_rule", properties={"schedule": "cron(0 12 * * ? *)", "enabled": False})
    d.add("step_function", "quiet", properties={"logging": False, "tracing": True})
    return d


def links(region: str) -> Design:
    """One of each connection that does not need a Lambda function."""
    d = Design(name="links", region=region)
    d.add("sqs_queue", "q")
    d.add("sqs_queue", "fq", properties={"fifo": True})
    d.add("sns_topic", "t")
    d.add("sns_topic", "pt", properties={"encrypted": False})
    d.add("eventbridge_bus", "bus")
    d.add("eventbridge_rule", "rule")
    d.add("eventbridge_rule", "tick", properties={"schedule": "rate(5 minutes)"})
    d.add("eventbridge_schedule", "sch")
    d.add("eventbridge_schedule", "nightly", properties={"schedule": "cron(0 2 * * ? *)", "timezone": "Asia/Seoul"})
    d.add("firehose_stream", "fh", properties={"prefix": "raw/"})
    d.add("s3_bucket", "bkt")
    d.add("step_function", "sfn")
    d.add("dynamodb_table", "tbl")
    d.connect("t", "q")
    d.connect("pt", "q", properties={"raw_message_delivery": False})
    d.connect("rule", "bus")
    d.connect("rule", "q")
    d.connect("rule", "fq")
    d.connect("rule", "pt")
    d.connect("rule", "sfn")
    d.connect("tick", "q")
    d.connect("sch", "fq")
    d.connect("nightly", "sfn")
    d.connect("fh", "bkt")
    d.connect("sfn", "tbl", properties={"access": "read"})
    return d


def lambda_links(region: str) -> Design:
    d = Design(name="lambda-links", region=region)
    d.add("lambda_function", "fn")
    d.add("sqs_queue", "q")
    d.add("sns_topic", "t")
    d.add("eventbridge_rule", "rule")
    d.add("eventbridge_schedule", "sch")
    d.add("kinesis_stream", "ks")
    d.add("step_function", "sfn")
    for source in ("q", "t", "rule", "sch", "ks", "sfn"):
        d.connect(source, "fn")
    d.connect("fn", "q", properties={"access": "write"})
    d.connect("fn", "sfn", properties={"access": "write"})
    return d


# ---------------------------------------------------------------- real validation


@pytest.mark.slow
@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("build", [variants, links, pytest.param(lambda_links, marks=needs_lambda)], ids=lambda b: b.__name__)
def test_outputs_validate(region, build):
    design = build(region)
    assert lint_errors(design) == []
    assert terraform_errors(design) == []


@pytest.mark.slow
@pytest.mark.parametrize("region", REGIONS)
def test_every_messaging_type_validates(region):
    design = every_type(region, types=MESSAGING)
    assert lint_errors(design) == []
    assert terraform_errors(design) == []


# ---------------------------------------------------------------- resources


def test_queue_defaults_and_fifo():
    cfn, main = outputs(variants("us-east-1"))
    queue = cfn["SampleSqsQueue"]["Properties"]
    assert queue["SqsManagedSseEnabled"] is True and "FifoQueue" not in queue and "RedrivePolicy" not in queue
    fifo = cfn["FifoQ"]["Properties"]
    assert fifo["QueueName"] == {"Fn::Sub": "${AWS::StackName}-fifo-q.fifo"} and fifo["FifoQueue"] is True
    assert cfn["FifoQDlq"]["Properties"]["QueueName"] == {"Fn::Sub": "${AWS::StackName}-fifo-q-dlq.fifo"}
    assert fifo["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["FifoQDlq", "Arn"]}
    assert "SampleSqsQueuePolicy" not in cfn  # no connection, no queue policy
    assert has_tf(main, "aws_sqs_queue", "fifo_q_dlq") and "redrive_policy = jsonencode(" in main


def test_long_fifo_name_keeps_suffix():
    d = Design(name="a-very-long-design-name-that-goes-on-and-on", region="us-east-1")
    d.add("sqs_queue", "a_queue_with_a_really_long_identifier_too", properties={"fifo": True, "dead_letter": True})
    cfn, _ = outputs(d)
    names = [r["Properties"]["QueueName"]["Fn::Sub"] for r in cfn.values() if r["Type"] == "AWS::SQS::Queue"]
    # after a stack name of up to 20 characters every name still fits SQS's 80
    rests = [n.removeprefix("${AWS::StackName}") for n in names]
    assert all(r.endswith(".fifo") and 20 + len(r) <= 80 for r in rests) and len(set(names)) == 2


def test_topic_stream_and_state_machine_shapes():
    cfn, main = outputs(variants("us-east-1"))
    assert cfn["SampleSnsTopic"]["Properties"]["KmsMasterKeyId"] == "alias/aws/sns"
    assert "KmsMasterKeyId" not in cfn["PlainTopic"]["Properties"]
    stream = cfn["SampleKinesisStream"]["Properties"]
    assert stream["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"} and "ShardCount" not in stream
    assert stream["StreamEncryption"] == {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}
    machine = cfn["SampleStepFunction"]
    assert machine["Properties"]["Definition"]["States"]["Start"]["Type"] == "Pass"
    assert "SampleStepFunctionLogsPolicy" in machine["DependsOn"]
    assert "LoggingConfiguration" not in cfn["Quiet"]["Properties"] and "QuietLogs" not in cfn
    rule = cfn["SampleEventbridgeRule"]["Properties"]
    assert rule["EventPattern"] == {"source": ["isshoni.app"]} and "EventBusName" not in rule
    cron = cfn["CronRule"]["Properties"]
    assert cron["ScheduleExpression"] == "cron(0 12 * * ? *)" and "EventPattern" not in cron and cron["State"] == "DISABLED"
    assert 'stream_mode = "ON_DEMAND"' in main and 'log_destination        = "${aws_cloudwatch_log_group.sample_step_function_logs.arn}:*"' in main


def test_unconnected_schedule_and_firehose_emit_nothing():
    design = every_type("us-east-1", types=("eventbridge_schedule", "firehose_stream"))
    cfn, main = outputs(design)
    assert not any(r["Type"] in ("AWS::Scheduler::Schedule", "AWS::KinesisFirehose::DeliveryStream") for r in cfn.values())
    sources = {p.source for p in resolve(design).parts if p.cfn_type == "AWS::IAM::Role"}
    assert sources == {"@design"}  # the design's one flow-log role only
    assert "aws_scheduler_schedule" not in main and "aws_kinesis_firehose_delivery_stream" not in main


# ---------------------------------------------------------------- connections


def test_sns_fans_out_to_queues_with_one_queue_policy():
    cfn, main = outputs(links("us-east-1"))
    sub = cfn["TToQSubscription"]
    assert sub["Type"] == "AWS::SNS::Subscription" and sub["Properties"]["Protocol"] == "sqs"
    assert sub["Properties"]["RawMessageDelivery"] is True and cfn["PtToQSubscription"]["Properties"]["RawMessageDelivery"] is False
    assert sub["DependsOn"] == ["QPolicy"]
    statements = cfn["QPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    sns = [s for s in statements if s["Principal"] == {"Service": "sns.amazonaws.com"}]
    assert {s["Condition"]["ArnEquals"]["aws:SourceArn"]["Ref"] for s in sns} == {"T", "Pt"}
    assert has_tf(main, "aws_sns_topic_subscription", "t_to_q_subscription") and has_tf(main, "aws_sqs_queue_policy", "q_policy")


def test_rule_bus_and_targets():
    cfn, main = outputs(links("us-east-1"))
    rule = cfn["Rule"]["Properties"]
    assert rule["EventBusName"] == {"Ref": "Bus"}
    targets = {t["Id"]: t for t in rule["Targets"]}
    assert set(targets) == {"rule_to_q", "rule_to_fq", "rule_to_pt", "rule_to_sfn"}
    assert targets["rule_to_fq"]["SqsParameters"] == {"MessageGroupId": "rule_to_fq"}
    assert targets["rule_to_sfn"]["RoleArn"] == {"Fn::GetAtt": ["RuleToSfnRole", "Arn"]}
    assert cfn["RuleToSfnRolePolicy"]["Properties"]["PolicyDocument"]["Statement"][0]["Action"] == "states:StartExecution"
    assert any(s["Principal"] == {"Service": "events.amazonaws.com"} for s in cfn["PtPolicy"]["Properties"]["PolicyDocument"]["Statement"])
    assert any(s["Sid"] == "EventsTickToQ" for s in cfn["QPolicy"]["Properties"]["PolicyDocument"]["Statement"])
    for target in ("rule_to_q", "rule_to_fq", "rule_to_pt", "rule_to_sfn", "tick_to_q"):
        assert has_tf(main, "aws_cloudwatch_event_target", f"{target}_target")
    assert "event_bus_name = aws_cloudwatch_event_bus.bus.id" in main.replace("  ", "")


def test_schedule_targets_use_the_schedule_role():
    cfn, main = outputs(links("us-east-1"))
    target = cfn["Sch"]["Properties"]["Target"]
    assert target["RoleArn"] == {"Fn::GetAtt": ["SchRole", "Arn"]} and target["SqsParameters"] == {"MessageGroupId": "sch"}
    assert cfn["SchToFqPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]["Action"] == "sqs:SendMessage"
    assert cfn["Nightly"]["Properties"]["Target"]["Arn"] == {"Ref": "Sfn"}
    assert cfn["Nightly"]["DependsOn"] == ["NightlyToSfnPolicy"]
    assert cfn["NightlyRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert has_tf(main, "aws_scheduler_schedule", "nightly") and has_tf(main, "aws_iam_role_policy", "nightly_to_sfn_policy")


def test_firehose_delivers_to_bucket():
    cfn, main = outputs(links("us-east-1"))
    stream = cfn["Fh"]
    dest = stream["Properties"]["ExtendedS3DestinationConfiguration"]
    assert dest["BucketARN"] == {"Fn::GetAtt": ["Bkt", "Arn"]} and dest["RoleARN"] == {"Fn::GetAtt": ["FhToBktRole", "Arn"]}
    assert dest["Prefix"] == "raw/" and stream["DependsOn"] == ["FhToBktRolePolicy"]
    assert cfn["FhToBktRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "firehose.amazonaws.com"}
    assert has_tf(main, "aws_kinesis_firehose_delivery_stream", "fh") and "extended_s3_configuration {" in main


def test_state_machine_sdk_access():
    cfn, _ = outputs(links("us-east-1"))
    policy = cfn["SfnToTblPolicy"]["Properties"]
    assert policy["RoleName"] == {"Ref": "SfnRole"} and "dynamodb:PutItem" not in policy["PolicyDocument"]["Statement"][0]["Action"]


def test_rule_to_an_encrypted_topic_gives_the_topic_a_key_eventbridge_may_use():
    d = Design(name="keyed", region="us-east-1")
    d.add("eventbridge_rule", "r")
    d.add("sns_topic", "t")
    d.connect("r", "t")
    cfn, main = outputs(d)
    assert cfn["T"]["Properties"]["KmsMasterKeyId"] == {"Ref": "TKey"}
    principals = [s["Principal"] for s in cfn["TKey"]["Properties"]["KeyPolicy"]["Statement"]]
    assert {"Service": "events.amazonaws.com"} in principals


@needs_lambda
def test_lambda_connections():
    cfn, main = outputs(lambda_links("us-east-1"))
    role = {"Ref": cfn["QToFnPolicy"]["Properties"]["RoleName"]["Ref"]}
    for mapping, policy in (("QToFnMapping", "QToFnPolicy"), ("KsToFnMapping", "KsToFnPolicy")):
        assert cfn[mapping]["Type"] == "AWS::Lambda::EventSourceMapping" and cfn[mapping]["DependsOn"] == [policy]
        assert cfn[policy]["Properties"]["RoleName"] == role
    assert "sqs:ReceiveMessage" in cfn["QToFnPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]["Action"]
    assert cfn["KsToFnMapping"]["Properties"]["StartingPosition"] == "LATEST"
    assert cfn["TToFnSubscription"]["Properties"]["Protocol"] == "lambda"
    assert cfn["TToFnInvoke"]["Properties"]["Principal"] == "sns.amazonaws.com"
    assert cfn["RuleToFnInvoke"]["Properties"]["SourceArn"] == {"Fn::GetAtt": ["Rule", "Arn"]}
    assert cfn["Rule"]["Properties"]["Targets"][0]["Arn"] == {"Fn::GetAtt": ["Fn", "Arn"]}
    assert cfn["SchToFnPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]["Action"] == "lambda:InvokeFunction"
    assert cfn["SfnToFnPolicy"]["Properties"]["RoleName"] == {"Ref": "SfnRole"}
    assert "SfnToFnPolicy" not in cfn["Sfn"]["DependsOn"]  # the function also starts the machine: no cycle
    env = cfn["Fn"]["Properties"]["Environment"]["Variables"]
    assert env["Q_QUEUE_URL"] == {"Ref": "Q"} and env["SFN_STATE_MACHINE_ARN"] == {"Ref": "Sfn"}
    for tf_type, name in (
        ("aws_lambda_event_source_mapping", "q_to_fn_mapping"),
        ("aws_lambda_event_source_mapping", "ks_to_fn_mapping"),
        ("aws_sns_topic_subscription", "t_to_fn_subscription"),
        ("aws_lambda_permission", "rule_to_fn_invoke"),
        ("aws_cloudwatch_event_target", "rule_to_fn_target"),
        ("aws_iam_role_policy", "sfn_to_fn_policy"),
    ):
        assert has_tf(main, tf_type, name), name


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda d: (d.add("sns_topic", "t"), d.add("sqs_queue", "q", properties={"fifo": True}), d.connect("t", "q")), "FIFO"),
        (lambda d: (d.add("eventbridge_rule", "r", properties={"schedule": "rate(1 hour)"}), d.add("eventbridge_bus", "b"), d.connect("r", "b")), "default event bus"),
        (
            lambda d: (d.add("eventbridge_schedule", "s"), d.add("sqs_queue", "a"), d.add("sqs_queue", "b"), d.connect("s", "a"), d.connect("s", "b")),
            "exactly one",
        ),
    ],
)
def test_impossible_connections_are_refused(setup, message):
    d = Design(name="refuse", region="us-east-1")
    setup(d)
    with pytest.raises(DesignError, match=message):
        resolve(d)


@needs_lambda
def test_queue_must_outlast_the_function_timeout():
    d = Design(name="refuse", region="us-east-1")
    d.add("lambda_function", "fn", properties={"timeout": 60})
    d.add("sqs_queue", "q", properties={"visibility_timeout": 30})
    d.connect("q", "fn")
    with pytest.raises(DesignError, match="less than the 60 s timeout"):
        resolve(d)


# ---------------------------------------------------------------- property validation


@pytest.mark.parametrize(
    "type_, bad",
    [
        ("sqs_queue", {"visibility_timeout": 50000}),
        ("sqs_queue", {"retention_seconds": 10}),
        ("sns_topic", {"encrypted": "yes"}),
        ("eventbridge_bus", {"name": "custom"}),
        ("eventbridge_rule", {"schedule": "every 5 minutes"}),
        ("eventbridge_rule", {"event_pattern": {"source": [{"Ref": "AWS::Region"}]}}),
        ("eventbridge_rule", {"event_pattern": {"detail": {"Fn::Sub": "${AWS::AccountId}"}}}),
        ("eventbridge_schedule", {"schedule": "rate(0 minutes)"}),
        ("eventbridge_schedule", {"timezone": "UTC; rm -rf"}),
        ("kinesis_stream", {"retention_hours": 1}),
        ("firehose_stream", {"prefix": "../${x}"}),
        ("firehose_stream", {"compression": "BZIP"}),
        ("step_function", {"definition": "not json"}),
        ("step_function", {"definition": {"States": {"A": {"Type": "Pass", "Parameters": {"Ref": "X"}}}}}),
        ("step_function", {"log_level": "DEBUG"}),
    ],
)
def test_bad_properties_name_the_resource(type_, bad):
    d = Design(name="bad", region="us-east-1")
    with pytest.raises(DesignError) as err:
        d.add(type_, "broken", properties=bad)
    assert any(p.resource == "broken" for p in err.value.problems)


def test_catalog_entries_are_complete():
    for name in MESSAGING:
        entry = CATALOG[name]
        assert entry.category == "messaging"
        assert all("default" in schema for schema in entry.properties.values()), name
    for name in ("sqs_queue", "sns_topic", "eventbridge_bus", "kinesis_stream", "firehose_stream", "step_function"):
        entry = CATALOG[name]
        assert entry.env and entry.iam_resources and set(entry.iam) == {"read", "write", "readwrite"}, name


def test_new_objects_in_a_bucket_run_a_function_through_eventbridge():
    """The upload case (issue 17): bucket -> function.  The bucket sends its events to EventBridge (once, however
    many functions) and a rule for this bucket's Object Created events, under the prefix, invokes each function;
    no bucket notification to Lambda (its permission would wait on the bucket that waits on it)."""
    d = Design(name="uploads")
    d.add("s3_bucket", "uploads")
    d.add("lambda_function", "resize")
    d.add("lambda_function", "index")
    d.connect("uploads", "resize", properties={"prefix": "incoming/"})
    d.connect("uploads", "index")
    cfn, main = outputs(d)
    assert cfn["Uploads"]["Properties"]["NotificationConfiguration"] == {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}
    rules = {lid: r["Properties"] for lid, r in cfn.items() if r["Type"] == "AWS::Events::Rule"}
    assert len(rules) == 2
    patterns = {r["Targets"][0]["Arn"]["Fn::GetAtt"][0]: r["EventPattern"] for r in rules.values()}
    assert patterns["Resize"]["detail"] == {"bucket": {"name": [{"Ref": "Uploads"}]}, "object": {"key": [{"prefix": "incoming/"}]}}
    assert "object" not in patterns["Index"]["detail"] and patterns["Index"]["detail-type"] == ["Object Created"]
    permissions = [r["Properties"] for r in cfn.values() if r["Type"] == "AWS::Lambda::Permission"]
    assert len(permissions) == 2 and all(p["Principal"] == "events.amazonaws.com" and "Fn::GetAtt" in p["SourceArn"] for p in permissions)
    assert main.count('resource "aws_s3_bucket_notification"') == 1 and "eventbridge = true" in main
    assert main.count('resource "aws_cloudwatch_event_target"') == 2
    assert lint_errors(d) == [] and terraform_errors(d) == []
