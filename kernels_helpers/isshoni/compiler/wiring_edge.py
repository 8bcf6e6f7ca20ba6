"""Wiring units for connections of the edge and networking (NLB, Route 53, CloudFront, API Gateway)."""

from __future__ import annotations

from .wiring import unit  # noqa: F401
