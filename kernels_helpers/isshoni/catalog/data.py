"""Data: DynamoDB, S3 and ElastiCache (Redis, Memcached).

Relational databases (`data_sql`), file systems and search (`data_search`) and the data lake
(`data_lake`) are entries of this category kept in modules of their own.
"""

from __future__ import annotations

from ..compiler.expr import Block, JsonEncode, TfText
from .common import security_group
from .data_lake import ATHENA_WORKGROUP, GLUE_CRAWLER, GLUE_DATABASE
from .data_search import EFS_FILE_SYSTEM, OPENSEARCH_DOMAIN
from .data_sql import AURORA_CLUSTER, RDS_INSTANCE, RDS_READ_REPLICA
from .spec import (
    DataSource,
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
    Subnets,
    Tags,
    enum,
    prop,
)

# ElastiCache nodes go into the private subnets of their tier, one group per cache.
CACHE_SUBNET_GROUP = Emit(
    "subnets",
    "AWS::ElastiCache::SubnetGroup",
    {"Description": J("Subnets of ", Name()), "SubnetIds": Subnets(), "Tags": Tags()},
    "aws_elasticache_subnet_group",
    {"name": Name(suffix="subnets"), "description": J("Subnets of ", Name()), "subnet_ids": Subnets(), "tags": Tags()},
)

DYNAMODB_TABLE = ResourceType(
    type="dynamodb_table",
    label="DynamoDB table",
    aliases=("DynamoDB", "Dynamo", "DDB", "DynamoDB table", "NoSQL", "database", "DB", "table"),
    category="data",
    icon="aws-dynamodb",
    description="A key-value table; on-demand billing, encrypted, point-in-time recovery by default.",
    properties={
        "table_name": prop("string", "", "Table name after the name prefix (empty: the resource id)", pattern=r"^([A-Za-z0-9_.-]{3,200})?$"),
        "hash_key": prop("string", "id", "Partition key attribute", pattern=r"^[A-Za-z0-9_.-]{1,255}$"),
        "hash_key_type": enum(("S", "N", "B"), "S", "Partition key type"),
        "range_key": prop("string", "", "Sort key attribute (optional)", pattern=r"^([A-Za-z0-9_.-]{1,255})?$"),
        "range_key_type": enum(("S", "N", "B"), "S", "Sort key type"),
        "point_in_time_recovery": prop("boolean", True, "Continuous backups"),
        "stream": prop("boolean", False, "Emit a change stream (new and old images)"),
        "deletion_protection": prop("boolean", True, "Refuse to delete the table (off in an ephemeral design)", ephemeral=False),
    },
    port=None,
    env={"TABLE_NAME": Self()},
    iam={
        "read": ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:DescribeTable"),
        "write": ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"),
        "readwrite": (
            "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:DescribeTable",
            "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
        ),
    },
    iam_resources=(SelfAttr("", "Arn", "arn"), J(SelfAttr("", "Arn", "arn"), "/index/*")),
    emits=(
        Emit(
            "",
            "AWS::DynamoDB::Table",
            {
                "TableName": Name(prop="table_name", max=255),
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [
                    {"AttributeName": P("hash_key"), "AttributeType": P("hash_key_type")},
                    If("range_key", "", None, {"AttributeName": P("range_key"), "AttributeType": P("range_key_type")}),
                ],
                "KeySchema": [
                    {"AttributeName": P("hash_key"), "KeyType": "HASH"},
                    If("range_key", "", None, {"AttributeName": P("range_key"), "KeyType": "RANGE"}),
                ],
                "SSESpecification": {"SSEEnabled": True},
                "DeletionProtectionEnabled": P("deletion_protection"),
                "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": P("point_in_time_recovery")},
                "StreamSpecification": If("stream", True, {"StreamViewType": "NEW_AND_OLD_IMAGES"}),
                "Tags": Tags(),
            },
            "aws_dynamodb_table",
            {
                "name": Name(prop="table_name", max=255),
                "billing_mode": "PAY_PER_REQUEST",
                "hash_key": P("hash_key"),
                "range_key": If("range_key", "", None, P("range_key")),
                "stream_enabled": If("stream", True, True),
                "stream_view_type": If("stream", True, "NEW_AND_OLD_IMAGES"),
                "attribute": [
                    Block({"name": P("hash_key"), "type": P("hash_key_type")}),
                    If("range_key", "", None, Block({"name": P("range_key"), "type": P("range_key_type")})),
                ],
                "server_side_encryption": Block({"enabled": True}),
                "point_in_time_recovery": Block({"enabled": P("point_in_time_recovery")}),
                "deletion_protection_enabled": P("deletion_protection"),
                "tags": Tags(),
            },
        ),
    ),
    outputs=(Output("name", "Table name", Self(), Self()),),
    accepted={
        "CKV_AWS_119": "encrypted with the DynamoDB-owned key: no key to pay for or keep a policy on; "
        "a customer managed key is for compliance regimes that require one",
    },
    cost={"monthly": 0, "note": "on demand: per request and per GB stored"},
)

