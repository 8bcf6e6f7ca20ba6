"""Compute: EC2 instances, launch templates and Auto Scaling groups."""

from __future__ import annotations

from ..compiler.expr import Block
from .common import role, security_group
from .compute_common import SUBNET_TIER, compute_links
from .spec import (
    DataSource,
    Emit,
    If,
    Name,
    Output,
    P,
    ResourceType,
    Self,
    SelfAttr,
    Slot,
    Subnets,
    Tags,
    Up,
    enum,
    managed_policy,
    prop,
)

# ---------------------------------------------------------------- EC2 and Auto Scaling

AMI = prop(
    "string", "", "AMI id (empty: the latest image the public SSM parameter ami_parameter names)",
    pattern=r"^$|^ami-[0-9a-f]{8,17}$", variable=True,
)
# AWS publishes the current Amazon Linux AMI of every region under these public parameters.
AMI_PARAMETER = prop(
    "string", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    "Public SSM parameter holding the AMI id (use the -arm64 one for Graviton instance types)",
    pattern=r"^/aws/service/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$", variable=True,
    cfn_type="AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
)
_CFN_AMI = If("ami_id", "", P("ami_parameter"), P("ami_id"))
_TF_AMI = If("ami_id", "", DataSource("aws_ssm_parameter", "ami", (("name", P("ami_parameter")),), "insecure_value"), P("ami_id"))
INSTANCE_TYPE = prop("string", "t3.micro", "Instance type", pattern=r"^[a-z][a-z0-9-]*\.[a-z0-9]+$", variable=True)
ROOT_DEVICE = prop("string", "/dev/xvda", "Root device name of the AMI (/dev/xvda on Amazon Linux)", pattern=r"^/dev/[a-z0-9]{2,12}$")
ROOT_SIZE = prop("integer", 20, "Root volume size (GiB), encrypted gp3", minimum=1, maximum=16384)
SSM_CORE_POLICY = managed_policy("AmazonSSMManagedInstanceCore")
EC2_PROPERTIES = {
    "ami_id": AMI,
    "ami_parameter": AMI_PARAMETER,
    "instance_type": INSTANCE_TYPE,
    "root_device_name": ROOT_DEVICE,
    "root_volume_size": ROOT_SIZE,
    "detailed_monitoring": prop("boolean", False, "One-minute CloudWatch metrics (extra cost)"),
}
IMDSV2_CFN = {"HttpTokens": "required", "HttpEndpoint": "enabled"}
IMDSV2_TF = Block({"http_tokens": "required", "http_endpoint": "enabled"})


def _instance_profile() -> tuple:
    """An instance role (Session Manager instead of SSH) and the profile that hands it to EC2."""
    return (
        *role("role", "ec2.amazonaws.com", (SSM_CORE_POLICY,)),
        Emit(
            "profile",
            "AWS::IAM::InstanceProfile",
            {"Roles": [Self("role")]},
            "aws_iam_instance_profile",
            {"role": Self("role", tf="name"), "tags": Tags()},
        ),
    )


def _launch_template(key: str, own: bool) -> Emit:
    """A launch template in both languages; `own` ties it to the resource's own security
    group and instance profile (an Auto Scaling group's), not just the shared settings."""
    return Emit(
        key,
        "AWS::EC2::LaunchTemplate",
        {
            "LaunchTemplateName": Name(max=128),
            "LaunchTemplateData": _template_data("cfn", own=own),
            "TagSpecifications": [{"ResourceType": "launch-template", "Tags": Tags()}],
        },
        "aws_launch_template",
        {"name": Name(max=128), **_template_data("tf", own=own), "tags": Tags()},
    )


