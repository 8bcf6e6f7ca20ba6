"""Networking: VPCs, subnets, gateways, routing, security groups, endpoints, ACLs and peering.

Load balancers (`networking_lb`), DNS, certificates and CloudFront (`networking_edge`) and
API Gateway (`networking_api`) are entries of this category kept in modules of their own.
"""

from __future__ import annotations

from .common import LOGS_NOT_KMS, ingress_from_cidr, log_retention, security_group, short_logs
from .networking_api import API_GATEWAY_HTTP, API_GATEWAY_REST, API_GATEWAY_WEBSOCKET
from .networking_discovery import SERVICE_DISCOVERY_NAMESPACE
from .networking_edge import ACM_CERTIFICATE, CLOUDFRONT_DISTRIBUTION, ROUTE53_RECORD, ROUTE53_ZONE
from .networking_lb import ALB, NLB
from .observability import FLOW_TRAFFIC, flow_log
from .spec import (
    Emit,
    If,
    J,
    Link,
    Output,
    P,
    Region,
    ResourceType,
    Self,
    SelfAttr,
    Slot,
    Subnets,
    Tags,
    Up,
    Zone,
    enum,
    prop,
)

CIDR = {"format": "cidr"}
LB_TARGETS = ("ecs_service", "ec2_instance", "autoscaling_group", "lambda_function")

VPC = ResourceType(
    type="vpc",
    label="VPC",
    aliases=("VPC", "virtual private cloud", "network"),
    category="networking",
    icon="aws-vpc",
    description="An isolated virtual network; contains subnets and gateways.",
    properties={
        "cidr": prop("string", "10.0.0.0/16", "IPv4 range of the VPC", **CIDR),
        "dns_hostnames": prop("boolean", True, "Give instances DNS hostnames"),
        "dns_support": prop("boolean", True, "Resolve DNS through the VPC resolver"),
        "flow_logs": prop("boolean", True, "Record the VPC's traffic in a flow log (its own log group and role)"),
        "flow_log_traffic": enum(FLOW_TRAFFIC, "REJECT", "Which traffic the flow log records"),
        "flow_log_retention_days": log_retention(365, "Days the flow log is kept"),
    },
    is_container=True,
    emits=(
        Emit(
            "",
            "AWS::EC2::VPC",
            {"CidrBlock": P("cidr"), "EnableDnsHostnames": P("dns_hostnames"), "EnableDnsSupport": P("dns_support"), "Tags": Tags()},
            "aws_vpc",
            {"cidr_block": P("cidr"), "enable_dns_hostnames": P("dns_hostnames"), "enable_dns_support": P("dns_support"), "tags": Tags()},
        ),
        # Terraform takes over the default security group and leaves it without rules, so nothing
        # lands in it by accident (CloudFormation cannot manage the default group).
        Emit("default_sg", None, {}, "aws_default_security_group", {"vpc_id": Self(), "tags": Tags()}),
        *flow_log("flow_log", Self(), P("flow_log_traffic"), 600, P("flow_log_retention_days"), when=("flow_logs", True), shared_role=True),
    ),
    outputs=(Output("id", "VPC id", Self(), Self()),),
    accepted=LOGS_NOT_KMS,
    risks=(short_logs("flow_log_retention_days"),),
    cost={"monthly": 0, "note": "flow logs: per GB ingested"},
)

