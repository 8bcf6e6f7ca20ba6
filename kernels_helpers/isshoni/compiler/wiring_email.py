"""Wiring for messages that reach people: topic -> e-mail/SMS subscriber, SES identity -> zone."""

from __future__ import annotations

from ..catalog import spec as s
from ..design.errors import DesignError, Problem, json_path
from . import expr as e
from .resolve import Context
from .wiring import unit

DKIM_TOKENS = 3  # Easy DKIM publishes three CNAME records per domain
DKIM_TTL = 1800


def _refuse(cid: str, message: str) -> None:
    raise DesignError([Problem(json_path(["connections", cid]), message, cid)])


@unit("sns_endpoint")
def sns_endpoint(ctx: Context, cid, topic, subscriber, props):
    """Topic -> subscriber: the subscriber's subscription is to this topic (one topic per subscriber)."""
    if ctx.slots.get((subscriber, "topic")):
        _refuse(cid, f"subscriber {subscriber!r} already listens to a topic; add another subscriber for this one")
    arn = ctx.ref(topic, tf="arn")
    ctx.contribute(subscriber, "topic", arn, arn)


@unit("ses_dkim")
def ses_dkim(ctx: Context, cid, identity, zone, props):
    """SES domain identity -> zone: the identity's domain defaults to the zone's, and its DKIM records go in it."""
    if ctx.props(identity)["kind"] != "domain":
        _refuse(cid, f"{identity!r} is an e-mail address identity; only a domain identity has DKIM records in a zone")
    if ctx.slots.get((identity, "zone_domain")):
        _refuse(cid, f"{identity!r} already writes its DKIM records in another hosted zone")
    zone_domain = ctx.fill(s.P("domain"), "cfn", zone)
    ctx.contribute(identity, "zone_domain", zone_domain, zone_domain)
    lid = ctx.lid(identity)
    domain = ctx.fill(ctx.entry(identity).emits[0].cfn["EmailIdentity"], "cfn", identity)
    for index in range(DKIM_TOKENS):
        token = e.TfText(f"{{0}}.dkim_signing_attributes[0].tokens[{index}]", (lid,))
        ctx.add_part(
            cid,
            f"dkim{index + 1}",
            "AWS::Route53::RecordSet",
            {
                "HostedZoneId": ctx.ref(zone),
                "Name": e.Attr(lid, f"DkimDNSTokenName{index + 1}", "id"),
                "Type": "CNAME",
                "TTL": str(DKIM_TTL),
                "ResourceRecords": [e.Attr(lid, f"DkimDNSTokenValue{index + 1}", "id")],
            },
            "aws_route53_record",
            {
                "zone_id": ctx.ref(zone, tf="zone_id"),
                "name": e.join(token, "._domainkey.", domain),
                "type": "CNAME",
                "ttl": DKIM_TTL,
                "records": [e.join(token, ".dkim.amazonses.com")],
            },
        )
