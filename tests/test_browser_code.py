"""The code view beside the design, in real Chromium (issue 16 item 5).

- The generated code is JupyterLab's CodeMirror editor: read-only, highlighted, searchable.
- Selecting a node scrolls the code to its block and marks it, in CloudFormation YAML and in
  Terraform; clicking inside a block selects the node that made it.
- "Show Code Beside the Canvas" docks the code as its own tab to the right of the design, with
  the inspector still in view, and the selection follows both ways there too.
Screenshots go to test-artifacts/code-*.png.
"""

from __future__ import annotations

import pytest

from browser import LAB_ARGS, chromium, open_design, screenshot, this_checkout
from isshoni import templates
from rooms import isshoni_server

pytestmark = pytest.mark.browser

PATH = "code.infra.json"
CY = "document.querySelector('.isshoni-Canvas').cy"
PANEL = "window.jupyterapp.shell.currentWidget.content"
CTX = f"{PANEL}.designContext"
TAB = ".isshoni-InfraDocument .isshoni-CodePanel"
BESIDE = ".isshoni-CodeBeside"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("code")
    root = tmp / "work"
    root.mkdir()
    templates.load("chat_canary").save(root / PATH)
    with isshoni_server(root, tmp, *LAB_ARGS, this_checkout(tmp), lab=True) as (base, token), chromium() as browser:
        page = open_design(browser, base, token, PATH)
        page.wait_for_function(f"{CY}.nodes().length >= 22")
        page.ctx = page.evaluate_handle(CTX)
        yield page
        screenshot(page, "code-final")
        assert not page.errors, page.errors


def select(page, node: str) -> None:
    page.ctx.evaluate("(ctx, id) => ctx.select([id])", node)


def wait_selected(page, node: str) -> None:
    page.wait_for_function("([ctx, id]) => ctx.selection.join() === id", arg=[page.ctx, node], timeout=5_000)


def wait_generated(page, scope: str, fmt: str, file: str) -> None:
    page.wait_for_function(
        """([scope, fmt, file]) => { const host = document.querySelector(scope + ' .isshoni-Code');
             const status = document.querySelector(scope + ' .isshoni-CodePanel-status');
             return host && host.dataset.format === fmt && host.dataset.file === file
               && / lines$/.test(status.textContent) && host.querySelector('.cm-line'); }""",
        arg=[scope, fmt, file],
        timeout=60_000,
    )


def marked_in_view(page, scope: str, head: str) -> dict:
    """The marked line whose text starts with `head`: is it drawn inside the visible editor, and how
    many lines are marked (CodeMirror draws only the lines near the view)."""
    return page.evaluate(
        """([scope, head]) => { const host = document.querySelector(scope + ' .isshoni-Code');
             const scroller = host.querySelector('.cm-scroller').getBoundingClientRect();
             const marked = [...host.querySelectorAll('.cm-line.isshoni-Code-marked')];
             const line = marked.find(l => l.textContent.startsWith(head));
             if (!line) return {found: false, marked: marked.length};
             const r = line.getBoundingClientRect();
             return {found: true, marked: marked.length, inside: r.top >= scroller.top && r.bottom <= scroller.bottom,
                     background: getComputedStyle(line).backgroundColor}; }""",
        [scope, head],
    )


def wait_marked(page, scope: str, head: str) -> dict:
    page.wait_for_function(
        """([scope, head]) => [...document.querySelectorAll(scope + ' .isshoni-Code .cm-line.isshoni-Code-marked')]
             .some(l => l.textContent.startsWith(head))""",
        arg=[scope, head],
        timeout=15_000,
    )
    page.wait_for_timeout(300)  # CodeMirror measures and scrolls in the next frames
    return marked_in_view(page, scope, head)


def click_inside_block(page, scope: str, head: str, below: int = 3) -> None:
    """Bring the block starting with `head` into view (scrolling the editor as a user would) and
    click a line a few lines below its head."""
    page.evaluate(
        """([scope, head]) => { const host = document.querySelector(scope + ' .isshoni-Code');
             const view = host.querySelector('.cm-content').cmView.view;
             const doc = view.state.doc; let n = 1;
             while (n <= doc.lines && !doc.line(n).text.startsWith(head)) n++;
             view.scrollDOM.scrollTop = view.lineBlockAt(doc.line(n).from).top - 40; }""",
        [scope, head],
    )
    page.wait_for_timeout(300)
    line = page.locator(f"{scope} .isshoni-Code .cm-line", has_text=head).first
    target = line.locator(f"xpath=following-sibling::div[{below}]")
    target.click()


