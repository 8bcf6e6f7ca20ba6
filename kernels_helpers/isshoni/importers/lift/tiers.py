"""A subnet's tier, read from its routing as the source wires it.

The catalog's subnet says `tier` (public subnets route to the internet gateway) and the
compiler makes the routing from it, so nothing on the subnet resource itself tells a public
subnet from a private one when the source maps no public addresses: the matcher would take
either.  The source's routing does: a subnet associated with a route table that has a route to
an internet gateway is public; any other is private.
"""

from __future__ import annotations

from ...generic.references import is_reference

ASSOCIATIONS = {"AWS::EC2::SubnetRouteTableAssociation": ("SubnetId", "RouteTableId"),
                "aws_route_table_association": ("subnet_id", "route_table_id")}
ROUTES = {"AWS::EC2::Route": ("RouteTableId", "GatewayId"), "aws_route": ("route_table_id", "gateway_id")}
GATEWAYS = frozenset({"AWS::EC2::InternetGateway", "aws_internet_gateway"})


def _ref(value) -> str | None:
    return value["ref"] if is_reference(value) and isinstance(value["ref"], str) else None


def set_tiers(nodes: dict, by_id: dict, converted: dict) -> None:
    """Set `tier` on the typed subnet nodes from the source's associations and routes."""
    public_tables = set()
    for rid, props in converted.items():
        keys = ROUTES.get(by_id[rid].type)
        if keys:
            table, gateway = _ref(props.get(keys[0])), _ref(props.get(keys[1]))
            if table and gateway and gateway in by_id and by_id[gateway].type in GATEWAYS:
                public_tables.add(table)
    tables: dict[str, set] = {}
    for rid, props in converted.items():
        keys = ASSOCIATIONS.get(by_id[rid].type)
        if keys and _ref(props.get(keys[0])) and _ref(props.get(keys[1])):
            tables.setdefault(_ref(props[keys[0]]), set()).add(_ref(props[keys[1]]))
    for rid, node in nodes.items():
        if node.kind != "typed" or node.design["type"] != "subnet" or rid not in tables:
            continue
        properties = node.design["properties"]
        public = bool(tables[rid] & public_tables) or properties.get("map_public_ip") is True
        properties["tier"] = "public" if public else "private"
        if not public:
            properties.pop("map_public_ip", None)  # a private subnet never maps public addresses


__all__ = ["set_tiers"]
