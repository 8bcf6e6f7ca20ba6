"""A compile pauses Python's cyclic collector and always gives it back (also when it raises,
and to whoever had paused it before)."""

from __future__ import annotations

import gc

import pytest

from isshoni import Design, templates
from isshoni.compiler import generate
from isshoni.compiler.gcpause import paused_gc


def test_a_compile_runs_with_the_collector_paused_and_restores_it():
    seen = []
    paused_gc(lambda: seen.append(gc.isenabled()))()
    assert seen == [False] and gc.isenabled()
    generate(templates.load("chat_canary"))
    assert gc.isenabled()


def test_the_collector_comes_back_after_a_refused_design():
    design = Design(name="bad")
    design.data["resources"]["x"] = {"type": "no_such_type", "properties": {}}
    with pytest.raises(Exception):  # noqa: B017 - any refusal: the point is what follows
        generate(design)
    assert gc.isenabled()


def test_a_caller_that_paused_the_collector_keeps_it_paused():
    gc.disable()
    try:
        generate(templates.load("vpc_basic"))
        assert not gc.isenabled()
    finally:
        gc.enable()
