"""Wiring units for connections of the edge and networking (NLB, Route 53, CloudFront, API Gateway).

Conflicts a single connection cannot see (two listeners on one port, two
routes with one key) are reported as design errors on the later connection,
in sorted order, so the same design always names the same connection.
"""

from __future__ import annotations

from collections import defaultdict

from ..catalog import spec as s
from ..design.errors import DesignError, Problem, json_path
from . import expr as e
from .names import tf_identifier, words
from .resolve import Context
from .wiring import finisher, join_target_group, security_group_of, sg_ingress, unit

PARTITION, REGION, ACCOUNT = e.Pseudo("partition"), e.Pseudo("region"), e.Pseudo("account_id")


def _conflict(ctx: Context, cid: str, field: str, memo: str, owner: str, value, what: str) -> None:
    """Remember `value` for `owner`; a second connection claiming it is a design error."""
    used = ctx.memo.setdefault(memo, defaultdict(dict))[owner]
    if value in used:
        path = json_path(["connections", cid, "properties", field])
        raise DesignError([Problem(path, f"{what} {value!r} of {owner!r} is already used by connection {used[value]!r}", cid)])
    used[value] = cid


def _same_vpc(ctx: Context, cid: str, a: str, b: str, what: str) -> None:
    if ctx.ancestor(a, ("vpc",)) != ctx.ancestor(b, ("vpc",)):
        raise DesignError([Problem(json_path(["connections", cid]), f"{what} must be in the same VPC", cid)])


# ------------------------------------------------------------------ network load balancer

NLB_TARGET_TYPES = {"ecs_service": "ip", "ec2_instance": "instance", "autoscaling_group": "instance"}


@unit("nlb_target")
def nlb_target(ctx: Context, cid, nlb, target, props):
    """NLB -> service: a TCP listener on the connection's port forwarding to a TCP target group."""
    listen = props["port"]
    _conflict(ctx, cid, "port", "nlb_ports", nlb, listen, "listener port")
    port = ctx.props(target).get("port") or listen
    kind = NLB_TARGET_TYPES[ctx.type_of(target)]
    vpc = ctx.ancestor(nlb, ("vpc",))
    label = f"{cid} targets"
    cfn = {
        "TargetType": kind,
        "Port": port,
        "Protocol": "TCP",
        "VpcId": ctx.ref(vpc),
        "HealthCheckProtocol": "TCP",
        "Tags": ctx.tags(None, "cfn", label),
    }
    tf = {
        "target_type": kind,
        "port": port,
        "protocol": "TCP",
        "vpc_id": ctx.ref(vpc),
        "health_check": e.Block({"protocol": "TCP"}),
        "tags": ctx.tags(None, "tf", label),
    }
    if ctx.type_of(target) == "ec2_instance":
        cfn["Targets"] = [{"Id": ctx.ref(target), "Port": port}]
    tg_lid = ctx.add_part(cid, "targets", "AWS::ElasticLoadBalancingV2::TargetGroup", cfn, "aws_lb_target_group", tf)
    tg = e.Ref(tg_lid, "arn")
    listener = ctx.add_part(
        cid,
        "listener",
        "AWS::ElasticLoadBalancingV2::Listener",
        {
            "LoadBalancerArn": ctx.ref(nlb), "Port": listen, "Protocol": "TCP", "DefaultActions": [{"Type": "forward", "TargetGroupArn": tg}],
        },
        "aws_lb_listener",
        {
            "load_balancer_arn": ctx.ref(nlb, tf="arn"), "port": listen, "protocol": "TCP",
            "default_action": e.Block({"type": "forward", "target_group_arn": tg}), "tags": ctx.tags(nlb, "tf"),
        },
    )
    if ctx.type_of(target) == "ec2_instance":
        ctx.add_part(cid, "attachment", None, {}, "aws_lb_target_group_attachment", {"target_group_arn": tg, "target_id": ctx.ref(target), "port": port})
    elif ctx.type_of(target) == "ecs_service":
        join_target_group(ctx, target, tg, port, after=listener)
    else:
        ctx.contribute(target, "target_groups", tg, tg)
    nlb_sg, tgt_sg = security_group_of(ctx, nlb), security_group_of(ctx, target)
    if nlb_sg is not None:
        cidr = ctx.props(nlb)["ingress_cidr"]
        description = f"TCP listener {listen}"
        ctx.add_part(
            cid,
            "listener_ingress",
            "AWS::EC2::SecurityGroupIngress",
            {"GroupId": nlb_sg, "IpProtocol": "tcp", "FromPort": listen, "ToPort": listen, "CidrIp": cidr, "Description": description},
            "aws_vpc_security_group_ingress_rule",
            {"security_group_id": nlb_sg, "ip_protocol": "tcp", "from_port": listen, "to_port": listen, "cidr_ipv4": cidr, "description": description},
        )
        if tgt_sg is not None:
            sg_ingress(ctx, cid, "ingress", tgt_sg, nlb_sg, port, f"From load balancer {tf_identifier(nlb)}")


