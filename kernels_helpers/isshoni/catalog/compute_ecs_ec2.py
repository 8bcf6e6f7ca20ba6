"""Compute: ECS on EC2 capacity, an Auto Scaling group of ECS-optimized instances that a cluster's
services run on (a capacity provider with managed scaling), for tasks Fargate does not suit (GPUs,
large or steady fleets, instance types of one's choice).  Wiring: `compiler/wiring_capacity.py`."""

from __future__ import annotations

from ..compiler.expr import Block, TfText
from .common import role, security_group
from .compute_common import SUBNET_TIER
from .compute_ec2 import AMI, AMI_PARAMETER, INSTANCE_TYPE, ROOT_DEVICE, SSM_CORE_POLICY, _template_data
from .messaging_common import _when
from .spec import (
    Emit,
    Link,
    Name,
    Output,
    P,
    ResourceType,
    Self,
    SelfAttr,
    Slot,
    Subnets,
    Tags,
    managed_policy,
    prop,
)

ECS_INSTANCE_POLICY = managed_policy("service-role/AmazonEC2ContainerServiceforEC2Role")
# AWS publishes the current ECS-optimized Amazon Linux 2023 AMI of every region under this public parameter.
ECS_AMI_PARAMETER = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
_CONNECTED = ("@slot", "cluster")


def _instance_template(side: str) -> dict:
    """The launch template data of an Auto Scaling group, plus the user data that names the cluster."""
    data = _template_data(side, own=True)
    data["UserData" if side == "cfn" else "user_data"] = Slot("user_data", single=True)
    return data


_PARTS = (
    Emit(
        "",
        "AWS::ECS::CapacityProvider",
        {
            "Name": Name(max=255),
            "AutoScalingGroupProvider": {
                "AutoScalingGroupArn": Self("asg"),
                "ManagedScaling": {"Status": "ENABLED", "TargetCapacity": P("target_capacity")},
                "ManagedTerminationProtection": "DISABLED",
            },
            "Tags": Tags(),
        },
        "aws_ecs_capacity_provider",
        {
            "name": Name(max=255),
            "auto_scaling_group_provider": Block({
                "auto_scaling_group_arn": SelfAttr("asg", "Arn", "arn"),
                "managed_termination_protection": "DISABLED",
                "managed_scaling": Block({"status": "ENABLED", "target_capacity": P("target_capacity")}),
            }),
            "tags": Tags(),
        },
    ),
    Emit(
        "asg",
        "AWS::AutoScaling::AutoScalingGroup",
        {
            "MinSize": P("min_size"),
            "MaxSize": P("max_size"),
            "VPCZoneIdentifier": Subnets(),
            "LaunchTemplate": {"LaunchTemplateId": Self("template"), "Version": SelfAttr("template", "LatestVersionNumber", "latest_version")},
            "Tags": Tags(style="blocks"),
        },
        "aws_autoscaling_group",
        {
            "name": Name(max=255),
            "min_size": P("min_size"),
            "max_size": P("max_size"),
            "vpc_zone_identifier": Subnets(),
            "launch_template": Block({"id": Self("template"), "version": SelfAttr("template", "LatestVersionNumber", "latest_version")}),
            "tag": Tags(style="blocks"),
            # ECS managed scaling owns the size and adds its AmazonECSManaged tag: Terraform leaves both alone
            "lifecycle": Block({"ignore_changes": [TfText("desired_capacity", ()), TfText("tag", ())]}),
        },
    ),
    Emit(
        "template",
        "AWS::EC2::LaunchTemplate",
        {
            "LaunchTemplateName": Name(max=128),
            "LaunchTemplateData": _instance_template("cfn"),
            "TagSpecifications": [{"ResourceType": "launch-template", "Tags": Tags()}],
        },
        "aws_launch_template",
        {"name": Name(max=128), **_instance_template("tf"), "tags": Tags()},
    ),
    *role("role", "ec2.amazonaws.com", (SSM_CORE_POLICY, ECS_INSTANCE_POLICY)),
    Emit("profile", "AWS::IAM::InstanceProfile", {"Roles": [Self("role")]}, "aws_iam_instance_profile", {"role": Self("role", tf="name"), "tags": Tags()}),
    *security_group("ECS container instances"),
)

ECS_CAPACITY_PROVIDER = ResourceType(
    type="ecs_capacity_provider",
    label="ECS capacity (EC2)",
    aliases=("ECS capacity", "ECS on EC2", "capacity provider"),
    category="compute",
    icon="aws-ecs",
    description=(
        "EC2 capacity for an ECS cluster: an Auto Scaling group of ECS-optimized instances (the AMI from AWS's public "
        "SSM parameter, IMDSv2, encrypted root volume, the ECS instance role) that ECS scales to what the tasks need. "
        "Connect it to the cluster it serves, and the services that should run on it to it (they then launch on EC2, "
        "not Fargate; each awsvpc task takes one network interface of an instance). Nothing is created until it "
        "serves a cluster."
    ),
    properties={
        "ami_id": AMI,
        "ami_parameter": {**AMI_PARAMETER, "default": ECS_AMI_PARAMETER, "description": "Public SSM parameter holding the ECS-optimized AMI id"},
        "instance_type": {**INSTANCE_TYPE, "default": "t3.small"},
        "root_device_name": ROOT_DEVICE,
        "root_volume_size": prop("integer", 30, "Root volume size (GiB), encrypted gp3 (the ECS-optimized AMI needs 30)", minimum=30, maximum=16384),
        "detailed_monitoring": prop("boolean", False, "One-minute CloudWatch metrics (extra cost)"),
        "min_size": prop("integer", 1, "Fewest instances", minimum=0, maximum=100),
        "max_size": prop("integer", 4, "Most instances", minimum=1, maximum=100),
        "target_capacity": prop("integer", 100, "Percent of the instances' capacity ECS aims to use (less leaves room for bursts)", minimum=1, maximum=100),
        "subnet_tier": SUBNET_TIER,
    },
    containers=("vpc", "subnet"),
    needs_container=True,
    security_group="sg",
    role="role",
    links=(
        Link(
            ("ecs_cluster",), "capacity_cluster",
            "serves this cluster: its instances join it (user data names the cluster) and the cluster's capacity providers include it",
        ),
    ),
    emits=_when(_PARTS, _CONNECTED),
    outputs=(Output("name", "Capacity provider name", Self(), Self(tf="name")),),
    cost={"monthly": 15.18, "note": "per t3.small instance on demand in us-east-1, plus EBS"},
)

__all__ = ["ECS_AMI_PARAMETER", "ECS_CAPACITY_PROVIDER"]
