"""Wiring units for connections of messaging (SQS, SNS, EventBridge, Kinesis, Firehose, Step Functions, MQ)."""

from __future__ import annotations

from .wiring import unit  # noqa: F401
