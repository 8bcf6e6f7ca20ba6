"""Networking at the edge: ACM certificates, Route 53 zones and records, CloudFront."""

from __future__ import annotations

from ..compiler.expr import Block
from .spec import (
    Emit,
    If,
    J,
    Link,
    Name,
    Output,
    P,
    ResourceType,
    Self,
    Slot,
    Tags,
    enum,
    prop,
)

DOMAIN = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"

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