def _template_data(side: str, own: bool) -> dict:
    """Launch template data; `own` adds the security group and instance profile of an Auto Scaling group."""
    if side == "cfn":
        data = {
            "ImageId": _CFN_AMI,
            "InstanceType": P("instance_type"),
            "MetadataOptions": IMDSV2_CFN,
            "Monitoring": {"Enabled": P("detailed_monitoring")},
            "BlockDeviceMappings": [
                {
                    "DeviceName": P("root_device_name"),
                    "Ebs": {"VolumeSize": P("root_volume_size"), "VolumeType": "gp3", "Encrypted": True, "DeleteOnTermination": True},
                }
            ],
            "TagSpecifications": [{"ResourceType": "instance", "Tags": Tags()}, {"ResourceType": "volume", "Tags": Tags()}],
        }
        if own:
            data["SecurityGroupIds"] = [Self("sg")]
            data["IamInstanceProfile"] = {"Arn": SelfAttr("profile", "Arn", "arn")}
        return data
    data = {
        "image_id": _TF_AMI,
        "instance_type": P("instance_type"),
        "metadata_options": IMDSV2_TF,
        "monitoring": Block({"enabled": P("detailed_monitoring")}),
        "block_device_mappings": Block(
            {
                "device_name": P("root_device_name"),
                "ebs": Block({"volume_size": P("root_volume_size"), "volume_type": "gp3", "encrypted": "true", "delete_on_termination": "true"}),
            }
        ),
        "tag_specifications": [
            Block({"resource_type": "instance", "tags": Tags(style="full")}),
            Block({"resource_type": "volume", "tags": Tags(style="full")}),
        ],
    }
    if own:
        data["vpc_security_group_ids"] = [Self("sg")]
        data["iam_instance_profile"] = Block({"arn": SelfAttr("profile", "Arn", "arn")})
    return data


EC2_INSTANCE = ResourceType(
    type="ec2_instance",
    label="EC2 instance",
    aliases=("EC2", "instance", "VM", "virtual machine", "server", "bastion"),
    category="compute",
    icon="aws-ec2",
    description="One virtual machine in a subnet: IMDSv2 only, encrypted root volume, own security group, "
    "role with Session Manager access.",
    properties=dict(EC2_PROPERTIES),
    containers=("subnet",),
    needs_container=True,
    security_group="sg",
    role="role",
    links=compute_links(),
    emits=(
        Emit(
            "",
            "AWS::EC2::Instance",
            {
                "ImageId": _CFN_AMI,
                "InstanceType": P("instance_type"),
                "SubnetId": Up("subnet"),
                "SecurityGroupIds": [Self("sg")],
                "IamInstanceProfile": Self("profile"),
                "MetadataOptions": IMDSV2_CFN,
                "Monitoring": P("detailed_monitoring"),
                "BlockDeviceMappings": [
                    {
                        "DeviceName": P("root_device_name"),
                        "Ebs": {"VolumeSize": P("root_volume_size"), "VolumeType": "gp3", "Encrypted": True, "DeleteOnTermination": True},
                    }
                ],
                "Tags": Tags(),
            },
            "aws_instance",
            {
                "ami": _TF_AMI,
                "instance_type": P("instance_type"),
                "subnet_id": Up("subnet"),
                "vpc_security_group_ids": [Self("sg")],
                "iam_instance_profile": Self("profile", tf="name"),
                "metadata_options": IMDSV2_TF,
                "monitoring": P("detailed_monitoring"),
                "root_block_device": Block(
                    {"volume_size": P("root_volume_size"), "volume_type": "gp3", "encrypted": True, "delete_on_termination": True, "tags": Tags(style="full")}
                ),
                "tags": Tags(),
            },
        ),
        *_instance_profile(),
        *security_group("EC2 instance"),
    ),
    outputs=(
        Output("id", "Instance id", Self(), Self()),
        Output("private_ip", "Private IP address", SelfAttr("", "PrivateIp", "private_ip"), SelfAttr("", "PrivateIp", "private_ip")),
    ),
    cost={"monthly": 7.59, "note": "t3.micro on demand in us-east-1, plus EBS"},
)

