"""VPC networking: VPCs, subnets, gateways, routes, security groups, endpoints."""

from __future__ import annotations

from . import UNKNOWN, Check, NotFound, verifier


def _one(items: list, what: str, ident) -> dict:
    if not items:
        raise NotFound(f"{what} {ident}")
    return items[0]


@verifier("AWS::EC2::VPC", "aws_vpc")
def vpc(c: Check) -> None:
    ec2 = c.client("ec2")
    found = _one(ec2.describe_vpcs(VpcIds=[c.id])["Vpcs"], "VPC", c.id)
    c.expect_fields(found, "CidrBlock")
    for prop, attr, key in (("EnableDnsHostnames", "enableDnsHostnames", "EnableDnsHostnames"),
                            ("EnableDnsSupport", "enableDnsSupport", "EnableDnsSupport")):
        if prop in c.props:
            actual = ec2.describe_vpc_attribute(VpcId=c.id, Attribute=attr)[key]["Value"]
            c.expect(prop, c.value(prop), actual)


@verifier("AWS::EC2::Subnet", "aws_subnet")
def subnet(c: Check) -> None:
    found = _one(c.client("ec2").describe_subnets(SubnetIds=[c.id])["Subnets"], "subnet", c.id)
    c.expect_fields(found, "CidrBlock", "AvailabilityZone", "MapPublicIpOnLaunch", "VpcId")


@verifier("AWS::EC2::InternetGateway", "aws_internet_gateway")
def internet_gateway(c: Check) -> None:
    _one(c.client("ec2").describe_internet_gateways(InternetGatewayIds=[c.id])["InternetGateways"], "internet gateway", c.id)


@verifier("AWS::EC2::VPCGatewayAttachment", "aws_internet_gateway_attachment")
def gateway_attachment(c: Check) -> None:
    igw_id = c.value("InternetGatewayId")
    if igw_id is UNKNOWN:
        raise NotFound("the internet gateway of this attachment is unknown")
    igw = _one(c.client("ec2").describe_internet_gateways(InternetGatewayIds=[igw_id])["InternetGateways"], "internet gateway", igw_id)
    attached = [a["VpcId"] for a in igw.get("Attachments", [])]
    if not attached:
        raise NotFound(f"{igw_id} is attached to no VPC")
    c.expect("VpcId", c.value("VpcId"), attached[0])


@verifier("AWS::EC2::EIP", "aws_eip")
def eip(c: Check) -> None:
    ec2 = c.client("ec2")
    ident = c.attrs.get("allocation_id") or c.id
    if ident and ident.startswith("eipalloc-"):
        found = _one(ec2.describe_addresses(AllocationIds=[ident])["Addresses"], "elastic IP", ident)
    else:
        found = _one(ec2.describe_addresses(PublicIps=[ident])["Addresses"], "elastic IP", ident)
    c.expect_fields(found, "Domain")


@verifier("AWS::EC2::NatGateway", "aws_nat_gateway")
def nat_gateway(c: Check) -> None:
    found = _one(c.client("ec2").describe_nat_gateways(NatGatewayIds=[c.id])["NatGateways"], "NAT gateway", c.id)
    if found.get("State") in ("deleted", "deleting", "failed"):
        raise NotFound(f"NAT gateway {c.id} is {found['State']}")
    c.expect_fields(found, "SubnetId")
    c.expect("AllocationId", c.value("AllocationId"), (found.get("NatGatewayAddresses") or [{}])[0].get("AllocationId"))


def _route_table(c: Check, table_id) -> dict:
    return _one(c.client("ec2").describe_route_tables(RouteTableIds=[table_id])["RouteTables"], "route table", table_id)


@verifier("AWS::EC2::RouteTable", "aws_route_table")
def route_table(c: Check) -> None:
    c.expect("VpcId", c.value("VpcId"), _route_table(c, c.id)["VpcId"])


