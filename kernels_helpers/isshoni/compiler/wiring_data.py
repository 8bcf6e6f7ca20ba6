"""Wiring units for connections of data stores (RDS, Aurora, EFS, OpenSearch, Memcached)."""

from __future__ import annotations

from .wiring import unit  # noqa: F401
