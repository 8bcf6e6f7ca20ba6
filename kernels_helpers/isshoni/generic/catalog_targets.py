"""What a reference to a curated catalog node means: its primary part (the `Emit` with key '').

CloudFormation needs nothing more than the part's logical id.  Terraform
needs the attribute of the native resource that says the same thing:
`Ref` is `.id` for most AWS provider resources, and the exceptions are
listed here by Terraform type (checked against the provider's schema by
tests/test_generic_compile.py).  An attribute (`Fn::GetAtt`) is the
pair the catalog itself already writes for that part when there is one
(`SelfAttr("", "Endpoint.Address", "address")`), else `arn` for `Arn`, else the
attribute in snake case.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..catalog import spec as s

# Terraform attribute that holds what CloudFormation's Ref returns, where it is not `id`.
REF_TF = {
    "aws_db_instance": "identifier",  # provider 5: id is the resource id (db-...)
    "aws_ecs_cluster": "name",  # id is the ARN
    "aws_ecs_task_definition": "arn",  # id is the family
    "aws_kinesis_stream": "name",
    "aws_kinesis_firehose_delivery_stream": "name",
    "aws_glue_catalog_database": "name",  # id is catalog:name
    "aws_opensearch_domain": "domain_name",
    "aws_cloudtrail": "name",
    "aws_scheduler_schedule": "name",  # id is group/name
    "aws_route53_record": "fqdn",
    "aws_eip": "public_ip",
    "aws_cloudwatch_event_rule": "name",
}
# Terraform attributes that hold what Ref returns too: the provider's id of these is their ARN, and
# the compiler writes `.arn` where CloudFormation has `Ref` (a listener's load balancer, an alarm's topic).
REF_ALSO = {
    "aws_lb": "arn",
    "aws_lb_target_group": "arn",
    "aws_lb_listener": "arn",
    "aws_lb_listener_rule": "arn",
    "aws_sns_topic": "arn",
    "aws_iam_policy": "arn",
    "aws_sfn_state_machine": "arn",
    "aws_acm_certificate": "arn",
    "aws_ecs_service": "arn",
    "aws_iam_role": "name",  # the provider's id of a role or an instance profile is its name, what Ref returns
    "aws_iam_instance_profile": "name",
}
# What the provider's `id` holds where Ref returns another attribute (REF_TF): the compiler writes `.id` for
# a service's cluster (its ARN) and a NAT gateway's allocation (the EIP's allocation id).
ID_TF = {
    "aws_ecs_cluster": "arn",
    "aws_eip": "allocation_id",
    "aws_kinesis_stream": "arn",
    "aws_kinesis_firehose_delivery_stream": "arn",
}
# Ref returns a composite CloudFormation string no Terraform attribute holds.
REF_NONE = {"aws_wafv2_web_acl": "Ref of a WAF web ACL is 'name|id|scope'"}


def primary(entry: s.ResourceType) -> s.Emit | None:
    return next((emit for emit in entry.emits if emit.key == "" and emit.cfn_type and emit.tf_type), None)


def ref_problem(entry: s.ResourceType) -> str | None:
    """Why a plain reference to a node of this catalog type cannot be written (None when it can)."""
    part = primary(entry)
    if part is None:
        return f"a {entry.type} has no primary resource to refer to"
    if part.tf_type in REF_NONE:
        return f"{REF_NONE[part.tf_type]} and Terraform has no equivalent: refer to an attribute instead"
    return None


def ref_tf(entry: s.ResourceType) -> str:
    return REF_TF.get(primary(entry).tf_type, "id")


def attr_tf(entry: s.ResourceType, attribute: str) -> str:
    known = _catalog_pairs(entry.type)
    if attribute in known:
        return known[attribute]
    if attribute == "Arn":
        return "arn"
    return "_".join(_snake(part) for part in attribute.split("."))


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


@lru_cache(maxsize=256)
def _catalog_pairs(type_name: str) -> dict[str, str]:
    """The (CloudFormation attribute -> Terraform attribute) pairs the entry writes for its primary part."""
    from ..catalog import CATALOG

    entry = CATALOG[type_name]
    pairs: dict[str, str] = {}
    for value in s.walk([entry.emits, entry.outputs, list(entry.env.values()), entry.iam_resources]):
        if isinstance(value, s.SelfAttr) and value.key == "":
            pairs.setdefault(value.cfn, value.tf)
    return pairs


__all__ = ["ID_TF", "REF_ALSO", "REF_NONE", "REF_TF", "attr_tf", "primary", "ref_problem", "ref_tf"]
