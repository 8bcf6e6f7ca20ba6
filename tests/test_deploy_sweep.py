"""The sweeper's service listings against a real moto sandbox: what it counts as a design's
(tagged, recorded by id or name, named by the design's stack) and what it never touches
(another design's tagged resources, strangers, the sandbox's own certificate)."""

from __future__ import annotations

import pytest

from isshoni.deploy import targets
from isshoni.deploy.sweep import TAG, leftovers, sweep
from sandbox import client, running_sandbox

REGION = "ap-northeast-2"
STACK = "isshoni-mine"
TRUST = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'


def tags(design: str) -> list[dict]:
    return [{"Key": TAG, "Value": design}]


@pytest.fixture(scope="module")
def target(tmp_path_factory):
    with running_sandbox(tmp_path_factory.mktemp("sweep-state")) as sb:
        yield targets.make("sandbox", REGION), sb


def _alarm(cw, name: str, design: str | None = None) -> None:
    cw.put_metric_alarm(AlarmName=name, MetricName="Errors", Namespace="App", Statistic="Sum", Period=60, EvaluationPeriods=1,
                        Threshold=1, ComparisonOperator="GreaterThanThreshold", **({"Tags": tags(design)} if design else {}))


def _table(ddb, name: str, design: str | None = None) -> None:
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], **({"Tags": tags(design)} if design else {}))


def test_each_listing_finds_the_designs_own_and_nothing_else(target, monkeypatch):
    tgt, sb = target
    cw, logs, ddb, s3 = (client(sb, s) for s in ("cloudwatch", "logs", "dynamodb", "s3"))
    iam, sqs, sns, acm = (client(sb, s) for s in ("iam", "sqs", "sns", "acm"))

    _alarm(cw, "mine-alarm-tagged", "mine")
    _alarm(cw, "mine-alarm-recorded")
    _alarm(cw, "theirs-alarm", "theirs")
    logs.create_log_group(logGroupName=f"{STACK}-Logs-ABC123")  # named as the design's stack names it
    logs.create_log_group(logGroupName="stranger-logs")
    _table(ddb, "mine-table")  # recorded by name
    _table(ddb, "mine-table-theirs", "theirs")  # recorded, but another design's: never swept
    _table(ddb, "stranger-table")
    s3.create_bucket(Bucket="mine-bucket-tagged", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_tagging(Bucket="mine-bucket-tagged", Tagging={"TagSet": tags("mine")})
    s3.create_bucket(Bucket="stranger-bucket", CreateBucketConfiguration={"LocationConstraint": REGION})
    iam.create_role(RoleName=f"{STACK}-TaskRole-XYZ", AssumeRolePolicyDocument=TRUST)
    iam.create_role(RoleName="theirs-role", AssumeRolePolicyDocument=TRUST, Tags=tags("theirs"))
    sqs.create_queue(QueueName="mine-jobs")  # recorded by name, listed by URL
    sqs.create_queue(QueueName="stranger-jobs")
    topic = sns.create_topic(Name="mine-events")["TopicArn"]
    sns.create_topic(Name="stranger-events")
    cert = acm.request_certificate(DomainName="mine.example.com", Tags=tags("mine"))["CertificateArn"]

    inventory = {
        "Alarm": {"id": "mine-alarm-recorded", "type": "AWS::CloudWatch::Alarm"},
        "Table": {"id": "mine-table", "type": "AWS::DynamoDB::Table"},
        "TheirTable": {"id": "mine-table-theirs", "type": "AWS::DynamoDB::Table"},
        "Jobs": {"id": "mine-jobs", "type": "AWS::SQS::Queue"},
        "Events": {"id": "mine-events", "type": "aws_sns_topic"},
    }
    prefixes = {"log_group": {f"{STACK}-Logs-"}, "role": {f"{STACK}-TaskRole-"}}

    from isshoni.deploy import sweep as sweep_mod

    def finder(target_, design, inventory_, stack_prefix, resolved):  # the stack's name prefixes, without compiling
        return sweep_mod.Finder(target_, design, dict(inventory_ or {}), stack_prefix, {}, prefixes)

    monkeypatch.setattr(sweep_mod, "_finder", finder)
    queue_url = sqs.get_queue_url(QueueName="mine-jobs")["QueueUrl"]
    assert leftovers(tgt, "mine", inventory=inventory) == {
        "alarm": ["mine-alarm-recorded", "mine-alarm-tagged"],
        "log_group": [f"{STACK}-Logs-ABC123"],
        "table": ["mine-table"],
        "bucket": ["mine-bucket-tagged"],
        "role": [f"{STACK}-TaskRole-XYZ"],
        "queue": [queue_url],
        "topic": [topic],
        "certificate": [cert],
    }  # the prepared sandbox certificate and every stranger are left out
    result = sweep(tgt, "mine", inventory=inventory)
    assert result["left"] == {} and result["failed"] == []
    survivors = {
        "alarms": {a["AlarmName"] for a in cw.describe_alarms()["MetricAlarms"]},
        "logs": {g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]},
        "tables": set(ddb.list_tables()["TableNames"]),
        "buckets": {b["Name"] for b in s3.list_buckets()["Buckets"]},
        "roles": {r["RoleName"] for r in iam.list_roles()["Roles"]},
        "queues": {u.rsplit("/", 1)[-1] for u in sqs.list_queues().get("QueueUrls", [])},
        "topics": {t["TopicArn"].rsplit(":", 1)[-1] for t in sns.list_topics()["Topics"]},
        "certificates": len(acm.list_certificates()["CertificateSummaryList"]),
    }
    assert survivors == {
        "alarms": {"theirs-alarm"}, "logs": {"stranger-logs"}, "tables": {"mine-table-theirs", "stranger-table"},
        "buckets": {"stranger-bucket"}, "roles": {"theirs-role"}, "queues": {"stranger-jobs"},
        "topics": {"stranger-events"}, "certificates": 1,  # the sandbox's own
    }