@verifier("AWS::EC2::Route", "aws_route")
def route(c: Check) -> None:
    table_id, cidr = c.value("RouteTableId"), c.value("DestinationCidrBlock")
    if table_id is UNKNOWN:
        raise NotFound("the route table of this route is unknown")
    routes = [r for r in _route_table(c, table_id).get("Routes", []) if r.get("DestinationCidrBlock") == cidr]
    route_ = _one(routes, f"route to {cidr} in", table_id)
    c.expect_fields(route_, "GatewayId", "NatGatewayId", "VpcEndpointId", "TransitGatewayId", "VpcPeeringConnectionId")


@verifier("AWS::EC2::SubnetRouteTableAssociation", "aws_route_table_association")
def route_association(c: Check) -> None:
    table_id, subnet_id = c.value("RouteTableId"), c.value("SubnetId")
    if table_id is UNKNOWN:
        raise NotFound("the route table of this association is unknown")
    subnets = [a.get("SubnetId") for a in _route_table(c, table_id).get("Associations", [])]
    if subnet_id not in subnets:
        raise NotFound(f"{table_id} has no association with {subnet_id}")


def _group(c: Check, group_id) -> dict:
    return _one(c.client("ec2").describe_security_groups(GroupIds=[group_id])["SecurityGroups"], "security group", group_id)


@verifier("AWS::EC2::SecurityGroup", "aws_security_group")
def security_group(c: Check) -> None:
    found = _group(c, c.id)
    c.expect_fields(found, "VpcId", {"GroupDescription": "Description"})
    for key, label in (("IpPermissions", "SecurityGroupIngress"), ("IpPermissionsEgress", "SecurityGroupEgress")):
        extra = _unasked(c, key, found.get(key, []))
        if extra is not None:
            c.expect(label, [], extra, f"{label} (rules the design does not make)")  # drift_adopt.UNASKED_RULES


def _rules_of(perms: list) -> list[dict]:
    """A describe answer's permissions, one rule per source (as the design writes them)."""
    out = []
    for p in perms:
        base = {"IpProtocol": str(p.get("IpProtocol")), **({"FromPort": p.get("FromPort"), "ToPort": p.get("ToPort")}
                                                           if str(p.get("IpProtocol")) != "-1" else {})}
        out += [{**base, "CidrIp": r.get("CidrIp")} for r in p.get("IpRanges", [])]
        out += [{**base, "CidrIpv6": r.get("CidrIpv6")} for r in p.get("Ipv6Ranges", [])]
        out += [{**base, "SourceSecurityGroupId": g.get("GroupId")} for g in p.get("UserIdGroupPairs", [])]
        out += [{**base, "SourcePrefixListId": x.get("PrefixListId")} for x in p.get("PrefixListIds", [])]
    return out


def _asked_rules(c: Check, key: str) -> list[tuple] | None:
    """(protocol, from, to, source) of every rule the design makes on this group: inline, and rule
    parts whose group is this one; None when one of them cannot be known (then nothing is judged)."""
    inline = "SecurityGroupIngress" if key == "IpPermissions" else "SecurityGroupEgress"
    rule_types = ("AWS::EC2::SecurityGroupIngress", "aws_vpc_security_group_ingress_rule") if key == "IpPermissions" \
        else ("AWS::EC2::SecurityGroupEgress", "aws_vpc_security_group_egress_rule")
    found: list[tuple] = []
    for rule in c.value(inline, []) or []:
        found.append(rule_key(rule))
    for part in c.run.resolved.parts:
        kind = part.cfn_type if c.run.engine == "cloudformation" else part.tf_type
        if kind not in rule_types or part.lid not in c.run.inventory:
            continue
        props = part.cfn if c.run.engine == "cloudformation" else part.tf
        group = c.run.value(props.get("GroupId", props.get("security_group_id")))
        if group is UNKNOWN:
            return None
        if group == c.id:
            found.append(rule_key({k: c.run.value(v) for k, v in props.items()}))
    return None if any(UNKNOWN in k for k in found) else found


