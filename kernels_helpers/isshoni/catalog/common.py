"""Building blocks shared by catalog entries: security groups, roles, tags.

These return plain `Emit` data; they exist so that every entry that needs a
security group or a role gets the same, reviewed shape in both languages.
"""

from __future__ import annotations

from ..compiler.expr import Block, JsonEncode
from .spec import Emit, P, Self, SelfAttr, Tags, Up

ALL_PORTS_DESCRIPTION = "All outbound traffic"


def security_group(description: str, key: str = "sg") -> tuple:
    """A security group in the resource's VPC; outbound open, inbound added by wiring.

    CloudFormation keeps the default allow-all egress rule by itself;
    Terraform removes it, so the module states it explicitly.
    """
    return (
        Emit(
            key,
            "AWS::EC2::SecurityGroup",
            {"GroupDescription": description, "VpcId": Up("vpc"), "Tags": Tags()},
            "aws_security_group",
            {"description": description, "vpc_id": Up("vpc"), "tags": Tags()},
        ),
        Emit(
            f"{key}_egress",
            None,
            {},
            "aws_vpc_security_group_egress_rule",
            {"security_group_id": Self(key), "ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0", "description": ALL_PORTS_DESCRIPTION},
        ),
    )


def ingress_from_cidr(key: str, port, cidr, description: str, sg_key: str = "sg", when=None) -> Emit:
    """An inbound rule on one TCP port from a CIDR (e.g. a load balancer's listener)."""
    return Emit(
        key,
        "AWS::EC2::SecurityGroupIngress",
        {"GroupId": Self(sg_key), "IpProtocol": "tcp", "FromPort": port, "ToPort": port, "CidrIp": cidr, "Description": description},
        "aws_vpc_security_group_ingress_rule",
        {"security_group_id": Self(sg_key), "ip_protocol": "tcp", "from_port": port, "to_port": port, "cidr_ipv4": cidr, "description": description},
        when=when,
    )


def assume_policy(service: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    }


def role(key: str, service: str, managed: tuple = ()) -> tuple:
    """An IAM role that `service` assumes, with AWS managed policies attached.

    Least privilege grants from connections are added by wiring as separate
    inline policies, one per connection.
    """
    parts = [
        Emit(
            key,
            "AWS::IAM::Role",
            {"AssumeRolePolicyDocument": assume_policy(service), "ManagedPolicyArns": list(managed) or None, "Tags": Tags()},
            "aws_iam_role",
            {"assume_role_policy": JsonEncode(assume_policy(service)), "tags": Tags()},
        )
    ]
    for index, arn in enumerate(managed):
        parts.append(
            Emit(f"{key}_policy{index + 1}", None, {}, "aws_iam_role_policy_attachment", {"role": Self(key, tf="name"), "policy_arn": arn})
        )
    return tuple(_drop_none(p) for p in parts)


def _drop_none(emit: Emit) -> Emit:
    cfn = {k: v for k, v in emit.cfn.items() if v is not None}
    return Emit(emit.key, emit.cfn_type, cfn, emit.tf_type, emit.tf, emit.when, emit.depends_on)


def role_arn(key: str = "role") -> SelfAttr:
    return SelfAttr(key, "Arn", "arn")


__all__ = [
    "Block",
    "JsonEncode",
    "P",
    "assume_policy",
    "ingress_from_cidr",
    "role",
    "role_arn",
    "security_group",
]
