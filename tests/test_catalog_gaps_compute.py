"""Catalog gaps of issue 19 about compute (the designs: tests/gaps.py; lint, validate and checkov of
each: test_catalog_gaps.py): calling an API, starting tasks, parameter paths, images from a
repository, services reached without a load balancer, service discovery, ECS on EC2."""

from __future__ import annotations

import pytest

from gaps import DESIGNS, compiled, of_type, policy_statements
from isshoni.design import DesignError


def env_of(resources: dict, logical: str) -> dict:
    """A Lambda function's or an ECS container's environment, as {name: value}."""
    body = resources[logical]["Properties"]
    if "Environment" in body:
        return body["Environment"]["Variables"]
    (container,) = body["ContainerDefinitions"]
    return {item["Name"]: item["Value"] for item in container.get("Environment", [])}


# ------------------------------------------------------------------ 6. a service calling an API Gateway


def test_a_service_gets_the_api_urls_and_may_invoke_the_iam_api_only():
    resources, main, _resolved = compiled(DESIGNS["api_url"]())
    assert env_of(resources, "WebTask") == {
        "PARTNER_API_URL": {"Fn::Sub": "https://${PartnerApi}.execute-api.${AWS::Region}.amazonaws.com/prod/"},
        "PUBLIC_API_URL": {"Fn::GetAtt": ["PublicApi", "ApiEndpoint"]},
    }
    (statement,) = policy_statements(resources, "WebRole")  # the public API needs no grant
    assert statement["Action"] == "execute-api:Invoke"
    assert statement["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${PartnerApi}/prod/*/*"}
    assert '"value" = aws_apigatewayv2_api.public_api.api_endpoint' in main or "aws_apigatewayv2_api.public_api.api_endpoint" in main


def test_an_http_api_with_iam_authorization_is_invoked_on_its_own_arn():
    design = DESIGNS["api_url"]()
    design.set("public_api", authorization="AWS_IAM")
    resources, _main, _resolved = compiled(design)
    resources_granted = sorted(str(s["Resource"]) for s in policy_statements(resources, "WebRole"))
    assert any("${PublicApi}/*" in r for r in resources_granted) and len(resources_granted) == 2


# ------------------------------------------------------------------ 7. compute that may RunTask


def test_compute_may_run_a_task_in_its_cluster_and_pass_only_its_roles():
    resources, main, _resolved = compiled(DESIGNS["run_task"]())
    run, describe, pass_role = policy_statements(resources, "StarterRole")
    assert run["Action"] == "ecs:RunTask"
    assert run["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task-definition/${AWS::StackName}-report:*"}
    assert run["Condition"] == {"ArnEquals": {"ecs:cluster": {"Fn::GetAtt": ["DefaultCluster", "Arn"]}}}
    assert describe["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task/${DefaultCluster}/*"}
    assert pass_role["Action"] == "iam:PassRole"
    assert pass_role["Resource"] == [{"Fn::GetAtt": ["ReportRole", "Arn"]}, {"Fn::GetAtt": ["ReportExecutionRole", "Arn"]}]
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
    env = env_of(resources, "Starter")
    assert env["REPORT_TASK_FAMILY"] == {"Fn::Sub": "${AWS::StackName}-report"}
    assert env["REPORT_CLUSTER_ARN"] == {"Fn::GetAtt": ["DefaultCluster", "Arn"]}
    assert env["REPORT_SUBNETS"] == {"Fn::Join": [",", [{"Ref": "PrivateA"}, {"Ref": "PrivateC"}]]}
    assert env["REPORT_SECURITY_GROUP"] == {"Ref": "ReportSg"}
    # a task connected to a cluster runs there
    (run_cleanup, _, _) = policy_statements(resources, "WebRole")
    assert run_cleanup["Condition"] == {"ArnEquals": {"ecs:cluster": {"Fn::GetAtt": ["Batch", "Arn"]}}}
    assert "task/${aws_ecs_cluster.default_cluster.name}/*" in main