def rule_key(rule: dict) -> tuple:
    """(protocol, from, to, source) of a rule written either way: CloudFormation's or Terraform's names."""
    protocol = str(rule.get("IpProtocol", rule.get("ip_protocol", "")))
    protocol = "-1" if protocol in ("-1", "all") else protocol
    low, high = rule.get("FromPort", rule.get("from_port")), rule.get("ToPort", rule.get("to_port"))
    source = next((rule.get(k) for k in ("CidrIp", "cidr_ipv4", "CidrIpv6", "cidr_ipv6", "SourceSecurityGroupId",
                                         "DestinationSecurityGroupId", "referenced_security_group_id",
                                         "SourcePrefixListId", "DestinationPrefixListId", "prefix_list_id") if rule.get(k)), None)
    if protocol == "-1":
        low = high = None
    return (protocol, None if low is None else int(low), None if high is None else int(high), source)


def _unasked(c: Check, key: str, perms: list) -> list[dict] | None:
    """Live rules on the group that no part of the design makes (someone opened a port by hand)."""
    asked = _asked_rules(c, key)
    if asked is None:
        return None
    extra = []
    for rule in _rules_of(perms):
        k = rule_key(rule)
        if k in asked:
            asked.remove(k)
        elif not (key == "IpPermissionsEgress" and k == ("-1", None, None, "0.0.0.0/0")):
            extra.append(rule)  # (AWS's default egress rule is not the design's doing either way)
    return extra


def _rule_matches(perm: dict, protocol, from_port, to_port, cidr, source) -> bool:
    if str(perm.get("IpProtocol")) != str(protocol):
        return False
    if str(protocol) != "-1" and (perm.get("FromPort") != from_port or perm.get("ToPort") != to_port):
        return False
    if cidr is not UNKNOWN and cidr is not None:
        return any(r.get("CidrIp") == cidr for r in perm.get("IpRanges", []))
    if source is not UNKNOWN and source is not None:
        return any(p.get("GroupId") == source for p in perm.get("UserIdGroupPairs", []))
    return source is UNKNOWN


@verifier("AWS::EC2::SecurityGroupIngress", "aws_vpc_security_group_ingress_rule")
def ingress_rule(c: Check) -> None:
    _permission(c, "IpPermissions")


@verifier("AWS::EC2::SecurityGroupEgress", "aws_vpc_security_group_egress_rule")
def egress_rule(c: Check) -> None:
    _permission(c, "IpPermissionsEgress")


def _permission(c: Check, key: str) -> None:
    if c.part.cfn_type and c.part.cfn:
        group = c.value("GroupId")
        protocol, low, high = c.value("IpProtocol"), c.value("FromPort", None), c.value("ToPort", None)
        cidr, source = c.value("CidrIp", None), c.value("SourceSecurityGroupId", None) if key == "IpPermissions" else c.value("DestinationSecurityGroupId", None)
    else:  # Terraform-only rule resource
        group = c.value("security_group_id")
        protocol, low, high = c.value("ip_protocol"), c.value("from_port", None), c.value("to_port", None)
        cidr = c.value("cidr_ipv4", None)
        source = c.value("referenced_security_group_id", None)
    if group is UNKNOWN:
        raise NotFound("the security group of this rule is unknown")
    perms = _group(c, group).get(key, [])
    protocol = "-1" if str(protocol) in ("-1", "all") else protocol
    if not any(_rule_matches(p, protocol, low, high, cidr, source) for p in perms):
        raise NotFound(f"{group} has no {'ingress' if key == 'IpPermissions' else 'egress'} rule {protocol} {low}-{high} from {cidr or source}")
    c.report.checked.append("rule present")


@verifier("AWS::EC2::VPCEndpoint", "aws_vpc_endpoint")
def vpc_endpoint(c: Check) -> None:
    found = _one(c.client("ec2").describe_vpc_endpoints(VpcEndpointIds=[c.id])["VpcEndpoints"], "VPC endpoint", c.id)
    c.expect_fields(found, "VpcId", "ServiceName", "VpcEndpointType")
    if "RouteTableIds" in c.props:
        c.expect("RouteTableIds", c.value("RouteTableIds"), found.get("RouteTableIds", []))
