"""Compiling builds many small, short-lived objects next to a large live graph (the resolved
parts), so Python's cyclic collector keeps walking that graph while nothing it holds is
garbage: measured at 1,000 resources, a quarter to a third of resolve and Terraform time.
A compile pauses the collector and restores it afterwards (reference counting still frees
everything at once; any cycles are collected at the next collection after it)."""

from __future__ import annotations

import functools
import gc


def paused_gc(fn):
    """Run `fn` with the cyclic collector paused (nested calls leave it to the outermost)."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        if not gc.isenabled():
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.enable()

    return run
