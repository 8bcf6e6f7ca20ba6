"""The compiler: design -> resolved model -> CloudFormation / Terraform text."""

from __future__ import annotations

from ..design.model import Design
from . import cloudformation, terraform
from .model import Resolved
from .resolve import resolve

FORMATS = ("cloudformation", "cloudformation-json", "terraform")


def generate(design: Design, fmt: str = "cloudformation") -> dict[str, str]:
    """File name -> text for one format (deterministic: same design, same bytes)."""
    resolved = resolve(design)
    return emit(resolved, fmt)


def emit(resolved: Resolved, fmt: str) -> dict[str, str]:
    if fmt in ("cloudformation", "cfn", "yaml"):
        return {"template.yaml": cloudformation.to_yaml(resolved)}
    if fmt in ("cloudformation-json", "json"):
        return {"template.json": cloudformation.to_json(resolved)}
    if fmt in ("terraform", "tf", "hcl"):
        return terraform.files(resolved)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "Resolved", "emit", "generate", "resolve"]
