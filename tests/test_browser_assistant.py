"""Two people on one design in real Chromium; one asks "@isshoni add a Redis cache for
the API" in the chat.  The server's real anthropic SDK talks to the fake Messages API
on 127.0.0.1; both people see the answer stream in and the new node on their canvas,
and either can undo the whole answer with one click."""

from __future__ import annotations

import pytest

from browser import LAB_ARGS, chromium, open_design, screenshot
from fake_anthropic import FakeAnthropic, ToolUse, reply
from isshoni import templates
from rooms import isshoni_server

pytestmark = pytest.mark.browser

PATH = "app.infra.json"
CY = "document.querySelector('.isshoni-Canvas').cy"
ANSWER = ".isshoni-ChatMessage.isshoni-mod-assistant"
GHOST = "_isshoni_proposed-"  # canvas ids of proposed (not yet applied) elements
WATCH_STATUSES = """() => { window.__statuses = new Set();
  const poll = () => { document.querySelectorAll(".isshoni-ChatMessage.isshoni-mod-assistant")
    .forEach(n => window.__statuses.add(n.dataset.status)); setTimeout(poll, 10); };
  poll(); }"""


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser-assistant")
    root = tmp / "work"
    root.mkdir()
    templates.load("chat_canary").save(root / PATH)
    with FakeAnthropic() as api, pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANTHROPIC_API_KEY", "test-key-not-a-secret")
        mp.setenv("ANTHROPIC_BASE_URL", api.base_url)
        with isshoni_server(root, tmp, *LAB_ARGS, lab=True) as (base, token), chromium() as browser:
            a = open_design(browser, base, token, PATH)
            b = open_design(browser, base, token, PATH)
            for page in (a, b):
                page.wait_for_function(f"{CY}.nodes().length >= 22")
            yield {"api": api, "a": a, "b": b}


def test_both_people_see_the_streamed_answer_and_the_new_node(session):
    a, b, api = session["a"], session["b"], session["api"]
    api.add(
        reply("I'll add a Redis cache in a private subnet and let the API's blue service use it.",
              ToolUse("add_resource", {"type": "elasticache_redis", "id": "api_cache", "parent": "private_c",
                                       "label": "API cache"}), delay=0.08),
        reply(ToolUse("connect", {"source": "blue", "target": "api_cache"})),
        reply("Done: the blue service reaches the cache and gets its endpoint as environment.", delay=0.05),
    )
    for page in (a, b):
        page.evaluate(WATCH_STATUSES)
    a.fill(".isshoni-ChatInput", "@isshoni add a Redis cache for the API")
    a.click(".isshoni-ChatSend")
    for page in (a, b):
        page.wait_for_selector(f"{ANSWER}[data-status='done']", timeout=90_000)
        text = page.locator(f"{ANSWER} .isshoni-ChatMessage-text").last.text_content()
        assert text.startswith("I'll add a Redis cache") and "gets its endpoint as environment" in text
        assert "streaming" in page.evaluate("[...window.__statuses]")  # the text arrived in pieces
        page.wait_for_function(f"{CY}.getElementById('api_cache').length === 1", timeout=10_000)
        assert page.locator(f"{ANSWER} .isshoni-ChatMessage-usage").last.text_content().startswith("3 requests")
    screenshot(a, "assistant-answer-a")
    screenshot(b, "assistant-answer-b")
    # either person undoes the whole answer with one click: the node leaves both canvases
    b.locator(f"{ANSWER} .isshoni-ChatUndo").last.click()
    for page in (a, b):
        page.wait_for_function(f"{CY}.getElementById('api_cache').length === 0", timeout=10_000)
        page.wait_for_selector(f"{ANSWER} .isshoni-ChatMessage-note:has-text('undone')", timeout=10_000)
    assert not a.errors and not b.errors
    screenshot(a, "assistant-undone")


def test_a_suggestion_is_drawn_on_both_canvases_and_applied_with_one_click(session):
    a, b, api = session["a"], session["b"], session["api"]
    api.add(
        reply("I suggest a topic that pages the team when the canary's error alarm fires.",
              ToolUse("add_resource", {"type": "sns_topic", "id": "canary_alerts", "label": "Canary alerts",
                                       "properties": {"encrypted": False}})),
        reply(ToolUse("connect", {"source": "errors_5xx", "target": "canary_alerts"})),
        reply("Apply it if you agree."),
    )
    b.fill(".isshoni-ChatInput", "@isshoni suggest a topic for canary alarms")
    b.click(".isshoni-ChatSend")
    ghost = f"{CY}.getElementById('{GHOST}canary_alerts')"
    for page in (a, b):
        page.wait_for_selector(f"{ANSWER}[data-proposal='pending'] .isshoni-ChatApply", timeout=90_000)
        page.wait_for_function(f"{ghost}.length === 1 && {ghost}.hasClass('proposed')", timeout=10_000)
        assert page.evaluate(f"{CY}.getElementById('canary_alerts').length") == 0  # nothing applied yet
        assert page.evaluate(f"{CY}.edges('.proposed').length") == 1
    screenshot(a, "assistant-proposal")
    a.locator(f"{ANSWER} .isshoni-ChatApply").last.click()
    for page in (a, b):
        page.wait_for_function(f"{CY}.getElementById('canary_alerts').length === 1 && {ghost}.length === 0", timeout=10_000)
        page.wait_for_selector(f"{ANSWER} .isshoni-ChatMessage-note:has-text('applied by')", timeout=10_000)
    assert not a.errors and not b.errors
    screenshot(b, "assistant-proposal-applied")