# ------------------------------------------------------------------ addresses, ACLs, peering


@unit("eip_instance")
def eip_instance(ctx: Context, cid, eip, instance, props):
    ctx.add_part(
        cid,
        "association",
        "AWS::EC2::EIPAssociation",
        {"AllocationId": ctx.attr(eip, "AllocationId", "id"), "InstanceId": ctx.ref(instance)},
        "aws_eip_association",
        {"allocation_id": ctx.attr(eip, "AllocationId", "id"), "instance_id": ctx.ref(instance)},
    )


@unit("nacl_subnet")
def nacl_subnet(ctx: Context, cid, acl, subnet, props):
    _same_vpc(ctx, cid, acl, subnet, "a network ACL and its subnets")
    owners = ctx.memo.setdefault("nacl_subnets", {})
    if subnet in owners:
        message = f"subnet {subnet!r} already uses network ACL {owners[subnet]!r} (connection order)"
        raise DesignError([Problem(json_path(["connections", cid]), message, cid)])
    owners[subnet] = acl
    ctx.add_part(
        cid,
        "association",
        "AWS::EC2::SubnetNetworkAclAssociation",
        {"SubnetId": ctx.ref(subnet), "NetworkAclId": ctx.ref(acl)},
        "aws_network_acl_association",
        {"subnet_id": ctx.ref(subnet), "network_acl_id": ctx.ref(acl)},
    )


@unit("vpc_peer")
def vpc_peer(ctx: Context, cid, peering, peer, props):
    own = ctx.ancestor(peering, ("vpc",))
    problem = None
    if ctx.slots.get((peering, "peer")):
        problem = "a VPC peering connects to one VPC only"
    elif own == peer:
        problem = "a VPC peering must connect to another VPC than the one it sits in"
    else:
        import ipaddress

        a, b = (ipaddress.ip_network(ctx.props(v)["cidr"]) for v in (own, peer))
        if a.overlaps(b):
            problem = f"peered VPCs must not overlap ({a} and {b})"
    if problem:
        raise DesignError([Problem(json_path(["connections", cid]), problem, cid)])
    ctx.contribute(peering, "peer", ctx.ref(peer), ctx.ref(peer))
    if ctx.props(peering)["routes"]:
        ctx.memo.setdefault("peering_routes", []).append((cid, peering, own, peer))


def implied_route_tables(ctx: Context, vpc: str) -> list[str]:
    """The lids of every route table `network.imply` will give `vpc`, plus its explicit tables
    (reserved here, reused there)."""
    from .network import table_keys

    explicit = ctx.memo.get("explicit_routes", {})
    lids = [ctx.lid(vpc, k) if ctx.has_part(vpc, k) else ctx.new_lid(vpc, k) for k in table_keys(ctx, vpc)]
    return lids + [ctx.lid(t) for t in sorted(set(explicit.values())) if ctx.ancestor(t, ("vpc",)) == vpc]


