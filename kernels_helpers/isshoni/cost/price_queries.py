"""How each key of the price table is found in the AWS Price List Query API, as data.

A `Query` names the service code, the TERM_MATCH filters (the region's code is added for
regional services), the usage type's ending that picks one product among those the filters
leave (the API filters only on exact values, and usage types start with a region prefix such
as `USE1-`), the unit the API prices it in, and the factor that turns the API's unit price
into the table's (the table prices Lambda requests per 1M; the API per request).  Keys with
`{placeholders}` (instance types, engines) are matched against the concrete keys a table
already holds, so a refresh updates what the estimates use.  Tiered prices take the first
tier that is not free: the table has no free tier, like the estimates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Query:
    service: str
    filters: tuple = ()  # (field, value) pairs; values may name the key's placeholders
    usagetype_suffix: str = ""
    unit: str = ""  # the API's unit, checked (a different unit means a different product)
    factor: float = 1.0
    regional: bool = True  # False: one price everywhere (CloudFront by edge, Route 53)


_EC2 = (("instanceType", "{instance}"), ("operatingSystem", "Linux"), ("tenancy", "Shared"),
        ("preInstalledSw", "NA"), ("capacitystatus", "Used"))

QUERIES: dict[str, Query] = {
    "lambda.requests": Query("AWSLambda", (("group", "AWS-Lambda-Requests"),), unit="Requests", factor=1e6),
    "lambda.gb_second.x86_64": Query("AWSLambda", (("group", "AWS-Lambda-Duration"),), unit="Lambda-GB-Second"),
    "lambda.gb_second.arm64": Query("AWSLambda", (("group", "AWS-Lambda-Duration-ARM"),), unit="Lambda-GB-Second"),
    "fargate.vcpu_hour": Query("AmazonECS", (), "Fargate-vCPU-Hours:perCPU", "hours"),
    "fargate.gb_hour": Query("AmazonECS", (), "Fargate-GB-Hours", "hours"),
    "ec2.{instance}.hour": Query("AmazonEC2", _EC2, "BoxUsage:{instance}", "Hrs"),
    "vpc.nat_gateway.hour": Query("AmazonEC2", (("productFamily", "NAT Gateway"),), "NatGateway-Hours", "Hrs"),
    "vpc.nat_gateway.gb": Query("AmazonEC2", (("productFamily", "NAT Gateway"),), "NatGateway-Bytes", "GB"),
    "vpc.interface_endpoint.hour": Query("AmazonVPC", (("productFamily", "VpcEndpoint"),), "VpcEndpoint-Hours", "Hrs"),
    "elb.alb.hour": Query("AWSELB", (("productFamily", "Load Balancer-Application"),), "LoadBalancerUsage", "Hrs"),
    "elb.alb.lcu_hour": Query("AWSELB", (("productFamily", "Load Balancer-Application"),), "LCUUsage", "LCU-Hrs"),
    "apigateway.http.requests": Query("AmazonApiGateway", (), "ApiGatewayHttpRequest", "Requests", 1e6),
    "cloudfront.gb": Query("AmazonCloudFront", (("location", "United States"),), "US-DataTransfer-Out-Bytes", "GB",
                           regional=False),
    "cloudfront.https_requests": Query("AmazonCloudFront", (("location", "United States"),), "US-Requests-Tier2-HTTPS",
                                       "Requests", 1e4, regional=False),
    "route53.zone.month": Query("AmazonRoute53", (), "HostedZone", "HostedZone", regional=False),
    "route53.queries": Query("AmazonRoute53", (), "DNS-Queries", "Queries", 1e6, regional=False),
    "dynamodb.write_request": Query("AmazonDynamoDB", (), "WriteRequestUnits", "WriteRequestUnits", 1e6),
    "dynamodb.read_request": Query("AmazonDynamoDB", (), "ReadRequestUnits", "ReadRequestUnits", 1e6),
    "dynamodb.gb_month": Query("AmazonDynamoDB", (("productFamily", "Database Storage"),), "TimedStorage-ByteHrs", "GB-Mo"),
    "s3.standard.gb_month": Query("AmazonS3", (("volumeType", "Standard"),), "TimedStorage-ByteHrs", "GB-Mo"),
    "s3.put_requests": Query("AmazonS3", (("group", "S3-API-Tier1"),), "Requests-Tier1", "Requests", 1e3),
    "s3.get_requests": Query("AmazonS3", (("group", "S3-API-Tier2"),), "Requests-Tier2", "Requests", 1e3),
    "elasticache.{node}.hour": Query("AmazonElastiCache", (("instanceType", "{node}"), ("cacheEngine", "Redis")),
                                     "NodeUsage:{node}", "Hrs"),
    "rds.{engine}.{instance}.hour": Query("AmazonRDS", (("instanceType", "{instance}"), ("databaseEngine", "{engine}"),
                                                        ("deploymentOption", "Single-AZ")), "InstanceUsage:{instance}", "Hrs"),
    "rds.gp3.gb_month": Query("AmazonRDS", (("volumeType", "General Purpose-GP3"), ("deploymentOption", "Single-AZ")),
                              "RDS:GP3-Storage", "GB-Mo"),
    "sqs.standard.requests": Query("AWSQueueService", (("queueType", "Standard"),), "Requests-RBP", "Requests", 1e6),
    "sqs.fifo.requests": Query("AWSQueueService", (("queueType", "FIFO"),), "Requests-FIFO-RBP", "Requests", 1e6),
    "sns.publishes": Query("AmazonSNS", (), "Requests-Tier1", "Requests", 1e6),
    "eventbridge.custom_events": Query("AWSEvents", (), "Event-64K-Chunks", "Events", 1e6),
    "cloudwatch.alarm.month": Query("AmazonCloudWatch", (), "CW:AlarmMonitorUsage", "Alarms"),
}

# the table's engine names as the Price List spells them
ENGINES = {"postgres": "PostgreSQL", "mysql": "MySQL", "mariadb": "MariaDB"}

_PATTERNS = [(re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(k)) + "$"), k) for k in QUERIES]


@dataclass(frozen=True)
class Resolved:
    key: str
    query: Query
    filters: tuple  # concrete (field, value) pairs
    usagetype_suffix: str


def resolve(key: str) -> Resolved | None:
    """The concrete query for a table key, or None when the API has no known place for it."""
    for pattern, template in _PATTERNS:
        found = pattern.match(key)
        if not found:
            continue
        values = dict(found.groupdict())
        if "engine" in values:
            if values["engine"] not in ENGINES:
                return None
            values["engine"] = ENGINES[values["engine"]]
        query = QUERIES[template]
        filters = tuple((name, value.format(**values)) for name, value in query.filters)
        return Resolved(key, query, filters, query.usagetype_suffix.format(**values))
    return None
