"""Data and messaging as CloudFormation resources: DynamoDB tables, S3 buckets, SQS queues, SNS
topics and subscriptions, ElastiCache replication groups.  S3 lists every bucket of the account:
only those in the scanned region are kept."""

from __future__ import annotations

import json

from .scanned import Found, Scan, name_of, shape, tags

TABLE = {"TableName": "TableName", "AttributeDefinitions": "AttributeDefinitions", "KeySchema": "KeySchema",
         "StreamSpecification": "StreamSpecification"}
INDEX = ("IndexName", "KeySchema", "Projection")
QUEUE = {"DelaySeconds": "DelaySeconds", "MaximumMessageSize": "MaximumMessageSize",
         "MessageRetentionPeriod": "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds": "ReceiveMessageWaitTimeSeconds",
         "VisibilityTimeout": "VisibilityTimeout", "FifoQueue": "FifoQueue", "KmsMasterKeyId": "KmsMasterKeyId",
         "SqsManagedSseEnabled": "SqsManagedSseEnabled", "RedrivePolicy": "RedrivePolicy"}
QUEUE_NUMBERS = ("DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds",
                 "VisibilityTimeout")
TOPIC = {"DisplayName": "DisplayName", "KmsMasterKeyId": "KmsMasterKeyId", "FifoTopic": "FifoTopic"}
REPLICATION_GROUP = {"Description": "ReplicationGroupDescription", "CacheNodeType": "CacheNodeType",
                     "AutomaticFailover": "AutomaticFailoverEnabled", "TransitEncryptionEnabled": "TransitEncryptionEnabled",
                     "AtRestEncryptionEnabled": "AtRestEncryptionEnabled"}


def tables(scan: Scan):
    for name in scan.pages("dynamodb", "list_tables", "TableNames"):
        t = scan.call("dynamodb", "describe_table", TableName=name)["Table"]
        props = shape(t, TABLE)
        mode = (t.get("BillingModeSummary") or {}).get("BillingMode")
        if mode == "PAY_PER_REQUEST" or not t.get("ProvisionedThroughput", {}).get("ReadCapacityUnits"):
            props["BillingMode"] = "PAY_PER_REQUEST"
        else:
            props["ProvisionedThroughput"] = {k: t["ProvisionedThroughput"][k] for k in ("ReadCapacityUnits", "WriteCapacityUnits")}
        indexes = [{k: i[k] for k in INDEX if k in i} for i in t.get("GlobalSecondaryIndexes") or []]
        if indexes:
            props["GlobalSecondaryIndexes"] = indexes
        if (t.get("SSEDescription") or {}).get("Status") == "ENABLED":
            props["SSESpecification"] = {"SSEEnabled": True}
        raw = scan.pages("dynamodb", "list_tags_of_resource", "Tags", ResourceArn=t["TableArn"])
        props["Tags"] = tags(raw)
        attributes = {"Arn": t["TableArn"]}
        if t.get("LatestStreamArn"):
            attributes["StreamArn"] = t["LatestStreamArn"]
        yield Found("AWS::DynamoDB::Table", props, name, attributes, name_of(raw, name), t["TableArn"])


def buckets(scan: Scan):
    from botocore.exceptions import ClientError

    for b in scan.pages("s3", "list_buckets", "Buckets"):
        name = b["Name"]
        where = scan.call("s3", "get_bucket_location", Bucket=name).get("LocationConstraint") or "us-east-1"
        if where != scan.region:
            continue
        try:
            raw = scan.call("s3", "get_bucket_tagging", Bucket=name).get("TagSet") or []
        except ClientError:
            raw = []  # NoSuchTagSet: a bucket without tags
        yield Found("AWS::S3::Bucket", {"BucketName": name, "Tags": tags(raw)}, name,
                    {"Arn": f"arn:aws:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com",
                     "RegionalDomainName": f"{name}.s3.{scan.region}.amazonaws.com"}, name_of(raw, name), name)


