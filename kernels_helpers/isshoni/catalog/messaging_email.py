"""Messaging that reaches people: SNS e-mail and SMS subscribers, SES sending identities.

An address or a phone number is a design property a person can see and change, never a
credential; left empty it is asked at deploy time (a required parameter / variable checked by
a pattern), never a stand-in value that would deploy.  Their wiring: `compiler/wiring_email.py`.
"""

from __future__ import annotations

from ..compiler.expr import Block
from .networking_edge import DOMAIN
from .spec import Emit, If, Link, Output, P, ResourceType, Self, Slot, Tags, arn, enum, optional, prop

EMAIL = r"^[A-Za-z0-9._%+-]{1,64}@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
PHONE = r"^\+[1-9][0-9]{6,14}$"  # E.164: what SNS sends text messages to
SANDBOX_DOMAIN = "sandbox.isshoni.test"

_ENDPOINT = If("protocol", ("email", "email-json"), P("email"), P("phone_number"))
_TOPIC = Slot("topic", single=True)

SNS_SUBSCRIBER = ResourceType(
    type="sns_subscriber",
    label="SNS e-mail/SMS subscriber",
    aliases=("email subscriber", "SMS subscriber", "e-mail subscriber", "on-call", "pager"),
    category="messaging",
    icon="aws-sns",
    description=(
        "A person who gets a topic's messages by e-mail or text message (alerts from alarms connected to the topic): "
        "connect the topic to it. E-mail subscriptions wait until the recipient confirms the link SNS mails; text "
        "messages need the account out of the SMS sandbox (or the number verified). Nothing is created until it is connected."
    ),
    properties={
        "protocol": enum(("email", "email-json", "sms"), "email", "How messages arrive: e-mail (text or JSON) or SMS"),
        "email": prop(
            "string", "", "E-mail address (protocol email; empty: asked at deploy time)", pattern=optional(EMAIL), maxLength=254,
            variable=True, ask=f"alerts@{SANDBOX_DOMAIN}", variable_pattern=EMAIL,
        ),
        "phone_number": prop(
            "string", "", "Phone number in E.164 form, e.g. +4915112345678 (protocol sms; empty: asked at deploy time)",
            pattern=optional(PHONE), variable=True, ask="+15555550100", variable_pattern=PHONE,
        ),
    },
    emits=(
        Emit(
            "",
            "AWS::SNS::Subscription",
            {"TopicArn": _TOPIC, "Protocol": P("protocol"), "Endpoint": _ENDPOINT},
            "aws_sns_topic_subscription",
            {"topic_arn": _TOPIC, "protocol": P("protocol"), "endpoint": _ENDPOINT},
            when=("@slot", "topic"),
        ),
    ),
    cost={"monthly": 0, "note": "e-mail: $2 per 100,000 after the free 1,000; SMS priced per message and country"},
)

# ---------------------------------------------------------------- SES

SES_SEND = ("ses:SendEmail", "ses:SendRawEmail")
_DOMAIN_KIND = ("kind", "domain")
_IDENTITY = If(
    "kind", "domain",
    If("domain", "", Slot("zone_domain", single=True, default=P("domain")), P("domain")),
    P("email_address"),
)

SES_IDENTITY = ResourceType(
    type="ses_email_identity",
    label="SES e-mail identity",
    aliases=("SES", "Simple Email Service", "email sender", "e-mail sender", "outbound email"),
    category="messaging",
    icon="aws-ses",
    description=(
        "An identity services send e-mail from with SES: a domain (signed with Easy DKIM; connected to a Route 53 zone "
        "of the design, its DKIM records are written there) or a single e-mail address (SES mails it a link to verify). "
        "Compute connected to it may send as this identity only. A new account sends to verified recipients only "
        "until AWS lifts the SES sandbox."
    ),
    properties={
        "kind": enum(("domain", "email_address"), "domain", "A whole domain, or one e-mail address"),
        "domain": prop(
            "string", "", "Domain to send from (kind domain; empty: the connected zone's domain, or asked at deploy time)",
            pattern=optional(DOMAIN), variable=True, ask=SANDBOX_DOMAIN, variable_pattern=DOMAIN,
        ),
        "email_address": prop(
            "string", "", "Address to send from (kind email_address; empty: asked at deploy time)", pattern=optional(EMAIL),
            maxLength=254, variable=True, ask=f"sender@{SANDBOX_DOMAIN}", variable_pattern=EMAIL,
        ),
    },
    env={"IDENTITY": Self()},
    iam={"send": SES_SEND},
    iam_resources=(arn("ses", "identity/", Self()),),
    links=(
        Link(
            ("route53_zone",), "ses_dkim",
            "signs its mail with this zone's domain: the identity is the zone's domain (unless set) and its three DKIM "
            "CNAME records are written in the zone, so SES verifies it without anyone copying records",
        ),
    ),
    emits=(
        Emit(
            "",
            "AWS::SES::EmailIdentity",
            {
                "EmailIdentity": _IDENTITY,
                "DkimSigningAttributes": If(*_DOMAIN_KIND, {"NextSigningKeyLength": "RSA_2048_BIT"}),
                "Tags": Tags(),
            },
            "aws_sesv2_email_identity",
            {
                "email_identity": _IDENTITY,
                "dkim_signing_attributes": If(*_DOMAIN_KIND, Block({"next_signing_key_length": "RSA_2048_BIT"})),
                "tags": Tags(),
            },
        ),
    ),
    outputs=(Output("identity", "Sending identity", Self(), Self()),),
    cost={"monthly": 0, "note": "$0.10 per 1,000 e-mails sent"},
)

__all__ = ["EMAIL", "PHONE", "SES_IDENTITY", "SES_SEND", "SNS_SUBSCRIBER"]
