"""Networking and edge: NLB, Elastic IP, network ACL, VPC peering, Route 53, CloudFront, API Gateway."""

from __future__ import annotations

import re

import pytest

from iac import every_type, lint_errors, network, terraform_errors
from isshoni import Design
from isshoni.catalog import CATALOG
from isshoni.compiler import cloudformation, resolve, terraform
from isshoni.design import DesignError

TYPES = [
    "nlb", "elastic_ip", "network_acl", "vpc_peering", "route53_zone", "route53_record", "cloudfront_distribution",
    "api_gateway_rest", "api_gateway_http", "api_gateway_websocket",
]
REGIONS = ["us-east-1", "ap-northeast-2"]

needs_lambda = pytest.mark.skipif("lambda_function" not in CATALOG, reason="lambda_function is not in the catalog yet")
needs_ec2 = pytest.mark.skipif(
    not {"ec2_instance", "autoscaling_group"} <= set(CATALOG), reason="ec2_instance/autoscaling_group are not in the catalog yet"
)


def compiled(design: Design):
    resolved = resolve(design)
    return cloudformation.template(resolved)["Resources"], "\n".join(terraform.files(resolved).values())


def assert_clean(design: Design) -> None:
    assert lint_errors(design) == []
    assert terraform_errors(design) == []


def of_type(resources: dict, cfn_type: str) -> dict:
    return {k: v for k, v in resources.items() if v["Type"] == cfn_type}


def edge(region: str = "us-east-1") -> Design:
    """Every non-Lambda connection of the category in one design."""
    d = Design(name="edge", region=region)
    network(d)
    d.add("ecs_service", "web", parent="private_a")
    d.add("nlb", "nlb", parent="public_a")
    d.connect("nlb", "web", id="nlb_web", properties={"port": 443})
    d.add("alb", "alb", parent="public_a")
    d.connect("alb", "web")
    d.add("network_acl", "acl", parent="vpc", properties={"deny": True})
    d.connect("acl", "public_a", id="acl_public_a")
    d.add("vpc", "vpc2", properties={"cidr": "10.1.0.0/16"})
    d.add("subnet", "other", parent="vpc2", properties={"cidr": "10.1.1.0/24", "tier": "private"})
    d.add("vpc_peering", "peer", parent="vpc")
    d.connect("peer", "vpc2", id="peer_vpc2")
    d.add("s3_bucket", "site")
    d.add("cloudfront_distribution", "cdn")
    d.connect("cdn", "site", id="cdn_site")
    d.connect("cdn", "alb", id="cdn_alb", properties={"path_pattern": "/api/*"})
    d.add("route53_zone", "zone", properties={"domain": "example.com"})
    for name, target in (("www", "cdn"), ("api", "alb"), ("tcp", "nlb")):
        d.add("route53_record", name, properties={"name": name})
        d.connect(name, "zone")
        d.connect(name, target)
    d.add("elastic_ip", "eip")
    return d


def apis(region: str = "us-east-1") -> Design:
    d = Design(name="apis", region=region)
    d.add("lambda_function", "fn")
    d.add("lambda_function", "fn2")
    d.add("api_gateway_rest", "rest")
    d.connect("rest", "fn", id="rest_fn")
    d.connect("rest", "fn2", id="rest_orders", properties={"path": "orders"})
    d.add("api_gateway_http", "http", properties={"cors": True})
    d.connect("http", "fn", id="http_fn")
    d.connect("http", "fn2", id="http_items", properties={"route_key": "GET /items/{id}"})
    d.add("api_gateway_websocket", "ws")
    d.connect("ws", "fn", id="ws_fn")
    d.connect("ws", "fn2", id="ws_send", properties={"route": "sendmessage"})
    return d


# ------------------------------------------------------------------ validation with the real tools


@pytest.mark.slow
@pytest.mark.parametrize("region", REGIONS)
def test_every_networking_type_validates(region):
    assert_clean(every_type(region, types=TYPES))


