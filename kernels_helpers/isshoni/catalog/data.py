"""Data: DynamoDB, S3, ElastiCache, RDS/Aurora, EFS, OpenSearch, and the data lake (Glue, Athena)."""

from __future__ import annotations

from ..compiler.expr import Block, JsonEncode, Pseudo
from .common import role, security_group
from .spec import (
    Account,
    Emit,
    If,
    J,
    Link,
    Name,
    Output,
    P,
    Region,
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
    category="data",
    icon="aws-dynamodb",
    description="A key-value table; on-demand billing, encrypted, point-in-time recovery by default.",
    properties={
        "table_name": prop("string", "", "Table name (empty: <design>-<id>)", pattern=r"^([A-Za-z0-9_.-]{3,255})?$"),
        "hash_key": prop("string", "id", "Partition key attribute", pattern=r"^[A-Za-z0-9_.-]{1,255}$"),
        "hash_key_type": enum(("S", "N", "B"), "S", "Partition key type"),
        "range_key": prop("string", "", "Sort key attribute (optional)", pattern=r"^([A-Za-z0-9_.-]{1,255})?$"),
        "range_key_type": enum(("S", "N", "B"), "S", "Sort key type"),
        "point_in_time_recovery": prop("boolean", True, "Continuous backups"),
        "stream": prop("boolean", False, "Emit a change stream (new and old images)"),
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
                "tags": Tags(),
            },
        ),
    ),
    outputs=(Output("name", "Table name", Self(), Self()),),
    cost={"monthly": 0, "note": "on demand: per request and per GB stored"},
)

S3_BUCKET = ResourceType(
    type="s3_bucket",
    label="S3 bucket",
    category="data",
    icon="aws-s3",
    description="Object storage; private, encrypted (SSE-S3) and versioned by default.",
    properties={
        "versioning": prop("boolean", True, "Keep object versions"),
        "force_destroy": prop("boolean", False, "Allow Terraform to delete a non-empty bucket"),
    },
    env={"BUCKET_NAME": Self()},
    iam={
        "read": ("s3:GetObject", "s3:ListBucket"),
        "write": ("s3:PutObject", "s3:DeleteObject"),
        "readwrite": ("s3:GetObject", "s3:ListBucket", "s3:PutObject", "s3:DeleteObject"),
    },
    iam_resources=(SelfAttr("", "Arn", "arn"), J(SelfAttr("", "Arn", "arn"), "/*")),
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
    cost={"monthly": 0.5, "note": "per GB stored and per request"},
)

ELASTICACHE_REDIS = ResourceType(
    type="elasticache_redis",
    label="ElastiCache Redis",
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
        "snapshot_retention_days": prop("integer", 0, "Daily snapshots kept (0: none)", minimum=0, maximum=35),
    },
    containers=("vpc", "subnet"),
    needs_container=True,
    security_group="sg",
    port=6379,
    env={"HOST": SelfAttr("", "PrimaryEndPoint.Address", "primary_endpoint_address"), "PORT": "6379"},
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
                "port": 6379,
                "subnet_group_name": Self("subnets", tf="name"),
                "security_group_ids": [Self("sg")],
                "tags": Tags(),
            },
        ),
        CACHE_SUBNET_GROUP,
        *security_group("Redis"),
    ),
    outputs=(
        Output(
            "endpoint",
            "Primary endpoint",
            SelfAttr("", "PrimaryEndPoint.Address", "primary_endpoint_address"),
            SelfAttr("", "PrimaryEndPoint.Address", "primary_endpoint_address"),
        ),
    ),
    cost={"monthly_per_node": 11.68, "note": "cache.t4g.micro on demand"},
)


# ---------------------------------------------------------------- relational databases

