"""Certificates that actually issue: a certificate connected to a Route 53 zone of the design is
validated with DNS records in that zone (Terraform waits for it to be issued; CloudFormation
writes the records itself); one that is not stands for a certificate that already exists, and
its ARN is asked at deploy time.  Load balancers and CloudFront take whichever it is."""

from __future__ import annotations

from ..catalog import spec as s
from ..design.errors import DesignError, Problem, json_path
from . import expr as e
from .names import tf_identifier
from .resolve import Context
from .wiring import finisher, unit

CERTIFICATE_ARN = r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$"
CLOUDFRONT_REGION = "us-east-1"
SANDBOX_CERTIFICATE = "@certificate_arn"  # the sandbox passes the certificate it prepared
_OPTION = "tolist({0}.domain_validation_options)[0]"


def _refuse(cid: str, message: str) -> None:
    raise DesignError([Problem(json_path(["connections", cid]), message, cid)])


@unit("certificate_zone")
def certificate_zone(ctx: Context, cid, cert, zone, props):
    """Certificate -> zone: the certificate's domain in that zone, and (Terraform) its validation record."""
    if ctx.slots.get((cert, "zone")):
        _refuse(cid, f"certificate {cert!r} is already validated in another hosted zone")
    zone_domain = ctx.fill(s.P("domain"), "cfn", zone)
    own = ctx.props(cert)
    if own["domain"]:
        domain = own["domain"]
    elif own["subdomain"]:
        domain = e.join(own["subdomain"], ".", zone_domain)
    else:
        domain = zone_domain
    ctx.contribute(cert, "zone", ctx.ref(zone), ctx.ref(zone, tf="zone_id"))
    ctx.contribute(cert, "domain", domain, domain)
    lid = ctx.lid(cert)
    record = ctx.add_part(
        cid,
        "record",
        None,
        {},
        "aws_route53_record",
        {
            "zone_id": ctx.ref(zone, tf="zone_id"),
            "name": e.TfText(_OPTION + ".resource_record_name", (lid,)),
            "type": e.TfText(_OPTION + ".resource_record_type", (lid,)),
            "records": [e.TfText(_OPTION + ".resource_record_value", (lid,))],
            "ttl": 60,
            "allow_overwrite": True,
        },
    )
    validation = ctx.add_part(
        cid, "validation", None, {}, "aws_acm_certificate_validation",
        {"certificate_arn": e.Ref(lid, "arn"), "validation_record_fqdns": [e.Ref(record, "fqdn")]},
    )
    ctx.contribute(cert, "validated_arn", None, e.Ref(validation, "certificate_arn"))


def validated(ctx: Context, cert: str) -> bool:
    return bool(ctx.slots.get((cert, "zone")))


def certificate_arn(ctx: Context, cert: str, what: str) -> tuple:
    """(CloudFormation, Terraform) ARN of a certificate node: the one the design issues, or the
    existing certificate's ARN, asked at deploy time."""
    if validated(ctx, cert):
        return ctx.ref(cert), ctx.slots[(cert, "validated_arn")][0][1]
    domain = ctx.props(cert)["domain"]
    var = ctx.variable(
        f"{tf_identifier(cert)}_arn", "string", None,
        f"ARN of an existing ACM certificate{' for ' + domain if domain else ''} ({what})", cert,
        pattern=CERTIFICATE_ARN, sandbox=SANDBOX_CERTIFICATE,
    )
    return var, var


def asked_certificate(ctx: Context, owner: str, what: str) -> tuple:
    """An HTTPS listener without a certificate node: the certificate's ARN, asked at deploy time."""
    var = ctx.variable(
        f"{tf_identifier(owner)}_certificate_arn", "string", None, f"ARN of the ACM certificate {what} serves", owner,
        pattern=CERTIFICATE_ARN, sandbox=SANDBOX_CERTIFICATE,
    )
    return var, var


# ------------------------------------------------------------------ CloudFront


@unit("cdn_certificate")
def cdn_certificate(ctx: Context, cid, dist, cert, props):
    ctx.memo.setdefault("cdn_certificates", {}).setdefault(dist, (cid, cert))


@finisher
def finish_cdn_certificates(ctx: Context) -> None:
    """A distribution with a certificate answers on the certificate's domain, TLS 1.2 or newer."""
    for dist, (cid, cert) in sorted(ctx.memo.get("cdn_certificates", {}).items()):
        if validated(ctx, cert):
            if ctx.design.region != CLOUDFRONT_REGION:
                _refuse(cid, f"CloudFront takes certificates from {CLOUDFRONT_REGION} only and this design deploys to "
                        f"{ctx.design.region}: leave {cert!r} unconnected to a zone (an existing {CLOUDFRONT_REGION} certificate's ARN is asked)")
            domain = ctx.slots[(cert, "domain")][0][0]
        else:
            domain = ctx.props(cert)["domain"]
            if not domain:
                _refuse(cid, f"set the domain of certificate {cert!r}: the distribution answers on it")
        cfn_arn, tf_arn = certificate_arn(ctx, cert, f"CloudFront {dist}, in {CLOUDFRONT_REGION}")
        ctx.contribute(dist, "aliases", domain, domain)
        ctx.contribute(
            dist,
            "certificate",
            {"AcmCertificateArn": cfn_arn, "SslSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"},
            e.Block({"acm_certificate_arn": tf_arn, "ssl_support_method": "sni-only", "minimum_protocol_version": "TLSv1.2_2021"}),
        )
