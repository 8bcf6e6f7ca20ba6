"""Cost on the canvas, in real Chromium (issue 18): each priced node shows its monthly estimate
under its name, and changing an instance size or a usage assumption changes it; with nothing
selected the design view shows the total and a chart by service.  Screenshots:
test-artifacts/cost-badges.png, cost-chart.png."""

from __future__ import annotations

import pytest

from browser import LAB_ARGS, chromium, open_design, run, screenshot, this_checkout
from isshoni import templates
from rooms import isshoni_server

pytestmark = pytest.mark.browser

PATH = "net.infra.json"
CY = "document.querySelector('.isshoni-Canvas').cy"
DOC = "document.querySelector('.isshoni-Canvas').isshoniCanvas.ctx.doc"


def _shows(page, rid: str, text: str) -> None:
    page.wait_for_function(f"() => ({CY}.getElementById({rid!r}).data('display') || '').includes({text!r})", timeout=30_000)


def test_badges_follow_sizes_and_usage(tmp_path):
    root = tmp_path / "work"
    root.mkdir()
    templates.load("vpc_basic").save(root / PATH)
    with isshoni_server(root, tmp_path, *LAB_ARGS, this_checkout(tmp_path), lab=True) as (base, token), chromium() as browser:
        page = open_design(browser, base, token, PATH)
        _shows(page, "nat", "$37.35/mo")  # 730 h x $0.045 + 100 GB x $0.045
        page.evaluate(f"() => {DOC}.add('ec2_instance', {{id: 'web', label: 'Web', parent: 'public_a', position: {{x: 250, y: 150}}}})")
        _shows(page, "web", "$7.59/mo")  # t3.micro: 730 h x $0.0104
        page.evaluate(f"() => {DOC}.set('web', {{instance_type: 't3.small'}})")
        _shows(page, "web", "$15.18/mo")  # t3.small: 730 h x $0.0208
        page.evaluate(f"() => {DOC}.set('nat', {{data_processed_gb: 200}})")
        _shows(page, "nat", "$41.85/mo")  # 730 h x $0.045 + 200 GB x $0.045
        assert "/mo" not in (page.evaluate(f"() => {CY}.getElementById('igw').data('display')") or "")  # free: no badge
        page.evaluate(f"() => {DOC}.set('nat', {{data_processed_gb: 30000}})")
        _shows(page, "nat", "$1,382.85/mo")  # 730 h x $0.045 + 30,000 GB x $0.045, written as everywhere else
        page.evaluate(f"() => {DOC}.set('nat', {{data_processed_gb: 200}})")
        _shows(page, "nat", "$41.85/mo")
        run(page, f"{CY}.fit(undefined, 40)")
        screenshot(page, "cost-badges")

        # nothing selected: the design view's total and its chart by service, largest first
        page.locator(".isshoni-SideTabs .lm-TabBar-tab", has_text="Properties").click()
        run(page, f"{CY}.elements().unselect()")
        total = page.locator(".isshoni-CostChart-total")
        total.wait_for()
        page.wait_for_function("() => document.querySelector('.isshoni-CostChart-total').textContent.includes('$57.03')")
        assert "2 priced" in total.text_content(), total.text_content()  # 41.85 + 15.18
        rows = page.locator(".isshoni-CostChart-services tr")
        assert rows.count() == 2
        assert rows.nth(0).text_content().endswith("$41.85") and rows.nth(1).text_content().endswith("$15.18")
        widths = page.evaluate("() => [...document.querySelectorAll('.isshoni-CostChart-bar')].map(b => b.style.width)")
        assert widths[0] == "100%" and 36 < float(widths[1].rstrip("%")) < 37, widths  # 15.18 / 41.85
        page.locator(".isshoni-CostChart").scroll_into_view_if_needed()
        screenshot(page, "cost-chart")
        assert not page.errors, page.errors