SECRET_ARN = SelfAttr("", "MasterUserSecret.SecretArn", "master_user_secret[0].secret_arn")
SECRET_READ = {"read": ("secretsmanager:GetSecretValue",), "readwrite": ("secretsmanager:GetSecretValue",)}
DB_PORT = prop("integer", 5432, "Port the database listens on (5432 is PostgreSQL's, 3306 MySQL's)", minimum=1150, maximum=65535)
DATABASE_NAME = prop("string", "app", "Name of the database created at launch", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,62}$")
MASTER_USERNAME = prop(
    "string", "dbadmin", "Master user (its password is generated and kept in Secrets Manager)", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,15}$"
)
BACKUP_DAYS = prop("integer", 7, "Days of automated backups kept", minimum=1, maximum=35)
DELETION_PROTECTION = prop("boolean", False, "Refuse to delete the database")
VERSION_PATTERN = r"^([0-9]+(\.[0-9a-z_]+){0,3})?$"


def db_subnet_group(what: str) -> Emit:
    """The subnets an RDS database may use: its subnet's tier across AZs."""
    return Emit(
        "subnets",
        "AWS::RDS::DBSubnetGroup",
        {"DBSubnetGroupDescription": J(f"{what} subnets of ", Name()), "SubnetIds": Subnets(), "Tags": Tags()},
        "aws_db_subnet_group",
        {"name": Name(suffix="subnets"), "description": J(f"{what} subnets of ", Name()), "subnet_ids": Subnets(), "tags": Tags()},
    )


RDS_INSTANCE = ResourceType(
    type="rds_instance",
    label="RDS database",
    category="data",
    icon="aws-rds",
    description=(
        "A managed PostgreSQL, MySQL or MariaDB instance in private subnets; encrypted, backed up, "
        "master password generated and kept in Secrets Manager."
    ),
    properties={
        "engine": enum(("postgres", "mysql", "mariadb"), "postgres", "Database engine"),
        "engine_version": prop(
            "string", "", "Engine version, e.g. 16.4 for PostgreSQL, 8.0.39 for MySQL, 10.11.9 for MariaDB (empty: AWS's default for the engine)",
            pattern=VERSION_PATTERN,
        ),
        "instance_class": prop("string", "db.t4g.micro", "Instance class", pattern=r"^db\.[a-z0-9]+\.[a-z0-9]+$", variable=True),
        "allocated_storage": prop("integer", 20, "Storage in GiB (gp3)", minimum=20, maximum=65536),
        "multi_az": prop("boolean", False, "Keep a standby in a second AZ"),
        "database_name": DATABASE_NAME,
        "master_username": MASTER_USERNAME,
        "port": DB_PORT,
        "backup_retention_days": BACKUP_DAYS,
        "deletion_protection": DELETION_PROTECTION,
    },
    containers=("vpc", "subnet"),
    needs_container=True,
    security_group="sg",
    port=5432,
    env={
        "HOST": SelfAttr("", "Endpoint.Address", "address"),
        "PORT": SelfAttr("", "Endpoint.Port", "port"),
        "NAME": P("database_name"),
        "SECRET_ARN": SECRET_ARN,
    },
    iam=SECRET_READ,
    iam_resources=(SECRET_ARN,),
    emits=(
        Emit(
            "",
            "AWS::RDS::DBInstance",
            {
                "DBInstanceIdentifier": Name(),
                "Engine": P("engine"),
                "EngineVersion": If("engine_version", "", None, P("engine_version")),
                "DBInstanceClass": P("instance_class"),
                "AllocatedStorage": P("allocated_storage"),
                "StorageType": "gp3",
                "StorageEncrypted": True,
                "MultiAZ": P("multi_az"),
                "DBName": P("database_name"),
                "MasterUsername": P("master_username"),
                "ManageMasterUserPassword": True,
                "Port": P("port"),
                "DBSubnetGroupName": Self("subnets"),
                "VPCSecurityGroups": [Self("sg")],
                "PubliclyAccessible": False,
                "BackupRetentionPeriod": P("backup_retention_days"),
                "DeletionProtection": P("deletion_protection"),
                "CopyTagsToSnapshot": True,
                "Tags": Tags(),
            },
            "aws_db_instance",
            {
                "identifier": Name(),
                "engine": P("engine"),
                "engine_version": If("engine_version", "", None, P("engine_version")),
                "instance_class": P("instance_class"),
                "allocated_storage": P("allocated_storage"),
                "storage_type": "gp3",
                "storage_encrypted": True,
                "multi_az": P("multi_az"),
                "db_name": P("database_name"),
                "username": P("master_username"),
                "manage_master_user_password": True,
                "port": P("port"),
                "db_subnet_group_name": Self("subnets", tf="name"),
                "vpc_security_group_ids": [Self("sg")],
                "publicly_accessible": False,
                "backup_retention_period": P("backup_retention_days"),
                "deletion_protection": P("deletion_protection"),
                "copy_tags_to_snapshot": True,
                "final_snapshot_identifier": Name(suffix="final"),
                "tags": Tags(),
            },
        ),
        db_subnet_group("Database"),
        *security_group("Database"),
    ),
    outputs=(
        Output("endpoint", "Database endpoint", SelfAttr("", "Endpoint.Address", "address"), SelfAttr("", "Endpoint.Address", "address")),
        Output("secret_arn", "Secret holding the master password", SECRET_ARN, SECRET_ARN),
    ),
    cost={"monthly": 14, "note": "db.t4g.micro single-AZ on demand plus 20 GiB gp3"},
)

