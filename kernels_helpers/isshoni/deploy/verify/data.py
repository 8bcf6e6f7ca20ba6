"""Data stores and messaging: DynamoDB, S3 (and Terraform's split bucket settings), ElastiCache, SQS, SNS."""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

from . import UNKNOWN, Check, NotFound, verifier


@verifier("AWS::DynamoDB::Table", "aws_dynamodb_table")
def dynamodb_table(c: Check) -> None:
    ddb = c.client("dynamodb")
    table = ddb.describe_table(TableName=c.id)["Table"]
    c.expect_fields(table, "TableName")
    c.expect("BillingMode", c.value("BillingMode"), (table.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED"))
    c.expect_fields(table, "KeySchema", "AttributeDefinitions")
    sse = c.value("SSESpecification", {})
    if isinstance(sse, dict) and "SSEEnabled" in sse:
        c.expect("SSESpecification.SSEEnabled", sse["SSEEnabled"], (table.get("SSEDescription") or {}).get("Status") in ("ENABLED", "ENABLING"))
    pitr = c.value("PointInTimeRecoverySpecification", {})
    if isinstance(pitr, dict) and "PointInTimeRecoveryEnabled" in pitr:
        backups = ddb.describe_continuous_backups(TableName=c.id)["ContinuousBackupsDescription"]
        status = (backups.get("PointInTimeRecoveryDescription") or {}).get("PointInTimeRecoveryStatus")
        c.expect("PointInTimeRecovery", pitr["PointInTimeRecoveryEnabled"], status == "ENABLED",
                 "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled")
    if "DeletionProtectionEnabled" in c.props:
        c.expect("DeletionProtectionEnabled", c.value("DeletionProtectionEnabled"), bool(table.get("DeletionProtectionEnabled")))
    stream = c.value("StreamSpecification", None)
    live_stream = table.get("StreamSpecification") or {}
    live_view = live_stream.get("StreamViewType") if live_stream.get("StreamEnabled") else None
    if isinstance(stream, dict):
        c.expect("StreamSpecification.StreamViewType", stream.get("StreamViewType"), live_view)
    elif stream is None and "StreamSpecification" not in c.props:
        c.expect("StreamSpecification.StreamViewType", None, live_view)


def _bucket_call(c: Check, fn, bucket: str, missing_code: str):
    try:
        return fn(Bucket=bucket)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == missing_code:
            return None
        raise


def _bucket(c: Check) -> str:
    bucket = c.id if c.part.cfn_type or c.part.tf_type == "aws_s3_bucket" else c.value("bucket")
    if bucket is UNKNOWN or not bucket:
        raise NotFound("the bucket is unknown")
    try:
        c.client("s3").head_bucket(Bucket=bucket)
    except ClientError as exc:
        raise NotFound(f"bucket {bucket}: {exc.response.get('Error', {}).get('Code')}") from None
    return bucket


def _encryption(c: Check, bucket: str):
    got = _bucket_call(c, c.client("s3").get_bucket_encryption, bucket, "ServerSideEncryptionConfigurationNotFoundError")
    rules = (got or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    return (rules[0].get("ApplyServerSideEncryptionByDefault") or {}).get("SSEAlgorithm") if rules else None


def _public_access(c: Check, bucket: str) -> dict:
    got = _bucket_call(c, c.client("s3").get_public_access_block, bucket, "NoSuchPublicAccessBlockConfiguration")
    return (got or {}).get("PublicAccessBlockConfiguration", {})


def _ownership(c: Check, bucket: str):
    got = _bucket_call(c, c.client("s3").get_bucket_ownership_controls, bucket, "OwnershipControlsNotFoundError")
    rules = (got or {}).get("OwnershipControls", {}).get("Rules", [])
    return rules[0].get("ObjectOwnership") if rules else None


@verifier("AWS::S3::Bucket", "aws_s3_bucket")
def bucket(c: Check) -> None:
    name = _bucket(c)
    enc = c.value("BucketEncryption", {})
    if isinstance(enc, dict) and enc.get("ServerSideEncryptionConfiguration"):
        wanted = enc["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]["SSEAlgorithm"]
        c.expect("BucketEncryption", wanted, _encryption(c, name))
    versioning = c.value("VersioningConfiguration", {})
    if isinstance(versioning, dict) and versioning.get("Status"):
        c.expect("VersioningConfiguration", versioning["Status"], c.client("s3").get_bucket_versioning(Bucket=name).get("Status"))
    pab = c.value("PublicAccessBlockConfiguration", {})
    if isinstance(pab, dict) and pab:
        c.expect("PublicAccessBlockConfiguration", pab, _public_access(c, name))
    owner = c.value("OwnershipControls", {})
    if isinstance(owner, dict) and owner.get("Rules"):
        c.expect("OwnershipControls", owner["Rules"][0]["ObjectOwnership"], _ownership(c, name))


@verifier("aws_s3_bucket_versioning")
def bucket_versioning(c: Check) -> None:
    name = _bucket(c)
    wanted = (c.value("versioning_configuration", {}) or {}).get("status", UNKNOWN)
    c.expect("versioning", wanted, c.client("s3").get_bucket_versioning(Bucket=name).get("Status"))


@verifier("aws_s3_bucket_server_side_encryption_configuration")
def bucket_encryption(c: Check) -> None:
    name = _bucket(c)
    rule = c.value("rule", {}) or {}
    wanted = (rule.get("apply_server_side_encryption_by_default") or {}).get("sse_algorithm", UNKNOWN)
    c.expect("sse_algorithm", wanted, _encryption(c, name))


@verifier("aws_s3_bucket_public_access_block")
def bucket_public_access(c: Check) -> None:
    name = _bucket(c)
    got = _public_access(c, name)
    c.expect_fields(got, {"block_public_acls": "BlockPublicAcls", "block_public_policy": "BlockPublicPolicy",
                          "ignore_public_acls": "IgnorePublicAcls", "restrict_public_buckets": "RestrictPublicBuckets"})


@verifier("aws_s3_bucket_ownership_controls")
def bucket_ownership(c: Check) -> None:
    name = _bucket(c)
    wanted = (c.value("rule", {}) or {}).get("object_ownership", UNKNOWN)
    c.expect("object_ownership", wanted, _ownership(c, name))


@verifier("AWS::S3::BucketPolicy", "aws_s3_bucket_policy")
def bucket_policy(c: Check) -> None:
    name = c.value("Bucket") if c.part.cfn_type else c.value("bucket")
    if name is UNKNOWN:
        raise NotFound("the bucket of this policy is unknown")
    got = _bucket_call(c, c.client("s3").get_bucket_policy, name, "NoSuchBucketPolicy")
    if not got:
        raise NotFound(f"bucket {name} has no policy")
    statements = json.loads(got["Policy"]).get("Statement", [])
    wanted = c.value("PolicyDocument", {})
    if isinstance(wanted, dict) and wanted.get("Statement"):
        c.expect("statement count", len(wanted["Statement"]), len(statements))


@verifier("AWS::ElastiCache::ReplicationGroup", "aws_elasticache_replication_group")
def replication_group(c: Check) -> None:
    groups = c.client("elasticache").describe_replication_groups(ReplicationGroupId=c.id)["ReplicationGroups"]
    if not groups:
        raise NotFound(c.id)
    group = groups[0]
    c.expect("NumCacheClusters", c.value("NumCacheClusters"), len(group.get("MemberClusters", [])))
    c.expect("AutomaticFailoverEnabled", c.value("AutomaticFailoverEnabled"), group.get("AutomaticFailover") == "enabled")
    c.expect_fields(group, "AtRestEncryptionEnabled", "TransitEncryptionEnabled")


@verifier("AWS::ElastiCache::SubnetGroup", "aws_elasticache_subnet_group")
def cache_subnet_group(c: Check) -> None:
    groups = c.client("elasticache").describe_cache_subnet_groups(CacheSubnetGroupName=c.id)["CacheSubnetGroups"]
    if not groups:
        raise NotFound(c.id)
    c.expect("SubnetIds", c.value("SubnetIds"), [s["SubnetIdentifier"] for s in groups[0].get("Subnets", [])])


@verifier("AWS::SQS::Queue", "aws_sqs_queue")
def queue(c: Check) -> None:
    url = c.id if str(c.id).startswith("http") else c.client("sqs").get_queue_url(QueueName=c.id)["QueueUrl"]
    attrs = c.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    for prop, key in (("VisibilityTimeout", "VisibilityTimeout"), ("MessageRetentionPeriod", "MessageRetentionPeriod"),
                      ("FifoQueue", "FifoQueue")):
        if prop in c.props:
            c.expect(prop, c.value(prop), attrs.get(key, "false" if prop == "FifoQueue" else None))


@verifier("AWS::SNS::Topic", "aws_sns_topic")
def topic(c: Check) -> None:
    attrs = c.client("sns").get_topic_attributes(TopicArn=c.id)["Attributes"]
    c.expect_fields(attrs, "KmsMasterKeyId")
