"""Import synthetic CloudFormation templates of 100, 500 and 1,000 resources, and Terraform plans
(`terraform show -json`) of 100, 500, 1,000 and 2,000 resources (issue 15).

Each template is made of cells of catalog types as people write them (a VPC, SQS queues and
SNS topics the catalog reproduces, SNS subscriptions and a DynamoDB table kept generic, a
queue with a parameter default): per size it prints the import time (parse, lift, validate,
the compiler's check that regenerating adds nothing), the time per resource (linear growth
keeps it flat) and the report's counts.  The plans are cells of a VPC and subnets referring to it
by id (a module's), queues and topics with `count` addresses, and a named queue kept generic.
Goals: a 500-resource template and a 1,000-resource plan each under 2 s.

    python benchmarks/bench_import.py [--sizes 100,500,1000] [--plan-sizes 100,500,1000,2000] [--compiled-sizes 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from isshoni.importers.dispatch import import_text

CELL = 10


def cell(i: int) -> list[str]:
    n = f"{i:04d}"
    return [
        f"  Net{n}:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.{i % 250}.0.0/16\n"
        "      EnableDnsHostnames: true\n      EnableDnsSupport: true",
        f"  Jobs{n}:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: !Ref Timeout",
        f"  Done{n}:\n    Type: AWS::SQS::Queue\n    Properties:\n      MessageRetentionPeriod: 86400",
        f"  Slow{n}:\n    Type: AWS::SQS::Queue\n    Properties:\n      ReceiveMessageWaitTimeSeconds: 20",
        f"  Alerts{n}:\n    Type: AWS::SNS::Topic",
        f"  Events{n}:\n    Type: AWS::SNS::Topic",
        f"  ToJobs{n}:\n    Type: AWS::SNS::Subscription\n    Properties:\n      TopicArn: !Ref Alerts{n}\n"
        f"      Protocol: sqs\n      Endpoint: !GetAtt Jobs{n}.Arn",
        f"  ToDone{n}:\n    Type: AWS::SNS::Subscription\n    Properties:\n      TopicArn: !Ref Events{n}\n"
        f"      Protocol: sqs\n      Endpoint: !GetAtt Done{n}.Arn",
        f"  Table{n}:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      BillingMode: PAY_PER_REQUEST\n"
        "      AttributeDefinitions:\n        - {AttributeName: pk, AttributeType: S}\n"
        "      KeySchema:\n        - {AttributeName: pk, KeyType: HASH}",
        f"  Log{n}:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: 30",
    ]


def template(size: int) -> str:
    body = [line for i in range(size // CELL) for line in cell(i)]
    return ("AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Timeout:\n    Type: Number\n    Default: 60\n"
            "Resources:\n" + "\n".join(body) + "\n")


def plan_cell(i: int) -> tuple[list, list]:
    """(planned resources, configuration resources) of one 10-resource cell of a plan after a deploy."""
    module = f"module.net{i}"
    vpc_id = f"vpc-{i:08x}"
    planned = [{"address": f"{module}.aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
                "values": {"id": vpc_id, "arn": f"arn:aws:ec2:us-east-1:123456789012:vpc/{vpc_id}",
                           "cidr_block": f"10.{i % 250}.0.0/16", "enable_dns_hostnames": True, "enable_dns_support": True,
                           "tags": {"Name": f"net-{i}"}, "owner_id": "123456789012"}}]
    planned += [{"address": f'aws_subnet.app{i}["{z}"]', "mode": "managed", "type": "aws_subnet", "name": f"app{i}",
                 "index": z, "values": {"id": f"subnet-{i:06x}{n}", "vpc_id": vpc_id, "cidr_block": f"10.{i % 250}.{n}.0/24",
                                        "availability_zone": f"us-east-1{z}", "map_public_ip_on_launch": False}}
                for n, z in enumerate("ab")]
    planned += [{"address": f"aws_sqs_queue.work{i}[{n}]", "mode": "managed", "type": "aws_sqs_queue", "name": f"work{i}",
                 "index": n, "values": {"id": f"https://sqs/{i}-{n}", "visibility_timeout_seconds": 45, "delay_seconds": 0}}
                for n in range(3)]
    planned += [{"address": f"aws_sns_topic.events{i}[{n}]", "mode": "managed", "type": "aws_sns_topic",
                 "name": f"events{i}", "index": n, "values": {"id": f"arn:aws:sns:us-east-1:123456789012:t{i}-{n}"}}
                for n in range(3)]
    planned.append({"address": f"aws_sqs_queue.named{i}", "mode": "managed", "type": "aws_sqs_queue", "name": f"named{i}",
                    "values": {"name": f"named-{i}", "message_retention_seconds": 86400}})
    configuration = [
        {"address": f"aws_subnet.app{i}", "mode": "managed", "type": "aws_subnet", "name": f"app{i}", "expressions": {
            "vpc_id": {"references": [f"{module}.vpc_id", module]}, "cidr_block": {}, "availability_zone": {}}},
        {"address": f"aws_sqs_queue.work{i}", "mode": "managed", "type": "aws_sqs_queue", "name": f"work{i}",
         "expressions": {"visibility_timeout_seconds": {"constant_value": 45}}},
        {"address": f"aws_sns_topic.events{i}", "mode": "managed", "type": "aws_sns_topic", "name": f"events{i}",
         "expressions": {}},
        {"address": f"aws_sqs_queue.named{i}", "mode": "managed", "type": "aws_sqs_queue", "name": f"named{i}",
         "expressions": {"name": {"constant_value": f"named-{i}"}, "message_retention_seconds": {"constant_value": 86400}}},
    ]
    return planned, configuration


def plan(size: int) -> str:
    import json

    root, calls, resources, configured = [], {}, [], []
    for i in range(size // CELL):
        planned, configuration = plan_cell(i)
        root.append({"address": f"module.net{i}", "resources": planned[:1]})
        resources += planned[1:]
        configured += configuration
        calls[f"net{i}"] = {"source": "./modules/net", "module": {"resources": [
            {"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main", "expressions": {
                "cidr_block": {}, "enable_dns_hostnames": {}, "enable_dns_support": {}, "tags": {}}}]}}
    return json.dumps({"format_version": "1.2", "planned_values": {"root_module": {"resources": resources, "child_modules": root}},
                       "configuration": {"root_module": {"resources": configured, "module_calls": calls}}})


def compiled(size: int) -> str:
    """The compile benchmark's synthetic design (VPCs, subnets, gateways, ALBs, ECS services, tables, buckets,
    caches and their connections) compiled to CloudFormation: what re-importing Isshoni's own output costs."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_compile import synthetic
    from isshoni.compiler import generate

    return generate(synthetic(size))["template.yaml"]


