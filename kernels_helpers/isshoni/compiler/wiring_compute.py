"""Wiring units for connections of compute (EC2, Auto Scaling, Lambda, ECR, App Runner)."""

from __future__ import annotations

from .wiring import unit  # noqa: F401