RDS_READ_REPLICA = ResourceType(
    type="rds_read_replica",
    label="RDS read replica",
    category="data",
    icon="aws-rds",
    description="A read-only copy of an RDS database, kept up to date asynchronously; connect it to the database it replicates.",
    properties={
        "instance_class": prop("string", "db.t4g.micro", "Instance class", pattern=r"^db\.[a-z0-9]+\.[a-z0-9]+$", variable=True),
        "multi_az": prop("boolean", False, "Keep a standby in a second AZ"),
        "port": DB_PORT,
        "deletion_protection": DELETION_PROTECTION,
    },
    containers=("vpc", "subnet"),
    needs_container=True,
    security_group="sg",
    port=5432,
    env={"HOST": SelfAttr("", "Endpoint.Address", "address"), "PORT": SelfAttr("", "Endpoint.Port", "port")},
    links=(Link(("rds_instance",), "rds_replica_source", "replicates this database"),),
    emits=(
        Emit(
            "",
            "AWS::RDS::DBInstance",
            {
                "DBInstanceIdentifier": Name(),
                "SourceDBInstanceIdentifier": Slot("source", single=True),
                "DBInstanceClass": P("instance_class"),
                "MultiAZ": P("multi_az"),
                "Port": P("port"),
                "DBSubnetGroupName": Self("subnets"),
                "VPCSecurityGroups": [Self("sg")],
                "PubliclyAccessible": False,
                "DeletionProtection": P("deletion_protection"),
                "Tags": Tags(),
            },
            "aws_db_instance",
            {
                "identifier": Name(),
                "replicate_source_db": Slot("source", single=True),
                "instance_class": P("instance_class"),
                "multi_az": P("multi_az"),
                "port": P("port"),
                "storage_encrypted": True,
                "db_subnet_group_name": Self("subnets", tf="name"),
                "vpc_security_group_ids": [Self("sg")],
                "publicly_accessible": False,
                "deletion_protection": P("deletion_protection"),
                "skip_final_snapshot": True,
                "tags": Tags(),
            },
        ),
        db_subnet_group("Read replica"),
        *security_group("Read replica"),
    ),
    outputs=(
        Output("endpoint", "Read replica endpoint", SelfAttr("", "Endpoint.Address", "address"), SelfAttr("", "Endpoint.Address", "address")),
    ),
    cost={"monthly": 14, "note": "db.t4g.micro on demand plus storage like the source"},
)