def _measure(label: str, sizes: str, make, repeat: int) -> None:
    print(f"{label} (best of {repeat}; the median after the counts)\n{'resources':>9}  {'import s':>9}  {'ms/resource':>11}  counts")
    for size in (int(s) for s in sizes.split(",")):
        text = make(size)
        times, report = [], None
        for _ in range(repeat):
            started = time.perf_counter()
            report = import_text(text, source=f"synthetic-{size}").report
            times.append(time.perf_counter() - started)
        best = min(times)
        counts = {k: v for k, v in report.counts().items() if v}
        print(f"{size:>9}  {best:>9.2f}  {best / size * 1000:>11.2f}  {counts} (median {statistics.median(times):.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500,1000")
    parser.add_argument("--plan-sizes", default="100,500,1000,2000")
    parser.add_argument("--compiled-sizes", default="1000", help="designs of bench_compile.synthetic, compiled ('' to skip)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import_text(template(CELL), source="warm-up")  # imports, registry profiles, compiled schemas
    import_text(plan(CELL), source="warm-up")
    _measure("CloudFormation templates", args.sizes, template, args.repeat)
    _measure("Terraform plans (terraform show -json)", args.plan_sizes, plan, args.repeat)
    if args.compiled_sizes:
        _measure("Synthetic designs compiled to CloudFormation, imported back", args.compiled_sizes, compiled, args.repeat)


if __name__ == "__main__":
    main()