@finisher
def finish_peering_routes(ctx: Context) -> None:
    """Routes to the other VPC's range through the peering, in both VPCs' route tables."""
    for cid, peering, own, peer in ctx.memo.get("peering_routes", []):
        for vpc, other in ((own, peer), (peer, own)):
            cidr = ctx.props(other)["cidr"]
            for index, table in enumerate(implied_route_tables(ctx, vpc)):
                ctx.add_part(
                    cid,
                    f"route_{tf_identifier(vpc)}_{index + 1}",
                    "AWS::EC2::Route",
                    {"RouteTableId": e.Ref(table), "DestinationCidrBlock": cidr, "VpcPeeringConnectionId": ctx.ref(peering)},
                    "aws_route",
                    {"route_table_id": e.Ref(table), "destination_cidr_block": cidr, "vpc_peering_connection_id": ctx.ref(peering)},
                )


# ------------------------------------------------------------------ Route 53

CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2"  # the hosted zone of every CloudFront domain (AWS docs, AliasTarget)


@unit("dns_zone")
def dns_zone(ctx: Context, cid, record, zone, props):
    if ctx.slots.get((record, "zone")):
        raise DesignError([Problem(json_path(["connections", cid]), "a record belongs to one hosted zone only", cid)])
    ctx.contribute(record, "zone", ctx.ref(zone), ctx.ref(zone, tf="zone_id"))
    domain = ctx.fill(s.P("domain"), "cfn", zone)  # the zone's domain: as set, or asked at deploy time
    ctx.contribute(record, "zone_name", domain, domain)


@unit("dns_alias")
def dns_alias(ctx: Context, cid, record, target, props):
    if ctx.slots.get((record, "alias")):
        raise DesignError([Problem(json_path(["connections", cid]), "an alias record points at one target only", cid)])
    if ctx.type_of(target) == "cloudfront_distribution":
        name, zone, health = ctx.attr(target, "DomainName", "domain_name"), CLOUDFRONT_ZONE, False
    else:
        name, zone = ctx.attr(target, "DNSName", "dns_name"), ctx.attr(target, "CanonicalHostedZoneID", "zone_id")
        health = bool(ctx.props(record)["evaluate_target_health"])
    ctx.contribute(
        record,
        "alias",
        {"DNSName": name, "HostedZoneId": zone, "EvaluateTargetHealth": health},
        e.Block({"name": name, "zone_id": zone, "evaluate_target_health": health}),
    )
    ctx.memo.setdefault("dns_alias_targets", {})[record] = target


@finisher
def finish_records(ctx: Context) -> None:
    """A record is emitted only with both a zone and an alias target that is itself emitted."""
    targets = ctx.memo.get("dns_alias_targets", {})
    for record, target in sorted(targets.items()):
        if ctx.type_of(target) == "cloudfront_distribution" and not ctx.slots.get((target, "origins")):
            continue
        if ctx.slots.get((record, "zone")):
            ctx.contribute(record, "complete", True, True)


# ------------------------------------------------------------------ CloudFront

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"  # AWS managed cache policies
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"  # AWS managed origin request policy
READ_METHODS = ["GET", "HEAD", "OPTIONS"]
ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]


def _origin_id(cid: str) -> str:
    return tf_identifier(cid)


