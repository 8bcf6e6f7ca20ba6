"""The compiler: design -> resolved model -> CloudFormation / Terraform text."""

from __future__ import annotations

import gc
from contextlib import contextmanager

from ..design.model import Design
from . import cloudformation, terraform
from .code_ranges import Ranges, code_ranges
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


@paused_gc
def generate_mapped(design: Design, fmt: str = "cloudformation") -> tuple[dict[str, str], Ranges]:
    """The files and, per file, the lines each design id produced (the code view's highlight)."""
    with no_cyclic_gc():
        resolved = resolve(design)
        files = emit(resolved, fmt)
        return files, code_ranges(resolved, fmt, files)


def emit(resolved: Resolved, fmt: str) -> dict[str, str]:
    if fmt in ("cloudformation", "cfn", "yaml"):
        return {"template.yaml": cloudformation.to_yaml(resolved)}
    if fmt in ("cloudformation-json", "json"):
        return {"template.json": cloudformation.to_json(resolved)}
    if fmt in ("terraform", "tf", "hcl"):
        return terraform.files(resolved)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "Ranges", "Resolved", "emit", "generate", "generate_mapped", "no_cyclic_gc", "resolve"]
