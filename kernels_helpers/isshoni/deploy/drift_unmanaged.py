"""Unmanaged: resources tagged as this design's (`isshoni:design=<name>`) that its deployment
does not hold, found through the Resource Groups Tagging API (one paginated call for every
service it covers) and matched against the deployment's physical ids by the end of their ARN."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from .sweep import TAG


def _names(ident: str) -> set[str]:
    """The names an id, an ARN or a URL may be recorded by (`arn:...:sqs:...:x`, `.../table/x`,
    `.../task-definition/x:3`, `https://.../123/x`)."""
    last = ident.rstrip("/").rsplit("/", 1)[-1]
    return {ident, last, last.rsplit(":", 1)[-1] if "/" not in ident else last.split(":", 1)[0]}


def _ids(inventory: dict, recorded: dict) -> set[str]:
    out: set[str] = set()
    for found in list(inventory.values()) + list(recorded.values()):
        ident = getattr(found, "id", None) if not isinstance(found, dict) else found.get("id")
        if ident:
            out |= _names(str(ident))
    return out


def unmanaged(target, design: str, inventory: dict, recorded: dict, limit: int = 200) -> dict:
    """{"checked": bool, "resources": [{"arn", "type"}], "why"?}."""
    known = _ids(inventory, recorded)
    found = []
    try:
        pages = target.client("resourcegroupstaggingapi").get_paginator("get_resources").paginate(
            TagFilters=[{"Key": TAG, "Values": [design]}], PaginationConfig={"MaxItems": 2000})
        for page in pages:
            for item in page.get("ResourceTagMappingList", []):
                arn = item.get("ResourceARN", "")
                if _names(arn) & known:
                    continue
                service = arn.split(":")[2] if arn.count(":") >= 5 else "?"
                if service == "cloudformation":
                    continue  # the deployment's own stack
                found.append({"arn": arn, "service": service})
    except (ClientError, BotoCoreError) as exc:
        return {"checked": False, "resources": [], "why": f"the tagging API did not answer: {exc}"}
    return {"checked": True, "resources": found[:limit], **({"more": len(found) - limit} if len(found) > limit else {})}