# Old versions and abandoned uploads do not pile up forever.
_LIFECYCLE_CFN = {
    "Id": "tidy",
    "Status": "Enabled",
    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
    "NoncurrentVersionExpiration": {"NoncurrentDays": P("noncurrent_days")},
}
_LIFECYCLE_TF = Block(
    {
        "id": "tidy",
        "status": "Enabled",
        "filter": Block({}),
        "abort_incomplete_multipart_upload": Block({"days_after_initiation": 7}),
        "noncurrent_version_expiration": Block({"noncurrent_days": P("noncurrent_days")}),
    }
)

S3_BUCKET = ResourceType(
    type="s3_bucket",
    label="S3 bucket",
    aliases=("S3", "bucket", "S3 bucket", "object storage", "object store", "static assets", "storage"),
    category="data",
    icon="aws-s3",
    description="Object storage; private, encrypted (SSE-S3) and versioned by default.",
    properties={
        "versioning": prop("boolean", True, "Keep object versions"),
        "force_destroy": prop("boolean", False, "Allow Terraform to delete a non-empty bucket (on in an ephemeral design)", ephemeral=True),
        "noncurrent_days": prop("integer", 90, "Days an overwritten or deleted object version is kept", minimum=1, maximum=3650),
    },
    env={"BUCKET_NAME": Self()},
    iam={
        "read": ("s3:GetObject", "s3:ListBucket"),
        "write": ("s3:PutObject", "s3:DeleteObject"),
        "readwrite": ("s3:GetObject", "s3:ListBucket", "s3:PutObject", "s3:DeleteObject"),
    },
    iam_resources=(SelfAttr("", "Arn", "arn"), J(SelfAttr("", "Arn", "arn"), "/*")),
    links=(
        Link(("lambda_function",), "bucket_events",
             "runs it for every new object: the bucket's events go to EventBridge, a rule for its Object Created events invokes it",
             {"prefix": prop("string", "", "Only keys that start with this (uploads/); empty: every new object",
                             pattern=r"^[A-Za-z0-9!_.*'()/-]{0,256}$")}),
    ),
    emits=(
        Emit(
            "",
            "AWS::S3::Bucket",
            {
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
                "VersioningConfiguration": {"Status": If("versioning", True, "Enabled", "Suspended")},
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "LifecycleConfiguration": {"Rules": [_LIFECYCLE_CFN]},
                "NotificationConfiguration": Slot("notification", single=True),
                "Tags": Tags(),
            },
            "aws_s3_bucket",
            {"force_destroy": P("force_destroy"), "tags": Tags()},
        ),
        Emit(
            "encryption",
            None,
            {},
            "aws_s3_bucket_server_side_encryption_configuration",
            {"bucket": Self(), "rule": Block({"apply_server_side_encryption_by_default": Block({"sse_algorithm": "AES256"})})},
        ),
        Emit(
            "public_access",
            None,
            {},
            "aws_s3_bucket_public_access_block",
            {"bucket": Self(), "block_public_acls": True, "block_public_policy": True, "ignore_public_acls": True, "restrict_public_buckets": True},
        ),
        Emit(
            "versioning",
            None,
            {},
            "aws_s3_bucket_versioning",
            {"bucket": Self(), "versioning_configuration": Block({"status": If("versioning", True, "Enabled", "Suspended")})},
        ),
        Emit(
            "ownership",
            None,
            {},
            "aws_s3_bucket_ownership_controls",
            {"bucket": Self(), "rule": Block({"object_ownership": "BucketOwnerEnforced"})},
        ),
        Emit("lifecycle", None, {}, "aws_s3_bucket_lifecycle_configuration", {"bucket": Self(), "rule": _LIFECYCLE_TF}),
        Emit(
            "policy",
            "AWS::S3::BucketPolicy",
            {"Bucket": Self(), "PolicyDocument": {"Version": "2012-10-17", "Statement": Slot("policy")}},
            "aws_s3_bucket_policy",
            {"bucket": Self(), "policy": JsonEncode({"Version": "2012-10-17", "Statement": Slot("policy")})},
            when=("@slot", "policy"),
        ),
    ),
    outputs=(
        Output("name", "Bucket name", Self(), Self()),
        Output("arn", "Bucket ARN", SelfAttr("", "Arn", "arn"), SelfAttr("", "Arn", "arn")),
    ),
    accepted={
        "CKV_AWS_18": "no server access logs: they need a second bucket; CloudTrail data events log requests when an audit needs them",
        "CKV_AWS_144": "kept in one region (versioned); cross-region replication doubles storage for a regional design",
        "CKV_AWS_145": "SSE-S3 encryption: load balancer logs and CloudFront (OAC) read and write without a key policy",
        "CKV2_AWS_62": "event notifications only where a function is connected to run on new objects (they go to EventBridge then)",
    },
    cost={"monthly": 0.5, "note": "per GB stored and per request"},
)

