"""Networking: Application and Network Load Balancers (their wiring: `compiler/wiring.py`, `wiring_edge.py`)."""

from __future__ import annotations

from .common import ingress_from_cidr, security_group
from .spec import (
    Emit,
    If,
    Link,
    Output,
    P,
    ResourceType,
    Risk,
    Self,
    SelfAttr,
    Slot,
    Subnets,
    Tags,
    enum,
    prop,
)

IPV4_CIDR = r"^\d+\.\d+\.\d+\.\d+/\d+$"
LB_TARGETS = ("ecs_service", "ec2_instance", "autoscaling_group", "lambda_function")
NLB_TARGETS = ("ecs_service", "ec2_instance", "autoscaling_group")

ALB = ResourceType(
    type="alb",
    label="Application Load Balancer",
    aliases=("ALB", "load balancer", "application load balancer", "ELB", "LB"),
    category="networking",
    icon="aws-alb",
    description="HTTP(S) load balancer across two or more AZs; connections to services create target groups and listener rules.",
    properties={
        "scheme": enum(("internet-facing", "internal"), "internet-facing", "Reachable from the internet or only inside the VPC"),
        "https": prop(
            "boolean", True,
            "Serve HTTPS on 443 with the connected certificate (none connected: its ARN is asked at deploy time); port 80 then only redirects",
        ),
        "ingress_cidr": prop("string", "0.0.0.0/0", "Who may reach the listeners", pattern=r"^\d+\.\d+\.\d+\.\d+/\d+$"),
        "idle_timeout": prop("integer", 60, "Idle timeout in seconds (WebSockets need more)", minimum=1, maximum=4000),
        "deletion_protection": prop("boolean", True, "Refuse deletion while enabled (off in an ephemeral design)", ephemeral=False),
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
    risks=(
        Risk(("CKV_AWS_260",), ("https", True), "https=true in the design: port 80 only answers with a redirect to HTTPS", parts=("sg_http",)),
        Risk(("CKV_AWS_378",), None, "TLS ends at the load balancer: it reaches its targets over HTTP inside the VPC", parts=("@links",)),
        Risk(
            ("CKV_AWS_260",), None,
            "targets take traffic only from the load balancer's security group (checkov's Terraform check does not read referenced_security_group_id)",
            parts=("@links",), sides=("tf",),
        ),
        Risk(("CKV_AWS_91",), ("@slot:access_logs", False), "no access-log bucket connected in the design: requests are not logged"),
        Risk(
            ("CKV2_AWS_28",), ("@target_of:waf_web_acl", False),
            "no WAF web ACL connected in the design: requests reach the targets unfiltered",
        ),
    ),
    cost={"monthly": 16.43, "note": "plus LCU usage"},
)

NLB = ResourceType(
    type="nlb",
    label="Network Load Balancer",
    aliases=("NLB", "network load balancer"),
    category="networking",
    icon="aws-nlb",
    description="TCP load balancer across two or more AZs; each connection to a service adds a TCP listener and target group on its port.",
    properties={
        "scheme": enum(("internet-facing", "internal"), "internet-facing", "Reachable from the internet or only inside the VPC"),
        "ingress_cidr": prop("string", "0.0.0.0/0", "Who may reach the listeners", pattern=IPV4_CIDR),
        "cross_zone": prop("boolean", True, "Spread each AZ's traffic over targets in all AZs"),
        "deletion_protection": prop("boolean", True, "Refuse deletion while enabled (off in an ephemeral design)", ephemeral=False),
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