def test_the_code_is_codemirror_read_only_and_highlighted(page):
    page.locator(".isshoni-SideTabs .lm-TabBar-tab", has_text="Code").click()
    wait_generated(page, TAB, "cloudformation", "template.yaml")
    editor = page.locator(f"{TAB} .cm-editor")
    assert editor.count() == 1
    assert page.locator(f"{TAB} .cm-content").get_attribute("aria-readonly") == "true"
    assert page.locator(f"{TAB} .cm-lineNumbers").count() == 1
    # YAML highlighted by JupyterLab's language: keys and strings in their own token spans
    assert page.locator(f"{TAB} .cm-line span[class]").count() > 10
    before = page.ctx.evaluate("ctx => ctx.doc.resources.redis.properties")
    page.locator(f"{TAB} .cm-content").click()
    page.keyboard.type("xyz")
    assert "xyz" not in page.locator(f"{TAB} .cm-content").text_content()
    assert page.ctx.evaluate("ctx => ctx.doc.resources.redis.properties") == before
    # CodeMirror's search panel
    page.keyboard.press("Control+f")
    page.wait_for_selector(f"{TAB} .cm-search", timeout=5_000)
    page.keyboard.type("ReplicationGroup")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"{TAB} .cm-searchMatch", timeout=5_000)
    screenshot(page, "code-1-search")
    page.keyboard.press("Escape")
    page.wait_for_selector(f"{TAB} .cm-search", state="detached", timeout=5_000)


def test_selecting_a_node_scrolls_to_and_marks_its_block(page):
    select(page, "redis")
    seen = wait_marked(page, TAB, "  Redis:")
    screenshot(page, "code-2-redis-yaml")
    assert seen["inside"], seen
    assert seen["marked"] > 20, seen  # the whole replication group, not one line
    assert seen["background"] not in ("rgba(0, 0, 0, 0)", "transparent"), seen
    page.locator(f"{TAB} .isshoni-CodePanel-format", has_text="Terraform").click()
    wait_generated(page, TAB, "terraform", "main.tf")
    seen = wait_marked(page, TAB, 'resource "aws_elasticache_replication_group" "redis"')
    screenshot(page, "code-3-redis-terraform")
    assert seen["inside"], seen
    assert marked_in_view(page, TAB, 'resource "aws_dynamodb_table" "messages"')["found"] is False


def test_clicking_inside_a_block_selects_its_node(page):
    click_inside_block(page, TAB, 'resource "aws_dynamodb_table" "messages"')
    wait_selected(page, "messages")
    assert page.evaluate(f"{CY}.getElementById('messages').selected()")
    seen = marked_in_view(page, TAB, 'resource "aws_dynamodb_table" "messages"')
    assert seen["found"] and seen["inside"], seen  # marked where it was clicked, without jumping
    screenshot(page, "code-4-messages-clicked")


def test_code_beside_the_canvas_with_the_inspector_in_view(page):
    page.locator(f"{TAB} .isshoni-CodePanel-beside").click()
    wait_generated(page, BESIDE, "cloudformation", "template.yaml")
    page.locator(".isshoni-SideTabs .lm-TabBar-tab", has_text="Properties").click()
    canvas = page.locator(".isshoni-Canvas").bounding_box()
    beside = page.locator(BESIDE).bounding_box()
    inspector = page.locator(".isshoni-InfraDocument .isshoni-Inspector").bounding_box()
    assert beside["x"] >= canvas["x"] + canvas["width"], (canvas, beside)  # docked to the right
    assert inspector["width"] > 150 and beside["width"] > 400, (inspector, beside)  # both in view
    # the selection made on the canvas side (messages) is marked there
    seen = wait_marked(page, BESIDE, "  Messages:")
    assert seen["inside"], seen
    select(page, "redis")
    seen = wait_marked(page, BESIDE, "  Redis:")
    screenshot(page, "code-5-beside-redis")
    assert seen["inside"], seen
    assert page.locator(".isshoni-InfraDocument .isshoni-Inspector").text_content().count("redis") >= 1
    click_inside_block(page, BESIDE, "  Messages:")
    wait_selected(page, "messages")
    screenshot(page, "code-6-beside-messages-clicked")
    # asked again (command or button): the same tab comes forward, no second one
    page.evaluate("window.jupyterapp.shell.activateById(document.querySelector('.isshoni-InfraDocument').id)")
    page.evaluate("window.jupyterapp.commands.execute('isshoni:show-code-beside')")
    page.wait_for_timeout(300)
    assert page.locator(BESIDE).count() == 1


def test_the_inspector_shows_readable_titles_with_the_key_in_the_tooltip(page):
    select(page, "redis")
    label = page.locator(".isshoni-InfraDocument .isshoni-Inspector .jp-FormGroup-fieldLabel[data-property-label='node_type']")
    label.wait_for(timeout=5_000)
    assert label.text_content() == "Node type"
    assert label.get_attribute("title") == "node_type"
    check = page.locator(".isshoni-InfraDocument .isshoni-Inspector label[data-property-label='automatic_failover']")
    assert "Automatic failover" in check.text_content() and check.get_attribute("title") == "automatic_failover"
    texts = page.locator(".isshoni-InfraDocument .isshoni-Inspector .jp-FormGroup-fieldLabel").all_text_contents()
    assert texts and not [t for t in texts if "_" in t], texts  # no snake_case left
    screenshot(page, "code-7-inspector-titles")
