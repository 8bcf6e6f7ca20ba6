"""Wiring units for connections of data stores (RDS, Aurora, EFS, OpenSearch, Memcached) and SecureString paths."""

from __future__ import annotations

from . import expr as e
from .names import tf_identifier
from .resolve import Context
from .wiring import env_name, finisher, iam_access, role_of, role_policy, unit

DATABASES = ("rds_instance", "aurora_cluster")
SECRET_ARN = ("MasterUserSecret.SecretArn", "master_user_secret[0].secret_arn")


@unit("rds_replica_source")
def rds_replica_source(ctx: Context, cid, replica, primary, props):
    """Read replica -> database: the replica is created from (and follows) that database."""
    ctx.memo.setdefault("replica_sources", {})[replica] = primary
    ctx.contribute(replica, "source", ctx.ref(primary), ctx.ref(primary, tf="identifier"))


@finisher
def finish_replica_sources(ctx: Context) -> None:
    """A replica drawn without its database still needs one: ask for its identifier."""
    sources = ctx.memo.get("replica_sources", {})
    for rid in ctx.of_type("rds_read_replica"):
        if rid not in sources:
            var = ctx.variable(
                f"{tf_identifier(rid)}_source_db", "string", "", f"Identifier or ARN of the database {rid} replicates", rid
            )
            ctx.contribute(rid, "source", var, var)


@finisher
def finish_efs_mount_targets(ctx: Context) -> None:
    """One mount target per AZ of the file system's subnets, guarded by its security group."""
    for rid in ctx.of_type("efs_file_system"):
        sg = ctx.ref(rid, "sg")
        for subnet in _one_per_zone(ctx, ctx.subnets(rid)):
            ctx.add_part(
                rid,
                f"mount_{subnet}",
                "AWS::EFS::MountTarget",
                {"FileSystemId": ctx.ref(rid), "SubnetId": ctx.ref(subnet), "SecurityGroups": [sg]},
                "aws_efs_mount_target",
                {"file_system_id": ctx.ref(rid), "subnet_id": ctx.ref(subnet), "security_groups": [sg]},
            )


@finisher
def finish_opensearch_subnets(ctx: Context) -> None:
    """A domain without zone awareness lives in exactly one subnet: the one it is drawn
    in, else the first of its tier."""
    for rid in ctx.of_type("opensearch_domain"):
        subnet = ctx.ancestor(rid, ("subnet",)) or next(iter(ctx.subnets(rid)), None)
        if subnet is not None:
            ctx.contribute(rid, "subnet", ctx.ref(subnet), ctx.ref(subnet))


@finisher
def finish_data_access(ctx: Context) -> None:
    """What the port alone does not give a connected compute: the right to read the
    database's generated password (and, for a replica, its source's name and secret),
    and signed HTTP access to an OpenSearch domain."""
    sources = ctx.memo.get("replica_sources", {})
    for cid in sorted(ctx.design.connections):
        conn = ctx.design.connections[cid]
        source, target = conn["source"], conn["target"]
        link = ctx.entry(source).link_to(ctx.type_of(target))
        if link is None or link.wiring != "data_port":
            continue
        kind = ctx.type_of(target)
        database = sources.get(target) if kind == "rds_read_replica" else target
        if kind == "rds_read_replica" and database is not None:
            ctx.env(source, env_name(target, "NAME"), ctx.props(database)["database_name"])
            ctx.env(source, env_name(target, "SECRET_ARN"), ctx.attr(database, *SECRET_ARN))
        role = role_of(ctx, source)
        if role is None:
            continue
        if database is not None and ctx.type_of(database) in DATABASES:
            statement = {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": ctx.attr(database, *SECRET_ARN)}
            role_policy(ctx, cid, "secret_policy", role, f"{tf_identifier(cid)}-secret", [statement])
        elif kind == "elasticache_redis" and ctx.has_part(target, "auth"):
            statement = {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": ctx.ref(target, "auth", tf="arn")}
            role_policy(ctx, cid, "auth_policy", role, f"{tf_identifier(cid)}-auth", [statement])
        elif kind == "opensearch_domain":
            entry = ctx.entry(target)
            resources = [ctx.fill(r, "cfn", target) for r in entry.iam_resources]
            statement = {"Effect": "Allow", "Action": sorted(entry.iam["readwrite"]), "Resource": resources}
            role_policy(ctx, cid, "http_policy", role, f"{tf_identifier(cid)}-http", [statement])


def _one_per_zone(ctx: Context, subnets: list) -> list:
    """EFS allows one mount target per AZ: keep the first subnet of each zone."""
    seen, kept = set(), []
    for subnet in subnets:
        zone = str(ctx.props(subnet).get("az") or "a")
        zone = ctx.design.region + zone if len(zone) == 1 else zone
        if zone not in seen:
            seen.add(zone)
            kept.append(subnet)
    return kept



# ------------------------------------------------------------------ data lake


@unit("crawler_database")
def crawler_database(ctx: Context, cid, crawler, database, props):
    ctx.contribute(crawler, "database", ctx.ref(database), ctx.ref(database, tf="name"))


@unit("crawler_target")
def crawler_target(ctx: Context, cid, crawler, bucket, props):
    path = e.join("s3://", ctx.ref(bucket), "/")
    ctx.contribute(crawler, "s3_targets", {"Path": path}, e.Block({"path": path}))
    role = role_of(ctx, crawler)
    statement = {
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": [ctx.attr(bucket, "Arn", "arn"), e.join(ctx.attr(bucket, "Arn", "arn"), "/*")],
    }
    role_policy(ctx, cid, "policy", role, f"{tf_identifier(cid)}-read", [statement])


@unit("athena_results")
def athena_results(ctx: Context, cid, workgroup, bucket, props):
    location = e.join("s3://", ctx.ref(bucket), "/athena-results/")
    ctx.contribute(
        workgroup,
        "results",
        {"OutputLocation": location, "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"}},
        e.Block({"output_location": location, "encryption_configuration": e.Block({"encryption_option": "SSE_S3"})}),
    )


@unit("parameter_path")
def parameter_path(ctx: Context, cid, source, path, props):
    """Compute -> SecureString path: the path's parameters (not others), decrypted with its key through SSM only."""
    iam_access(ctx, cid, source, path, props)
    role = role_of(ctx, source)
    if role is None or not ctx.has_part(path, "key"):
        return  # the AWS managed key's policy already lets the account use it through SSM
    actions = ["kms:Decrypt"] if props["access"] == "read" else ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    statement = {
        "Effect": "Allow",
        "Action": actions,
        "Resource": ctx.attr(path, "Arn", "arn", key="key"),
        "Condition": {"StringEquals": {"kms:ViaService": e.join("ssm.", e.Pseudo("region"), ".amazonaws.com")}},
    }
    role_policy(ctx, cid, "key_policy", role, f"{tf_identifier(cid)}-key", [statement])
