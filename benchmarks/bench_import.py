"""Import synthetic CloudFormation templates of 100, 500 and 1,000 resources (issue 15).

Each template is made of cells of catalog types as people write them (a VPC, SQS queues and
SNS topics the catalog reproduces, SNS subscriptions and a DynamoDB table kept generic, a
queue with a parameter default): per size it prints the import time (parse, lift, validate,
the compiler's check that regenerating adds nothing), the time per resource (linear growth
keeps it flat) and the report's counts.  Goal: 500 resources under 2 s.

    python benchmarks/bench_import.py [--sizes 100,500,1000] [--repeat 3]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500,1000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import_text(template(CELL), source="warm-up")  # imports, registry profiles, compiled schemas
    print(f"{'resources':>9}  {'import s':>9}  {'ms/resource':>11}  counts")
    for size in (int(s) for s in args.sizes.split(",")):
        text = template(size)
        times, report = [], None
        for _ in range(args.repeat):
            started = time.perf_counter()
            report = import_text(text, source=f"synthetic-{size}").report
            times.append(time.perf_counter() - started)
        best = min(times)
        counts = {k: v for k, v in report.counts().items() if v}
        print(f"{size:>9}  {best:>9.2f}  {best / size * 1000:>11.2f}  {counts} (median {statistics.median(times):.2f} s)")


if __name__ == "__main__":
    main()