# ------------------------------------------------------------------ 8. SSM SecureString path grants

SSM_ARN = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter"


def test_a_secure_path_grants_its_parameters_and_its_key_only():
    resources, main, _resolved = compiled(DESIGNS["ssm_path"]())
    kms, ssm = policy_statements(resources, "ReaderRole")  # (policies in logical id order)
    assert ssm["Action"] == ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]
    assert ssm["Resource"] == [{"Fn::Sub": f"{SSM_ARN}/shop/prod"}, {"Fn::Sub": f"{SSM_ARN}/shop/prod/*"}]
    assert kms == {
        "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": {"Fn::GetAtt": ["AppConfigKey", "Arn"]},
        "Condition": {"StringEquals": {"kms:ViaService": {"Fn::Sub": "ssm.${AWS::Region}.amazonaws.com"}}},
    }
    assert env_of(resources, "Reader") == {"APP_CONFIG_PARAMETER_PATH": "/shop/prod"}
    key = resources["AppConfigKey"]
    assert key["Properties"]["EnableKeyRotation"] is True and key["DeletionPolicy"] == "Retain"
    assert of_type(resources, "AWS::KMS::Alias")["AppConfigAlias"]["AliasName"] == {"Fn::Sub": "alias/${AWS::StackName}-app-config"}
    # no value ever: CloudFormation cannot create a SecureString, and Terraform would keep it in its state
    assert of_type(resources, "AWS::SSM::Parameter") == {} and "aws_ssm_parameter" not in main


def test_a_path_on_the_aws_managed_key_needs_no_key_grant():
    resources, _main, _resolved = compiled(DESIGNS["ssm_path"]())
    (ssm,) = policy_statements(resources, "WebRole")
    assert "ssm:PutParameter" in ssm["Action"]
    assert ssm["Resource"] == [{"Fn::Sub": SSM_ARN + "/${AWS::StackName}-flags"}, {"Fn::Sub": SSM_ARN + "/${AWS::StackName}-flags/*"}]
    assert "FlagsKey" not in resources
    assert env_of(resources, "WebTask") == {"FLAGS_PARAMETER_PATH": {"Fn::Sub": "/${AWS::StackName}-flags"}}


# ------------------------------------------------------------------ 9. an image from a connected ECR repository

PULL = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer"]


def test_containers_run_the_connected_repository_image_pulled_by_the_execution_role():
    resources, main, resolved = compiled(DESIGNS["ecr_image"]())
    (web,) = resources["WebTask"]["Properties"]["ContainerDefinitions"]
    assert web["Image"] == {"Fn::Sub": "${Images.RepositoryUri}:${WebImageTag}"}
    (job,) = resources["Migrate"]["Properties"]["ContainerDefinitions"]
    assert job["Image"] == {"Fn::Sub": "${Images.RepositoryUri}:${MigrateImageTag}"}
    assert resources["Fn"]["Properties"]["Code"] == {"ImageUri": {"Fn::Sub": "${Images.RepositoryUri}:${FnImageTag}"}}
    variables = {v.name: v for v in resolved.variables}
    assert variables["web_image_tag"].default == "v1.4.2"
    assert variables["migrate_image_tag"].default is None and variables["migrate_image_tag"].pattern  # asked, checked
    assert "web_image" not in variables and "migrate_image" not in variables  # no stand-in image anywhere
    for execution_role, task_role in (("WebExecutionRole", "WebRole"), ("MigrateExecutionRole", "MigrateRole")):
        (pull,) = policy_statements(resources, execution_role)
        assert pull["Action"] == PULL and pull["Resource"] == {"Fn::GetAtt": ["Images", "Arn"]}
        assert policy_statements(resources, task_role) == []  # the code itself reads nothing
    assert "${aws_ecr_repository.images.repository_url}:${var.web_image_tag}" in main


def test_an_empty_image_needs_a_repository():
    design = DESIGNS["ecr_image"]()
    design.add("ecs_task_definition", "orphan", properties={"image": ""})
    with pytest.raises(DesignError, match="needs a connection to an ECR repository"):
        compiled(design)


