"""The deploy engines by name."""

from __future__ import annotations

from .base import Cancelled, Context, DeployFailed, Engine, Found, NotOurs

ENGINES = ("cloudformation", "terraform")


def get(name: str) -> Engine:
    if name == "cloudformation":
        from .cloudformation import CloudFormation

        return CloudFormation()
    if name == "terraform":
        from .terraform import Terraform

        return Terraform()
    raise ValueError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")


__all__ = ["ENGINES", "Cancelled", "Context", "DeployFailed", "Engine", "Found", "NotOurs", "get"]
