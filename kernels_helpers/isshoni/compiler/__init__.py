"""The compiler: design -> resolved model -> CloudFormation / Terraform text."""

from __future__ import annotations

import gc
from contextlib import contextmanager

from ..design.model import Design
from . import cloudformation, terraform
from .gcpause import paused_gc
from .model import Resolved
from .resolve import resolve

FORMATS = ("cloudformation", "cloudformation-json", "terraform")


@contextmanager
def no_cyclic_gc():
    """Compiling allocates millions of short-lived containers and makes no reference cycles
    worth collecting: the cyclic collector's passes over them doubled YAML emission time
    (measured: 1.36 s -> 0.60 s for 1,000 resources).  Reference counting still frees
    everything; the collector is back on (and runs) as soon as the block ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@paused_gc
def generate(design: Design, fmt: str = "cloudformation") -> dict[str, str]:
    """File name -> text for one format (deterministic: same design, same bytes)."""
    with no_cyclic_gc():
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


__all__ = ["FORMATS", "Resolved", "emit", "generate", "no_cyclic_gc", "resolve"]
