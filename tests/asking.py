"""Asking the assistant from a test: a config with short limits, one answer run to its end."""

from __future__ import annotations

import asyncio

from isshoni.assistant import Assistant, aask


def short_config(**kw) -> Assistant:
    """Limits a test can wait for (5 s, one retry) and no checks after the answer, unless given."""
    kw.setdefault("timeout", 5.0)
    kw.setdefault("max_retries", 1)
    kw.setdefault("check_after", False)
    return Assistant(**kw)


def ask_with(default: Assistant, doc, prompt: str, **kw) -> dict:
    """One answer, with `default` unless the test gives `config=`."""
    kw.setdefault("author", "alice")
    return asyncio.run(aask(doc, prompt, config=kw.pop("config", default), **kw))
