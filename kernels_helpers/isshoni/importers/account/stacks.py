"""The logical ids CloudFormation stacks gave what they made: a resource a stack made is named
by its logical id in the design (`Alb`, not `isshoni-chat-canary-SUKHT3ZJKEKU`), as importing
the stack's template would name it.  Read with ListStacks/ListStackResources only."""

from __future__ import annotations

import re

from .scanned import Found, Scan

# the name property CloudFormation fills in itself when a template leaves it out: a stack's name, the
# logical id, and a random suffix (`chat-AlbSg-1X2Y3Z4W5V6U`; lower case for buckets; load balancers and
# target groups keep only part of the stack's name)
GENERATED_NAME = {
    "AWS::EC2::SecurityGroup": "GroupName", "AWS::ElasticLoadBalancingV2::LoadBalancer": "Name",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "Name", "AWS::ECS::Service": "ServiceName", "AWS::S3::Bucket": "BucketName",
    "AWS::IAM::Role": "RoleName", "AWS::Logs::LogGroup": "LogGroupName", "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName", "AWS::DynamoDB::Table": "TableName", "AWS::Lambda::Function": "FunctionName",
    "AWS::ECS::Cluster": "ClusterName", "AWS::ECS::TaskDefinition": "Family",
}
_SUFFIX = re.compile(r"-(?:[A-Z0-9]{12,13}|[a-z0-9]{12,13})$")

LIVE = ("CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE", "ROLLBACK_COMPLETE",
        "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")


def logical_ids(scan: Scan) -> dict:
    """(physical id, type) -> (stack name, logical id) for every resource of the region's live stacks (a
    physical id alone is ambiguous: a gateway attachment's is its VPC's id in some answers)."""
    out: dict = {}
    for stack in scan.pages("cloudformation", "list_stacks", "StackSummaries", StackStatusFilter=list(LIVE)):
        for r in scan.pages("cloudformation", "list_stack_resources", "StackResourceSummaries", StackName=stack["StackId"]):
            if r.get("PhysicalResourceId") and r.get("LogicalResourceId"):
                out.setdefault((r["PhysicalResourceId"], r.get("ResourceType")), (stack["StackName"], r["LogicalResourceId"]))
    return out


def rename(found: list[Found], physical: dict) -> int:
    """Give each found resource its stack's logical id where a stack made it; how many were renamed."""
    renamed = 0
    for f in found:
        keys = [f.ref, f.address, *f.attributes.values()]
        hit = next((physical[(k, f.type)] for k in keys if isinstance(k, str) and (k, f.type) in physical), None)
        if hit:
            f.name, renamed = hit[1], renamed + 1
            _forget_generated_name(f, *hit)
    return renamed


def _forget_generated_name(f: Found, stack: str, logical: str) -> None:
    """Leave out a name the stack generated: the template did not say it, and deploying again makes another."""
    key = GENERATED_NAME.get(f.type)
    value = f.properties.get(key) if key else None
    if not (isinstance(value, str) and _SUFFIX.search(value) and value.lower().startswith(stack.lower()[:16])):
        return
    suffix = value.rsplit("-", 1)[-1]
    # the logical id (cut) in the middle, or a digit in the suffix: a random suffix of 12 letters is no
    # rarer than one with digits (a test failed on `isshoni-chat-canary-AlbSg-YLAFYGLHCJBJ` now and then)
    # ... or nothing between the stack's name and the suffix: a name of limited length (a load balancer's 32
    # characters) where CloudFormation cut the logical id out
    head = value[:-len(suffix)].rstrip("-").lower()
    if logical.lower()[:8] in value.lower()[:-len(suffix)] or any(c.isdigit() for c in suffix) or stack.lower().startswith(head):
        del f.properties[key]


__all__ = ["logical_ids", "rename"]
