"""Wiring units for connections of security and observability (IAM, KMS, secrets, WAF, Cognito, alarms)."""

from __future__ import annotations

from .wiring import unit  # noqa: F401
