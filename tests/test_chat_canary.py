"""chat_canary's generated outputs contain every component of the seed architecture.

The test walks the generated CloudFormation and Terraform, not the design.
"""

from __future__ import annotations

import hcl2
import pytest
import yaml

from isshoni import templates
from isshoni.compiler import cloudformation, resolve, terraform


@pytest.fixture(scope="module")
def resolved():
    return resolve(templates.load("chat_canary"))


@pytest.fixture(scope="module")
def cfn(resolved):
    return yaml.safe_load(cloudformation.to_yaml(resolved))


@pytest.fixture(scope="module")
def tf(resolved):
    blocks: dict[str, dict] = {}
    variables: dict = {}
    for text in terraform.files(resolved).values():
        parsed = hcl2.loads(text)
        for block in parsed.get("resource", []):
            for rtype, named in block.items():
                for name, body in named.items():
                    blocks.setdefault(rtype, {})[name] = plain(body)
        for block in parsed.get("variable", []):
            variables.update(plain(block))
    return blocks, variables


def plain(value):
    """bc-python-hcl2 (the parser checkov installs) wraps attribute values in one-item lists."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [plain(v) for v in value]
        return items[0] if len(items) == 1 and not isinstance(items[0], dict) else items
    return value


def of_type(cfn, rtype):
    return {k: v.get("Properties", {}) for k, v in cfn["Resources"].items() if v["Type"] == rtype}


def ref_name(value):
    return value["Ref"] if isinstance(value, dict) and "Ref" in value else value["Fn::GetAtt"][0]


def test_cfn_network(cfn):
    (vpc,) = of_type(cfn, "AWS::EC2::VPC").values()
    assert vpc["CidrBlock"] == "10.0.0.0/16"
    subnets = of_type(cfn, "AWS::EC2::Subnet").values()
    public = [s for s in subnets if "Public" in s["Tags"][0]["Value"]]
    private = [s for s in subnets if "Private" in s["Tags"][0]["Value"]]
    assert len(public) == 2 and len(private) == 2
    assert not any(s["MapPublicIpOnLaunch"] for s in subnets)  # the ALB and the NAT gateway need no public IPs of launched instances
    assert {s["AvailabilityZone"] for s in public} == {"ap-northeast-2a", "ap-northeast-2c"}
    assert {s["AvailabilityZone"] for s in private} == {"ap-northeast-2a", "ap-northeast-2c"}
    assert len(of_type(cfn, "AWS::EC2::InternetGateway")) == 1
    assert len(of_type(cfn, "AWS::EC2::VPCGatewayAttachment")) == 1
    assert len(of_type(cfn, "AWS::EC2::NatGateway")) == 1
    routes = of_type(cfn, "AWS::EC2::Route").values()
    assert sum("GatewayId" in r for r in routes) == 1 and sum("NatGatewayId" in r for r in routes) == 1
    assert len(of_type(cfn, "AWS::EC2::SubnetRouteTableAssociation")) == 4
    (endpoint,) = of_type(cfn, "AWS::EC2::VPCEndpoint").values()
    assert endpoint["VpcEndpointType"] == "Gateway" and endpoint["ServiceName"] == {"Fn::Sub": "com.amazonaws.${AWS::Region}.dynamodb"}
    (flow_log,) = of_type(cfn, "AWS::EC2::FlowLog").values()
    assert flow_log["ResourceId"] == {"Ref": "Vpc"}
    assert len(endpoint["RouteTableIds"]) == 2


def test_cfn_load_balancer_and_canary(cfn):
    (alb,) = of_type(cfn, "AWS::ElasticLoadBalancingV2::LoadBalancer").values()
    assert alb["Scheme"] == "internet-facing" and len(alb["Subnets"]) == 2
    attrs = {a["Key"]: a["Value"] for a in alb["LoadBalancerAttributes"]}
    assert attrs["access_logs.s3.enabled"] == "true" and "Ref" in attrs["access_logs.s3.bucket"]
    listeners = {lsn["Port"]: lsn for lsn in of_type(cfn, "AWS::ElasticLoadBalancingV2::Listener").values()}
    assert listeners[443]["Protocol"] == "HTTPS" and listeners[443]["Certificates"][0]["CertificateArn"] == {"Ref": "Certificate"}
    assert listeners[80]["DefaultActions"][0]["Type"] == "redirect"
    # the certificate is validated with DNS records in the design's zone, for chat.<the domain asked at deploy time>
    (certificate,) = of_type(cfn, "AWS::CertificateManager::Certificate").values()
    assert certificate["DomainName"] == {"Fn::Sub": "chat.${ZoneDomain}"}
    assert certificate["DomainValidationOptions"] == [{"DomainName": {"Fn::Sub": "chat.${ZoneDomain}"}, "HostedZoneId": {"Ref": "Zone"}}]
    assert "Default" not in cfn["Parameters"]["ZoneDomain"]
    target_groups = of_type(cfn, "AWS::ElasticLoadBalancingV2::TargetGroup")
    assert len(target_groups) == 2 and all(t["TargetType"] == "ip" for t in target_groups.values())
    (rule,) = of_type(cfn, "AWS::ElasticLoadBalancingV2::ListenerRule").values()
    groups = rule["Actions"][0]["ForwardConfig"]["TargetGroups"]
    weights = [cfn["Parameters"][g["Weight"]["Ref"]]["Default"] for g in groups]
    assert weights == [90, 10]
    assert {g["Weight"]["Ref"] for g in groups} == {"BlueWeight", "GreenWeight"}
    policy = of_type(cfn, "AWS::S3::BucketPolicy")["AlbLogsPolicy"]
    assert policy["PolicyDocument"]["Statement"][0]["Principal"] == {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::600734575887:root"}}


def test_cfn_services_data_and_security_groups(cfn):
    services = of_type(cfn, "AWS::ECS::Service")
    assert len(services) == 2 and all(s["LaunchType"] == "FARGATE" for s in services.values())
    for s in services.values():
        assert s["LoadBalancers"][0]["ContainerPort"] == 80
        assert s["DeploymentConfiguration"]["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    tasks = of_type(cfn, "AWS::ECS::TaskDefinition").values()
    assert {(t["Cpu"], t["Memory"]) for t in tasks} == {("256", "512")}
    env_names = {e["Name"] for t in tasks for e in t["ContainerDefinitions"][0]["Environment"]}
    assert {"MESSAGES_TABLE_NAME", "CONNECTIONS_TABLE_NAME", "USER_COUNTER_TABLE_NAME", "REDIS_HOST", "REDIS_PORT"} <= env_names
    tables = {t["TableName"]["Fn::Sub"]: t for t in of_type(cfn, "AWS::DynamoDB::Table").values()}
    assert set(tables) == {"${AWS::StackName}-messages", "${AWS::StackName}-connections", "${AWS::StackName}-user-counter"}
    assert all(t["BillingMode"] == "PAY_PER_REQUEST" and t["SSESpecification"]["SSEEnabled"] for t in tables.values())
    (redis,) = of_type(cfn, "AWS::ElastiCache::ReplicationGroup").values()
    assert redis["NumCacheClusters"] == 2 and redis["AutomaticFailoverEnabled"] and redis["MultiAZEnabled"]
    assert redis["AtRestEncryptionEnabled"] and redis["CacheNodeType"]["Ref"]
    assert cfn["Parameters"][redis["CacheNodeType"]["Ref"]]["Default"] == "cache.t4g.micro"
    logs = of_type(cfn, "AWS::Logs::LogGroup")
    assert logs["BlueLogs"]["RetentionInDays"] == logs["GreenLogs"]["RetentionInDays"] == 7
    assert logs["VpcFlowLogLogs"]["RetentionInDays"] == 365  # the flow log is an audit trail: kept a year
    # The seed's three security groups and their rules.
    ingress = list(of_type(cfn, "AWS::EC2::SecurityGroupIngress").values())
    world = [r for r in ingress if r.get("CidrIp") == "0.0.0.0/0"]
    assert sorted(r["FromPort"] for r in world) == [80, 443]
    assert {ref_name(r["GroupId"]) for r in world} == {"AlbSg"}
    from_alb = [r for r in ingress if r.get("SourceSecurityGroupId") == {"Ref": "AlbSg"}]
    assert {ref_name(r["GroupId"]) for r in from_alb} == {"BlueSg", "GreenSg"} and {r["FromPort"] for r in from_alb} == {80}
    to_redis = [r for r in ingress if ref_name(r["GroupId"]) == "RedisSg"]
    assert {ref_name(r["SourceSecurityGroupId"]) for r in to_redis} == {"BlueSg", "GreenSg"} and {r["FromPort"] for r in to_redis} == {6379}
    policies = of_type(cfn, "AWS::IAM::RolePolicy").values()
    # two services x three tables and each service's Redis AUTH token, one least-privilege policy each, and the flow log's
    assert len(policies) == 9


def test_terraform_has_the_same_components(tf):
    blocks, variables = tf
    counts = {rtype: len(named) for rtype, named in blocks.items()}
    assert counts["aws_vpc"] == 1 and counts["aws_subnet"] == 4 and counts["aws_nat_gateway"] == 1
    assert counts["aws_internet_gateway"] == 1 and counts["aws_lb"] == 1 and counts["aws_lb_listener"] == 2
    assert counts["aws_ecs_service"] == 2 and counts["aws_dynamodb_table"] == 3
    assert counts["aws_elasticache_replication_group"] == 1 and counts["aws_vpc_endpoint"] == 1
    assert counts["aws_lb_target_group"] == 2 and counts["aws_lb_listener_rule"] == 1
    assert counts["aws_security_group"] == 4  # alb, blue, green, redis
    assert counts["aws_default_security_group"] == 1 and counts["aws_flow_log"] == 1
    (rule,) = blocks["aws_lb_listener_rule"].values()
    forward = rule["action"][0]["forward"][0]["target_group"]
    assert [t["weight"] for t in forward] == ["${var.blue_weight}", "${var.green_weight}"]
    assert variables["blue_weight"]["default"] == 90 and variables["green_weight"]["default"] == 10
    tables = {t["name"] for t in blocks["aws_dynamodb_table"].values()}
    assert tables == {"${var.name_prefix}-messages", "${var.name_prefix}-connections", "${var.name_prefix}-user-counter"}
    assert all(t["lifecycle"][0]["prevent_destroy"] is True for t in blocks["aws_dynamodb_table"].values())
    (lb,) = blocks["aws_lb"].values()
    assert lb["access_logs"][0]["enabled"] is True
    (redis,) = blocks["aws_elasticache_replication_group"].values()
    assert redis["num_cache_clusters"] == 2 and redis["automatic_failover_enabled"] is True


def test_cfn_frontend_and_canary_alarms(cfn):
    (cdn,) = of_type(cfn, "AWS::CloudFront::Distribution").values()
    config = cdn["DistributionConfig"]
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert len(of_type(cfn, "AWS::CloudFront::OriginAccessControl")) == 1
    alarms = {a["MetricName"]: a for a in of_type(cfn, "AWS::CloudWatch::Alarm").values()}
    assert alarms["HTTPCode_Target_5XX_Count"]["Statistic"] == "Sum"
    assert alarms["TargetResponseTime"]["ExtendedStatistic"] == "p95"
    for alarm in alarms.values():
        assert alarm["Dimensions"][0] == {"Name": "LoadBalancer", "Value": {"Fn::GetAtt": ["Alb", "LoadBalancerFullName"]}}


def test_terraform_bucket_policies_carry_their_statements(tf):
    blocks, _ = tf
    policies = blocks["aws_s3_bucket_policy"]
    assert len(policies) == 2  # access logs bucket, frontend bucket (CloudFront OAC)
    for body in policies.values():
        assert "Statement" in body["policy"] and "Principal" in body["policy"]
