"""Reading and reviewing a design on the canvas, in real Chromium (issue 16 items 3, 5 and 6).

- Opening a design, and edits once the room has saved them, leave no unsaved mark on the tab
  (the file and the design agree); closing right after an edit saves instead of asking.
- After Fit on chat_canary every label is drawn at least 10 px tall (font size x zoom, as
  cytoscape renders it); connections carry words from the catalog's meaning of the link.
- Zoomed in, a node's settings show under its name (level of detail), its label drawn whole.
- Dragging a node selects it; a subnet dropped across another subnet snaps back with a message.
- The full check runs one request per tool and says which tools are still running; findings are
  grouped by node; clicking a group brings its node into view at a readable zoom.
Screenshots of each step go to test-artifacts/review-*.png.
"""

from __future__ import annotations

import pytest

from browser import LAB_ARGS, chromium, open_design, run, screenshot, this_checkout
from isshoni import Design, templates
from rooms import isshoni_server

pytestmark = pytest.mark.browser

PATH = "review.infra.json"
CY = "document.querySelector('.isshoni-Canvas').cy"
CANVAS = "document.querySelector('.isshoni-Canvas').isshoniCanvas"
PANEL = "window.jupyterapp.shell.currentWidget.content"
DOC = f"{PANEL}.designContext.doc"
CTX = f"{PANEL}.designContext"
DIRTY_TAB = ".lm-TabBar-tab.jp-mod-current.jp-mod-dirty"
SAVE_DELAY = "--YDocExtension.document_save_delay=3"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("review")
    root = tmp / "work"
    root.mkdir()
    templates.load("chat_canary").save(root / PATH)
    # the room saves 3 s after the last edit: long enough to see the unsaved mark, and to close before the save
    with isshoni_server(root, tmp, *LAB_ARGS, SAVE_DELAY, this_checkout(tmp), lab=True) as (base, token), chromium() as browser:
        page = open_design(browser, base, token, PATH)
        page.wait_for_function(f"{CY}.nodes().length >= 22")
        page.root = root
        yield page
        screenshot(page, "review-final")
        assert not page.errors, page.errors


def labels_below(page, px: float) -> list:
    """Drawn labels smaller than `px` screen pixels: [id, font size, zoom] for each."""
    return page.evaluate(
        """([cyExpr, px]) => { const cy = eval(cyExpr); const z = cy.zoom(); const out = [];
             cy.elements().forEach(e => {
               if (!e.visible() || !e.data('label') && !e.data('display')) return;
               const size = e.pstyle('font-size').pfValue;
               if (size * z < px) out.push([e.id(), size, z]);
             });
             return out; }""",
        [CY, px],
    )


def test_opening_leaves_no_unsaved_mark(page):
    page.wait_for_timeout(2_500)  # the first checks, presence and the room's first messages have come and gone
    screenshot(page, "review-1-opened")
    assert page.locator(".lm-TabBar-tab.jp-mod-current").count() == 1
    assert page.locator(DIRTY_TAB).count() == 0


def test_an_edit_marks_the_tab_until_the_room_saved_it(page):
    page.evaluate(f"{DOC}.setLabel('redis', 'Session cache')")
    page.wait_for_selector(DIRTY_TAB, timeout=5_000)  # unsaved for a moment: truthful
    page.wait_for_selector(DIRTY_TAB, state="detached", timeout=15_000)  # saved by the room: clean again
    on_disk = Design.load(page.root / PATH)
    assert on_disk.resources["redis"]["label"] == "Session cache"


def test_fit_keeps_every_label_readable(page):
    page.evaluate("window.jupyterapp.commands.execute('isshoni:fit')")
    page.wait_for_timeout(500)
    screenshot(page, "review-2-fit")
    assert page.evaluate(f"{CY}.zoom()") >= 10 / 11 - 1e-9
    assert labels_below(page, 10) == []
    # nodes stay big enough to see what they are
    icon = page.evaluate(f"{CY}.getElementById('redis').renderedHeight()")
    assert icon >= 30


def test_connections_say_what_the_link_means(page):
    labels = page.evaluate(f"Object.fromEntries({CY}.edges().map(e => [e.id(), e.data('label')]))")
    connections = page.evaluate(f"{DOC}.connections")
    by_pair = {(c["source"], c["target"]): labels[cid] for cid, c in connections.items()}
    blue = next(label for (s, t), label in by_pair.items() if s == "alb" and t == "blue")
    assert blue.startswith("routes requests") and "blue" in blue
    table = next(label for (s, t), label in by_pair.items() if s == "blue" and t == "messages")
    assert table.startswith("uses") and ("read" in table or "write" in table)
    assert all(labels[cid] for cid in connections if not connections[cid].get("label")), labels