AURORA_CLUSTER = ResourceType(
    type="aurora_cluster",
    label="Aurora cluster",
    category="data",
    icon="aws-aurora",
    description=(
        "An Aurora PostgreSQL or MySQL cluster: a writer instance and an optional reader, shared encrypted storage, "
        "master password generated and kept in Secrets Manager."
    ),
    properties={
        "engine": enum(("aurora-postgresql", "aurora-mysql"), "aurora-postgresql", "Database engine"),
        "engine_version": prop(
            "string", "", "Engine version, e.g. 16.4 for Aurora PostgreSQL, 8.0.mysql_aurora.3.08.0 for Aurora MySQL (empty: AWS's default)",
            pattern=VERSION_PATTERN,
        ),
        "instance_class": prop("string", "db.t4g.medium", "Instance class", pattern=r"^db\.[a-z0-9]+\.[a-z0-9]+$", variable=True),
        "reader": prop("boolean", False, "Add a reader instance (also the failover target)"),
        "database_name": DATABASE_NAME,
        "master_username": MASTER_USERNAME,
        "port": DB_PORT,
        "backup_retention_days": BACKUP_DAYS,
        "deletion_protection": DELETION_PROTECTION,
    },
    containers=("vpc", "subnet"),
    needs_container=True,
    security_group="sg",
    port=5432,
    env={
        "HOST": SelfAttr("", "Endpoint.Address", "endpoint"),
        "READER_HOST": SelfAttr("", "ReadEndpoint.Address", "reader_endpoint"),
        "PORT": SelfAttr("", "Endpoint.Port", "port"),
        "NAME": P("database_name"),
        "SECRET_ARN": SECRET_ARN,
    },
    iam=SECRET_READ,
    iam_resources=(SECRET_ARN,),
    emits=(
        Emit(
            "",
            "AWS::RDS::DBCluster",
            {
                "DBClusterIdentifier": Name(),
                "Engine": P("engine"),
                "EngineVersion": If("engine_version", "", None, P("engine_version")),
                "DatabaseName": P("database_name"),
                "MasterUsername": P("master_username"),
                "ManageMasterUserPassword": True,
                "StorageEncrypted": True,
                "Port": P("port"),
                "DBSubnetGroupName": Self("subnets"),
                "VpcSecurityGroupIds": [Self("sg")],
                "BackupRetentionPeriod": P("backup_retention_days"),
                "DeletionProtection": P("deletion_protection"),
                "CopyTagsToSnapshot": True,
                "Tags": Tags(),
            },
            "aws_rds_cluster",
            {
                "cluster_identifier": Name(),
                "engine": P("engine"),
                "engine_version": If("engine_version", "", None, P("engine_version")),
                "database_name": P("database_name"),
                "master_username": P("master_username"),
                "manage_master_user_password": True,
                "storage_encrypted": True,
                "port": P("port"),
                "db_subnet_group_name": Self("subnets", tf="name"),
                "vpc_security_group_ids": [Self("sg")],
                "backup_retention_period": P("backup_retention_days"),
                "deletion_protection": P("deletion_protection"),
                "copy_tags_to_snapshot": True,
                "final_snapshot_identifier": Name(suffix="final"),
                "tags": Tags(),
            },
        ),
        Emit(
            "writer",
            "AWS::RDS::DBInstance",
            {
                "DBInstanceIdentifier": Name(suffix="writer"),
                "DBClusterIdentifier": Self(),
                "Engine": P("engine"),
                "DBInstanceClass": P("instance_class"),
                "PubliclyAccessible": False,
                "Tags": Tags(),
            },
            "aws_rds_cluster_instance",
            {
                "identifier": Name(suffix="writer"),
                "cluster_identifier": Self(),
                "engine": P("engine"),
                "instance_class": P("instance_class"),
                "publicly_accessible": False,
                "tags": Tags(),
            },
        ),
        Emit(
            "reader",
            "AWS::RDS::DBInstance",
            {
                "DBInstanceIdentifier": Name(suffix="reader"),
                "DBClusterIdentifier": Self(),
                "Engine": P("engine"),
                "DBInstanceClass": P("instance_class"),
                "PubliclyAccessible": False,
                "Tags": Tags(),
            },
            "aws_rds_cluster_instance",
            {
                "identifier": Name(suffix="reader"),
                "cluster_identifier": Self(),
                "engine": P("engine"),
                "instance_class": P("instance_class"),
                "publicly_accessible": False,
                "tags": Tags(),
            },
            when=("reader", True),
            depends_on=("writer",),
        ),
        db_subnet_group("Aurora"),
        *security_group("Aurora"),
    ),
    outputs=(
        Output("endpoint", "Writer endpoint", SelfAttr("", "Endpoint.Address", "endpoint"), SelfAttr("", "Endpoint.Address", "endpoint")),
        Output(
            "reader_endpoint", "Reader endpoint", SelfAttr("", "ReadEndpoint.Address", "reader_endpoint"), SelfAttr("", "ReadEndpoint.Address", "reader_endpoint")
        ),
        Output("secret_arn", "Secret holding the master password", SECRET_ARN, SECRET_ARN),
    ),
    cost={"monthly_per_instance": 60, "note": "db.t4g.medium on demand plus storage and I/O"},
)

