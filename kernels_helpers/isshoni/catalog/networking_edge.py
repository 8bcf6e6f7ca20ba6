"""Networking at the edge: ACM certificates, Route 53 zones and records, CloudFront."""

from __future__ import annotations

from ..compiler.expr import Block
from .spec import (
    Delimited,
    Emit,
    If,
    J,
    Link,
    Name,
    Output,
    P,
    ResourceType,
    Risk,
    Self,
    SelfAttr,
    Slot,
    Tags,
    enum,
    optional,
    prop,
)

DOMAIN = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"

CERTIFICATE_DOMAIN = r"^((\*\.)?([a-z0-9-]{1,63}\.)+[a-z]{2,63})?$"
SUBDOMAIN = r"^((\*|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*)?$"
_VALIDATED = ("@slot", "zone")

ACM_CERTIFICATE = ResourceType(
    type="acm_certificate",
    label="ACM certificate",
    aliases=("ACM", "certificate", "TLS certificate", "SSL certificate", "Certificate Manager"),
    category="networking",
    icon="aws-certificate-manager",
    description=(
        "A TLS certificate. Connected to a Route 53 hosted zone of the design it is requested and validated with "
        "DNS records in that zone (listeners wait until it is issued); not connected, it stands for a certificate "
        "you already have, whose ARN is asked at deploy time."
    ),
    properties={
        "domain": prop("string", "", "Domain name (empty: `subdomain` of the connected zone's domain)", pattern=CERTIFICATE_DOMAIN),
        "subdomain": prop("string", "", "Name inside the connected zone, e.g. www or *.app (empty: the zone's own domain)", pattern=SUBDOMAIN),
    },
    links=(Link(("route53_zone",), "certificate_zone", "is validated with DNS records in this hosted zone"),),
    emits=(
        Emit(
            "",
            "AWS::CertificateManager::Certificate",
            {
                "DomainName": Slot("domain", single=True),
                "ValidationMethod": "DNS",
                "DomainValidationOptions": [{"DomainName": Slot("domain", single=True), "HostedZoneId": Slot("zone", single=True)}],
                "Tags": Tags(),
            },
            "aws_acm_certificate",
            {
                "domain_name": Slot("domain", single=True),
                "validation_method": "DNS",
                "tags": Tags(),
                "lifecycle": Block({"create_before_destroy": True}),
            },
            when=_VALIDATED,
        ),
    ),
    # Terraform's ARN is the validation's: whatever uses it waits until the certificate is issued.
    outputs=(Output("arn", "Certificate ARN", Self(), Slot("validated_arn", single=True)),),
    cost={"monthly": 0, "note": "public certificates are free"},
)


_NAME_SERVERS = Delimited(",", SelfAttr("", "NameServers", "name_servers"))

