"""The products the loopback Price List API serves in the refresh tests: Seoul (ap-northeast-2)
prices for what the estimates use, in the API's document shape, with the neighbours a real
answer has (the same product in another region, Windows instances, Graviton Fargate, free
first tiers).  The prices are test data chosen to differ from the shipped table; CloudWatch
alarms are left out on purpose (the refresh must report them not found and keep the old price).
"""

from __future__ import annotations

from itertools import count

from fake_pricing import document

SEOUL = {"regionCode": "ap-northeast-2", "location": "Asia Pacific (Seoul)"}
VIRGINIA = {"regionCode": "us-east-1", "location": "US East (N. Virginia)"}
_sku = count(1)


def _p(service, family, usagetype, unit, tiers, where=SEOUL, **attrs):
    if not isinstance(tiers, list):
        tiers = [(0, "Inf", tiers)]
    return document(service, f"SKU{next(_sku):08d}", family, {**where, "usagetype": usagetype, **attrs}, unit, tiers)


def _ec2(instance, usd, os="Linux", where=SEOUL, prefix="APN2"):
    return _p("AmazonEC2", "Compute Instance", f"{prefix}-BoxUsage:{instance}", "Hrs", usd, where, instanceType=instance,
              operatingSystem=os, tenancy="Shared", preInstalledSw="NA", capacitystatus="Used")