SUBNET = ResourceType(
    type="subnet",
    label="Subnet",
    aliases=("subnet", "private subnet", "public subnet", "app subnet", "data subnet"),
    category="networking",
    icon="aws-subnet",
    description="A range of the VPC in one availability zone; public subnets route to the internet gateway, private ones through NAT.",
    properties={
        "cidr": prop("string", "10.0.1.0/24", "IPv4 range inside the VPC", **CIDR),
        "tier": enum(("public", "private"), "private", "Public subnets route to the internet gateway"),
        "az": prop("string", "a", "Availability zone: a letter (region + letter) or a full zone name", pattern="^([a-z]|[a-z]{2}(-gov)?-[a-z]+-[0-9][a-z])$"),
        "map_public_ip": prop(
            "boolean", False,
            "Give every instance launched here a public IP (public subnets only; load balancers and NAT gateways need none)",
        ),
    },

    containers=("vpc",),
    needs_container=True,
    is_container=True,
    links=(Link(("route_table",), "subnet_route_table", "uses this route table instead of the VPC's implied one"),),
    emits=(
        Emit(
            "",
            "AWS::EC2::Subnet",
            {
                "VpcId": Up("vpc"),
                "CidrBlock": P("cidr"),
                "AvailabilityZone": Zone(),
                "MapPublicIpOnLaunch": If("tier", "public", P("map_public_ip"), False),
                "Tags": Tags(),
            },
            "aws_subnet",
            {
                "vpc_id": Up("vpc"),
                "cidr_block": P("cidr"),
                "availability_zone": Zone(),
                "map_public_ip_on_launch": If("tier", "public", P("map_public_ip"), False),
                "tags": Tags(),
            },
        ),
    ),
    outputs=(Output("id", "Subnet id", Self(), Self()),),
)

INTERNET_GATEWAY = ResourceType(
    type="internet_gateway",
    label="Internet gateway",
    aliases=("Internet gateway", "IGW"),
    category="networking",
    icon="aws-internet-gateway",
    description="Connects the VPC to the internet; public subnets get a default route to it.",
    properties={},
    containers=("vpc",),
    needs_container=True,
    emits=(
        Emit("", "AWS::EC2::InternetGateway", {"Tags": Tags()}, "aws_internet_gateway", {"tags": Tags()}),
        Emit(
            "attachment",
            "AWS::EC2::VPCGatewayAttachment",
            {"VpcId": Up("vpc"), "InternetGatewayId": Self()},
            "aws_internet_gateway_attachment",
            {"vpc_id": Up("vpc"), "internet_gateway_id": Self()},
        ),
    ),
)

NAT_GATEWAY = ResourceType(
    type="nat_gateway",
    label="NAT gateway",
    aliases=("NAT", "NAT gateway", "NAT GW"),
    category="networking",
    icon="aws-nat-gateway",
    description="Lets private subnets reach the internet (image pulls, updates) without being reachable.",
    properties={},
    containers=("subnet",),
    needs_container=True,
    emits=(
        Emit("eip", "AWS::EC2::EIP", {"Domain": "vpc", "Tags": Tags()}, "aws_eip", {"domain": "vpc", "tags": Tags()}),
        Emit(
            "",
            "AWS::EC2::NatGateway",
            {"AllocationId": SelfAttr("eip", "AllocationId", "id"), "SubnetId": Up("subnet"), "Tags": Tags()},
            "aws_nat_gateway",
            {"allocation_id": SelfAttr("eip", "AllocationId", "id"), "subnet_id": Up("subnet"), "tags": Tags()},
        ),
    ),
    cost={"monthly": 32.85, "note": "hourly charge, data processing extra"},
)

ROUTE_TABLE = ResourceType(
    type="route_table",
    label="Route table",
    aliases=("route table", "routes"),
    category="networking",
    icon="aws-route-table",
    description="Explicit routing for the subnets connected to it; otherwise Isshoni implies one per tier.",
    properties={"default_route": enum(("none", "internet", "nat"), "none", "Where 0.0.0.0/0 goes (via a connected gateway)")},
    containers=("vpc",),
    needs_container=True,
    links=(Link(("internet_gateway", "nat_gateway"), "route_to_gateway", "sends 0.0.0.0/0 to this gateway"),),
    emits=(
        Emit("", "AWS::EC2::RouteTable", {"VpcId": Up("vpc"), "Tags": Tags()}, "aws_route_table", {"vpc_id": Up("vpc"), "tags": Tags()}),
    ),
)