ROUTE53_ZONE = ResourceType(
    type="route53_zone",
    label="Route 53 hosted zone",
    aliases=("Route 53", "Route53", "DNS", "hosted zone", "DNS zone"),
    category="networking",
    icon="aws-route53",
    description="A public DNS zone for a domain (asked at deploy time unless set); point the registrar at its name servers.",
    properties={
        "domain": prop(
            "string", "", "Domain name of the zone (empty: asked at deploy time)", pattern=optional(DOMAIN),
            variable=True, ask="sandbox.isshoni.test", variable_pattern=DOMAIN,
        ),
        "force_destroy": prop("boolean", False, "Let Terraform delete the zone with records it does not manage", ephemeral=True),
    },
    accepted={
        "CKV2_AWS_38": "no DNSSEC signing: it needs a KMS key in us-east-1 and a DS record at the registrar",
        "CKV2_AWS_39": "no DNS query logging: Route 53 writes query logs only to a log group in us-east-1",
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
    outputs=(
        Output("zone_id", "Hosted zone id", Self(), Self(tf="zone_id")),
        Output("name_servers", "Name servers to give the domain's registrar", _NAME_SERVERS, _NAME_SERVERS),
    ),
    cost={"monthly": 0.5, "note": "plus queries"},
)

_FQDN = If("name", "", Slot("zone_name", single=True), J(P("name"), ".", Slot("zone_name", single=True)))

ROUTE53_RECORD = ResourceType(
    type="route53_record",
    label="Route 53 alias record",
    aliases=("DNS record", "Route 53 record", "alias record"),
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

# What every response carries: HSTS for a year (preload-ready), no MIME sniffing, no framing, a strict referrer.
_HEADERS_CFN = {
    "StrictTransportSecurity": {"AccessControlMaxAgeSec": 31536000, "IncludeSubdomains": True, "Preload": True, "Override": True},
    "ContentTypeOptions": {"Override": True},
    "FrameOptions": {"FrameOption": "DENY", "Override": True},
    "ReferrerPolicy": {"ReferrerPolicy": "strict-origin-when-cross-origin", "Override": True},
    "XSSProtection": {"Protection": True, "ModeBlock": True, "Override": True},
}
_HEADERS_TF = Block(
    {
        "strict_transport_security": Block(
            {"access_control_max_age_sec": 31536000, "include_subdomains": True, "preload": True, "override": True}
        ),
        "content_type_options": Block({"override": True}),
        "frame_options": Block({"frame_option": "DENY", "override": True}),
        "referrer_policy": Block({"referrer_policy": "strict-origin-when-cross-origin", "override": True}),
        "xss_protection": Block({"protection": True, "mode_block": True, "override": True}),
    }
)

CLOUDFRONT_DISTRIBUTION = ResourceType(
    type="cloudfront_distribution",
    label="CloudFront distribution",
    aliases=("CloudFront", "CDN", "distribution"),
    category="networking",
    icon="aws-cloudfront",
    description=(
        "A CDN in front of S3 buckets (Origin Access Control) and load balancers; viewers are redirected to HTTPS and "
        "get security headers; connected to a certificate it answers on the certificate's domain with TLS 1.2 or newer."
    ),
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
        Link(("acm_certificate",), "cdn_certificate", "answers on this certificate's domain (TLS 1.2 or newer; the certificate must be in us-east-1)"),
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
                    "Aliases": Slot("aliases"),
                    "ViewerCertificate": Slot("certificate", single=True, default={"CloudFrontDefaultCertificate": True}),
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
                "aliases": Slot("aliases"),
                "restrictions": Block({"geo_restriction": Block({"restriction_type": "none"})}),
                "viewer_certificate": Slot("certificate", single=True, default=Block({"cloudfront_default_certificate": True})),
                "tags": Tags(),
            },
            when=("@slot", "origins"),
        ),
        Emit(
            "headers",
            "AWS::CloudFront::ResponseHeadersPolicy",
            {"ResponseHeadersPolicyConfig": {"Name": Name(suffix="headers", max=128), "Comment": "Security headers", "SecurityHeadersConfig": _HEADERS_CFN}},
            "aws_cloudfront_response_headers_policy",
            {"name": Name(suffix="headers", max=128), "comment": "Security headers", "security_headers_config": _HEADERS_TF},
            when=("@slot", "origins"),
        ),
    ),
    outputs=(
        # Wiring fills `domain_name` once the distribution is emitted (it needs an origin), so the output exists only then.
        Output("domain_name", "Distribution domain name", Slot("domain_name", single=True), Slot("domain_name", single=True)),
    ),
    accepted={
        "CKV_AWS_68": "no web ACL: CloudFront web ACLs are made in us-east-1 (scope CLOUDFRONT), outside this design",
        "CKV2_AWS_47": "no web ACL, so no Log4j rule group: CloudFront web ACLs are made in us-east-1, outside this design",
        "CKV_AWS_86": "no standard logs: CloudFront writes them only to an ACL-enabled bucket; its metrics are in CloudWatch",
        "CKV_AWS_310": "one origin per path: there is no second origin to fail over to",
        "CKV_AWS_374": "served worldwide: no geographic restriction",
    },
    risks=(
        Risk(
            ("CKV_AWS_174", "CKV2_AWS_42"), ("@slot:certificate", False),
            "no certificate connected in the design: served on its cloudfront.net name with CloudFront's own certificate",
        ),
    ),
    cost={"monthly": 0, "note": "per GB transferred and per request"},
)