def documents() -> list[str]:
    return [
        _p("AWSLambda", "Serverless", "APN2-Request", "Requests", 0.0000002, group="AWS-Lambda-Requests"),
        _p("AWSLambda", "Serverless", "APN2-Lambda-GB-Second", "Lambda-GB-Second",
           [(0, 6e9, 0.0000166667), (6e9, 1.5e10, 0.0000150000)], group="AWS-Lambda-Duration"),
        _p("AWSLambda", "Serverless", "APN2-Lambda-GB-Second-ARM", "Lambda-GB-Second",
           [(0, 7.5e9, 0.0000133334), (7.5e9, "Inf", 0.0000120001)], group="AWS-Lambda-Duration-ARM"),
        _p("AWSLambda", "Serverless", "USE1-Request", "Requests", 0.0000002, VIRGINIA, group="AWS-Lambda-Requests"),
        _p("AmazonECS", "Compute", "APN2-Fargate-vCPU-Hours:perCPU", "hours", 0.04656, cputype="perCPU"),
        _p("AmazonECS", "Compute", "APN2-Fargate-ARM-vCPU-Hours:perCPU", "hours", 0.03725, cputype="perCPU"),
        _p("AmazonECS", "Compute Metering", "APN2-Fargate-GB-Hours", "hours", 0.00511, memorytype="perGB"),
        _ec2("t3.micro", 0.013), _ec2("t3.micro", 0.022, os="Windows"), _ec2("t3.micro", 0.0104, where=VIRGINIA, prefix="USE1"),
        _ec2("t3.small", 0.026), _ec2("t3.medium", 0.052), _ec2("t3.large", 0.104),
        _ec2("t4g.micro", 0.0104), _ec2("t4g.small", 0.0208), _ec2("m5.large", 0.118),
        _p("AmazonEC2", "NAT Gateway", "APN2-NatGateway-Hours", "Hrs", 0.059),
        _p("AmazonEC2", "NAT Gateway", "APN2-NatGateway-Bytes", "GB", 0.059),
        _p("AmazonVPC", "VpcEndpoint", "APN2-VpcEndpoint-Hours", "Hrs", 0.013),
        _p("AmazonVPC", "VpcEndpoint", "APN2-VpcEndpoint-Bytes", "GB", 0.01),
        _p("AWSELB", "Load Balancer-Application", "APN2-LoadBalancerUsage", "Hrs", 0.0225),
        _p("AWSELB", "Load Balancer-Application", "APN2-LCUUsage", "LCU-Hrs", 0.008),
        _p("AWSELB", "Load Balancer-Network", "APN2-LoadBalancerUsage", "Hrs", 0.0225),
        _p("AmazonApiGateway", "API Calls", "APN2-ApiGatewayHttpRequest", "Requests",
           [(0, 3e8, 0.00000129), (3e8, "Inf", 0.00000116)]),
        _p("AmazonApiGateway", "API Calls", "APN2-ApiGatewayRequest", "Requests", 0.00000425),
        _p("AmazonCloudFront", "Data Transfer", "US-DataTransfer-Out-Bytes", "GB",
           [(0, 10240, 0.085), (10240, 51200, 0.080)], {"location": "United States"}),
        _p("AmazonCloudFront", "Request", "US-Requests-Tier2-HTTPS", "Requests", 0.000001, {"location": "United States"}),
        _p("AmazonRoute53", "DNS Zone", "HostedZone", "HostedZone", [(0, 25, 0.5), (25, "Inf", 0.1)], {"location": "Global"}),
        _p("AmazonRoute53", "DNS Query", "DNS-Queries", "Queries", [(0, 1e9, 0.0000004), (1e9, "Inf", 0.0000002)],
           {"location": "Global"}),
        _p("AmazonDynamoDB", "Amazon DynamoDB PayPerRequest Throughput", "APN2-WriteRequestUnits", "WriteRequestUnits",
           0.000000705, group="DDB-WriteUnits"),
        _p("AmazonDynamoDB", "Amazon DynamoDB PayPerRequest Throughput", "APN2-ReadRequestUnits", "ReadRequestUnits",
           0.000000141, group="DDB-ReadUnits"),
        _p("AmazonDynamoDB", "Database Storage", "APN2-TimedStorage-ByteHrs", "GB-Mo", [(0, 25, 0.0), (25, "Inf", 0.285)]),
        _p("AmazonS3", "Storage", "APN2-TimedStorage-ByteHrs", "GB-Mo",
           [(0, 51200, 0.025), (51200, 512000, 0.024)], volumeType="Standard", storageClass="General Purpose"),
        _p("AmazonS3", "Storage", "APN2-TimedStorage-SIA-ByteHrs", "GB-Mo", 0.0138, volumeType="Standard - Infrequent Access"),
        _p("AmazonS3", "API Request", "APN2-Requests-Tier1", "Requests", 0.0000045, group="S3-API-Tier1"),
        _p("AmazonS3", "API Request", "APN2-Requests-Tier2", "Requests", 0.00000035, group="S3-API-Tier2"),
        _p("AmazonElastiCache", "Cache Instance", "APN2:NodeUsage:cache.t4g.micro", "Hrs", 0.0,
           instanceType="cache.t4g.micro", cacheEngine="Memcached"),
        _p("AmazonElastiCache", "Cache Instance", "APN2-NodeUsage:cache.t4g.micro", "Hrs", 0.021,
           instanceType="cache.t4g.micro", cacheEngine="Redis"),
        _p("AmazonElastiCache", "Cache Instance", "APN2-NodeUsage:cache.t4g.small", "Hrs", 0.042,
           instanceType="cache.t4g.small", cacheEngine="Redis"),
        _p("AmazonElastiCache", "Cache Instance", "APN2-NodeUsage:cache.t3.micro", "Hrs", 0.022,
           instanceType="cache.t3.micro", cacheEngine="Redis"),
        *[_p("AmazonRDS", "Database Instance", f"APN2-InstanceUsage:{size}", "Hrs", usd, instanceType=size,
             databaseEngine=engine, deploymentOption="Single-AZ")
          for engine in ("PostgreSQL", "MySQL", "MariaDB") for size, usd in (("db.t4g.micro", 0.025), ("db.t4g.small", 0.051))],
        _p("AmazonRDS", "Database Instance", "APN2-Multi-AZUsage:db.t4g.micro", "Hrs", 0.05, instanceType="db.t4g.micro",
           databaseEngine="PostgreSQL", deploymentOption="Multi-AZ"),
        _p("AmazonRDS", "Database Storage", "APN2-RDS:GP3-Storage", "GB-Mo", 0.131, volumeType="General Purpose-GP3",
           deploymentOption="Single-AZ"),
        _p("AWSQueueService", "API Request", "APN2-Requests-RBP", "Requests", [(0, 1e6, 0.0), (1e6, 1e11, 0.0000004)],
           queueType="Standard"),
        _p("AWSQueueService", "API Request", "APN2-Requests-FIFO-RBP", "Requests", [(0, 1e6, 0.0), (1e6, 1e11, 0.0000005)],
           queueType="FIFO"),
        _p("AmazonSNS", "API Request", "APN2-Requests-Tier1", "Requests", [(0, 1e6, 0.0), (1e6, "Inf", 0.0000005)]),
        _p("AWSEvents", "EventBridge", "APN2-Event-64K-Chunks", "Events", 0.000001),
        _p("AmazonCloudWatch", "Metric", "APN2-CW:MetricMonitorUsage", "Metrics", 0.3),
    ]