SECURITY_GROUP = ResourceType(
    type="security_group",
    label="Security group",
    aliases=("security group", "SG", "firewall"),
    category="networking",
    icon="aws-security-group",
    description="A stand-alone firewall group with one inbound rule; services get their own groups automatically.",
    properties={
        "port": prop("integer", 443, "Inbound TCP port", minimum=0, maximum=65535),
        "cidr": prop("string", "10.0.0.0/16", "Who may connect (CIDR)", pattern=r"^\d+\.\d+\.\d+\.\d+/\d+$"),
        "description": prop("string", "Managed by Isshoni", "What the group is for", pattern=r"^[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!\$*]{1,255}$"),
    },
    containers=("vpc",),
    needs_container=True,
    emits=(
        Emit(
            "",
            "AWS::EC2::SecurityGroup",
            {"GroupDescription": P("description"), "VpcId": Up("vpc"), "Tags": Tags()},
            "aws_security_group",
            {"description": P("description"), "vpc_id": Up("vpc"), "tags": Tags()},
        ),
        Emit(
            "egress",
            None,
            {},
            "aws_vpc_security_group_egress_rule",
            {"security_group_id": Self(), "ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0", "description": "All outbound traffic"},
        ),
        ingress_from_cidr("ingress", P("port"), P("cidr"), "Inbound rule from the design", sg_key=""),
    ),
    outputs=(Output("id", "Security group id", Self(), Self()),),
)

VPC_ENDPOINT = ResourceType(
    type="vpc_endpoint",
    label="VPC endpoint",
    aliases=("VPC endpoint", "PrivateLink", "endpoint"),
    category="networking",
    icon="aws-vpc-endpoint",
    description="Private access to an AWS service (DynamoDB, S3 gateway endpoints; others as interface endpoints).",
    properties={
        "service": prop("string", "dynamodb", "Service name suffix (dynamodb, s3, ecr.api, logs ...)", pattern=r"^[a-z0-9.-]+$"),
        "endpoint_type": enum(("Gateway", "Interface"), "Gateway", "Gateway (S3, DynamoDB) or Interface"),
    },
    containers=("vpc",),
    needs_container=True,
    emits=(
        Emit(
            "",
            "AWS::EC2::VPCEndpoint",
            {
                "VpcId": Up("vpc"),
                "ServiceName": J("com.amazonaws.", Region(), ".", P("service")),
                "VpcEndpointType": P("endpoint_type"),
                "RouteTableIds": If("endpoint_type", "Gateway", Slot("route_tables")),
                "SubnetIds": If("endpoint_type", "Interface", Subnets()),
                "SecurityGroupIds": If("endpoint_type", "Interface", [Self("sg")]),
                "PrivateDnsEnabled": If("endpoint_type", "Interface", True),
                "Tags": Tags(),
            },
            "aws_vpc_endpoint",
            {
                "vpc_id": Up("vpc"),
                "service_name": J("com.amazonaws.", Region(), ".", P("service")),
                "vpc_endpoint_type": P("endpoint_type"),
                "route_table_ids": If("endpoint_type", "Gateway", Slot("route_tables")),
                "subnet_ids": If("endpoint_type", "Interface", Subnets()),
                "security_group_ids": If("endpoint_type", "Interface", [Self("sg")]),
                "private_dns_enabled": If("endpoint_type", "Interface", True),
                "tags": Tags(),
            },
        ),
        *(
            Emit(e.key, e.cfn_type, e.cfn, e.tf_type, e.tf, when=("endpoint_type", "Interface"))
            for e in security_group("Interface endpoint")
        ),
        ingress_from_cidr("sg_https", 443, "10.0.0.0/8", "HTTPS from inside the VPC", when=("endpoint_type", "Interface")),
    ),
)

IPV4_CIDR = r"^\d+\.\d+\.\d+\.\d+/\d+$"

ELASTIC_IP = ResourceType(
    type="elastic_ip",
    label="Elastic IP",
    aliases=("Elastic IP", "EIP", "static IP"),
    category="networking",
    icon="aws-elastic-ip",
    description="A static public IPv4 address; connect it to an EC2 instance to attach it.",
    properties={},
    links=(Link(("ec2_instance",), "eip_instance", "is attached to this instance"),),
    emits=(Emit("", "AWS::EC2::EIP", {"Domain": "vpc", "Tags": Tags()}, "aws_eip", {"domain": "vpc", "tags": Tags()}),),
    outputs=(Output("public_ip", "Public IP address", SelfAttr("", "PublicIp", "public_ip"), SelfAttr("", "PublicIp", "public_ip")),),
    cost={"monthly": 3.65, "note": "public IPv4 address charge"},
)


