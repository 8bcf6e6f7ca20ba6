"""Building blocks shared by catalog entries: security groups, roles, tags.

These return plain `Emit` data; they exist so that every entry that needs a
security group or a role gets the same, reviewed shape in both languages.
"""

from __future__ import annotations

from ..compiler.expr import Block, JsonEncode
from .spec import Emit, J, Name, P, Risk, Self, SelfAttr, Slot, Tags, Up, arn, enum

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
    for index, policy_arn in enumerate(managed):
        parts.append(
            Emit(f"{key}_policy{index + 1}", None, {}, "aws_iam_role_policy_attachment", {"role": Self(key, tf="name"), "policy_arn": policy_arn})
        )
    return tuple(_drop_none(p) for p in parts)


def _drop_none(emit: Emit) -> Emit:
    cfn = {k: v for k, v in emit.cfn.items() if v is not None}
    return Emit(emit.key, emit.cfn_type, cfn, emit.tf_type, emit.tf, emit.when, emit.depends_on)


def role_arn(key: str = "role") -> SelfAttr:
    return SelfAttr(key, "Arn", "arn")


# ---------------------------------------------------------------- keys AWS services may use

ACCOUNT_ADMINISTERS = {"Sid": "AccountAdministers", "Effect": "Allow", "Principal": {"AWS": arn("iam", "root", region=False)}, "Action": "kms:*", "Resource": "*"}


def service_key(key: str, description: str, when: tuple) -> Emit:
    """A customer managed KMS key, rotated yearly and administered by the account, that the AWS
    services whose statements wiring puts in Slot('key_statements') may also use (an AWS managed
    key cannot be shared with another service: CloudWatch alarms cannot publish to a topic
    encrypted with alias/aws/sns)."""
    policy = {"Version": "2012-10-17", "Statement": [ACCOUNT_ADMINISTERS, Slot("key_statements")]}
    return Emit(
        key,
        "AWS::KMS::Key",
        {"Description": J(description, ": ", Name()), "EnableKeyRotation": True, "KeyPolicy": policy, "Tags": Tags()},
        "aws_kms_key",
        {"description": J(description, ": ", Name()), "enable_key_rotation": True, "policy": JsonEncode(policy), "tags": Tags()},
        when=when,
    )


# ---------------------------------------------------------------- logs and the findings they bring

RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 180, 365)
SHORT_RETENTION = tuple(d for d in RETENTION_DAYS if d < 365)


def log_retention(default: int, description: str = "Log retention in days") -> dict:
    return enum(RETENTION_DAYS, default, description, type="integer")


def short_logs(prop: str = "log_retention_days") -> Risk:
    """Logs kept less than a year (checkov wants 365 days): the design's retention says why."""
    return Risk(
        ("CKV_AWS_338",),
        (prop, SHORT_RETENTION),
        f"{prop}={{{prop}}} in the design: operational logs kept {{{prop}}} days, not an audit trail (raise it to 365 to keep them a year)",
    )


# Accepted by default on every resource with a log group (its `accepted_risks`, editable in the inspector).
LOGS_NOT_KMS = {
    "CKV_AWS_158": "log group encrypted by CloudWatch Logs with AWS owned keys; a customer managed KMS key adds a key policy and a monthly cost",
}


__all__ = [
    "LOGS_NOT_KMS",
    "RETENTION_DAYS",
    "SHORT_RETENTION",
    "log_retention",
    "short_logs",
    "Block",
    "JsonEncode",
    "P",
    "assume_policy",
    "ingress_from_cidr",
    "role",
    "role_arn",
    "security_group",
]
