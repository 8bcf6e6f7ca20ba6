"""Data: the data lake (Glue databases and crawlers, Athena workgroups)."""

from __future__ import annotations

from ..compiler.expr import Block
from .common import role
from .spec import (
    Account,
    Emit,
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
    managed_policy,
    prop,
)

# ElastiCache nodes go into the private subnets of their tier, one group per cache.
GLUE_ROLE_POLICY = managed_policy("service-role/AWSGlueServiceRole")

GLUE_DATABASE = ResourceType(
    type="glue_database",
    label="Glue database",
    aliases=("Glue", "Glue database", "data catalog", "Glue catalog"),
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
    aliases=("Glue crawler", "crawler"),
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
    aliases=("Athena", "Athena workgroup", "SQL on S3"),
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
    iam_resources=(arn("athena", "workgroup/", Self()),),
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

