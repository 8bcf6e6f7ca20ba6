"""The sandbox sweep's service listings: for each kind of resource, how its service lists it,
how an item is recognised as the design's (a recorded id, a name its stack generated, its tag),
and how it is deleted.  The sweeper (sweep.py) walks them; EC2, load balancers, ECS and
CloudFront, which need more than a listing, stay there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from .sandbox import PREPARED_TAG


def safe(fn, default=None):
    try:
        return fn()
    except (ClientError, BotoCoreError, KeyError):
        return default


@dataclass(frozen=True)
class Listing:
    """How one service lists a kind of resource, how each item's id and tags are read, how it is deleted."""

    kind: str
    service: str
    call: str  # the list/describe operation
    key: str  # where its answer holds the items
    ident: str | None  # the item's field that is its id (None: the item is the id)
    delete: Callable[[object, str], None]  # (client, id)
    paginated: bool = False
    aliases: Callable[[object], tuple] = lambda item: ()  # other ids a deploy may have recorded it by
    tags: Callable[[object, object], list] | None = None  # (client, item) -> its tags
    named: bool = False  # also match the names and prefixes the design's stack generates
    foreign: bool = True  # never take what another design tagged
    optional: bool = False  # the sandbox may not serve it: a failed listing finds nothing
    skip: Callable[[object, list], bool] = lambda item, tags: False  # never the design's (item, tags)


# ---------------------------------------------------------------- deleting, per kind


def _empty_bucket(s3, bucket: str) -> None:
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        objects = [{"Key": o["Key"], "VersionId": o["VersionId"]} for o in page.get("Versions", []) + page.get("DeleteMarkers", [])]
        if objects:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": objects})
    s3.delete_bucket(Bucket=bucket)


def _delete_role(iam, role: str) -> None:
    for name in iam.list_role_policies(RoleName=role).get("PolicyNames", []):
        iam.delete_role_policy(RoleName=role, PolicyName=name)
    for policy in iam.list_attached_role_policies(RoleName=role).get("AttachedPolicies", []):
        iam.detach_role_policy(RoleName=role, PolicyArn=policy["PolicyArn"])
    for profile in iam.list_instance_profiles_for_role(RoleName=role).get("InstanceProfiles", []):
        iam.remove_role_from_instance_profile(RoleName=role, InstanceProfileName=profile["InstanceProfileName"])
    iam.delete_role(RoleName=role)


def _delete_profile(iam, name: str) -> None:
    for role in iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"].get("Roles", []):
        iam.remove_role_from_instance_profile(InstanceProfileName=name, RoleName=role["RoleName"])
    iam.delete_instance_profile(InstanceProfileName=name)


def _delete_queue(sqs, ident: str) -> None:
    sqs.delete_queue(QueueUrl=ident if ident.startswith("http") else sqs.get_queue_url(QueueName=ident)["QueueUrl"])


def _delete_topic(sns, arn: str) -> None:
    for sub in sns.list_subscriptions_by_topic(TopicArn=arn).get("Subscriptions", []):
        if sub.get("SubscriptionArn", "").startswith("arn:"):
            safe(lambda sub=sub: sns.unsubscribe(SubscriptionArn=sub["SubscriptionArn"]))
    sns.delete_topic(TopicArn=arn)


def _delete_function(lam, name: str) -> None:
    for mapping in lam.list_event_source_mappings(FunctionName=name).get("EventSourceMappings", []):
        lam.delete_event_source_mapping(UUID=mapping["UUID"])
    lam.delete_function(FunctionName=name)


def _delete_rule(events, name: str) -> None:
    targets = [t["Id"] for t in events.list_targets_by_rule(Rule=name).get("Targets", [])]
    if targets:
        events.remove_targets(Rule=name, Ids=targets)
    events.delete_rule(Name=name)


def _delete_db(rds, ident: str) -> None:
    safe(lambda: rds.modify_db_instance(DBInstanceIdentifier=ident, DeletionProtection=False, ApplyImmediately=True))
    rds.delete_db_instance(DBInstanceIdentifier=ident, SkipFinalSnapshot=True, DeleteAutomatedBackups=True)


# ---------------------------------------------------------------- tags, per kind


def _table_tags(ddb, name: str) -> list:
    return ddb.list_tags_of_resource(ResourceArn=ddb.describe_table(TableName=name)["Table"]["TableArn"])["Tags"]


def _item_tags(key: str = "Tags"):
    """Tags carried by the listed item itself (a list of Key/Value, or a {key: value} map)."""
    def read(_client, item) -> list:
        tags = item.get(key) or []
        return [{"Key": k, "Value": v} for k, v in tags.items()] if isinstance(tags, dict) else tags
    return read