def test_a_load_balancer_says_it_spans_both_public_subnets(page):
    display = page.evaluate(f"{CY}.getElementById('alb').data('display')")
    assert "spans 2 subnets" in display, display
    page.evaluate(f"{CTX}.select(['alb'])")
    page.wait_for_function(f"{CY}.getElementById('public_c').hasClass('spanned')")
    assert not page.evaluate(f"{CY}.getElementById('private_c').hasClass('spanned')")
    run(page, f"{CY}.center({CY}.getElementById('alb'))")
    screenshot(page, "review-2b-alb-spans")
    page.evaluate(f"{CTX}.select([])")
    page.wait_for_function(f"!{CY}.getElementById('public_c').hasClass('spanned')")


def test_zoomed_in_a_node_shows_its_settings_under_its_name(page):
    label = f"{CY}.getElementById('redis').pstyle('label').strValue"
    run(page, f"{CY}.zoom({{level: 1.0, position: {CY}.getElementById('redis').position()}})")
    page.wait_for_timeout(500)  # labels change level once the view has been still for a moment
    far = page.evaluate(label)
    run(page, f"{CY}.zoom({{level: 1.6, position: {CY}.getElementById('redis').position()}})")
    run(page, f"{CY}.center({CY}.getElementById('redis'))")
    page.wait_for_function(f"(far) => {label} !== far", arg=far, timeout=5_000)
    page.wait_for_timeout(100)
    near = page.evaluate(label)
    # the label is drawn whole: its measured box is the one a fresh measurement gives (labels
    # rewritten between the zoom and the pan of one tick kept their old height, a line cut off)
    drawn, fresh = page.evaluate(
        """([cyExpr]) => { const n = eval(cyExpr).getElementById('redis');
             const h = () => { const b = n.boundingBox({includeNodes: false, includeLabels: true}); return b.h; };
             const before = h(); n.updateStyle(); return [before, h()]; }""",
        [CY],
    )
    assert abs(drawn - fresh) < 0.5, (drawn, fresh)
    screenshot(page, "review-2c-zoomed-in")
    assert far.split("\n")[0] == near.split("\n")[0] and len(near) > len(far), (far, near)
    assert "cache." in near or "nodes" in near, near  # its node type or size


def test_dragging_a_node_selects_it(page):
    page.evaluate(f"{CTX}.select(['alb'])")
    page.wait_for_timeout(600)  # an off-screen selection is brought into view (animated)
    run(page, f"{CY}.center({CY}.getElementById('messages'))")
    box = page.evaluate(
        """([cyExpr]) => { const cy = eval(cyExpr); const n = cy.getElementById('messages');
             const p = n.renderedPosition(); const r = cy.container().getBoundingClientRect();
             return {x: r.left + p.x, y: r.top + p.y}; }""",
        [CY],
    )
    page.mouse.move(box["x"], box["y"])
    page.mouse.down()
    page.mouse.move(box["x"] + 30, box["y"] + 20, steps=8)
    page.mouse.up()
    page.wait_for_function(f"{CTX}.selection.join() === 'messages'", timeout=5_000)
    screenshot(page, "review-3-dragged")