@unit("cdn_s3_origin")
def cdn_s3_origin(ctx: Context, cid, dist, bucket, props):
    """CloudFront -> bucket: an Origin Access Control, the origin, and a bucket policy statement for the distribution."""
    name = ctx.physical_name(cid, max_len=64)
    oac = ctx.add_part(
        cid,
        "oac",
        "AWS::CloudFront::OriginAccessControl",
        {
            "OriginAccessControlConfig": {
                "Name": name,
                "OriginAccessControlOriginType": "s3",
                "SigningBehavior": "always",
                "SigningProtocol": "sigv4",
            }
        },
        "aws_cloudfront_origin_access_control",
        {"name": name, "origin_access_control_origin_type": "s3", "signing_behavior": "always", "signing_protocol": "sigv4"},
    )
    domain = ctx.attr(bucket, "RegionalDomainName", "bucket_regional_domain_name")
    ctx.contribute(
        dist,
        "origins",
        {"Id": _origin_id(cid), "DomainName": domain, "S3OriginConfig": {"OriginAccessIdentity": ""}, "OriginAccessControlId": e.Attr(oac, "Id", "id")},
        e.Block({"origin_id": _origin_id(cid), "domain_name": domain, "origin_access_control_id": e.Ref(oac)}),
    )
    statement = {
        "Sid": ("CloudFront" + "".join(w.capitalize() for w in words(cid)))[:100],
        "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "s3:GetObject",
        "Resource": e.join(ctx.attr(bucket, "Arn", "arn"), "/*"),
        "Condition": {"StringEquals": {"AWS:SourceArn": e.join("arn:", PARTITION, ":cloudfront::", ACCOUNT, ":distribution/", ctx.ref(dist))}},
    }
    # Both sides: the statement is neutral and Terraform's policy is a jsonencode() of the same list.
    ctx.contribute(bucket, "policy", statement, statement)
    ctx.memo.setdefault("cdn_origins", defaultdict(list))[dist].append((cid, "s3", props["path_pattern"]))


@unit("cdn_alb_origin")
def cdn_alb_origin(ctx: Context, cid, dist, alb, props):
    """CloudFront -> ALB: a custom origin on the load balancer's DNS name (HTTPS when the ALB serves it)."""
    policy = "https-only" if ctx.props(alb)["https"] else "http-only"
    domain = ctx.attr(alb, "DNSName", "dns_name")
    ctx.contribute(
        dist,
        "origins",
        {
            "Id": _origin_id(cid),
            "DomainName": domain,
            "CustomOriginConfig": {"OriginProtocolPolicy": policy, "HTTPPort": 80, "HTTPSPort": 443, "OriginSSLProtocols": ["TLSv1.2"]},
        },
        e.Block(
            {
                "origin_id": _origin_id(cid),
                "domain_name": domain,
                "custom_origin_config": e.Block(
                    {"http_port": 80, "https_port": 443, "origin_protocol_policy": policy, "origin_ssl_protocols": ["TLSv1.2"]}
                ),
            }
        ),
    )
    ctx.memo.setdefault("cdn_origins", defaultdict(list))[dist].append((cid, "alb", props["path_pattern"]))


def _behavior(cid: str, kind: str, path: str | None, headers: e.Ref) -> tuple:
    """A cache behaviour for one origin: S3 cached and read-only, load balancers uncached with every method."""
    methods = READ_METHODS if kind == "s3" else ALL_METHODS
    cfn = {
        "TargetOriginId": _origin_id(cid),
        "ViewerProtocolPolicy": "redirect-to-https",
        "AllowedMethods": methods,
        "CachedMethods": ["GET", "HEAD"],
        "CachePolicyId": CACHING_OPTIMIZED if kind == "s3" else CACHING_DISABLED,
        "ResponseHeadersPolicyId": headers,
        "Compress": True,
    }
    tf = {
        "target_origin_id": _origin_id(cid),
        "viewer_protocol_policy": "redirect-to-https",
        "allowed_methods": methods,
        "cached_methods": ["GET", "HEAD"],
        "cache_policy_id": cfn["CachePolicyId"],
        "response_headers_policy_id": headers,
        "compress": True,
    }
    if kind != "s3":
        cfn["OriginRequestPolicyId"] = ALL_VIEWER_EXCEPT_HOST
        tf["origin_request_policy_id"] = ALL_VIEWER_EXCEPT_HOST
    if path is not None:
        cfn = {"PathPattern": path, **cfn}
        tf = {"path_pattern": path, **tf}
    return cfn, e.Block(tf)