_AUTH = ("transit_encryption", True)  # AUTH needs TLS

ELASTICACHE_REDIS = ResourceType(
    type="elasticache_redis",
    label="ElastiCache Redis",
    aliases=("Redis", "ElastiCache", "ElastiCache Redis", "Valkey", "cache"),
    category="data",
    icon="aws-elasticache",
    description="A Redis replication group: primary plus replicas across AZs, automatic failover, encrypted.",
    properties={
        "node_type": prop("string", "cache.t4g.micro", "Node type", pattern=r"^cache\.[a-z0-9]+\.[a-z0-9]+$", variable=True),
        "nodes": prop("integer", 2, "Nodes: one primary plus replicas", minimum=1, maximum=6),
        "automatic_failover": prop("boolean", True, "Promote a replica when the primary fails (needs 2+ nodes)"),
        "engine_version": enum(("6.2", "7.0", "7.1"), "7.1", "Redis version"),
        "at_rest_encryption": prop("boolean", True, "Encrypt data at rest"),
        "transit_encryption": prop("boolean", True, "TLS between clients and Redis"),
        "snapshot_retention_days": prop("integer", 7, "Daily snapshots kept (0: none)", minimum=0, maximum=35),
    },
    containers=("vpc", "subnet"),
    needs_container=True,
    security_group="sg",
    port=6379,
    env={
        "HOST": SelfAttr("", "PrimaryEndPoint.Address", "primary_endpoint_address"),
        "PORT": "6379",
        "AUTH_SECRET_ARN": If(*_AUTH, Self("auth", tf="arn")),
    },
    emits=(
        Emit(
            "",
            "AWS::ElastiCache::ReplicationGroup",
            {
                "ReplicationGroupDescription": J("Redis for ", Name()),
                "Engine": "redis",
                "EngineVersion": P("engine_version"),
                "CacheNodeType": P("node_type"),
                "NumCacheClusters": P("nodes"),
                "AutomaticFailoverEnabled": P("automatic_failover"),
                "MultiAZEnabled": P("automatic_failover"),
                "AtRestEncryptionEnabled": P("at_rest_encryption"),
                "TransitEncryptionEnabled": P("transit_encryption"),
                "SnapshotRetentionLimit": P("snapshot_retention_days"),
                "AuthToken": If(*_AUTH, J("{{resolve:secretsmanager:", Self("auth"), "}}")),
                "Port": 6379,
                "CacheSubnetGroupName": Self("subnets"),
                "SecurityGroupIds": [Self("sg")],
                "Tags": Tags(),
            },
            "aws_elasticache_replication_group",
            {
                "replication_group_id": Name(max=40),
                "description": J("Redis for ", Name()),
                "engine": "redis",
                "engine_version": P("engine_version"),
                "node_type": P("node_type"),
                "num_cache_clusters": P("nodes"),
                "automatic_failover_enabled": P("automatic_failover"),
                "multi_az_enabled": P("automatic_failover"),
                "at_rest_encryption_enabled": P("at_rest_encryption"),
                "transit_encryption_enabled": P("transit_encryption"),
                "snapshot_retention_limit": P("snapshot_retention_days"),
                "auth_token": If(*_AUTH, SelfAttr("auth_value", "", "secret_string")),
                "port": 6379,
                "subnet_group_name": Self("subnets", tf="name"),
                "security_group_ids": [Self("sg")],
                "tags": Tags(),
            },
        ),
        CACHE_SUBNET_GROUP,
        *security_group("Redis"),
        # The AUTH token: CloudFormation generates it in the secret; Terraform has Secrets Manager
        # generate one (it is then in the state, as every Terraform-managed credential is).
        Emit(
            "auth",
            "AWS::SecretsManager::Secret",
            {
                "Name": Name(suffix="auth"),
                "Description": J("AUTH token of ", Name()),
                "GenerateSecretString": {"PasswordLength": 32, "ExcludePunctuation": True},
                "Tags": Tags(),
            },
            "aws_secretsmanager_secret",
            {"name": Name(suffix="auth"), "description": J("AUTH token of ", Name()), "recovery_window_in_days": If("@ephemeral", True, 0, 7), "tags": Tags()},
            when=_AUTH,
        ),
        Emit(
            "auth_value",
            None,
            {},
            "aws_secretsmanager_secret_version",
            {
                "secret_id": Self("auth"),
                "secret_string": DataSource(
                    "aws_secretsmanager_random_password", "auth", (("password_length", 32), ("exclude_punctuation", True)), "random_password"
                ),
                "lifecycle": Block({"ignore_changes": [TfText("secret_string", ())]}),  # generated once, kept
            },
            when=_AUTH,
        ),
    ),
    outputs=(
        Output(
            "endpoint",
            "Primary endpoint",
            SelfAttr("", "PrimaryEndPoint.Address", "primary_endpoint_address"),
            SelfAttr("", "PrimaryEndPoint.Address", "primary_endpoint_address"),
        ),
    ),
    accepted={
        "CKV_AWS_191": "encrypted at rest with the ElastiCache-owned key: no key to pay for or keep a policy on",
        "CKV_AWS_149": "the AUTH token secret is encrypted with the Secrets Manager key of the account",
        "CKV2_AWS_57": "the AUTH token is not rotated automatically: clients must reconnect with the new one",
    },
    cost={"monthly_per_node": 11.68, "note": "cache.t4g.micro on demand"},
)


