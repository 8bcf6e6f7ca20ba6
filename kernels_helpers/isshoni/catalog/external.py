"""Outside AWS: a system a design talks to but does not create (GitHub, a SaaS API, users, a browser).

An `external` node is drawn and connected like any other so the picture is whole, and emits
nothing: no CloudFormation, no Terraform, no checks, no cost.  Every type may connect to it
and it may connect to every type (the links are added by the catalog loader, `__init__.py`);
those connections emit nothing either (wiring unit `external` does nothing).
"""

from __future__ import annotations

from .spec import Link, ResourceType, prop

EXTERNAL_LINK_MEANING = "drawn only: a system outside AWS; this connection emits nothing"


def external_link(targets) -> Link:
    return Link(targets=tuple(targets), wiring="external", meaning=EXTERNAL_LINK_MEANING)


EXTERNAL = ResourceType(
    type="external",
    label="External system",
    aliases=(
        "external", "users", "user", "customers", "customer", "clients", "client", "browser", "web browser",
        "mobile app", "mobile", "internet", "third party", "third-party", "SaaS", "partner", "on premises",
        "on-prem", "data center", "GitHub", "GitLab", "Bitbucket", "Stripe", "PayPal", "Twilio", "SendGrid",
        "Slack", "Datadog", "PagerDuty", "Auth0", "Okta", "Salesforce", "Shopify", "OpenAI", "Anthropic",
        "Google", "Cloudflare", "Sentry", "Zendesk", "Mailchimp", "webhook",
    ),
    category="external",
    icon="external",
    description=(
        "A system outside AWS (users, a browser, GitHub, a SaaS API): drawn and connectable so the picture is "
        "whole; it creates nothing and emits nothing in CloudFormation or Terraform."
    ),
    properties={
        "url": prop("string", "", "Where it lives, for people reading the design (not used by any emitter)", maxLength=2048),
    },
    emits=(),
)

TYPES = (EXTERNAL,)
