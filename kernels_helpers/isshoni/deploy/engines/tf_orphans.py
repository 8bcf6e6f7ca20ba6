"""Resources an interrupted `terraform apply` made but never wrote to its state, taken back.

When a deploy's process is killed while Terraform creates resources, AWS may have finished a
create whose result never reached the state (a security group rule is the usual one: it is
quick and has no name).  The next apply then fails with `InvalidPermission.Duplicate`.  Such a
rule is found by what the design asks of it (its group, protocol, ports and source), imported
into the state by its `sgr-` id, and the apply runs once more.  A CloudFront distribution whose
create was retried after its first answer was lost fails with `DistributionAlreadyExists`, naming
the distribution made with Terraform's own caller reference: that one is imported by the id AWS
names.  Anything else fails as before.
"""

from __future__ import annotations

import re

from botocore.exceptions import BotoCoreError, ClientError

RULE_TYPES = {"aws_vpc_security_group_ingress_rule": False, "aws_vpc_security_group_egress_rule": True}
DUPLICATE = "InvalidPermission.Duplicate"


_NAMED = {"aws_cloudfront_distribution": re.compile(r"DistributionAlreadyExists\b.*?Already exists: ([A-Z0-9]{1,64})\b", re.S)}


def already_made(failures: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(address, id) of resources whose create failed because this apply had made them already,
    the id as the AWS error names it."""
    found = set()
    for address, summary in failures:
        pattern = _NAMED.get(address.split(".")[0])
        match = pattern.search(summary) if pattern else None
        if match:
            found.add((address, match.group(1)))
    return sorted(found)


def duplicated_rules(failures: list[tuple[str, str]]) -> list[str]:
    """Addresses of rule resources whose create failed because the rule already exists."""
    return sorted({address for address, summary in failures
                   if DUPLICATE in summary and address.split(".")[0] in RULE_TYPES})


def rule_id(ctx, engine, address: str) -> str | None:
    """The `sgr-` id of the live rule that `address` describes, or None when none matches."""
    from ..verify import UNKNOWN, Run
    from ..verify.network import rule_key

    part = next((p for p in ctx.resolved.parts if p.tf_type and f"{p.tf_type}.{p.tf_name}" == address), None)
    if part is None:
        return None
    run = Run(ctx.resolved, engine.inventory(ctx), ctx.target, engine.current_params(ctx), "terraform")
    want = {key: run.value(value) for key, value in (part.tf or {}).items()}
    group = want.get("security_group_id")
    if group in (None, UNKNOWN):
        return None
    try:
        rules = ctx.target.client("ec2").describe_security_group_rules(
            Filters=[{"Name": "group-id", "Values": [str(group)]}])["SecurityGroupRules"]
    except (ClientError, BotoCoreError):
        return None
    try:
        wanted = rule_key(want)
    except (TypeError, ValueError):  # a port the design leaves to a value this machine cannot know
        return None
    for rule in rules:
        live = rule_key({"IpProtocol": rule.get("IpProtocol"), "FromPort": rule.get("FromPort"), "ToPort": rule.get("ToPort"),
                         "CidrIp": rule.get("CidrIpv4"), "CidrIpv6": rule.get("CidrIpv6"),
                         "SourceSecurityGroupId": (rule.get("ReferencedGroupInfo") or {}).get("GroupId"),
                         "SourcePrefixListId": rule.get("PrefixListId")})
        if rule.get("IsEgress") == RULE_TYPES[part.tf_type] and live == wanted and wanted[3] is not None:
            return rule["SecurityGroupRuleId"]
    return None
