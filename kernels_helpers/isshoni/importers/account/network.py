"""EC2 networking as CloudFormation resources: VPCs, subnets, gateways, route tables, security groups.

The API folds into one answer what CloudFormation writes as several resources (a route table's
routes and subnet associations, a security group's rules, a gateway's attachment); they are given
back as the separate resources CloudFormation has, so a rule naming another group is a reference
and two groups naming each other make no cycle.  Implicit parts AWS makes itself (the `local`
route, the main route table association, the default allow-all egress) are left out.
"""

from __future__ import annotations

from .scanned import Found, Scan, name_of, shape, tags

VPC = {"CidrBlock": "CidrBlock", "InstanceTenancy": "InstanceTenancy"}
SUBNET = {"VpcId": "VpcId", "CidrBlock": "CidrBlock", "AvailabilityZone": "AvailabilityZone",
          "MapPublicIpOnLaunch": "MapPublicIpOnLaunch"}
NAT = {"SubnetId": "SubnetId", "ConnectivityType": "ConnectivityType"}
ROUTE = {"DestinationCidrBlock": "DestinationCidrBlock", "DestinationIpv6CidrBlock": "DestinationIpv6CidrBlock",
         "DestinationPrefixListId": "DestinationPrefixListId", "GatewayId": "GatewayId", "NatGatewayId": "NatGatewayId",
         "TransitGatewayId": "TransitGatewayId", "VpcPeeringConnectionId": "VpcPeeringConnectionId",
         "NetworkInterfaceId": "NetworkInterfaceId", "InstanceId": "InstanceId"}
FLOW_LOG = {"TrafficType": "TrafficType", "LogDestinationType": "LogDestinationType", "LogGroupName": "LogGroupName",
            "LogDestination": "LogDestination", "DeliverLogsPermissionArn": "DeliverLogsPermissionArn",
            "MaxAggregationInterval": "MaxAggregationInterval", "LogFormat": "LogFormat"}
ENDPOINT = {"VpcId": "VpcId", "ServiceName": "ServiceName", "VpcEndpointType": "VpcEndpointType",
            "RouteTableIds": "RouteTableIds", "SubnetIds": "SubnetIds", "PrivateDnsEnabled": "PrivateDnsEnabled"}


def _default(item) -> bool:
    return bool(item.get("IsDefault"))


def vpcs(scan: Scan):
    defaults = set()
    for v in scan.pages("ec2", "describe_vpcs", "Vpcs"):
        if _default(v):
            defaults.add(v["VpcId"])
            continue
        props = {**shape(v, VPC, {"InstanceTenancy": "default"}), "Tags": tags(v.get("Tags"))}
        yield Found("AWS::EC2::VPC", props, v["VpcId"], {"VpcId": v["VpcId"]}, name_of(v.get("Tags"), v["VpcId"]), v["VpcId"])
    if defaults:
        scan.notes.append(f"the default VPC ({', '.join(sorted(defaults))}) and what AWS made in it are left out")
    scan.default_vpcs = defaults


def _in_default(scan: Scan, item) -> bool:
    return item.get("VpcId") in scan.default_vpcs


def subnets(scan: Scan):
    for s in scan.pages("ec2", "describe_subnets", "Subnets"):
        if _in_default(scan, s):
            continue
        props = {**shape(s, SUBNET, {"MapPublicIpOnLaunch": False}), "Tags": tags(s.get("Tags"))}
        yield Found("AWS::EC2::Subnet", props, s["SubnetId"], {"SubnetId": s["SubnetId"]},
                    name_of(s.get("Tags"), s["SubnetId"]), s["SubnetId"])


def gateways(scan: Scan):
    for g in scan.pages("ec2", "describe_internet_gateways", "InternetGateways"):
        attached = [a["VpcId"] for a in g.get("Attachments") or [] if a.get("VpcId")]
        if attached and all(v in scan.default_vpcs for v in attached):
            continue
        name = name_of(g.get("Tags"), g["InternetGatewayId"])
        yield Found("AWS::EC2::InternetGateway", {"Tags": tags(g.get("Tags"))}, g["InternetGatewayId"],
                    {"InternetGatewayId": g["InternetGatewayId"]}, name, g["InternetGatewayId"])
        for vpc in attached:
            yield Found("AWS::EC2::VPCGatewayAttachment", {"VpcId": vpc, "InternetGatewayId": g["InternetGatewayId"]},
                        name=f"{name}Attachment", address=f"{g['InternetGatewayId']}|{vpc}")
    for a in scan.pages("ec2", "describe_addresses", "Addresses"):
        if a.get("Domain", "vpc") != "vpc" or not a.get("AllocationId"):
            continue
        yield Found("AWS::EC2::EIP", {"Domain": "vpc", "Tags": tags(a.get("Tags"))}, a.get("PublicIp"),
                    {"AllocationId": a["AllocationId"], "PublicIp": a.get("PublicIp")},
                    name_of(a.get("Tags"), a["AllocationId"]), a["AllocationId"])
    for n in scan.pages("ec2", "describe_nat_gateways", "NatGateways"):
        if n.get("State") in ("deleted", "deleting", "failed") or _in_default(scan, n):
            continue
        allocation = next((x.get("AllocationId") for x in n.get("NatGatewayAddresses") or [] if x.get("AllocationId")), None)
        props = {**shape(n, NAT, {"ConnectivityType": "public"}), "Tags": tags(n.get("Tags"))}
        if allocation:
            props["AllocationId"] = allocation
        yield Found("AWS::EC2::NatGateway", props, n["NatGatewayId"], {}, name_of(n.get("Tags"), n["NatGatewayId"]),
                    n["NatGatewayId"])


