"""Wiring of ECS on EC2: capacity providers serve one cluster each (its instances join it, the
cluster lists them), and services connected to one run on it through a capacity provider strategy."""

from __future__ import annotations

from collections import defaultdict

from ..design.errors import DesignError, Problem, json_path
from . import expr as e
from .resolve import Context
from .wiring import finisher, unit

ECS_CONFIG = "/etc/ecs/ecs.config"


def _refuse(cid: str, message: str) -> None:
    raise DesignError([Problem(json_path(["connections", cid]), message, cid)])


@unit("capacity_cluster")
def capacity_cluster(ctx: Context, cid, provider, cluster, props):
    """Capacity provider -> cluster: the instances' user data names the cluster the ECS agent joins."""
    if ctx.slots.get((provider, "cluster")):
        _refuse(cid, f"capacity provider {provider!r} already serves a cluster")
    ctx.contribute(provider, "cluster", ctx.ref(cluster), ctx.ref(cluster))
    lid = ctx.lid(cluster)
    cfn = {"Fn::Base64": e.join("#!/bin/bash\necho ECS_CLUSTER=", ctx.ref(cluster), f" >> {ECS_CONFIG}\n")}
    tf = e.TfText('base64encode("#!/bin/bash\\necho ECS_CLUSTER=${{{0}.name}} >> ' + ECS_CONFIG + '\\n")', (lid,))
    ctx.contribute(provider, "user_data", cfn, tf)
    ctx.memo.setdefault("cluster_capacity", defaultdict(list))[cluster].append(provider)


@unit("capacity_strategy")
def capacity_strategy(ctx: Context, cid, service, provider, props):
    """Service -> capacity provider: the service launches its tasks on that provider's instances."""
    if ctx.slots.get((service, "capacity")):
        _refuse(cid, f"service {service!r} already runs on another capacity provider")
    ctx.contribute(
        service, "capacity",
        {"CapacityProvider": ctx.ref(provider), "Weight": 1, "Base": 0},
        e.Block({"capacity_provider": ctx.ref(provider, tf="name"), "weight": 1, "base": 0}),
    )
    ctx.memo.setdefault("service_capacity", []).append((cid, service, provider))


@finisher
def finish_cluster_capacity(ctx: Context) -> None:
    """Each cluster lists its capacity providers (the first is the default strategy); a service runs
    on a provider of its own cluster only, once the cluster lists it."""
    associations = {}
    for cluster, providers in sorted(ctx.memo.get("cluster_capacity", {}).items()):
        names = [ctx.ref(p) for p in providers]
        associations[ctx.lid(cluster)] = ctx.add_part(
            cluster,
            "capacity_providers",
            "AWS::ECS::ClusterCapacityProviderAssociations",
            {"Cluster": ctx.ref(cluster), "CapacityProviders": names, "DefaultCapacityProviderStrategy": [{"CapacityProvider": names[0], "Weight": 1}]},
            "aws_ecs_cluster_capacity_providers",
            {
                "cluster_name": ctx.ref(cluster, tf="name"),
                "capacity_providers": [ctx.ref(p, tf="name") for p in providers],
                "default_capacity_provider_strategy": e.Block({"capacity_provider": ctx.ref(providers[0], tf="name"), "weight": 1}),
            },
        )
    for cid, service, provider in ctx.memo.get("service_capacity", []):
        served = ctx.slots.get((provider, "cluster"))
        runs_in = ctx.slots.get((service, "cluster"))
        if not served or served[0][0].lid != runs_in[0][0].lid:
            _refuse(cid, f"{provider!r} must serve the cluster {service!r} runs in: connect both to the same ECS cluster")
        ctx.depend(service, "", associations[served[0][0].lid])
