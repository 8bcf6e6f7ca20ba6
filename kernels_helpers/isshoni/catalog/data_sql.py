"""Data: RDS instances, read replicas and Aurora clusters (passwords kept in Secrets Manager)."""

from __future__ import annotations

from .common import security_group
from .spec import (
    Emit,
    If,
    J,
    Link,
    Name,
    Output,
    P,
    ResourceType,
    Risk,
    Self,
    SelfAttr,
    Slot,
    Subnets,
    Tags,
    enum,
    prop,
)

# ElastiCache nodes go into the private subnets of their tier, one group per cache.
# ---------------------------------------------------------------- relational databases

SECRET_ARN = SelfAttr("", "MasterUserSecret.SecretArn", "master_user_secret[0].secret_arn")
SECRET_READ = {"read": ("secretsmanager:GetSecretValue",), "readwrite": ("secretsmanager:GetSecretValue",)}
DB_PORT = prop("integer", 5432, "Port the database listens on (5432 is PostgreSQL's, 3306 MySQL's)", minimum=1150, maximum=65535)
DATABASE_NAME = prop("string", "app", "Name of the database created at launch", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,62}$")
MASTER_USERNAME = prop(
    "string", "dbadmin", "Master user (its password is generated and kept in Secrets Manager)", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,15}$"
)
BACKUP_DAYS = prop("integer", 7, "Days of automated backups kept", minimum=1, maximum=35)
DELETION_PROTECTION = prop("boolean", True, "Refuse to delete the database (off in an ephemeral design)", ephemeral=False)
# RDS keeps a final snapshot when a protected database is deleted; an ephemeral one just goes.
_FINAL_SNAPSHOT = If("@ephemeral", True, None, Name(suffix="final"))
_SKIP_FINAL = If("@ephemeral", True, True, False)
# The engine's logs go to CloudWatch Logs (error and slow query logs for MySQL and MariaDB).
_LOG_EXPORTS = If("engine", "postgres", ["postgresql", "upgrade"], ["error", "slowquery"])
_AURORA_LOG_EXPORTS = If("engine", "aurora-postgresql", ["postgresql"], ["error", "slowquery"])
MULTI_AZ = Risk(
    ("CKV_AWS_157",), ("multi_az", False),
    "multi_az=false in the design: one instance (a standby in a second AZ doubles the cost); backups restore it",
)
PERFORMANCE_INSIGHTS = prop("boolean", False, "Performance Insights (7 days free; not offered on every micro class)")
DATABASE_ACCEPTED = {
    "CKV_AWS_118": "no enhanced monitoring: it needs a monitoring role and bills OS metrics to CloudWatch Logs; basic metrics are on",
    "CKV2_AWS_30": "no query logging: it would log every statement with its data; enable log_statement in a parameter group when needed",
}
NO_INSIGHTS = Risk(("CKV_AWS_353",), ("performance_insights", False), "performance_insights=false in the design")
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
    aliases=(
        "RDS", "PostgreSQL", "Postgres", "Postgres DB", "RDS Postgres", "relational database",
        "SQL database", "database", "DB", ("MySQL", {"engine": "mysql"}), ("RDS MySQL", {"engine": "mysql"}),
        ("MariaDB", {"engine": "mariadb"}),
    ),
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
        "performance_insights": PERFORMANCE_INSIGHTS,
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
                "EnableIAMDatabaseAuthentication": True,
                "EnablePerformanceInsights": P("performance_insights"),
                "EnableCloudwatchLogsExports": _LOG_EXPORTS,
                "AutoMinorVersionUpgrade": True,
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
                "final_snapshot_identifier": _FINAL_SNAPSHOT,
                "skip_final_snapshot": _SKIP_FINAL,
                "iam_database_authentication_enabled": True,
                "performance_insights_enabled": P("performance_insights"),
                "enabled_cloudwatch_logs_exports": _LOG_EXPORTS,
                "auto_minor_version_upgrade": True,
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
    accepted=DATABASE_ACCEPTED,
    risks=(MULTI_AZ, NO_INSIGHTS),
    cost={"monthly": 14, "note": "db.t4g.micro single-AZ on demand plus 20 GiB gp3"},
)

RDS_READ_REPLICA = ResourceType(
    type="rds_read_replica",
    label="RDS read replica",
    aliases=("read replica", "replica", "RDS replica"),
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
    aliases=(
        "Aurora", "Aurora Postgres", "Aurora PostgreSQL", "Aurora cluster", "database", "DB",
        ("Aurora MySQL", {"engine": "aurora-mysql"}),
    ),
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
                "EnableIAMDatabaseAuthentication": True,
                "EnableCloudwatchLogsExports": _AURORA_LOG_EXPORTS,
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
                "final_snapshot_identifier": _FINAL_SNAPSHOT,
                "skip_final_snapshot": _SKIP_FINAL,
                "iam_database_authentication_enabled": True,
                "enabled_cloudwatch_logs_exports": _AURORA_LOG_EXPORTS,
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
    accepted=DATABASE_ACCEPTED,
    cost={"monthly_per_instance": 60, "note": "db.t4g.medium on demand plus storage and I/O"},
)