@finisher
def finish_distributions(ctx: Context) -> None:
    """The default behaviour goes to the origin connected with '*' (else the first); the others by path."""
    for dist, origins in sorted(ctx.memo.get("cdn_origins", {}).items()):
        defaults = [o for o in origins if o[2] == "*"]
        if len(defaults) > 1:
            path = json_path(["connections", defaults[1][0], "properties", "path_pattern"])
            raise DesignError([Problem(path, f"{dist!r} already sends '*' to connection {defaults[0][0]!r}", defaults[1][0])])
        first = (defaults or origins)[0]
        domain = ctx.attr(dist, "DomainName", "domain_name")
        ctx.contribute(dist, "domain_name", domain, domain)
        headers = ctx.ref(dist, "headers")
        ctx.contribute(dist, "default_behavior", *_behavior(first[0], first[1], None, headers))
        seen: dict[str, str] = {}
        for cid, kind, path in origins:
            if (cid, kind, path) == first:
                continue
            if path in seen:
                problem = Problem(json_path(["connections", cid, "properties", "path_pattern"]), f"path {path!r} of {dist!r} is already served by {seen[path]!r}", cid)
                raise DesignError([problem])
            seen[path] = cid
            ctx.contribute(dist, "behaviors", *_behavior(cid, kind, path, headers))


# ------------------------------------------------------------------ API Gateway


def _invoke_uri(ctx: Context, fn: str) -> e.Join:
    """The API Gateway integration URI of a Lambda function (CloudFormation side)."""
    return e.join("arn:", PARTITION, ":apigateway:", REGION, ":lambda:path/2015-03-31/functions/", ctx.attr(fn, "Arn", "arn"), "/invocations")