def route_tables(scan: Scan):
    for t in scan.pages("ec2", "describe_route_tables", "RouteTables"):
        if _in_default(scan, t) or any(a.get("Main") for a in t.get("Associations") or []):
            continue  # the main table is made with its VPC
        rid = t["RouteTableId"]
        name = name_of(t.get("Tags"), rid)
        yield Found("AWS::EC2::RouteTable", {"VpcId": t["VpcId"], "Tags": tags(t.get("Tags"))}, rid, {}, name, rid)
        for i, route in enumerate(t.get("Routes") or []):
            if route.get("GatewayId") == "local" or str(route.get("GatewayId", "")).startswith("vpce-") \
                    or route.get("Origin") == "CreateRouteTable":
                continue  # the VPC's own route, or one a gateway endpoint adds for its prefix list
            yield Found("AWS::EC2::Route", {"RouteTableId": rid, **shape(route, ROUTE)}, name=f"{name}Route{i}",
                        address=f"{rid}|{route.get('DestinationCidrBlock') or route.get('DestinationPrefixListId')}")
        for a in t.get("Associations") or []:
            if a.get("SubnetId"):
                yield Found("AWS::EC2::SubnetRouteTableAssociation", {"SubnetId": a["SubnetId"], "RouteTableId": rid},
                            a.get("RouteTableAssociationId"), name=f"{name}{a['SubnetId']}",
                            address=a.get("RouteTableAssociationId", ""))


def endpoints(scan: Scan):
    for e in scan.pages("ec2", "describe_vpc_endpoints", "VpcEndpoints"):
        if str(e.get("State", "")).lower() in ("deleted", "deleting") or _in_default(scan, e):
            continue
        props = {**shape(e, ENDPOINT), "VpcEndpointType": e.get("VpcEndpointType", "Gateway")}
        yield Found("AWS::EC2::VPCEndpoint", props, e["VpcEndpointId"], {}, name_of(e.get("Tags"), e["VpcEndpointId"]),
                    e["VpcEndpointId"])


def flow_logs(scan: Scan):
    for f in scan.pages("ec2", "describe_flow_logs", "FlowLogs"):
        kinds = {"vpc": "VPC", "subnet": "Subnet", "eni": "NetworkInterface"}
        props = {"ResourceId": f.get("ResourceId"), "ResourceType": kinds.get(str(f.get("ResourceId", "")).split("-")[0], "VPC"),
                 **shape(f, FLOW_LOG), "Tags": tags(f.get("Tags"))}
        if props.get("LogDestinationType") == "cloud-watch-logs":
            props.pop("LogDestination", None)  # the group's name says it
        yield Found("AWS::EC2::FlowLog", props, f["FlowLogId"], {}, name_of(f.get("Tags"), f["FlowLogId"]), f["FlowLogId"])


def _rules(permission: dict) -> list[dict]:
    """One CloudFormation rule per source of an API permission (the API groups them)."""
    base = {"IpProtocol": permission.get("IpProtocol", "-1")}
    if permission.get("FromPort") is not None:
        base["FromPort"], base["ToPort"] = permission["FromPort"], permission.get("ToPort", permission["FromPort"])
    out = []
    for r in permission.get("IpRanges") or []:
        out.append({**base, "CidrIp": r["CidrIp"], **({"Description": r["Description"]} if r.get("Description") else {})})
    for r in permission.get("Ipv6Ranges") or []:
        out.append({**base, "CidrIpv6": r["CidrIpv6"]})
    for r in permission.get("UserIdGroupPairs") or []:
        out.append({**base, "SourceSecurityGroupId": r["GroupId"]})
    for r in permission.get("PrefixListIds") or []:
        out.append({**base, "SourcePrefixListId": r["PrefixListId"]})
    return out


_EGRESS = {"SourceSecurityGroupId": "DestinationSecurityGroupId", "SourcePrefixListId": "DestinationPrefixListId"}
_ALL_OUT = {"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}


def security_groups(scan: Scan):
    for g in scan.pages("ec2", "describe_security_groups", "SecurityGroups"):
        if g.get("GroupName") == "default" or _in_default(scan, g):
            continue
        gid = g["GroupId"]
        name = name_of(g.get("Tags"), g.get("GroupName"), gid)
        props = {"GroupDescription": g.get("Description") or g.get("GroupName", ""), "GroupName": g.get("GroupName"),
                 "VpcId": g.get("VpcId"), "Tags": tags(g.get("Tags"))}
        yield Found("AWS::EC2::SecurityGroup", {k: v for k, v in props.items() if v}, gid, {"GroupId": gid}, name, gid)
        for i, rule in enumerate(r for p in g.get("IpPermissions") or [] for r in _rules(p)):
            yield Found("AWS::EC2::SecurityGroupIngress", {"GroupId": gid, **rule}, name=f"{name}In{i}", address=f"{gid}|in{i}")
        for i, rule in enumerate(r for p in g.get("IpPermissionsEgress") or [] for r in _rules(p)):
            if rule == _ALL_OUT:
                continue  # what every group has unless told otherwise
            rule = {_EGRESS.get(k, k): v for k, v in rule.items()}
            yield Found("AWS::EC2::SecurityGroupEgress", {"GroupId": gid, **rule}, name=f"{name}Out{i}", address=f"{gid}|out{i}")


SCANNERS = (("VPCs", vpcs), ("subnets", subnets), ("gateways", gateways), ("route tables", route_tables),
            ("VPC endpoints", endpoints), ("security groups", security_groups), ("flow logs", flow_logs))
__all__ = ["SCANNERS"]
