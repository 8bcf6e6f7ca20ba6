"""Routing a person should not have to draw: implied route tables per VPC.

Public subnets without an explicit route table share one that sends
0.0.0.0/0 to the VPC's internet gateway; private subnets share one per NAT
gateway (preferring a NAT in their own AZ), as the seed architecture does
with its single NAT.  Gateway VPC endpoints are attached to every route table.
"""

from __future__ import annotations

from .resolve import Context
from .wiring import default_route


def _in_vpc(ctx: Context, rid: str, vpc: str) -> bool:
    return ctx.ancestor(rid, ("vpc",)) == vpc


def _route_table(ctx: Context, vpc: str, key: str, label: str) -> str:
    tags_cfn = ctx.tags(None, "cfn", label)
    tags_tf = ctx.tags(None, "tf", label)
    return ctx.add_part(
        vpc, key, "AWS::EC2::RouteTable", {"VpcId": ctx.ref(vpc), "Tags": tags_cfn}, "aws_route_table", {"vpc_id": ctx.ref(vpc), "tags": tags_tf}
    )


def _associate(ctx: Context, subnet: str, table_lid: str) -> None:
    from .expr import Ref

    ctx.add_part(
        subnet,
        "route_association",
        "AWS::EC2::SubnetRouteTableAssociation",
        {"SubnetId": ctx.ref(subnet), "RouteTableId": Ref(table_lid)},
        "aws_route_table_association",
        {"subnet_id": ctx.ref(subnet), "route_table_id": Ref(table_lid)},
    )


def plan(ctx: Context, vpc: str) -> tuple[list[str], dict[str, list[str]]]:
    """How the VPC's implied routing groups its subnets.

    Returns the public subnets (one shared table) and, per NAT gateway ('' for
    none), the private subnets that route through it.  `table_keys` names the
    tables; other wiring (VPC peering) uses both to reach every table.
    """
    explicit = ctx.memo.get("explicit_routes", {})
    inside = ctx.by_vpc().get(vpc, {})
    subnets = [r for r in inside.get("subnet", []) if r not in explicit]
    nats = inside.get("nat_gateway", [])
    public = [s for s in subnets if ctx.props(s)["tier"] == "public"]
    groups: dict[str, list[str]] = {}
    for subnet in (s for s in subnets if ctx.props(s)["tier"] == "private"):
        zone = ctx.props(subnet)["az"]
        same_az = [n for n in nats if ctx.props(ctx.ancestor(n, ("subnet",)))["az"] == zone]
        groups.setdefault((same_az or nats or [""])[0], []).append(subnet)
    return public, dict(sorted(groups.items()))


def private_key(nat: str, groups: dict) -> str:
    return f"private_routes_{nat}" if nat and len(groups) > 1 else "private_routes"


def table_keys(ctx: Context, vpc: str) -> list[str]:
    public, groups = plan(ctx, vpc)
    return (["public_routes"] if public else []) + [private_key(nat, groups) for nat in groups]


def imply(ctx: Context) -> None:
    from .expr import Ref

    explicit = ctx.memo.get("explicit_routes", {})
    index = ctx.by_vpc()
    for vpc in ctx.of_type("vpc"):
        inside = index.get(vpc, {})
        igws = inside.get("internet_gateway", [])
        nats = inside.get("nat_gateway", [])
        public, groups = plan(ctx, vpc)
        tables: list[str] = []
        if public:
            table = _route_table(ctx, vpc, "public_routes", f"{vpc} public routes")
            tables.append(table)
            if igws:
                default_route(ctx, vpc, "public_default_route", Ref(table), igws[0])
            for subnet in public:
                _associate(ctx, subnet, table)
        for nat, members in groups.items():
            key = private_key(nat, groups)
            table = _route_table(ctx, vpc, key, f"{vpc} private routes")
            tables.append(table)
            if nat:
                default_route(ctx, vpc, f"{key}_default_route", Ref(table), nat)
            for subnet in members:
                _associate(ctx, subnet, table)
        tables += [ctx.lid(t) for t in sorted(set(explicit.values())) if _in_vpc(ctx, t, vpc)]
        for endpoint in inside.get("vpc_endpoint", []):
            for table in tables:
                ctx.contribute(endpoint, "route_tables", Ref(table), Ref(table))
        for nat in nats:
            for igw in igws:
                ctx.depend(nat, "", ctx.lid(igw, "attachment"))