def queues(scan: Scan):
    for url in scan.pages("sqs", "list_queues", "QueueUrls"):
        a = scan.call("sqs", "get_queue_attributes", QueueUrl=url, AttributeNames=["All"]).get("Attributes") or {}
        props = {"QueueName": url.rsplit("/", 1)[-1], **shape(a, QUEUE)}
        for key in QUEUE_NUMBERS:
            if isinstance(props.get(key), str) and props[key].isdigit():
                props[key] = int(props[key])
        if isinstance(props.get("RedrivePolicy"), str):
            props["RedrivePolicy"] = json.loads(props["RedrivePolicy"])
        for key in ("FifoQueue", "SqsManagedSseEnabled"):
            if key in props:
                props[key] = str(props[key]).lower() == "true"
        raw = scan.call("sqs", "list_queue_tags", QueueUrl=url).get("Tags") or {}
        props["Tags"] = tags(raw)
        yield Found("AWS::SQS::Queue", props, url, {"Arn": a.get("QueueArn"), "QueueName": props["QueueName"],
                                                    "QueueUrl": url}, name_of(raw, props["QueueName"]), url)


def topics(scan: Scan):
    for t in scan.pages("sns", "list_topics", "Topics"):
        arn = t["TopicArn"]
        a = scan.call("sns", "get_topic_attributes", TopicArn=arn).get("Attributes") or {}
        raw = scan.call("sns", "list_tags_for_resource", ResourceArn=arn).get("Tags") or []
        props = {"TopicName": arn.rsplit(":", 1)[-1], **shape(a, TOPIC), "Tags": tags(raw)}
        if "FifoTopic" in props:
            props["FifoTopic"] = str(props["FifoTopic"]).lower() == "true"
        yield Found("AWS::SNS::Topic", props, arn, {"TopicArn": arn, "TopicName": props["TopicName"]},
                    name_of(raw, props["TopicName"]), arn)
        for s in scan.pages("sns", "list_subscriptions_by_topic", "Subscriptions", TopicArn=arn):
            if s.get("SubscriptionArn", "").startswith("arn:"):
                yield Found("AWS::SNS::Subscription", {"TopicArn": arn, "Protocol": s["Protocol"], "Endpoint": s["Endpoint"]},
                            s["SubscriptionArn"], {}, f"{props['TopicName']}{s['Protocol']}", s["SubscriptionArn"])


def caches(scan: Scan):
    groups = scan.pages("elasticache", "describe_cache_subnet_groups", "CacheSubnetGroups")
    for g in groups:
        if g["CacheSubnetGroupName"] == "default":
            continue
        props = {"CacheSubnetGroupName": g["CacheSubnetGroupName"], "Description": g.get("CacheSubnetGroupDescription") or
                 g["CacheSubnetGroupName"], "SubnetIds": [s["SubnetIdentifier"] for s in g.get("Subnets") or []]}
        yield Found("AWS::ElastiCache::SubnetGroup", props, g["CacheSubnetGroupName"], {}, g["CacheSubnetGroupName"],
                    g["CacheSubnetGroupName"])
    members = {}
    for c in scan.pages("elasticache", "describe_cache_clusters", "CacheClusters"):
        members[c.get("ReplicationGroupId")] = c
    for r in scan.pages("elasticache", "describe_replication_groups", "ReplicationGroups"):
        props = {"ReplicationGroupId": r["ReplicationGroupId"], **shape(r, REPLICATION_GROUP),
                 "NumCacheClusters": len(r.get("MemberClusters") or []) or None}
        props["AutomaticFailoverEnabled"] = str(props.get("AutomaticFailoverEnabled", "")).lower() in ("enabled", "enabling")
        first = members.get(r["ReplicationGroupId"]) or {}
        for api, prop in (("Engine", "Engine"), ("EngineVersion", "EngineVersion"), ("CacheSubnetGroupName", "CacheSubnetGroupName")):
            if first.get(api):
                props[prop] = first[api]
        groups_ = [g["SecurityGroupId"] for g in first.get("SecurityGroups") or []]
        if groups_:
            props["SecurityGroupIds"] = groups_
        yield Found("AWS::ElastiCache::ReplicationGroup", {k: v for k, v in props.items() if v is not None},
                    r["ReplicationGroupId"], {}, r["ReplicationGroupId"], r.get("ARN", r["ReplicationGroupId"]))


SCANNERS = (("DynamoDB", tables), ("S3", buckets), ("SQS", queues), ("SNS", topics), ("ElastiCache", caches))
__all__ = ["SCANNERS"]
