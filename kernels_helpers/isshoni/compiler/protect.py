"""Stateful parts keep their data: CloudFormation retains (or snapshots) them when they are
deleted or replaced and Terraform refuses to destroy them, unless the design is ephemeral
(a sandbox, a demo), where every policy says Delete.

The stateful types are cfn-lint's (I3011) plus S3 buckets, ECR repositories and EC2
volumes, which also hold what a person cannot recreate.
"""

from __future__ import annotations

from .model import Part

# Types whose delete can leave a final snapshot instead of the data itself.
SNAPSHOT = frozenset({
    "AWS::RDS::DBCluster", "AWS::RDS::DBInstance", "AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::CacheCluster",
    "AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster", "AWS::Redshift::Cluster", "AWS::EC2::Volume",
})
RETAIN = frozenset({
    "AWS::Backup::BackupVault", "AWS::CloudFormation::Stack", "AWS::Cognito::UserPool", "AWS::DocDB::DBInstance",
    "AWS::DynamoDB::GlobalTable", "AWS::DynamoDB::Table", "AWS::EFS::FileSystem", "AWS::EMR::Cluster",
    "AWS::Elasticsearch::Domain", "AWS::FSx::FileSystem", "AWS::KMS::Key", "AWS::Kinesis::Stream", "AWS::Logs::LogGroup",
    "AWS::Neptune::DBInstance", "AWS::OpenSearchService::Domain", "AWS::Organizations::Account", "AWS::QLDB::Ledger",
    "AWS::SDB::Domain", "AWS::SQS::Queue", "AWS::SecretsManager::Secret", "AWS::S3::Bucket", "AWS::ECR::Repository",
})
STATEFUL = SNAPSHOT | RETAIN
# A database instance that belongs to a cluster, or replicates another, holds no data of its own:
# the cluster (or the source) is what is kept, and AWS takes no final snapshot of such an instance.
MEMBER_OF = ("DBClusterIdentifier", "SourceDBInstanceIdentifier")


def policy(part: Part, ephemeral: bool) -> str | None:
    """The DeletionPolicy/UpdateReplacePolicy of a part (None: not stateful)."""
    if part.cfn_type not in STATEFUL:
        return None
    if ephemeral or (part.cfn and any(key in part.cfn for key in MEMBER_OF)):
        return "Delete"
    return "Snapshot" if part.cfn_type in SNAPSHOT else "Retain"


def apply(parts: list[Part], ephemeral: bool) -> None:
    for part in parts:
        chosen = policy(part, ephemeral)
        if chosen is not None:
            part.policy = chosen
            part.prevent_destroy = chosen != "Delete" and bool(part.tf_type)


def protected(part: Part) -> bool:
    """Whether a stateful part keeps its data (what the real-account checklist asks of every one)."""
    return part.policy in ("Retain", "Snapshot") or (part.policy == "Delete" and bool(part.cfn) and any(k in part.cfn for k in MEMBER_OF))
