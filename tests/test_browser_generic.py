"""Generic resources on the canvas, in a real JupyterLab and Chromium: the palette's search finds
CloudFormation registry types, a dropped one shows with the CloudFormation icon and its type, the
inspector edits its properties as JSON checked against the type's schema, and its references are
drawn as connections.  Screenshots go to test-artifacts/."""

from __future__ import annotations

import json

import pytest

from browser import LAB_ARGS, chromium, open_design, screenshot, this_checkout
from isshoni import Design
from rooms import isshoni_server

pytestmark = pytest.mark.browser

PATH = "generic.infra.json"
CY = "document.querySelector('.isshoni-Canvas').cy"
CTX = "window.jupyterapp.shell.currentWidget.content.designContext"
DOC = f"{CTX}.doc"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser-generic")
    root = tmp / "work"
    root.mkdir()
    design = Design(name="generic-canvas")
    design.add("sqs_queue", "jobs", position={"x": 0, "y": 0})
    design.save(root / PATH)
    with isshoni_server(root, tmp, *LAB_ARGS, this_checkout(tmp), lab=True) as (base, token), chromium() as browser:
        page = open_design(browser, base, token, PATH)
        page.wait_for_function(f"{CY}.nodes().length === 1")
        yield page
        assert page.errors == []


def test_the_palette_finds_a_registry_type_and_drops_it_on_the_canvas(page):
    page.fill(".isshoni-Palette input", "sns topic")
    item = page.locator(".isshoni-PaletteItem[data-type='cfn:AWS::SNS::Topic']").first
    item.wait_for(timeout=30_000)  # the first search loads the registry index on the server
    assert "aws_cloudcontrolapi_resource" in item.get_attribute("title")
    canvas = page.locator(".isshoni-Canvas")
    box = canvas.bounding_box()
    item.drag_to(canvas, target_position={"x": box["width"] * 0.6, "y": box["height"] * 0.4})
    page.wait_for_function(f"{DOC}.resource('topic')?.type === 'cfn:AWS::SNS::Topic'")
    node = page.evaluate(f"""async () => {{ const n = {CY}.getElementById('topic');
        return {{label: n.data('label'), icon: await (await fetch(n.data('icon'))).text()}}; }}""")
    assert node["label"] == "SNS Topic" and "Arch_AWS-CloudFormation" in node["icon"]  # the AWS CloudFormation icon


def test_the_inspector_edits_properties_as_json_checked_by_the_schema(page):
    page.evaluate(f"{CTX}.select(['topic'])")
    page.locator(".lm-TabBar-tab", has_text="Properties").first.click()
    text = page.locator(".isshoni-GenericProperties-json")
    text.wait_for(timeout=10_000)
    page.wait_for_function("document.querySelector('.isshoni-GenericProperties-terraform')?.textContent === "
                           "'aws_cloudcontrolapi_resource'", timeout=30_000)
    assert "TopicArn" in page.locator(".isshoni-GenericProperties-attributes").text_content()
    text.fill(json.dumps({"DisplayName": 5, "Colour": "blue"}))
    assert "AWS::SNS::Topic has no property Colour" in page.locator(".isshoni-GenericProperties").text_content()
    page.locator(".isshoni-GenericProperties-apply").click()
    problems = page.locator(".isshoni-GenericProperties-problem")
    problems.first.wait_for(timeout=30_000)
    shown = " | ".join(problems.all_text_contents())
    assert "unknown property Colour" in shown and "DisplayName: 5 is not of type 'string'" in shown, shown
    assert page.evaluate(f"{DOC}.resource('topic').properties") == {}  # refused: nothing written
    text.fill(json.dumps({"DisplayName": "Alerts"}))
    page.locator(".isshoni-GenericProperties-apply").click()
    page.wait_for_function(f"{DOC}.resource('topic').properties.DisplayName === 'Alerts'", timeout=30_000)
    screenshot(page, "generic-inspector")


def test_references_are_drawn_as_connections(page):
    page.evaluate(f"""{DOC}.add('cfn:AWS::SNS::Subscription', {{position: {{x: 300, y: 250}}, properties: {{
        TopicArn: {{ref: 'topic'}}, Protocol: 'sqs', Endpoint: {{ref: 'jobs', attribute: 'Arn'}}}}}})""")
    page.wait_for_function(f"{CY}.edges('.reference').length === 2")
    edges = page.evaluate(f"{CY}.edges('.reference').map(e => [e.source().id(), e.target().id(), e.data('label'), e.selectable()])")
    assert sorted(edges) == [["subscription", "jobs", "Arn", False], ["subscription", "topic", "", False]]
    page.evaluate(f"{CTX}.select(['subscription'])")
    page.locator(".isshoni-Inspector-connection", has_text="Endpoint = its Arn").wait_for(timeout=10_000)
    assert page.evaluate(f"{CY}.getElementById('subscription').data('label')") == "SNS Subscription"
    page.wait_for_timeout(1500)  # the canvas lays a new node out, then fits
    page.locator("button", has_text="Fit").first.click()
    page.wait_for_timeout(500)
    screenshot(page, "generic-references")
    page.evaluate(f"{DOC}.set('subscription', {{Endpoint: 'arn:aws:sqs:us-east-1:123456789012:elsewhere'}})")
    page.wait_for_function(f"{CY}.edges('.reference').length === 1")