def _nacl_rule(key: str, number: int, egress: bool, action: str, cidr, when=None) -> Emit:
    """One all-protocol network ACL entry."""
    return Emit(
        key,
        "AWS::EC2::NetworkAclEntry",
        {"NetworkAclId": Self(), "RuleNumber": number, "Egress": egress, "Protocol": -1, "RuleAction": action, "CidrBlock": cidr},
        "aws_network_acl_rule",
        {"network_acl_id": Self(), "rule_number": number, "egress": egress, "protocol": "-1", "rule_action": action, "cidr_block": cidr},
        when=when,
    )


NETWORK_ACL = ResourceType(
    type="network_acl",
    label="Network ACL",
    aliases=("NACL", "network ACL"),
    category="networking",
    icon="aws-network-acl",
    description="A stateless subnet firewall: allows all traffic in and out, optionally denying one range inbound; connect it to subnets.",
    properties={
        "deny": prop("boolean", False, "Deny inbound traffic from deny_cidr (evaluated before the allow rule)"),
        "deny_cidr": prop("string", "203.0.113.0/24", "Inbound range to deny when 'deny' is on", pattern=IPV4_CIDR),
    },
    containers=("vpc",),
    needs_container=True,
    links=(Link(("subnet",), "nacl_subnet", "filters this subnet's traffic (replacing the VPC's default network ACL for it)"),),
    emits=(
        Emit("", "AWS::EC2::NetworkAcl", {"VpcId": Up("vpc"), "Tags": Tags()}, "aws_network_acl", {"vpc_id": Up("vpc"), "tags": Tags()}),
        _nacl_rule("deny_in", 90, False, "deny", P("deny_cidr"), when=("deny", True)),
        _nacl_rule("allow_in", 100, False, "allow", "0.0.0.0/0"),
        _nacl_rule("allow_out", 100, True, "allow", "0.0.0.0/0"),
    ),
    outputs=(Output("id", "Network ACL id", Self(), Self()),),
    cost={"monthly": 0},
)

VPC_PEERING = ResourceType(
    type="vpc_peering",
    label="VPC peering",
    aliases=("VPC peering", "peering"),
    category="networking",
    icon="aws-vpc-peering",
    description="Peers the VPC it sits in (requester) with the VPC it is connected to (accepter), same account and region.",
    properties={"routes": prop("boolean", True, "Route each VPC's range to the other through the peering, in every route table")},
    containers=("vpc",),
    needs_container=True,
    links=(Link(("vpc",), "vpc_peer", "peers with this VPC (the accepter)"),),
    emits=(
        Emit(
            "",
            "AWS::EC2::VPCPeeringConnection",
            {"VpcId": Up("vpc"), "PeerVpcId": Slot("peer", single=True), "Tags": Tags()},
            "aws_vpc_peering_connection",
            {"vpc_id": Up("vpc"), "peer_vpc_id": Slot("peer", single=True), "auto_accept": True, "tags": Tags()},
            when=("@slot", "peer"),
        ),
    ),
    cost={"monthly": 0, "note": "data transfer across AZs is charged"},
)



TYPES = (
    VPC, SUBNET, INTERNET_GATEWAY, NAT_GATEWAY, ROUTE_TABLE, SECURITY_GROUP, VPC_ENDPOINT, ALB, ACM_CERTIFICATE,
    NLB, ELASTIC_IP, NETWORK_ACL, VPC_PEERING, ROUTE53_ZONE, ROUTE53_RECORD, CLOUDFRONT_DISTRIBUTION,
    API_GATEWAY_REST, API_GATEWAY_HTTP, API_GATEWAY_WEBSOCKET, SERVICE_DISCOVERY_NAMESPACE,
)
