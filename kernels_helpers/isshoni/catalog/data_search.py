"""Data: EFS file systems and OpenSearch domains."""

from __future__ import annotations

from ..compiler.expr import Block, JsonEncode, Pseudo
from .common import security_group
from .spec import (
    Account,
    Emit,
    If,
    J,
    Name,
    Output,
    P,
    Region,
    ResourceType,
    Self,
    SelfAttr,
    Slot,
    Tags,
    enum,
    prop,
)

# ElastiCache nodes go into the private subnets of their tier, one group per cache.
# ---------------------------------------------------------------- file systems and search

EFS_FILE_SYSTEM = ResourceType(
    type="efs_file_system",
    label="EFS file system",
    aliases=("EFS", "file system", "NFS", "shared storage"),
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
    aliases=("OpenSearch", "Elasticsearch", "search", "search cluster", "Elastic search"),
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