@pytest.mark.slow
@pytest.mark.parametrize("region", REGIONS)
def test_edge_connections_validate(region):
    assert_clean(edge(region))


@pytest.mark.slow
@needs_lambda
@pytest.mark.parametrize("region", REGIONS)
def test_api_connections_validate(region):
    assert_clean(apis(region))


@pytest.mark.slow
@needs_ec2
def test_instance_connections_validate():
    assert_clean(instances())


# ------------------------------------------------------------------ network load balancer


def test_nlb_forwards_tcp_to_a_service():
    resources, main = compiled(edge())
    nlb = resources["Nlb"]["Properties"]
    assert nlb["Type"] == "network" and nlb["Subnets"] == [{"Ref": "PublicA"}, {"Ref": "PublicC"}]
    group = resources["NlbWebTargets"]["Properties"]
    assert (group["Protocol"], group["Port"], group["TargetType"]) == ("TCP", 80, "ip")
    listener = resources["NlbWebListener"]["Properties"]
    assert (listener["Port"], listener["Protocol"]) == (443, "TCP")
    assert listener["DefaultActions"] == [{"Type": "forward", "TargetGroupArn": {"Ref": "NlbWebTargets"}}]
    assert resources["NlbWebListenerIngress"]["Properties"]["FromPort"] == 443
    assert resources["NlbWebIngress"]["Properties"]["SourceSecurityGroupId"] == {"Ref": "NlbSg"}
    service = resources["Web"]
    assert {"ContainerName": "app", "ContainerPort": 80, "TargetGroupArn": {"Ref": "NlbWebTargets"}} in service["Properties"]["LoadBalancers"]
    assert "NlbWebListener" in service["DependsOn"]
    assert 'resource "aws_lb_listener" "nlb_web_listener"' in main and 'load_balancer_type               = "network"' in main


def test_nlb_ports_must_differ():
    d = Design(name="x", region="us-east-1")
    network(d)
    d.add("ecs_service", "a", parent="private_a")
    d.add("ecs_service", "b", parent="private_a")
    d.add("nlb", "nlb", parent="public_a")
    d.connect("nlb", "a", id="first")
    d.connect("nlb", "b", id="second")
    with pytest.raises(DesignError, match="second"):
        resolve(d)


def instances() -> Design:
    d = Design(name="instances", region="us-east-1")
    network(d)
    d.add("ec2_instance", "vm", parent="private_a")
    d.add("autoscaling_group", "fleet", parent="private_a")
    d.add("nlb", "nlb", parent="public_a")
    d.connect("nlb", "vm", id="nlb_vm", properties={"port": 22})
    d.connect("nlb", "fleet", id="nlb_fleet", properties={"port": 80})
    d.add("elastic_ip", "eip")
    d.connect("eip", "vm", id="eip_vm")
    return d


@needs_ec2
def test_nlb_and_elastic_ip_attach_to_instances():
    resources, main = compiled(instances())
    assert resources["NlbVmTargets"]["Properties"]["Targets"] == [{"Id": {"Ref": "Vm"}, "Port": 22}]
    assert resources["NlbVmTargets"]["Properties"]["TargetType"] == "instance"
    assert {"Ref": "NlbFleetTargets"} in resources["Fleet"]["Properties"]["TargetGroupARNs"]
    assert resources["EipVmAssociation"]["Properties"] == {"AllocationId": {"Fn::GetAtt": ["Eip", "AllocationId"]}, "InstanceId": {"Ref": "Vm"}}
    assert 'resource "aws_lb_target_group_attachment" "nlb_vm_attachment"' in main
    assert 'resource "aws_eip_association" "eip_vm_association"' in main


# ------------------------------------------------------------------ ACLs and peering