# ---------------------------------------------------------------- file systems and search

EFS_FILE_SYSTEM = ResourceType(
    type="efs_file_system",
    label="EFS file system",
    category="data",
    icon="aws-efs",
    description="A shared NFS file system, encrypted, with a mount target in each subnet of its tier.",
    properties={
        "throughput_mode": enum(("elastic", "bursting"), "elastic", "Throughput mode"),
        "transition_to_ia": enum(
            ("", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS", "AFTER_60_DAYS", "AFTER_90_DAYS"),
            "AFTER_30_DAYS",
            "Move files not read for this long to Infrequent Access (empty: never)",
        ),
        "backups": prop("boolean", True, "Daily AWS Backup of the file system"),
    },
    containers=("vpc", "subnet"),
    needs_container=True,
    security_group="sg",
    port=2049,
    env={"FILE_SYSTEM_ID": Self()},
    emits=(
        Emit(
            "",
            "AWS::EFS::FileSystem",
            {
                "Encrypted": True,
                "PerformanceMode": "generalPurpose",
                "ThroughputMode": P("throughput_mode"),
                "LifecyclePolicies": If("transition_to_ia", "", None, [{"TransitionToIA": P("transition_to_ia")}]),
                "BackupPolicy": {"Status": If("backups", True, "ENABLED", "DISABLED")},
                "FileSystemTags": Tags(),
            },
            "aws_efs_file_system",
            {
                "encrypted": True,
                "performance_mode": "generalPurpose",
                "throughput_mode": P("throughput_mode"),
                "lifecycle_policy": If("transition_to_ia", "", None, Block({"transition_to_ia": P("transition_to_ia")})),
                "tags": Tags(),
            },
        ),
        Emit(
            "backup",
            None,
            {},
            "aws_efs_backup_policy",
            {"file_system_id": Self(), "backup_policy": Block({"status": If("backups", True, "ENABLED", "DISABLED")})},
        ),
        *security_group("EFS"),
    ),
    outputs=(Output("id", "File system id", Self(), Self()),),
    cost={"monthly": 3, "note": "per GB stored (about 0.30 USD/GB standard) plus elastic throughput"},
)

OPENSEARCH_DOMAIN = ResourceType(
    type="opensearch_domain",
    label="OpenSearch domain",
    category="data",
    icon="aws-opensearch",
    description=(
        "An OpenSearch domain inside the VPC (one subnet); encrypted at rest and between nodes, HTTPS only, "
        "access through IAM (connected computes are granted HTTP access)."
    ),
    properties={
        "engine_version": prop("string", "OpenSearch_2.15", "Engine version", pattern=r"^(OpenSearch|Elasticsearch)_[0-9]+\.[0-9]+$"),
        "instance_type": prop("string", "t3.small.search", "Data node instance type", pattern=r"^[a-z0-9]+\.[a-z0-9]+\.search$", variable=True),
        "instance_count": prop("integer", 1, "Data nodes", minimum=1, maximum=10),
        "volume_size": prop("integer", 10, "EBS gp3 storage per node in GiB", minimum=10, maximum=1024),
    },
    containers=("vpc", "subnet"),
    needs_container=True,
    security_group="sg",
    port=443,
    env={"ENDPOINT": SelfAttr("", "DomainEndpoint", "endpoint")},
    iam={
        "read": ("es:ESHttpGet", "es:ESHttpHead"),
        "write": ("es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete", "es:ESHttpPatch"),
        "readwrite": ("es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete", "es:ESHttpPatch"),
    },
    iam_resources=(SelfAttr("", "Arn", "arn"), J(SelfAttr("", "Arn", "arn"), "/*")),
    emits=(
        Emit(
            "",
            "AWS::OpenSearchService::Domain",
            {
                "DomainName": Name(max=28),
                "EngineVersion": P("engine_version"),
                "ClusterConfig": {"InstanceType": P("instance_type"), "InstanceCount": P("instance_count"), "ZoneAwarenessEnabled": False},
                "EBSOptions": {"EBSEnabled": True, "VolumeType": "gp3", "VolumeSize": P("volume_size")},
                "EncryptionAtRestOptions": {"Enabled": True},
                "NodeToNodeEncryptionOptions": {"Enabled": True},
                "DomainEndpointOptions": {"EnforceHTTPS": True, "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"},
                "VPCOptions": {"SubnetIds": Slot("subnet"), "SecurityGroupIds": [Self("sg")]},
                "AccessPolicies": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": J("arn:", Pseudo("partition"), ":iam::", Account(), ":root")},
                            "Action": "es:*",
                            "Resource": J("arn:", Pseudo("partition"), ":es:", Region(), ":", Account(), ":domain/", Name(max=28), "/*"),
                        }
                    ],
                },
                "Tags": Tags(),
            },
            "aws_opensearch_domain",
            {
                "domain_name": Name(max=28),
                "engine_version": P("engine_version"),
                "cluster_config": Block({"instance_type": P("instance_type"), "instance_count": P("instance_count"), "zone_awareness_enabled": False}),
                "ebs_options": Block({"ebs_enabled": True, "volume_type": "gp3", "volume_size": P("volume_size")}),
                "encrypt_at_rest": Block({"enabled": True}),
                "node_to_node_encryption": Block({"enabled": True}),
                "domain_endpoint_options": Block({"enforce_https": True, "tls_security_policy": "Policy-Min-TLS-1-2-2019-07"}),
                "vpc_options": Block({"subnet_ids": Slot("subnet"), "security_group_ids": [Self("sg")]}),
                "access_policies": JsonEncode(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"AWS": J("arn:", Pseudo("partition"), ":iam::", Account(), ":root")},
                                "Action": "es:*",
                                "Resource": J("arn:", Pseudo("partition"), ":es:", Region(), ":", Account(), ":domain/", Name(max=28), "/*"),
                            }
                        ],
                    }
                ),
                "tags": Tags(),
            },
        ),
        *security_group("OpenSearch"),
    ),
    outputs=(Output("endpoint", "Domain endpoint", SelfAttr("", "DomainEndpoint", "endpoint"), SelfAttr("", "DomainEndpoint", "endpoint")),),
    cost={"monthly_per_node": 27, "note": "t3.small.search on demand plus 10 GiB gp3"},
)