LAUNCH_TEMPLATE = ResourceType(
    type="launch_template",
    label="Launch template",
    aliases=("launch template",),
    category="compute",
    icon="aws-ec2",
    description="Reusable instance settings (AMI, type, IMDSv2 only, encrypted root volume) for instances and groups started elsewhere.",
    properties=dict(EC2_PROPERTIES),
    emits=(
        _launch_template("", own=False),
    ),
    outputs=(
        Output("id", "Launch template id", Self(), Self()),
        Output(
            "version", "Latest version", SelfAttr("", "LatestVersionNumber", "latest_version"),
            SelfAttr("", "LatestVersionNumber", "latest_version"),
        ),
    ),
    cost={"monthly": 0},
)

ASG_MAX_MIN, ASG_MAX = 20, 50


def _size_order() -> tuple:
    """min_size <= desired_capacity <= max_size, spelled as JSON Schema (which cannot compare properties)."""

    def when(name: str, k: int, then: dict) -> dict:
        return {"if": {"properties": {name: {"const": k}}, "required": [name]}, "then": {"properties": then}}

    rising = [when("min_size", k, {"max_size": {"minimum": k}, "desired_capacity": {"minimum": k}}) for k in range(1, ASG_MAX_MIN + 1)]
    falling = [when("max_size", k, {"desired_capacity": {"maximum": k}}) for k in range(1, ASG_MAX)]
    return tuple(rising + falling)


AUTOSCALING_GROUP = ResourceType(
    type="autoscaling_group",
    label="Auto Scaling group",
    aliases=("Auto Scaling group", "ASG", "autoscaling", "EC2 fleet"),
    category="compute",
    icon="aws-auto-scaling",
    description="Identical EC2 instances spread over the subnets of one tier; own launch template, security group "
    "and role; load balancers register it as a target.",
    properties={
        **EC2_PROPERTIES,
        "min_size": prop("integer", 1, "Fewest instances", minimum=0, maximum=ASG_MAX_MIN),
        "max_size": prop("integer", 2, "Most instances (at least the fewest)", minimum=1, maximum=ASG_MAX),
        "desired_capacity": prop("integer", None, "Instances to start with, between fewest and most (unset: the fewest)", minimum=0, maximum=ASG_MAX),
        "health_check_type": enum(("EC2", "ELB"), "EC2", "Replace instances failing EC2 checks, or also load balancer checks"),
        "health_check_grace_period": prop("integer", 300, "Seconds before health checks count", minimum=0, maximum=7200),
        "subnet_tier": SUBNET_TIER,
    },
    constraints=_size_order(),
    containers=("vpc", "subnet"),
    needs_container=True,
    security_group="sg",
    role="role",
    links=compute_links(),
    emits=(
        Emit(
            "",
            "AWS::AutoScaling::AutoScalingGroup",
            {
                "MinSize": P("min_size"),
                "MaxSize": P("max_size"),
                "DesiredCapacity": P("desired_capacity"),
                "VPCZoneIdentifier": Subnets(),
                "LaunchTemplate": {"LaunchTemplateId": Self("template"), "Version": SelfAttr("template", "LatestVersionNumber", "latest_version")},
                "TargetGroupARNs": Slot("target_groups"),
                "HealthCheckType": P("health_check_type"),
                "HealthCheckGracePeriod": P("health_check_grace_period"),
                "Tags": Tags(style="blocks"),
            },
            "aws_autoscaling_group",
            {
                "name": Name(max=255),
                "min_size": P("min_size"),
                "max_size": P("max_size"),
                "desired_capacity": P("desired_capacity"),
                "vpc_zone_identifier": Subnets(),
                "launch_template": Block({"id": Self("template"), "version": SelfAttr("template", "LatestVersionNumber", "latest_version")}),
                "target_group_arns": Slot("target_groups"),
                "health_check_type": P("health_check_type"),
                "tag": Tags(style="blocks"),
                "health_check_grace_period": P("health_check_grace_period"),
            },
        ),
        _launch_template("template", own=True),
        *_instance_profile(),
        *security_group("Auto Scaling group instances"),
    ),
    outputs=(Output("name", "Auto Scaling group name", Self(), Self(tf="name")),),
    cost={"monthly": 7.59, "note": "per t3.micro instance on demand in us-east-1, plus EBS"},
)