def test_a_subnet_dropped_across_another_snaps_back(page):
    # both subnets in view; grab private_a by its frame (a point inside its box, off its children)
    run(page, f"{CY}.fit({CY}.getElementById('private_a').union({CY}.getElementById('public_a')), 80)")
    # the labels change level a moment after the fit, and the subnets' boxes change with them: a
    # point taken from the boxes before that can be outside the subnet when the mouse goes down
    page.wait_for_function(f"{CANVAS}.labelsSettled", timeout=5_000)
    before = page.evaluate(f"{DOC}.toJSON().resources")
    grab = page.evaluate(
        """([cyExpr]) => { const cy = eval(cyExpr); const s = cy.getElementById('private_a');
             const b = s.boundingBox({includeLabels: false, includeOverlays: false});
             const r = cy.container().getBoundingClientRect(); const z = cy.zoom(), pan = cy.pan();
             // a point where cytoscape's own hit test finds the subnet (not a child, not an edge)
             for (let y = b.y2 - 6; y > b.y1; y -= 6) for (let x = b.x1 + 6; x < b.x2; x += 6) {
               const hit = cy.renderer().findNearestElement(x, y, true, false);
               if (hit && hit.id() === 'private_a') return {x: r.left + pan.x + x * z, y: r.top + pan.y + y * z}; }
             return null; }""",
        [CY],
    )
    assert grab, "no free point inside the subnet's box"
    # the drag that puts private_a's centre on public_a's centre
    delta = page.evaluate(
        """([cyExpr]) => { const cy = eval(cyExpr); const a = cy.getElementById('private_a').renderedPosition();
             const b = cy.getElementById('public_a').renderedPosition(); return {x: b.x - a.x, y: b.y - a.y}; }""",
        [CY],
    )
    page.mouse.move(grab["x"], grab["y"])
    page.mouse.down()
    assert page.evaluate(f"{CY}.getElementById('private_a').grabbed()"), "the mouse went down beside the subnet"
    page.mouse.move(grab["x"] + delta["x"] / 2, grab["y"] + delta["y"] / 2, steps=6)
    page.mouse.move(grab["x"] + delta["x"], grab["y"] + delta["y"], steps=6)
    page.wait_for_function(f"{CY}.getElementById('public_a').hasClass('drop-bad')", timeout=5_000)
    screenshot(page, "review-3b-subnet-across-subnet-marked")
    page.mouse.up()
    toast = page.locator(".isshoni-Canvas-toast", has_text="would cross")
    toast.first.wait_for(timeout=5_000)
    assert "Public" in toast.first.text_content()
    screenshot(page, "review-3c-subnet-snapped-back")
    assert page.evaluate(f"{DOC}.toJSON().resources") == before  # nothing written
    crossing = page.evaluate(
        """([cyExpr]) => { const cy = eval(cyExpr); const x = cy.getElementById('private_a').boundingBox({includeLabels: false, includeOverlays: false});
             const y = cy.getElementById('public_a').boundingBox({includeLabels: false, includeOverlays: false});
             return x.x1 < y.x2 && y.x1 < x.x2 && x.y1 < y.y2 && y.y1 < x.y2; }""",
        [CY],
    )
    assert not crossing  # drawn where the design says again


def test_full_check_streams_per_tool_and_a_group_click_brings_the_node_into_view(page):
    page.evaluate("window.jupyterapp.commands.execute('isshoni:fit')")
    page.locator(".lm-TabBar-tab", has_text="Findings").first.click()
    page.locator(".isshoni-FindingsPanel-check").click()
    status = page.locator(".isshoni-FindingsPanel-status")
    page.wait_for_function(
        "document.querySelector('.isshoni-FindingsPanel-status').textContent.includes('still running')", timeout=10_000
    )
    screenshot(page, "review-4-checking")
    page.wait_for_function(
        "document.querySelector('.isshoni-FindingsPanel-check').textContent === 'Check'", timeout=240_000
    )
    assert "checked at" in status.text_content()
    groups = page.locator(".isshoni-FindingGroup.isshoni-mod-link")
    assert groups.count() >= 5  # checkov's accepted risks, one group per node
    names = page.locator(".isshoni-FindingGroup").all_text_contents()
    assert len(names) == len(set(names))  # one heading per node
    redis = page.locator(".isshoni-FindingGroup[data-resource='redis']")
    redis.click()
    page.wait_for_function(f"{CTX}.selection.join() === 'redis'")
    page.wait_for_timeout(600)  # the animation
    view = page.evaluate(
        """([cyExpr]) => { const cy = eval(cyExpr); const n = cy.getElementById('redis'); const e = cy.extent();
             const b = n.boundingBox({}); const r = n.renderedBoundingBox({});
             return {zoom: cy.zoom(), inside: b.x1 >= e.x1 && b.x2 <= e.x2 && b.y1 >= e.y1 && b.y2 <= e.y2,
                     dx: Math.abs((r.x1 + r.x2) / 2 - cy.width() / 2), dy: Math.abs((r.y1 + r.y2) / 2 - cy.height() / 2)}; }""",
        [CY],
    )
    screenshot(page, "review-5-finding-clicked")
    assert view["inside"] and view["zoom"] >= 1.2, view
    assert view["dx"] < 5 and view["dy"] < 5, view  # centred (the node with its name)


def outside_every_container(page, rid: str) -> bool:
    return page.evaluate(
        """([cyExpr, id]) => { const cy = eval(cyExpr); const p = cy.getElementById(id).position();
             return cy.nodes('.container').every(c => { const b = c.boundingBox({includeLabels: false, includeOverlays: false});
               return !(p.x >= b.x1 && p.x <= b.x2 && p.y >= b.y1 && p.y <= b.y2); }); }""",
        [CY, rid],
    )