def test_a_service_with_its_own_image_keeps_it():
    design = DESIGNS["ecr_image"]()
    design.set("web", image="public.ecr.aws/docker/library/httpd@sha256:" + "a" * 64)
    resources, _main, _resolved = compiled(design)
    (web,) = resources["WebTask"]["Properties"]["ContainerDefinitions"]
    assert web["Image"] == {"Ref": "WebImage"}


# ------------------------------------------------------------------ 5. service discovery with Cloud Map


def test_services_call_each_other_by_their_cloud_map_names():
    resources, main, _resolved = compiled(DESIGNS["cloud_map"]())
    assert of_type(resources, "AWS::ServiceDiscovery::PrivateDnsNamespace")["Internal"] == {
        "Name": "shop.internal", "Vpc": {"Ref": "Vpc"}, "Description": "Service discovery for the services of the VPC",
        "Tags": [{"Key": "Name", "Value": "Cloud Map namespace"}, {"Key": "isshoni:design", "Value": "mesh"}],
    }
    discovery = of_type(resources, "AWS::ServiceDiscovery::Service")
    assert sorted(d["Name"] for d in discovery.values()) == ["front", "orders"]
    orders = next(d for d in discovery.values() if d["Name"] == "orders")
    assert orders["NamespaceId"] == {"Ref": "Internal"} and orders["DnsConfig"]["DnsRecords"] == [{"Type": "A", "TTL": 10}]
    assert resources["Orders"]["Properties"]["ServiceRegistries"] == [{"RegistryArn": {"Fn::GetAtt": ["OrdersToInternalDiscovery", "Arn"]}}]
    assert env_of(resources, "FrontTask") == {"ORDERS_HOST": "orders.shop.internal", "ORDERS_URL": "http://orders.shop.internal:8080"}
    assert env_of(resources, "Worker")["ORDERS_URL"] == "http://orders.shop.internal:8080"
    rules = of_type(resources, "AWS::EC2::SecurityGroupIngress")
    into_orders = sorted(r["SourceSecurityGroupId"]["Ref"] for r in rules.values() if r["GroupId"] == {"Ref": "OrdersSg"})
    assert into_orders == ["FrontSg", "WorkerSg"]
    assert all(r["FromPort"] == 8080 for r in rules.values() if r["GroupId"] == {"Ref": "OrdersSg"})
    assert "registry_arn = aws_service_discovery_service.orders_to_internal_discovery.arn" in main


def test_calling_an_unregistered_service_or_from_outside_the_vpc_is_refused():
    design = DESIGNS["cloud_map"]()
    design.add("ecs_service", "billing", parent="private_a")
    design.connect("front", "billing")
    with pytest.raises(DesignError, match="connect 'billing' to a Cloud Map namespace"):
        compiled(design)
    design = DESIGNS["cloud_map"]()
    design.add("lambda_function", "outside")
    design.connect("outside", "orders")
    with pytest.raises(DesignError, match="must sit in the VPC"):
        compiled(design)


# ------------------------------------------------------------------ 10. an ECS service exposed without an ALB


