"""Messaging: SQS, SNS, EventBridge, Kinesis, Step Functions."""

TYPES = ()
