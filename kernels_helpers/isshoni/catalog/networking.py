"""Networking: VPCs, subnets, gateways, routing, security groups, load balancers, certificates."""

from __future__ import annotations

from ..compiler.expr import Block
from .common import ingress_from_cidr, security_group
from .spec import (
    Emit,
    If,
    J,
    Link,
    Name,
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


# ---------------------------------------------------------------- edge and more networking

IPV4_CIDR = r"^\d+\.\d+\.\d+\.\d+/\d+$"
DOMAIN = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
NLB_TARGETS = ("ecs_service", "ec2_instance", "autoscaling_group")
LAMBDA = ("lambda_function",)
# CloudFormation's API Gateway v2 resources take tags as a map, not a list: a
# finisher in wiring_edge puts the standard tags into this slot.

NLB = ResourceType(
    type="nlb",
    label="Network Load Balancer",
    category="networking",
    icon="aws-nlb",
    description="TCP load balancer across two or more AZs; each connection to a service adds a TCP listener and target group on its port.",
    properties={
        "scheme": enum(("internet-facing", "internal"), "internet-facing", "Reachable from the internet or only inside the VPC"),
        "ingress_cidr": prop("string", "0.0.0.0/0", "Who may reach the listeners", pattern=IPV4_CIDR),
        "cross_zone": prop("boolean", True, "Spread each AZ's traffic over targets in all AZs"),
        "deletion_protection": prop("boolean", False, "Refuse deletion while enabled"),
    },
    containers=("vpc", "subnet"),
    needs_container=True,
    security_group="sg",
    links=(
        Link(
            NLB_TARGETS,
            "nlb_target",
            "forwards TCP on a port to it: a listener, a target group and a security-group rule from the load balancer",
            {
                "port": prop("integer", 80, "Listener port (also the target port unless the target has its own)", minimum=1, maximum=65535),
            },
        ),
    ),
    emits=(
        Emit(
            "",
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            {
                "Type": "network",
                "Scheme": P("scheme"),
                "Subnets": Subnets(),
                "SecurityGroups": [Self("sg")],
                "LoadBalancerAttributes": [
                    {"Key": "load_balancing.cross_zone.enabled", "Value": If("cross_zone", True, "true", "false")},
                    {"Key": "deletion_protection.enabled", "Value": If("deletion_protection", True, "true", "false")},
                ],
                "Tags": Tags(),
            },
            "aws_lb",
            {
                "load_balancer_type": "network",
                "internal": If("scheme", "internal", True, False),
                "subnets": Subnets(),
                "security_groups": [Self("sg")],
                "enable_cross_zone_load_balancing": P("cross_zone"),
                "enable_deletion_protection": P("deletion_protection"),
                "tags": Tags(),
            },
        ),
        *security_group("Network load balancer"),
    ),
    outputs=(
        Output("dns_name", "Load balancer DNS name", SelfAttr("", "DNSName", "dns_name"), SelfAttr("", "DNSName", "dns_name")),
        Output("arn", "Load balancer ARN", Self(), Self(tf="arn")),
    ),
    cost={"monthly": 16.43, "note": "plus NLCU usage"},
)

ELASTIC_IP = ResourceType(
    type="elastic_ip",
    label="Elastic IP",
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

ROUTE53_ZONE = ResourceType(
    type="route53_zone",
    label="Route 53 hosted zone",
    category="networking",
    icon="aws-route53",
    description="A public DNS zone for a domain; point the registrar at its name servers.",
    properties={
        "domain": prop("string", "example.com", "Domain name of the zone", pattern=DOMAIN),
        "force_destroy": prop("boolean", False, "Let Terraform delete the zone with records it does not manage"),
    },
    emits=(
        Emit(
            "",
            "AWS::Route53::HostedZone",
            {"Name": P("domain"), "HostedZoneConfig": {"Comment": "Managed by Isshoni"}, "HostedZoneTags": Tags()},
            "aws_route53_zone",
            {"name": P("domain"), "comment": "Managed by Isshoni", "force_destroy": P("force_destroy"), "tags": Tags()},
        ),
    ),
    outputs=(Output("zone_id", "Hosted zone id", Self(), Self(tf="zone_id")),),
    cost={"monthly": 0.5, "note": "plus queries"},
)

_FQDN = If("name", "", Slot("zone_name", single=True), J(P("name"), ".", Slot("zone_name", single=True)))

ROUTE53_RECORD = ResourceType(
    type="route53_record",
    label="Route 53 alias record",
    category="networking",
    icon="aws-route53",
    description="An A alias record: connect it to a hosted zone and to a load balancer or CloudFront distribution.",
    properties={
        "name": prop(
            "string",
            "www",
            "Name inside the zone (empty: the zone apex)",
            pattern=r"^((\*|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*)?$",
        ),
        "evaluate_target_health": prop("boolean", True, "Answer only while the load balancer has healthy targets"),
    },
    links=(
        Link(("route53_zone",), "dns_zone", "is a record in this hosted zone"),
        Link(("alb", "nlb", "cloudfront_distribution"), "dns_alias", "points at it (alias record)"),
    ),
    emits=(
        Emit(
            "",
            "AWS::Route53::RecordSet",
            {"HostedZoneId": Slot("zone", single=True), "Name": _FQDN, "Type": "A", "AliasTarget": Slot("alias", single=True)},
            "aws_route53_record",
            {"zone_id": Slot("zone", single=True), "name": _FQDN, "type": "A", "alias": Slot("alias", single=True)},
            when=("@slot", "complete"),
        ),
    ),
    outputs=(Output("fqdn", "Record name", _FQDN, _FQDN),),
    cost={"monthly": 0, "note": "alias queries to AWS resources are free"},
)

CLOUDFRONT_DISTRIBUTION = ResourceType(
    type="cloudfront_distribution",
    label="CloudFront distribution",
    category="networking",
    icon="aws-cloudfront",
    description="A CDN in front of S3 buckets (Origin Access Control) and load balancers; viewers are redirected to HTTPS.",
    properties={
        "price_class": enum(("PriceClass_100", "PriceClass_200", "PriceClass_All"), "PriceClass_100", "Edge locations used"),
        "default_root_object": prop("string", "index.html", "Object served for '/' (empty: none)", pattern=r"^([A-Za-z0-9_.~-][A-Za-z0-9_.~/-]{0,254})?$"),
        "ipv6": prop("boolean", True, "Answer on IPv6 too"),
    },
    links=(
        Link(
            ("s3_bucket",),
            "cdn_s3_origin",
            "serves the bucket's objects through an Origin Access Control (and the bucket policy that allows it)",
            {"path_pattern": prop("string", "*", "Requests this origin serves ('*': the default behaviour)", pattern=r"^[A-Za-z0-9_.~/*?-]{1,255}$")},
        ),
        Link(
            ("alb",),
            "cdn_alb_origin",
            "forwards requests to the load balancer (custom origin, not cached)",
            {"path_pattern": prop("string", "*", "Requests this origin serves ('*': the default behaviour)", pattern=r"^[A-Za-z0-9_.~/*?-]{1,255}$")},
        ),
    ),
    emits=(
        # Emitted only once a connection gave it an origin: a distribution needs one.
        Emit(
            "",
            "AWS::CloudFront::Distribution",
            {
                "DistributionConfig": {
                    "Enabled": True,
                    "Comment": Name(max=128),
                    "PriceClass": P("price_class"),
                    "HttpVersion": "http2and3",
                    "IPV6Enabled": P("ipv6"),
                    "DefaultRootObject": If("default_root_object", "", None, P("default_root_object")),
                    "Origins": Slot("origins"),
                    "DefaultCacheBehavior": Slot("default_behavior", single=True),
                    "CacheBehaviors": Slot("behaviors"),
                    "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
                },
                "Tags": Tags(),
            },
            "aws_cloudfront_distribution",
            {
                "enabled": True,
                "comment": Name(max=128),
                "price_class": P("price_class"),
                "http_version": "http2and3",
                "is_ipv6_enabled": P("ipv6"),
                "default_root_object": If("default_root_object", "", None, P("default_root_object")),
                "origin": Slot("origins"),
                "default_cache_behavior": Slot("default_behavior", single=True),
                "ordered_cache_behavior": Slot("behaviors"),
                "restrictions": Block({"geo_restriction": Block({"restriction_type": "none"})}),
                "viewer_certificate": Block({"cloudfront_default_certificate": True}),
                "tags": Tags(),
            },
            when=("@slot", "origins"),
        ),
    ),
    outputs=(
        # Wiring fills `domain_name` once the distribution is emitted (it needs an origin), so the output exists only then.
        Output("domain_name", "Distribution domain name", Slot("domain_name", single=True), Slot("domain_name", single=True)),
    ),
    cost={"monthly": 0, "note": "per GB transferred and per request"},
)

API_STAGE = {"stage_name": prop("string", "prod", "Stage name (part of the URL)", pattern=r"^[A-Za-z0-9_-]{1,128}$")}

API_GATEWAY_REST = ResourceType(
    type="api_gateway_rest",
    label="API Gateway REST API",
    category="networking",
    icon="aws-api-gateway",
    description="A regional REST API; a connected Lambda function serves every path ({proxy+}) through a proxy integration.",
    properties={
        **API_STAGE,
        "authorization": enum(("NONE", "AWS_IAM"), "NONE", "Who may call the methods (AWS_IAM: signed requests only)"),
        "tracing": prop("boolean", False, "X-Ray tracing on the stage"),
    },
    links=(
        Link(
            LAMBDA,
            "apigw_rest_lambda",
            "sends requests to it: ANY on the path and {proxy+} below it, a proxy integration and the invoke permission",
            {"path": prop("string", "", "First path segment served (empty: the whole API)", pattern=r"^[A-Za-z0-9._-]{0,64}$")},
        ),
    ),
    emits=(
        Emit(
            "",
            "AWS::ApiGateway::RestApi",
            {"Name": Name(max=255), "EndpointConfiguration": {"Types": ["REGIONAL"]}, "Tags": Tags()},
            "aws_api_gateway_rest_api",
            {"name": Name(max=255), "endpoint_configuration": Block({"types": ["REGIONAL"]}), "tags": Tags()},
        ),
        # A deployment needs at least one method; wiring makes it depend on all of them.
        Emit(
            "deployment",
            "AWS::ApiGateway::Deployment",
            {"RestApiId": Self(), "Description": "Deployed by Isshoni"},
            "aws_api_gateway_deployment",
            {"rest_api_id": Self(), "description": "Deployed by Isshoni", "lifecycle": Block({"create_before_destroy": True})},
            when=("@slot", "methods"),
        ),
        Emit(
            "stage",
            "AWS::ApiGateway::Stage",
            {"RestApiId": Self(), "DeploymentId": Self("deployment"), "StageName": P("stage_name"), "TracingEnabled": P("tracing"), "Tags": Tags()},
            "aws_api_gateway_stage",
            {"rest_api_id": Self(), "deployment_id": Self("deployment"), "stage_name": P("stage_name"), "xray_tracing_enabled": P("tracing"), "tags": Tags()},
            when=("@slot", "methods"),
        ),
    ),
    outputs=(
        Output(
            "url",
            "Invoke URL",
            J("https://", Self(), ".execute-api.", Region(), ".amazonaws.com/", P("stage_name"), "/"),
            J("https://", Self(), ".execute-api.", Region(), ".amazonaws.com/", P("stage_name"), "/"),
        ),
    ),
    cost={"monthly": 0, "note": "per million requests"},
)

API_GATEWAY_HTTP = ResourceType(
    type="api_gateway_http",
    label="API Gateway HTTP API",
    category="networking",
    icon="aws-api-gateway",
    description="A low-cost HTTP API (v2) with an auto-deployed $default stage; connected Lambda functions serve its routes.",
    properties={"cors": prop("boolean", False, "Allow browsers on any origin (CORS *)")},
    links=(
        Link(
            LAMBDA,
            "apigw_http_lambda",
            "serves a route: a Lambda proxy integration (payload 2.0), the route and the invoke permission",
            {
                "route_key": prop(
                    "string",
                    "$default",
                    "Route served ($default: everything not matched by another route)",
                    pattern=r"^(\$default|(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /[A-Za-z0-9._~{}+/-]*)$",
                ),
            },
        ),
    ),
    emits=(
        Emit(
            "",
            "AWS::ApiGatewayV2::Api",
            {
                "Name": Name(max=128),
                "ProtocolType": "HTTP",
                "CorsConfiguration": If("cors", True, {"AllowOrigins": ["*"], "AllowMethods": ["*"], "AllowHeaders": ["*"]}),
                "Tags": Tags(style="map"),
            },
            "aws_apigatewayv2_api",
            {
                "name": Name(max=128),
                "protocol_type": "HTTP",
                "cors_configuration": If("cors", True, Block({"allow_origins": ["*"], "allow_methods": ["*"], "allow_headers": ["*"]})),
                "tags": Tags(),
            },
        ),
        Emit(
            "stage",
            "AWS::ApiGatewayV2::Stage",
            {"ApiId": Self(), "StageName": "$default", "AutoDeploy": True, "Tags": Tags(style="map")},
            "aws_apigatewayv2_stage",
            {"api_id": Self(), "name": "$default", "auto_deploy": True, "tags": Tags()},
        ),
    ),
    outputs=(Output("url", "Invoke URL", SelfAttr("", "ApiEndpoint", "api_endpoint"), SelfAttr("", "ApiEndpoint", "api_endpoint")),),
    cost={"monthly": 0, "note": "per million requests"},
)

API_GATEWAY_WEBSOCKET = ResourceType(
    type="api_gateway_websocket",
    label="API Gateway WebSocket API",
    category="networking",
    icon="aws-api-gateway",
    description="A WebSocket API (routes chosen by $request.body.action) with an auto-deployed stage; connected Lambda functions handle the routes.",
    properties={**API_STAGE},
    links=(
        Link(
            LAMBDA,
            "apigw_ws_lambda",
            "handles messages: a Lambda proxy integration, the routes and the invoke permission",
            {
                "route": prop(
                    "string",
                    "*",
                    "Route handled ('*': $connect, $disconnect and $default; or one route key such as sendmessage)",
                    pattern=r"^(\*|\$connect|\$disconnect|\$default|[A-Za-z0-9_.-]{1,128})$",
                ),
            },
        ),
    ),
    emits=(
        Emit(
            "",
            "AWS::ApiGatewayV2::Api",
            {"Name": Name(max=128), "ProtocolType": "WEBSOCKET", "RouteSelectionExpression": "$request.body.action", "Tags": Tags(style="map")},
            "aws_apigatewayv2_api",
            {"name": Name(max=128), "protocol_type": "WEBSOCKET", "route_selection_expression": "$request.body.action", "tags": Tags()},
        ),
        # WebSocket APIs have no $default stage: a named stage, deployed automatically.
        Emit(
            "stage",
            "AWS::ApiGatewayV2::Stage",
            {"ApiId": Self(), "StageName": P("stage_name"), "AutoDeploy": True, "Tags": Tags(style="map")},
            "aws_apigatewayv2_stage",
            {"api_id": Self(), "name": P("stage_name"), "auto_deploy": True, "tags": Tags()},
        ),
    ),
    outputs=(
        Output(
            "url",
            "WebSocket URL",
            J(SelfAttr("", "ApiEndpoint", "api_endpoint"), "/", P("stage_name")),
            J(SelfAttr("", "ApiEndpoint", "api_endpoint"), "/", P("stage_name")),
        ),
    ),
    cost={"monthly": 0, "note": "per million messages and connection minutes"},
)

TYPES = (
    VPC, SUBNET, INTERNET_GATEWAY, NAT_GATEWAY, ROUTE_TABLE, SECURITY_GROUP, VPC_ENDPOINT, ALB, ACM_CERTIFICATE,
    NLB, ELASTIC_IP, NETWORK_ACL, VPC_PEERING, ROUTE53_ZONE, ROUTE53_RECORD, CLOUDFRONT_DISTRIBUTION,
    API_GATEWAY_REST, API_GATEWAY_HTTP, API_GATEWAY_WEBSOCKET,
)