LISTINGS = (
    Listing("asg", "autoscaling", "describe_auto_scaling_groups", "AutoScalingGroups", "AutoScalingGroupName", paginated=True,
            named=True, tags=_item_tags(), delete=lambda c, i: c.delete_auto_scaling_group(AutoScalingGroupName=i, ForceDelete=True)),
    Listing("alarm", "cloudwatch", "describe_alarms", "MetricAlarms", "AlarmName",
            tags=lambda cw, a: cw.list_tags_for_resource(ResourceARN=a["AlarmArn"])["Tags"],
            delete=lambda c, i: c.delete_alarms(AlarmNames=[i])),
    Listing("event_rule", "events", "list_rules", "Rules", "Name", paginated=True, named=True, optional=True,
            aliases=lambda r: (r["Arn"],), tags=lambda ev, r: ev.list_tags_for_resource(ResourceARN=r["Arn"])["Tags"],
            delete=_delete_rule),
    Listing("esm", "lambda", "list_event_source_mappings", "EventSourceMappings", "UUID", paginated=True, optional=True,
            delete=lambda c, i: c.delete_event_source_mapping(UUID=i)),
    Listing("http_api", "apigatewayv2", "get_apis", "Items", "ApiId", paginated=True, optional=True, tags=_item_tags(),
            delete=lambda c, i: c.delete_api(ApiId=i)),
    Listing("log_group", "logs", "describe_log_groups", "logGroups", "logGroupName", named=True,
            delete=lambda c, i: c.delete_log_group(logGroupName=i)),
    Listing("table", "dynamodb", "list_tables", "TableNames", None, tags=_table_tags, delete=lambda c, i: c.delete_table(TableName=i)),
    Listing("bucket", "s3", "list_buckets", "Buckets", "Name", named=True,
            tags=lambda s3, b: s3.get_bucket_tagging(Bucket=b["Name"])["TagSet"], delete=_empty_bucket),
    Listing("db", "rds", "describe_db_instances", "DBInstances", "DBInstanceIdentifier", paginated=True, named=True, optional=True,
            aliases=lambda d: (d.get("DbiResourceId"), d.get("DBInstanceArn")), tags=_item_tags("TagList"), delete=_delete_db),
    Listing("db_subnet_group", "rds", "describe_db_subnet_groups", "DBSubnetGroups", "DBSubnetGroupName", paginated=True,
            named=True, optional=True, aliases=lambda g: (g.get("DBSubnetGroupArn"),),
            tags=lambda rds, g: rds.list_tags_for_resource(ResourceName=g["DBSubnetGroupArn"])["TagList"],
            delete=lambda c, i: c.delete_db_subnet_group(DBSubnetGroupName=i)),
    Listing("cache", "elasticache", "describe_replication_groups", "ReplicationGroups", "ReplicationGroupId",
            foreign=False, optional=True, tags=lambda ec, g: ec.list_tags_for_resource(ResourceName=g["ARN"])["TagList"],
            delete=lambda c, i: c.delete_replication_group(ReplicationGroupId=i)),
    Listing("certificate", "acm", "list_certificates", "CertificateSummaryList", "CertificateArn", foreign=False,
            tags=lambda acm, c: acm.list_tags_for_certificate(CertificateArn=c["CertificateArn"])["Tags"],
            skip=lambda cert, tags: any(t["Key"] == PREPARED_TAG for t in tags),  # the sandbox's own certificate
            delete=lambda c, i: c.delete_certificate(CertificateArn=i)),
    Listing("queue", "sqs", "list_queues", "QueueUrls", None, optional=True, aliases=lambda url: (url.rsplit("/", 1)[-1],),
            delete=_delete_queue),
    Listing("topic", "sns", "list_topics", "Topics", "TopicArn", paginated=True, optional=True,
            aliases=lambda t: (t["TopicArn"].rsplit(":", 1)[-1],), delete=_delete_topic),
    Listing("function", "lambda", "list_functions", "Functions", "FunctionName", paginated=True, optional=True,
            aliases=lambda fn: (fn["FunctionArn"],), delete=_delete_function),
    Listing("instance_profile", "iam", "list_instance_profiles", "InstanceProfiles", "InstanceProfileName", paginated=True,
            named=True, aliases=lambda p: (p["Arn"], p["InstanceProfileId"]),
            tags=lambda iam, p: iam.list_instance_profile_tags(InstanceProfileName=p["InstanceProfileName"])["Tags"],
            delete=_delete_profile),
    Listing("role", "iam", "list_roles", "Roles", "RoleName", paginated=True, named=True,
            tags=lambda iam, r: iam.list_role_tags(RoleName=r["RoleName"])["Tags"],
            skip=lambda role, tags: role.get("Path", "/").startswith("/aws-service-role/"), delete=_delete_role),
    Listing("launch_template", "ec2", "describe_launch_templates", "LaunchTemplates", "LaunchTemplateId", paginated=True,
            aliases=lambda t: (t["LaunchTemplateName"],), tags=_item_tags(),
            delete=lambda c, i: c.delete_launch_template(LaunchTemplateId=i)),
)
BY_KIND = {listing.kind: listing for listing in LISTINGS}


def listed(f, listing: Listing) -> set[str]:
    """What `listing` finds of the design (`f`: the sweeper's Finder): recorded (by id or alias),
    named by its stack, or tagged."""
    recorded = f.recorded(listing.kind)
    if listing.tags is None and not listing.named and not recorded:
        return set()  # only found by the ids recorded for it, and there are none
    client = f.c(listing.service)
    items = safe(lambda: _items(client, listing), []) if listing.optional else _items(client, listing)
    out = set()
    for item in items:
        ident = item if listing.ident is None else item[listing.ident]
        tags = safe(lambda item=item: listing.tags(client, item), []) if listing.tags else []
        if listing.skip(item, tags) or (listing.foreign and f.foreign(tags)):
            continue
        if {ident, *listing.aliases(item)} & recorded or (listing.named and f.named(listing.kind, ident)) or f.tagged(tags):
            out.add(ident)
    return out


def _items(client, listing: Listing) -> list:
    if listing.paginated:
        return [x for page in client.get_paginator(listing.call).paginate() for x in page.get(listing.key, [])]
    return getattr(client, listing.call)().get(listing.key, [])
