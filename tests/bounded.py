"""Run a call in a fresh process with a time limit: a regression that hangs fails the test
instead of hanging the whole run (the call and its arguments must be importable / picklable)."""

from __future__ import annotations

import multiprocessing

import pytest
from pebble import ProcessPool


def within(seconds: float, fn, *args):
    """`fn(*args)`'s result, or a test failure if it takes longer than `seconds`."""
    with ProcessPool(1, context=multiprocessing.get_context("spawn")) as pool:
        future = pool.schedule(fn, args=args, timeout=seconds)
        try:
            return future.result()
        except TimeoutError:
            pytest.fail(f"{fn.__name__} did not finish within {seconds:g} s")