def test_network_acl_rules_and_subnet_association():
    resources, main = compiled(edge())
    entries = of_type(resources, "AWS::EC2::NetworkAclEntry")
    assert sorted((e["Properties"]["RuleNumber"], e["Properties"]["Egress"], e["Properties"]["RuleAction"]) for e in entries.values()) == [
        (90, False, "deny"), (100, False, "allow"), (100, True, "allow"),
    ]
    assert resources["AclPublicAAssociation"]["Properties"] == {"SubnetId": {"Ref": "PublicA"}, "NetworkAclId": {"Ref": "Acl"}}
    assert 'resource "aws_network_acl_association" "acl_public_a_association"' in main
    assert main.count('resource "aws_network_acl_rule"') == 3


def test_network_acl_without_deny_has_two_rules():
    d = Design(name="x", region="us-east-1")
    network(d)
    d.add("network_acl", "acl", parent="vpc")
    resources, _ = compiled(d)
    assert len(of_type(resources, "AWS::EC2::NetworkAclEntry")) == 2


def test_peering_routes_both_ways():
    resources, main = compiled(edge())
    peering = resources["Peer"]["Properties"]
    assert peering["VpcId"] == {"Ref": "Vpc"} and peering["PeerVpcId"] == {"Ref": "Vpc2"}
    routes = [r["Properties"] for r in of_type(resources, "AWS::EC2::Route").values() if "VpcPeeringConnectionId" in r["Properties"]]
    assert sorted((r["RouteTableId"]["Ref"], r["DestinationCidrBlock"]) for r in routes) == [
        ("Vpc2PrivateRoutes", "10.0.0.0/16"), ("VpcPrivateRoutes", "10.1.0.0/16"), ("VpcPublicRoutes", "10.1.0.0/16"),
    ]
    assert "auto_accept = true" in main


def test_peering_rejects_overlapping_vpcs():
    d = Design(name="x", region="us-east-1")
    network(d)
    d.add("vpc", "vpc2", properties={"cidr": "10.0.0.0/20"})
    d.add("vpc_peering", "peer", parent="vpc")
    d.connect("peer", "vpc2")
    with pytest.raises(DesignError, match="overlap"):
        resolve(d)


def test_unconnected_peering_emits_nothing():
    d = Design(name="x", region="us-east-1")
    network(d)
    d.add("vpc_peering", "peer", parent="vpc")
    resources, main = compiled(d)
    assert not of_type(resources, "AWS::EC2::VPCPeeringConnection") and "aws_vpc_peering_connection" not in main


# ------------------------------------------------------------------ Route 53 and CloudFront


def test_alias_records():
    resources, main = compiled(edge())
    www = resources["Www"]["Properties"]
    # the zone's domain is a parameter (asked at deploy time when the design leaves it empty)
    assert www["HostedZoneId"] == {"Ref": "Zone"} and www["Name"] == {"Fn::Sub": "www.${ZoneDomain}"} and www["Type"] == "A"
    assert cloudformation.template(resolve(edge()))["Parameters"]["ZoneDomain"]["Default"] == "example.com"
    assert www["AliasTarget"] == {"DNSName": {"Fn::GetAtt": ["Cdn", "DomainName"]}, "HostedZoneId": "Z2FDTNDATAQYW2", "EvaluateTargetHealth": False}
    assert resources["Api"]["Properties"]["AliasTarget"]["HostedZoneId"] == {"Fn::GetAtt": ["Alb", "CanonicalHostedZoneID"]}
    assert resources["Tcp"]["Properties"]["AliasTarget"]["DNSName"] == {"Fn::GetAtt": ["Nlb", "DNSName"]}
    assert "zone_id                = aws_lb.nlb.zone_id" in main


def test_incomplete_record_emits_nothing():
    d = Design(name="x", region="us-east-1")
    d.add("route53_zone", "zone")
    d.add("route53_record", "apex", properties={"name": ""})
    d.connect("apex", "zone")
    d.add("cloudfront_distribution", "cdn")
    d.connect("apex", "cdn")  # a distribution without origins is not emitted, so neither is the record
    resources, main = compiled(d)
    assert list(resources) == ["Zone"] and "aws_route53_record" not in main and "aws_cloudfront" not in main