def _permission(ctx: Context, cid: str, api: str, fn: str) -> str:
    """Lets the API (any stage, method and path) invoke the function."""
    return ctx.add_part(
        cid,
        "permission",
        "AWS::Lambda::Permission",
        {
            "FunctionName": ctx.attr(fn, "Arn", "arn"),
            "Action": "lambda:InvokeFunction",
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": e.join("arn:", PARTITION, ":execute-api:", REGION, ":", ACCOUNT, ":", ctx.ref(api), "/*"),
        },
        "aws_lambda_permission",
        {
            "function_name": ctx.ref(fn, tf="function_name"),
            "action": "lambda:InvokeFunction",
            "principal": "apigateway.amazonaws.com",
            "source_arn": e.join(ctx.attr(api, "Arn", "execution_arn"), "/*"),
        },
    )


def _rest_method(ctx: Context, cid: str, key: str, api: str, resource, fn: str) -> list[str]:
    """ANY on one resource with a Lambda proxy integration; returns the parts a deployment must wait for."""
    auth = ctx.props(api)["authorization"]
    method = ctx.add_part(
        cid,
        key,
        "AWS::ApiGateway::Method",
        {
            "RestApiId": ctx.ref(api),
            "ResourceId": resource,
            "HttpMethod": "ANY",
            "AuthorizationType": auth,
            "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": _invoke_uri(ctx, fn)},
        },
        "aws_api_gateway_method",
        {"rest_api_id": ctx.ref(api), "resource_id": resource, "http_method": "ANY", "authorization": auth},
    )
    integration = ctx.add_part(
        cid,
        f"{key}_integration",
        None,
        {},
        "aws_api_gateway_integration",
        {
            "rest_api_id": ctx.ref(api),
            "resource_id": resource,
            "http_method": e.Ref(method, "http_method"),
            "integration_http_method": "POST",
            "type": "AWS_PROXY",
            "uri": ctx.attr(fn, "Arn", "invoke_arn"),
        },
    )
    return [method, integration]


def _rest_resource(ctx: Context, cid: str, key: str, api: str, parent, path_part: str) -> e.Ref:
    lid = ctx.add_part(
        cid,
        key,
        "AWS::ApiGateway::Resource",
        {"RestApiId": ctx.ref(api), "ParentId": parent, "PathPart": path_part},
        "aws_api_gateway_resource",
        {"rest_api_id": ctx.ref(api), "parent_id": parent, "path_part": path_part},
    )
    return e.Ref(lid)


@unit("apigw_rest_lambda")
def apigw_rest_lambda(ctx: Context, cid, api, fn, props):
    """REST API -> Lambda: ANY on the path (or the root) and on {proxy+} below it, proxied to the function."""
    path = props["path"]
    _conflict(ctx, cid, "path", "rest_paths", api, path, "path")
    base = ctx.attr(api, "RootResourceId", "root_resource_id")
    if path:
        base = _rest_resource(ctx, cid, "resource", api, base, path)
    proxy = _rest_resource(ctx, cid, "proxy", api, base, "{proxy+}")
    waits = _rest_method(ctx, cid, "method", api, base, fn) + _rest_method(ctx, cid, "proxy_method", api, proxy, fn)
    for lid in waits:
        ctx.contribute(api, "methods", e.Ref(lid), e.Ref(lid))
        ctx.depend(api, "deployment", lid)
    _permission(ctx, cid, api, fn)


def _v2_integration(ctx: Context, cid: str, api: str, fn: str, payload: str | None) -> str:
    cfn = {"ApiId": ctx.ref(api), "IntegrationType": "AWS_PROXY", "IntegrationMethod": "POST", "IntegrationUri": _invoke_uri(ctx, fn)}
    tf = {"api_id": ctx.ref(api), "integration_type": "AWS_PROXY", "integration_method": "POST", "integration_uri": ctx.attr(fn, "Arn", "invoke_arn")}
    if payload:
        cfn["PayloadFormatVersion"] = payload
        tf["payload_format_version"] = payload
    return ctx.add_part(cid, "integration", "AWS::ApiGatewayV2::Integration", cfn, "aws_apigatewayv2_integration", tf)


def _v2_route(ctx: Context, cid: str, key: str, api: str, route_key: str, integration: str, authorization: str = "NONE") -> str:
    target = e.join("integrations/", e.Ref(integration))
    return ctx.add_part(
        cid,
        key,
        "AWS::ApiGatewayV2::Route",
        {"ApiId": ctx.ref(api), "RouteKey": route_key, "AuthorizationType": authorization, "Target": target},
        "aws_apigatewayv2_route",
        {"api_id": ctx.ref(api), "route_key": route_key, "authorization_type": authorization, "target": target},
    )


@unit("apigw_http_lambda")
def apigw_http_lambda(ctx: Context, cid, api, fn, props):
    """HTTP API -> Lambda: a proxy integration (payload 2.0) and the route."""
    route_key = props["route_key"]
    _conflict(ctx, cid, "route_key", "http_routes", api, route_key, "route")
    integration = _v2_integration(ctx, cid, api, fn, "2.0")
    _v2_route(ctx, cid, "route", api, route_key, integration, ctx.props(api)["authorization"])
    _permission(ctx, cid, api, fn)


WEBSOCKET_ROUTES = ("$connect", "$disconnect", "$default")


@unit("apigw_ws_lambda")
def apigw_ws_lambda(ctx: Context, cid, api, fn, props):
    """WebSocket API -> Lambda: a proxy integration and its routes ($connect, $disconnect, $default by default)."""
    routes = WEBSOCKET_ROUTES if props["route"] == "*" else (props["route"],)
    for route in routes:
        _conflict(ctx, cid, "route", "ws_routes", api, route, "route")
    integration = _v2_integration(ctx, cid, api, fn, None)
    for route in routes:
        key = "route_" + (tf_identifier(route) or "r")
        _v2_route(ctx, cid, key, api, route, integration)
    _permission(ctx, cid, api, fn)

