"""How ECS services are reached without a load balancer: by name through a Cloud Map namespace
(inside the VPC), or directly on their tasks' public IPs (public_access)."""

from __future__ import annotations

from ..design.errors import DesignError, Problem, json_path
from . import expr as e
from .names import tf_identifier
from .resolve import Context
from .wiring import env_name, finisher, security_group_of, sg_ingress, target_port, unit

DNS_TTL = 10  # seconds a caller may keep a task's address


def _refuse(path: list, message: str, owner: str) -> None:
    raise DesignError([Problem(json_path(path), message, owner)])


def _label(rid: str) -> str:
    return tf_identifier(rid).replace("_", "-")[:63]


@unit("service_registry")
def service_registry(ctx: Context, cid, service, namespace, props):
    """Service -> namespace: a discovery service named after the ECS service, its tasks' A records there."""
    registered = ctx.memo.setdefault("registered", {})
    if service in registered:
        _refuse(["connections", cid], f"service {service!r} is already registered in namespace {registered[service][0]!r}", cid)
    if ctx.ancestor(service, ("vpc",)) != ctx.ancestor(namespace, ("vpc",)):
        _refuse(["connections", cid], "a service registers in a namespace of its own VPC", cid)
    name = _label(service)
    tags = ctx.tags(service, "cfn"), ctx.tags(service, "tf")
    lid = ctx.add_part(
        cid,
        "discovery",
        "AWS::ServiceDiscovery::Service",
        {
            "Name": name,
            "NamespaceId": ctx.ref(namespace),
            "DnsConfig": {"DnsRecords": [{"Type": "A", "TTL": DNS_TTL}], "RoutingPolicy": "MULTIVALUE"},
            "HealthCheckCustomConfig": {"FailureThreshold": 1},
            "Tags": tags[0],
        },
        "aws_service_discovery_service",
        {
            "name": name,
            "dns_config": e.Block({
                "namespace_id": ctx.ref(namespace),
                "dns_records": e.Block({"ttl": DNS_TTL, "type": "A"}),
                "routing_policy": "MULTIVALUE",
            }),
            "health_check_custom_config": e.Block({"failure_threshold": 1}),
            "tags": tags[1],
        },
    )
    ctx.contribute(service, "registries", {"RegistryArn": e.Attr(lid, "Arn", "arn")}, e.Block({"registry_arn": e.Attr(lid, "Arn", "arn")}))
    registered[service] = (namespace, name)


@unit("service_call")
def service_call(ctx: Context, cid, source, service, props):
    ctx.memo.setdefault("service_calls", []).append((cid, source, service))


@finisher
def finish_service_calls(ctx: Context) -> None:
    """Caller -> service: its name in the namespace and port as environment, an ingress rule on that port."""
    registered = ctx.memo.get("registered", {})
    for cid, source, service in ctx.memo.get("service_calls", []):
        if service not in registered:
            _refuse(["connections", cid], f"connect {service!r} to a Cloud Map namespace so {source!r} can call it by name", cid)
        namespace, name = registered[service]
        source_sg, service_sg = security_group_of(ctx, source), security_group_of(ctx, service)
        if source_sg is None or ctx.ancestor(source, ("vpc",)) != ctx.ancestor(service, ("vpc",)):
            _refuse(["connections", cid], f"{source!r} must sit in the VPC of {service!r} to resolve its private name", cid)
        port = target_port(ctx, service, {})
        domain = ctx.fill(ctx.entry(namespace).emits[0].cfn["Name"], "cfn", namespace)
        host = e.join(f"{name}.", domain)
        ctx.env(source, env_name(service, "HOST"), host)
        ctx.env(source, env_name(service, "URL"), e.join(f"http://{name}.", domain, f":{port}"))
        sg_ingress(ctx, cid, "ingress", service_sg, source_sg, port, f"From {tf_identifier(source)} on {port}")


@finisher
def finish_public_services(ctx: Context) -> None:
    """A service open to the internet on its tasks' public IPs must sit in public subnets."""
    for rid in (r for r in ctx.of_type("ecs_service") if ctx.props(r).get("public_access")):
        subnet = ctx.ancestor(rid, ("subnet",))
        if subnet is None or ctx.props(subnet)["tier"] != "public":
            message = f"{rid}: public_access needs the service in a public subnet (tasks in private subnets have no route from the internet)"
            _refuse(["resources", rid, "properties", "public_access"], message, rid)