ELASTICACHE_MEMCACHED = ResourceType(
    type="elasticache_memcached",
    label="ElastiCache Memcached",
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

GLUE_ROLE_POLICY = "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"

GLUE_DATABASE = ResourceType(
    type="glue_database",
    label="Glue database",
    category="data",
    icon="aws-glue",
    description="A Data Catalog database: the tables a crawler finds and Athena queries.",
    properties={"description": prop("string", "Managed by Isshoni", "What the tables hold", pattern=r"^[A-Za-z0-9 ._,-]{0,200}$")},
    env={"DATABASE": Self()},
    emits=(
        Emit(
            "",
            "AWS::Glue::Database",
            {"CatalogId": Account(), "DatabaseInput": {"Name": Name(style="alnum"), "Description": P("description")}},
            "aws_glue_catalog_database",
            {"name": Name(style="alnum"), "description": P("description")},
        ),
    ),
    outputs=(Output("name", "Database name", Self(), Self(tf="name")),),
    cost={"monthly": 0, "note": "first million objects free"},
)

GLUE_CRAWLER = ResourceType(
    type="glue_crawler",
    label="Glue crawler",
    category="data",
    icon="aws-glue",
    description="Finds tables in S3 and records them in a Glue database, on a schedule.",
    properties={
        "schedule": prop("string", "cron(0 3 * * ? *)", "When to crawl (Glue cron)", pattern=r"^cron\([0-9A-Za-z*?,/ #L-]+\)$"),
    },
    role="role",
    links=(
        Link(("glue_database",), "crawler_database", "records the tables it finds in this database"),
        Link(("s3_bucket",), "crawler_target", "crawls this bucket (read access on the crawler's role)"),
    ),
    emits=(
        Emit(
            "",
            "AWS::Glue::Crawler",
            {
                "Role": SelfAttr("role", "Arn", "arn"),
                "DatabaseName": Slot("database", single=True),
                "Targets": {"S3Targets": Slot("s3_targets")},
                "Schedule": {"ScheduleExpression": P("schedule")},
                "Tags": {"Name": Name()},
            },
            "aws_glue_crawler",
            {
                "name": Name(),
                "role": SelfAttr("role", "Arn", "arn"),
                "database_name": Slot("database", single=True),
                "schedule": P("schedule"),
                "s3_target": Slot("s3_targets"),
                "tags": Tags(),
            },
            when=("@slot", "database"),
        ),
        *role("role", "glue.amazonaws.com", (GLUE_ROLE_POLICY,)),
    ),
    cost={"monthly": 1.0, "note": "per DPU-hour crawled"},
)

ATHENA_WORKGROUP = ResourceType(
    type="athena_workgroup",
    label="Athena workgroup",
    category="data",
    icon="aws-athena",
    description="Runs SQL on the data lake; results go to a connected bucket, encrypted.",
    properties={
        "bytes_scanned_limit": prop("integer", 10 * 1024**3, "Stop queries that scan more than this many bytes", minimum=10_000_000, maximum=2**53),
    },
    links=(Link(("s3_bucket",), "athena_results", "writes query results to this bucket"),),
    env={"WORKGROUP": Self()},
    iam={
        "read": ("athena:GetQueryExecution", "athena:GetQueryResults", "athena:GetWorkGroup"),
        "readwrite": ("athena:StartQueryExecution", "athena:StopQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:GetWorkGroup"),
    },
    iam_resources=(J("arn:aws:athena:", Region(), ":", Account(), ":workgroup/", Self()),),
    emits=(
        Emit(
            "",
            "AWS::Athena::WorkGroup",
            {
                "Name": Name(),
                "State": "ENABLED",
                "WorkGroupConfiguration": {
                    "EnforceWorkGroupConfiguration": True,
                    "PublishCloudWatchMetricsEnabled": True,
                    "BytesScannedCutoffPerQuery": P("bytes_scanned_limit"),
                    "ResultConfiguration": Slot("results", single=True),
                },
                "Tags": Tags(),
            },
            "aws_athena_workgroup",
            {
                "name": Name(),
                "state": "ENABLED",
                "configuration": Block(
                    {
                        "enforce_workgroup_configuration": True,
                        "publish_cloudwatch_metrics_enabled": True,
                        "bytes_scanned_cutoff_per_query": P("bytes_scanned_limit"),
                        "result_configuration": Slot("results", single=True),
                    }
                ),
                "tags": Tags(),
            },
        ),
    ),
    outputs=(Output("name", "Workgroup name", Self(), Self()),),
    cost={"monthly": 0, "note": "$5 per TB scanned"},
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
