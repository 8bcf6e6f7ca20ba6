"""Fifty-odd CloudFormation registry types from 36 services, each with a small valid property set,
many of them wired to each other by design references: the generic-resource acceptance design."""

from __future__ import annotations

from isshoni import Design

ASSUME = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def R(target: str, attribute: str | None = None) -> dict:
    """A design reference (Ref, or Fn::GetAtt with an attribute)."""
    return {"ref": target} if attribute is None else {"ref": target, "attribute": attribute}


# id -> (CloudFormation type, properties); the last two have no Terraform counterpart
RESOURCES = {
    "queue": ("AWS::SQS::Queue", {"MessageRetentionPeriod": 86400}),
    "dead_letters": ("AWS::SQS::Queue", {"MessageRetentionPeriod": 1209600}),
    "queue_policy": (
        "AWS::SQS::QueueInlinePolicy",
        {
            "Queue": R("queue"),
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "sns.amazonaws.com"},
                        "Action": "sqs:SendMessage",
                        "Resource": R("queue", "Arn"),
                    }
                ],
            },
        },
    ),
    "topic": ("AWS::SNS::Topic", {"DisplayName": "Alerts"}),
    "subscription": (
        "AWS::SNS::Subscription",
        {"TopicArn": R("topic"), "Protocol": "sqs", "Endpoint": R("queue", "Arn")},
    ),
    "bucket": ("AWS::S3::Bucket", {"VersioningConfiguration": {"Status": "Enabled"}}),
    "table": (
        "AWS::DynamoDB::Table",
        {
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        },
    ),
    "log_group": ("AWS::Logs::LogGroup", {"RetentionInDays": 7}),
    "log_stream": ("AWS::Logs::LogStream", {"LogGroupName": R("log_group")}),
    "metric_filter": (
        "AWS::Logs::MetricFilter",
        {
            "LogGroupName": R("log_group"),
            "FilterPattern": "ERROR",
            "MetricTransformations": [{"MetricName": "Errors", "MetricNamespace": "App", "MetricValue": "1"}],
        },
    ),
    "dashboard": ("AWS::CloudWatch::Dashboard", {"DashboardBody": '{"widgets": []}'}),
    "role": ("AWS::IAM::Role", {"AssumeRolePolicyDocument": ASSUME}),
    "managed_policy": (
        "AWS::IAM::ManagedPolicy",
        {
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": R("queue", "Arn")}
                ],
            }
        },
    ),
    "instance_profile": ("AWS::IAM::InstanceProfile", {"Roles": [R("role")]}),
    "key": ("AWS::KMS::Key", {"EnableKeyRotation": True}),
    "key_alias": ("AWS::KMS::Alias", {"AliasName": "alias/isshoni-generic", "TargetKeyId": R("key")}),
    "parameter": ("AWS::SSM::Parameter", {"Type": "String", "Value": R("queue", "Arn")}),
    "secret": ("AWS::SecretsManager::Secret", {"Description": "generated"}),
    "vpc": ("AWS::EC2::VPC", {"CidrBlock": "10.20.0.0/16"}),
    "subnet": ("AWS::EC2::Subnet", {"VpcId": R("vpc"), "CidrBlock": "10.20.1.0/24"}),
    "security_group": ("AWS::EC2::SecurityGroup", {"GroupDescription": "generic", "VpcId": R("vpc")}),
    "gateway": ("AWS::EC2::InternetGateway", {}),
    "gateway_attachment": (
        "AWS::EC2::VPCGatewayAttachment",
        {"VpcId": R("vpc"), "InternetGatewayId": R("gateway")},
    ),
    "route_table": ("AWS::EC2::RouteTable", {"VpcId": R("vpc")}),
    "prefix_list": (
        "AWS::EC2::PrefixList",
        {"AddressFamily": "IPv4", "MaxEntries": 5, "PrefixListName": "office"},
    ),
    "repository": ("AWS::ECR::Repository", {}),
    "cluster": ("AWS::ECS::Cluster", {}),
    "function": (
        "AWS::Lambda::Function",
        {
            "Role": R("role", "Arn"),
            "Runtime": "python3.12",
            "Handler": "index.handler",
            "Code": {"ZipFile": "def handler(event, context):\n    return 1\n"},
        },
    ),
    "bus": ("AWS::Events::EventBus", {"Name": "isshoni-generic"}),
    "rule": (
        "AWS::Events::Rule",
        {
            "EventPattern": {"source": ["isshoni.test"]},
            "State": "ENABLED",
            "Targets": [{"Id": "fn", "Arn": R("function", "Arn")}],
        },
    ),
    "permission": (
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": R("function"),
            "Principal": "events.amazonaws.com",
            "SourceArn": R("rule", "Arn"),
        },
    ),
    "state_machine": (
        "AWS::StepFunctions::StateMachine",
        {
            "RoleArn": R("role", "Arn"),
            "DefinitionString": '{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}',
        },
    ),
    "stream": ("AWS::Kinesis::Stream", {"ShardCount": 1, "RetentionPeriodHours": 48}),
    "zone": ("AWS::Route53::HostedZone", {"Name": "generic.example.com"}),
    "http_api": ("AWS::ApiGatewayV2::Api", {"Name": "generic", "ProtocolType": "HTTP"}),
    "rest_api": ("AWS::ApiGateway::RestApi", {"Name": "generic"}),
    "user_pool": ("AWS::Cognito::UserPool", {}),
    "user_pool_client": ("AWS::Cognito::UserPoolClient", {"UserPoolId": R("user_pool")}),
    "schema_registry": ("AWS::Glue::Registry", {"Name": "generic"}),
    "workgroup": ("AWS::Athena::WorkGroup", {"Name": "generic"}),
    "file_system": ("AWS::EFS::FileSystem", {"Encrypted": True}),
    "artifact_domain": ("AWS::CodeArtifact::Domain", {"DomainName": "generic"}),
    "schedule_group": ("AWS::Scheduler::ScheduleGroup", {"Name": "generic"}),
    "app_config": ("AWS::AppConfig::Application", {"Name": "generic"}),
    "namespace": ("AWS::ServiceDiscovery::HttpNamespace", {"Name": "generic"}),
    "mail_config": ("AWS::SES::ConfigurationSet", {}),
    "trace_group": ("AWS::XRay::Group", {"GroupName": "generic", "FilterExpression": "responsetime > 5"}),
    "resource_group": ("AWS::ResourceGroups::Group", {"Name": "generic"}),
    "backup_vault": (
        "AWS::Backup::BackupVault",
        {"BackupVaultName": "generic", "EncryptionKeyArn": R("key", "Arn")},
    ),
    "ip_set": (
        "AWS::WAFv2::IPSet",
        {"Scope": "REGIONAL", "IPAddressVersion": "IPV4", "Addresses": ["192.0.2.0/24"]},
    ),
    "target_group": (
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        {"Port": 80, "Protocol": "HTTP", "VpcId": R("vpc")},
    ),
    "thing": ("AWS::IoT::Thing", {}),
    "queue_policy_legacy": (
        "AWS::SQS::QueuePolicy",
        {
            "Queues": [R("dead_letters")],
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "sns.amazonaws.com"},
                        "Action": "sqs:SendMessage",
                        "Resource": R("dead_letters", "Arn"),
                    }
                ],
            },
        },
    ),
    "wait_handle": ("AWS::CloudFormation::WaitConditionHandle", {}),
}


def design(region: str = "us-east-1") -> Design:
    """The acceptance design, built the way a script would (each add validated)."""
    d = Design(name="generic-fifty", region=region)
    for rid, (cfn_type, properties) in RESOURCES.items():
        d.add(f"cfn:{cfn_type}", rid, properties=properties)
    return d