ELASTICACHE_MEMCACHED = ResourceType(
    type="elasticache_memcached",
    label="ElastiCache Memcached",
    aliases=("Memcached", "ElastiCache Memcached", "cache"),
    category="data",
    icon="aws-elasticache",
    description="A Memcached cluster in private subnets; nodes spread across AZs when there are several.",
    properties={
        "node_type": prop("string", "cache.t4g.micro", "Node type", pattern=r"^cache\.[a-z0-9]+\.[a-z0-9]+$", variable=True),
        "nodes": prop("integer", 1, "Cache nodes", minimum=1, maximum=40),
        "engine_version": enum(("1.6.22", "1.6.17", "1.6.12"), "1.6.22", "Memcached version"),
    },
    containers=("vpc", "subnet"),
    needs_container=True,
    security_group="sg",
    port=11211,
    env={"HOST": SelfAttr("", "ConfigurationEndpoint.Address", "cluster_address"), "PORT": "11211"},
    emits=(
        Emit(
            "",
            "AWS::ElastiCache::CacheCluster",
            {
                "ClusterName": Name(max=40),
                "Engine": "memcached",
                "EngineVersion": P("engine_version"),
                "CacheNodeType": P("node_type"),
                "NumCacheNodes": P("nodes"),
                "AZMode": If("nodes", 1, "single-az", "cross-az"),
                "Port": 11211,
                "CacheSubnetGroupName": Self("subnets"),
                "VpcSecurityGroupIds": [Self("sg")],
                "Tags": Tags(),
            },
            "aws_elasticache_cluster",
            {
                "cluster_id": Name(max=40),
                "engine": "memcached",
                "engine_version": P("engine_version"),
                "node_type": P("node_type"),
                "num_cache_nodes": P("nodes"),
                "az_mode": If("nodes", 1, "single-az", "cross-az"),
                "port": 11211,
                "subnet_group_name": Self("subnets", tf="name"),
                "security_group_ids": [Self("sg")],
                "tags": Tags(),
            },
        ),
        CACHE_SUBNET_GROUP,
        *security_group("Memcached"),
    ),
    outputs=(
        Output(
            "endpoint",
            "Configuration endpoint",
            SelfAttr("", "ConfigurationEndpoint.Address", "cluster_address"),
            SelfAttr("", "ConfigurationEndpoint.Address", "cluster_address"),
        ),
    ),
    cost={"monthly_per_node": 11.68, "note": "cache.t4g.micro on demand"},
)

TYPES = (
    DYNAMODB_TABLE,
    S3_BUCKET,
    ELASTICACHE_REDIS,
    RDS_INSTANCE,
    RDS_READ_REPLICA,
    AURORA_CLUSTER,
    EFS_FILE_SYSTEM,
    OPENSEARCH_DOMAIN,
    ELASTICACHE_MEMCACHED,
    GLUE_DATABASE,
    GLUE_CRAWLER,
    ATHENA_WORKGROUP,
)