def test_cloudfront_s3_origin_with_access_control():
    resources, main = compiled(edge())
    config = resources["Cdn"]["Properties"]["DistributionConfig"]
    origins = {o["Id"]: o for o in config["Origins"]}
    assert origins["cdn_site"]["OriginAccessControlId"] == {"Fn::GetAtt": ["CdnSiteOac", "Id"]}
    assert origins["cdn_site"]["DomainName"] == {"Fn::GetAtt": ["Site", "RegionalDomainName"]}
    assert origins["cdn_alb"]["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"  # load balancers serve HTTPS by default
    assert config["DefaultCacheBehavior"]["TargetOriginId"] == "cdn_site"
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["CacheBehaviors"][0]["PathPattern"] == "/api/*" and config["CacheBehaviors"][0]["TargetOriginId"] == "cdn_alb"
    # every behaviour sends the distribution's own security headers (HSTS for a year, preload-ready)
    assert {b["ResponseHeadersPolicyId"]["Ref"] for b in [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]} == {"CdnHeaders"}
    hsts = resources["CdnHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["StrictTransportSecurity"]
    assert hsts["AccessControlMaxAgeSec"] >= 31536000 and hsts["IncludeSubdomains"] and hsts["Preload"]
    assert config["ViewerCertificate"] == {"CloudFrontDefaultCertificate": True}  # no certificate connected
    assert resources["CdnSiteOac"]["Properties"]["OriginAccessControlConfig"]["OriginAccessControlOriginType"] == "s3"
    statements = resources["SitePolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statements[0]["Principal"] == {"Service": "cloudfront.amazonaws.com"} and statements[0]["Action"] == "s3:GetObject"
    assert 'Service = "cloudfront.amazonaws.com"' in main  # the Terraform bucket policy holds the statement too
    assert 'resource "aws_cloudfront_origin_access_control" "cdn_site_oac"' in main


def test_cloudfront_paths_must_differ():
    d = Design(name="x", region="us-east-1")
    d.add("s3_bucket", "a")
    d.add("s3_bucket", "b")
    d.add("cloudfront_distribution", "cdn")
    d.connect("cdn", "a", id="one")
    d.connect("cdn", "b", id="two")
    with pytest.raises(DesignError, match="two"):
        resolve(d)


# ------------------------------------------------------------------ API Gateway


@needs_lambda
def test_rest_api_proxies_to_lambda():
    resources, main = compiled(apis())
    assert resources["Rest"]["Properties"]["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert resources["RestFnProxy"]["Properties"]["PathPart"] == "{proxy+}"
    assert resources["RestFnProxy"]["Properties"]["ParentId"] == {"Fn::GetAtt": ["Rest", "RootResourceId"]}
    assert resources["RestOrdersResource"]["Properties"]["PathPart"] == "orders"
    assert resources["RestOrdersProxy"]["Properties"]["ParentId"] == {"Ref": "RestOrdersResource"}
    method = resources["RestFnMethod"]["Properties"]
    assert method["HttpMethod"] == "ANY" and method["Integration"]["Type"] == "AWS_PROXY"
    assert sorted(resources["RestDeployment"]["DependsOn"]) == ["RestFnMethod", "RestFnProxyMethod", "RestOrdersMethod", "RestOrdersProxyMethod"]
    assert resources["RestStage"]["Properties"]["StageName"] == "prod"
    assert resources["RestFnPermission"]["Properties"]["Principal"] == "apigateway.amazonaws.com"
    assert "aws_api_gateway_integration.rest_fn_proxy_method_integration" in main
    assert "uri                     = aws_lambda_function.fn.invoke_arn" in main


@needs_lambda
def test_http_api_routes_to_lambda():
    resources, main = compiled(apis())
    assert resources["HttpStage"]["Properties"]["StageName"] == "$default" and resources["HttpStage"]["Properties"]["AutoDeploy"]
    assert resources["HttpFnIntegration"]["Properties"]["PayloadFormatVersion"] == "2.0"
    routes = {r["Properties"]["RouteKey"] for r in of_type(resources, "AWS::ApiGatewayV2::Route").values() if r["Properties"]["ApiId"] == {"Ref": "Http"}}
    assert routes == {"$default", "GET /items/{id}"}
    assert resources["Http"]["Properties"]["Tags"] == {"Name": "API Gateway HTTP API", "isshoni:design": "apis"}
    assert 'payload_format_version = "2.0"' in main
    stage = resources["HttpStage"]["Properties"]
    assert stage["AccessLogSettings"]["DestinationArn"] == {"Fn::GetAtt": ["HttpAccessLogs", "Arn"]}
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] == 100
    assert {r["Properties"]["AuthorizationType"] for r in of_type(resources, "AWS::ApiGatewayV2::Route").values()} == {"NONE"}


@needs_lambda
def test_websocket_api_routes_to_lambda():
    resources, main = compiled(apis())
    assert resources["Ws"]["Properties"]["RouteSelectionExpression"] == "$request.body.action"
    routes = {r["Properties"]["RouteKey"] for r in of_type(resources, "AWS::ApiGatewayV2::Route").values() if r["Properties"]["ApiId"] == {"Ref": "Ws"}}
    assert routes == {"$connect", "$disconnect", "$default", "sendmessage"}
    assert "PayloadFormatVersion" not in resources["WsFnIntegration"]["Properties"]
    assert resources["WsFnRouteConnect"]["Properties"]["Target"] == {"Fn::Sub": "integrations/${WsFnIntegration}"}
    assert resources["WsStage"]["Properties"]["DefaultRouteSettings"] == {"ThrottlingBurstLimit": 200, "ThrottlingRateLimit": 100}
    assert re.search(r'route_key +?= "\$connect"', main)


@needs_lambda
def test_api_routes_must_differ():
    d = Design(name="x", region="us-east-1")
    d.add("lambda_function", "fn")
    d.add("lambda_function", "fn2")
    d.add("api_gateway_http", "http")
    d.connect("http", "fn", id="one")
    d.connect("http", "fn2", id="two")
    with pytest.raises(DesignError, match="two"):
        resolve(d)


def test_unconnected_rest_api_has_no_deployment():
    d = Design(name="x", region="us-east-1")
    d.add("api_gateway_rest", "rest")
    resources, _ = compiled(d)
    assert list(resources) == ["Rest"]


# ------------------------------------------------------------------ property validation

BAD = {
    "nlb": {"scheme": "public"},
    "elastic_ip": {"domain": "vpc"},
    "network_acl": {"deny_cidr": "everything"},
    "vpc_peering": {"routes": "yes"},
    "route53_zone": {"domain": "Example .com"},
    "route53_record": {"name": "bad name!"},
    "cloudfront_distribution": {"price_class": "PriceClass_1"},
    "api_gateway_rest": {"stage_name": "$prod"},
    "api_gateway_http": {"cors": "*"},
    "api_gateway_websocket": {"stage_name": "a b"},
}


@pytest.mark.parametrize("type_", TYPES)
def test_bad_property_names_the_resource(type_):
    d = Design(name="x", region="us-east-1")
    network(d)
    parent = {"nlb": "public_a", "network_acl": "vpc", "vpc_peering": "vpc"}.get(type_)
    with pytest.raises(DesignError) as info:
        d.add(type_, "bad_one", parent=parent, properties=BAD[type_])
    assert any(p.resource == "bad_one" for p in info.value.problems)


def test_bad_connection_property_names_the_connection():
    d = Design(name="x", region="us-east-1")
    d.add("s3_bucket", "site")
    d.add("cloudfront_distribution", "cdn")
    with pytest.raises(DesignError, match="path_pattern"):
        d.connect("cdn", "site", id="c1", properties={"path_pattern": "/a b"})
