"""Networking: Cloud Map private DNS namespaces, how services in a VPC find each other by name.

An ECS service connected to a namespace registers its tasks there (`<id>.<namespace>`, an A record
per task); compute connected to that service gets the name and port as environment and an ingress
rule on its security group (wiring: `compiler/wiring_discovery.py`).
"""

from __future__ import annotations

from .spec import Emit, If, J, Name, Output, P, ResourceType, Self, Tags, Up, prop

DNS_NAME = r"^((([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)?$"
NAMESPACE_NAME = If("namespace", "", J(Name(), ".internal"), P("namespace"))

SERVICE_DISCOVERY_NAMESPACE = ResourceType(
    type="service_discovery_namespace",
    label="Cloud Map namespace",
    aliases=("Cloud Map", "service discovery", "namespace", "private DNS"),
    category="networking",
    icon="aws-cloud-map",
    description=(
        "A private DNS namespace (a Route 53 private zone) in its VPC where ECS services register their tasks, so other "
        "compute of the VPC calls them by name (<service id>.<namespace>) without a load balancer. Internal only: "
        "nothing outside the VPC resolves these names."
    ),
    properties={
        "namespace": prop(
            "string", "", "DNS name of the namespace, e.g. shop.internal (empty: <name prefix>-<id>.internal)", pattern=DNS_NAME, maxLength=253,
        ),
    },
    containers=("vpc",),
    needs_container=True,
    emits=(
        Emit(
            "",
            "AWS::ServiceDiscovery::PrivateDnsNamespace",
            {"Name": NAMESPACE_NAME, "Vpc": Up("vpc"), "Description": "Service discovery for the services of the VPC", "Tags": Tags()},
            "aws_service_discovery_private_dns_namespace",
            {"name": NAMESPACE_NAME, "vpc": Up("vpc"), "description": "Service discovery for the services of the VPC", "tags": Tags()},
        ),
    ),
    outputs=(Output("id", "Namespace id", Self(), Self()), Output("name", "Namespace DNS name", NAMESPACE_NAME, NAMESPACE_NAME)),
    cost={"monthly": 0.5, "note": "the private hosted zone; $1 per million discovery queries"},
)
