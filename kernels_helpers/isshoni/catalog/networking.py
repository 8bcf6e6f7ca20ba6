"""Networking: VPCs, subnets, gateways, routing, security groups, load balancers, certificates."""

from __future__ import annotations

from .common import ingress_from_cidr, security_group
from .spec import Emit, If, J, Link, Output, P, Region, ResourceType, Self, SelfAttr, Slot, Subnets, Tags, Up, Zone, enum, prop

CIDR = {"format": "cidr"}
LB_TARGETS = ("ecs_service", "ec2_instance", "autoscaling_group", "lambda_function")

VPC = ResourceType(
    type="vpc",
    label="VPC",
    category="networking",
    icon="aws-vpc",
    description="An isolated virtual network; contains subnets and gateways.",
    properties={
        "cidr": prop("string", "10.0.0.0/16", "IPv4 range of the VPC", **CIDR),
        "dns_hostnames": prop("boolean", True, "Give instances DNS hostnames"),
        "dns_support": prop("boolean", True, "Resolve DNS through the VPC resolver"),
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
    ),
    outputs=(Output("id", "VPC id", Self(), Self()),),
    cost={"monthly": 0},
)

SUBNET = ResourceType(
    type="subnet",
    label="Subnet",
    category="networking",
    icon="aws-subnet",
    description="A range of the VPC in one availability zone; public subnets route to the internet gateway, private ones through NAT.",
    properties={
        "cidr": prop("string", "10.0.1.0/24", "IPv4 range inside the VPC", **CIDR),
        "tier": enum(("public", "private"), "private", "Public subnets route to the internet gateway"),
        "az": prop("string", "a", "Availability zone: a letter (region + letter) or a full zone name", pattern="^([a-z]|[a-z]{2}(-gov)?-[a-z]+-[0-9][a-z])$"),
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
                "MapPublicIpOnLaunch": If("tier", "public", True, False),
                "Tags": Tags(),
            },
            "aws_subnet",
            {
                "vpc_id": Up("vpc"),
                "cidr_block": P("cidr"),
                "availability_zone": Zone(),
                "map_public_ip_on_launch": If("tier", "public", True, False),
                "tags": Tags(),
            },
        ),
    ),
    outputs=(Output("id", "Subnet id", Self(), Self()),),
)

INTERNET_GATEWAY = ResourceType(
    type="internet_gateway",
    label="Internet gateway",
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
    category="networking",
    icon="aws-security-group",
    description="A stand-alone firewall group with one inbound rule; services get their own groups automatically.",
    properties={
        "port": prop("integer", 443, "Inbound TCP port", minimum=0, maximum=65535),
        "cidr": prop("string", "10.0.0.0/16", "Who may connect (CIDR)", pattern=r"^\d+\.\d+\.\d+\.\d+/\d+$"),
        "description": prop("string", "Managed by Isshoni", "What the group is for", pattern=r"^[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]{1,255}$"),
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

ALB = ResourceType(
    type="alb",
    label="Application Load Balancer",
    category="networking",
    icon="aws-alb",
    description="HTTP(S) load balancer across two or more AZs; connections to services create target groups and listener rules.",
    properties={
        "scheme": enum(("internet-facing", "internal"), "internet-facing", "Reachable from the internet or only inside the VPC"),
        "https": prop("boolean", False, "Serve HTTPS on 443 (needs a certificate connection); port 80 then redirects"),
        "ingress_cidr": prop("string", "0.0.0.0/0", "Who may reach the listeners", pattern=r"^\d+\.\d+\.\d+\.\d+/\d+$"),
        "idle_timeout": prop("integer", 60, "Idle timeout in seconds (WebSockets need more)", minimum=1, maximum=4000),
        "deletion_protection": prop("boolean", False, "Refuse deletion while enabled"),
    },
    containers=("vpc", "subnet"),
    needs_container=True,
    security_group="sg",
    links=(
        Link(
            LB_TARGETS,
            "lb_target",
            "routes requests to it: a target group, a listener rule and a security-group rule from the load balancer",
            {
                "port": prop("integer", 80, "Port the target listens on", minimum=1, maximum=65535),
                "path": prop("string", "/*", "Path pattern of the listener rule", pattern=r"^/[A-Za-z0-9_.~/*?-]*$"),
                "priority": prop("integer", 0, "Rule priority (0: by order)", minimum=0, maximum=50000),
                "health_check_path": prop("string", "/", "Health check path", pattern=r"^/[A-Za-z0-9_.~/-]*$"),
                "role": enum(("", "blue", "green"), "", "Blue/green canary: one blue and one green target share a weighted rule"),
                "weight": prop("integer", 0, "Canary weight in percent for blue/green (0: blue 90 / green 10)", minimum=0, maximum=100),
            },
        ),
        Link(("acm_certificate",), "lb_certificate", "serves HTTPS with this certificate"),
        Link(("s3_bucket",), "lb_access_logs", "writes access logs to this bucket (with the bucket policy that allows it)"),
    ),
    emits=(
        Emit(
            "",
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            {
                "Type": "application",
                "Scheme": P("scheme"),
                "Subnets": Subnets(),
                "SecurityGroups": [Self("sg")],
                "LoadBalancerAttributes": [
                    {"Key": "idle_timeout.timeout_seconds", "Value": P("idle_timeout")},
                    {"Key": "deletion_protection.enabled", "Value": If("deletion_protection", True, "true", "false")},
                    {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
                    Slot("attributes"),
                ],
                "Tags": Tags(),
            },
            "aws_lb",
            {
                "load_balancer_type": "application",
                "internal": If("scheme", "internal", True, False),
                "subnets": Subnets(),
                "security_groups": [Self("sg")],
                "idle_timeout": P("idle_timeout"),
                "enable_deletion_protection": P("deletion_protection"),
                "drop_invalid_header_fields": True,
                "access_logs": Slot("access_logs", single=True),
                "tags": Tags(),
            },
        ),
        *security_group("Load balancer"),
        ingress_from_cidr("sg_http", 80, P("ingress_cidr"), "HTTP listener"),
        ingress_from_cidr("sg_https", 443, P("ingress_cidr"), "HTTPS listener", when=("https", True)),
    ),
    outputs=(
        Output("dns_name", "Load balancer DNS name", SelfAttr("", "DNSName", "dns_name"), SelfAttr("", "DNSName", "dns_name")),
        Output("arn", "Load balancer ARN", Self(), Self(tf="arn")),
    ),
    cost={"monthly": 16.43, "note": "plus LCU usage"},
)

ACM_CERTIFICATE = ResourceType(
    type="acm_certificate",
    label="ACM certificate",
    category="networking",
    icon="aws-certificate-manager",
    description="A TLS certificate for a domain, validated through DNS.",
    properties={
        "domain": prop("string", "app.example.com", "Domain name", pattern=r"^(\*\.)?([a-z0-9-]{1,63}\.)+[a-z]{2,63}$"),
    },
    emits=(
        Emit(
            "",
            "AWS::CertificateManager::Certificate",
            {"DomainName": P("domain"), "ValidationMethod": "DNS", "Tags": Tags()},
            "aws_acm_certificate",
            {"domain_name": P("domain"), "validation_method": "DNS", "tags": Tags()},
        ),
    ),
    outputs=(Output("arn", "Certificate ARN", Self(), Self(tf="arn")),),
)

TYPES = (VPC, SUBNET, INTERNET_GATEWAY, NAT_GATEWAY, ROUTE_TABLE, SECURITY_GROUP, VPC_ENDPOINT, ALB, ACM_CERTIFICATE)
