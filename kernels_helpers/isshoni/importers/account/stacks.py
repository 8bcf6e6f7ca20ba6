"""The logical ids CloudFormation stacks gave what they made: a resource a stack made is named
by its logical id in the design (`Alb`, not `isshoni-chat-canary-SUKHT3ZJKEKU`), as importing
the stack's template would name it.  Read with ListStacks/ListStackResources only."""

from __future__ import annotations

from .scanned import Found, Scan

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
    return renamed


__all__ = ["logical_ids", "rename"]