def test_a_public_service_is_open_on_its_port_to_its_cidr_only():
    resources, main, _resolved = compiled(DESIGNS["public_service"]())
    network = resources["Game"]["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["AssignPublicIp"] == "ENABLED" and network["Subnets"] == [{"Ref": "PublicA"}, {"Ref": "PublicC"}]
    assert "LoadBalancers" not in resources["Game"]["Properties"]
    (rule,) = of_type(resources, "AWS::EC2::SecurityGroupIngress").values()
    assert rule == {
        "GroupId": {"Ref": "GameSg"}, "IpProtocol": "tcp", "FromPort": 7777, "ToPort": 7777, "CidrIp": "203.0.113.0/24",
        "Description": "Direct access to the container port",
    }
    assert 'cidr_ipv4         = "203.0.113.0/24"' in main or '"203.0.113.0/24"' in main


def test_public_access_needs_a_public_ip_and_a_public_subnet():
    design = DESIGNS["public_service"]()
    with pytest.raises(DesignError):
        design.set("game", assign_public_ip=False)
    design.add("ecs_service", "hidden", parent="private_a", properties={"assign_public_ip": True, "public_access": True})
    with pytest.raises(DesignError, match="public_access needs the service in a public subnet"):
        compiled(design)


def test_a_private_service_has_no_public_rule():
    design = DESIGNS["cloud_map"]()
    resources, _main, _resolved = compiled(design)
    assert not any("CidrIp" in r for r in of_type(resources, "AWS::EC2::SecurityGroupIngress").values())


# ------------------------------------------------------------------ 4. ECS on EC2 capacity


def test_a_service_runs_on_ecs_optimized_instances_of_its_cluster():
    resources, main, resolved = compiled(DESIGNS["ecs_on_ec2"]())
    provider = of_type(resources, "AWS::ECS::CapacityProvider")["Fleet"]["AutoScalingGroupProvider"]
    assert provider["AutoScalingGroupArn"] == {"Ref": "FleetAsg"} and provider["ManagedScaling"]["Status"] == "ENABLED"
    template = of_type(resources, "AWS::EC2::LaunchTemplate")["FleetTemplate"]["LaunchTemplateData"]
    assert template["ImageId"] == {"Ref": "FleetAmiParameter"} and template["MetadataOptions"]["HttpTokens"] == "required"
    assert template["UserData"] == {"Fn::Base64": {"Fn::Sub": "#!/bin/bash\necho ECS_CLUSTER=${Cluster} >> /etc/ecs/ecs.config\n"}}
    ami = next(v for v in resolved.variables if v.name == "fleet_ami_parameter")
    assert ami.default == "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
    assert ami.cfn_type == "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
    policies = [p["Fn::Sub"] for p in resources["FleetRole"]["Properties"]["ManagedPolicyArns"]]
    assert "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role" in policies
    (association,) = of_type(resources, "AWS::ECS::ClusterCapacityProviderAssociations").values()
    assert association["Cluster"] == {"Ref": "Cluster"} and association["CapacityProviders"] == [{"Ref": "Fleet"}]
    web = resources["Web"]
    assert "LaunchType" not in web["Properties"]
    assert web["Properties"]["CapacityProviderStrategy"] == [{"CapacityProvider": {"Ref": "Fleet"}, "Weight": 1, "Base": 0}]
    assert web["DependsOn"] == ["ClusterCapacityProviders"]
    assert resources["WebTask"]["Properties"]["RequiresCompatibilities"] == ["EC2"]
    assert 'user_data = base64encode("#!/bin/bash\\necho ECS_CLUSTER=${aws_ecs_cluster.cluster.name} >> /etc/ecs/ecs.config\\n")' in main
    assert 'data "aws_ssm_parameter" "fleet_ami"' in main and "capacity_provider = aws_ecs_capacity_provider.fleet.name" in main


def test_fargate_stays_the_default_and_capacity_serves_its_own_cluster_only():
    design = DESIGNS["ecs_on_ec2"]()
    design.add("ecs_service", "api", parent="private_a")
    design.connect("api", "cluster")
    resources, _main, _resolved = compiled(design)
    assert resources["Api"]["Properties"]["LaunchType"] == "FARGATE"
    assert resources["ApiTask"]["Properties"]["RequiresCompatibilities"] == ["FARGATE"]
    design.add("ecs_service", "elsewhere", parent="private_a")  # runs in the default cluster
    design.connect("elsewhere", "fleet")
    with pytest.raises(DesignError, match="must serve the cluster"):
        compiled(design)


def test_unconnected_capacity_makes_nothing():
    design = DESIGNS["ecs_on_ec2"]()
    design.add("ecs_capacity_provider", "spare", parent="vpc")
    resources, _main, _resolved = compiled(design)
    assert not [k for k in resources if k.startswith("Spare")]