def test_palette_adds_land_where_the_model_puts_them(page):
    # the view's centre over the VPC: a bucket (no container) goes beside it, not on top of it
    run(page, f"{CY}.center({CY}.getElementById('vpc'))")
    page.evaluate(f"{CTX}.select([])")
    before = set(page.evaluate(f"Object.keys({DOC}.resources)"))
    page.fill(".isshoni-Palette input", "s3")
    page.locator(".isshoni-PaletteItem[data-type='s3_bucket']").first.dblclick()
    page.wait_for_function(f"(n) => Object.keys({DOC}.resources).length === n", arg=len(before) + 1)
    bucket = (set(page.evaluate(f"Object.keys({DOC}.resources)")) - before).pop()
    assert page.evaluate(f"(id) => {DOC}.resource(id).parent", bucket) is None
    page.wait_for_function(f"(id) => {CY}.getElementById(id).length === 1", arg=bucket)
    assert outside_every_container(page, bucket)
    screenshot(page, "review-6-bucket-beside-the-vpc")
    # a container selected: the new node goes inside it, on free space, outside the subnets nested in it
    page.evaluate(f"{CTX}.select(['private_a'])")
    before = set(page.evaluate(f"Object.keys({DOC}.resources)"))
    page.fill(".isshoni-Palette input", "ecs service")
    page.locator(".isshoni-PaletteItem[data-type='ecs_service']").first.dblclick()
    page.wait_for_function(f"(n) => Object.keys({DOC}.resources).length === n", arg=len(before) + 1)
    service = (set(page.evaluate(f"Object.keys({DOC}.resources)")) - before).pop()
    assert page.evaluate(f"(id) => {DOC}.resource(id).parent", service) == "private_a"
    page.wait_for_function(f"(id) => {CY}.getElementById(id).length === 1", arg=service)
    crossing = page.evaluate(
        """([cyExpr]) => { const cy = eval(cyExpr); const out = [];
             const cs = cy.nodes('.container').toArray();
             for (const a of cs) for (const b of cs) {
               if (a.id() >= b.id() || a.ancestors().contains(b) || b.ancestors().contains(a)) continue;
               const x = a.boundingBox({includeLabels: false, includeOverlays: false}), y = b.boundingBox({includeLabels: false, includeOverlays: false});
               if (x.x1 < y.x2 && y.x1 < x.x2 && x.y1 < y.y2 && y.y1 < x.y2) out.push([a.id(), b.id()]); }
             return out; }""",
        [CY],
    )
    screenshot(page, "review-7-service-in-its-subnet")
    assert crossing == [], crossing


def test_a_palette_drop_on_a_box_it_cannot_join_lands_beside_it(page):
    run(page, f"{CY}.center({CY}.getElementById('private_c'))")
    before = set(page.evaluate(f"Object.keys({DOC}.resources)"))
    page.fill(".isshoni-Palette input", "sqs")
    item = page.locator(".isshoni-PaletteItem[data-type='sqs_queue']").first
    canvas = page.locator(".isshoni-Canvas").first
    box = canvas.bounding_box()  # the subnet is at the centre of the view
    item.drag_to(canvas, target_position={"x": box["width"] / 2, "y": box["height"] / 2}, timeout=20_000)
    page.wait_for_function(f"(n) => Object.keys({DOC}.resources).length === n", arg=len(before) + 1)
    queue = (set(page.evaluate(f"Object.keys({DOC}.resources)")) - before).pop()
    assert page.evaluate(f"(id) => {DOC}.resource(id).parent", queue) is None  # a queue sits in no subnet
    page.wait_for_function(f"(id) => {CY}.getElementById(id).length === 1", arg=queue)
    assert outside_every_container(page, queue)  # drawn where the model puts it: outside the boxes
    screenshot(page, "review-8-queue-dropped-beside")


def test_closing_right_after_an_edit_saves_instead_of_asking(page):
    page.evaluate(f"{DOC}.setLabel('messages', 'Messages table')")
    page.wait_for_selector(DIRTY_TAB, timeout=5_000)
    page.evaluate("window.jupyterapp.commands.execute('application:close')")
    page.wait_for_function("!document.querySelector('.isshoni-Canvas')", timeout=15_000)
    assert page.locator(".jp-Dialog").count() == 0  # no Save/Discard question
    assert Design.load(page.root / PATH).resources["messages"]["label"] == "Messages table"
