"""The kernel helpers without a server: the offline design mirrors the model exactly, and the
displays (diagram, findings table, code) escape whatever a label or message holds."""

from __future__ import annotations

import inspect
import json
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest

import isshoni
from isshoni.checks import Finding, Report
from isshoni.design import Design, DesignError
from isshoni.kernel import OfflineDesign
from isshoni.kernel.live import EDITS, DesignHandle
from isshoni.kernel.results import Code, Findings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def path(tmp_path):
    target = tmp_path / "app.infra.json"
    shutil.copy(ROOT / "templates" / "vpc_basic.infra.json", target)
    return target


def test_the_api_mirrors_the_model_name_for_name():
    for name in EDITS:
        assert inspect.signature(getattr(DesignHandle, name)) == inspect.signature(getattr(Design, name)), name
        assert getattr(DesignHandle, name).__doc__ == getattr(Design, name).__doc__


def test_offline_edits_equal_the_model_and_are_saved_at_once(path):
    design = isshoni.open(path, live=False)
    model = Design.load(path)
    ops = [
        ("add", ("s3_bucket", "assets"), {"label": "Assets"}),
        ("add", ("dynamodb_table", "orders"), {}),
        ("set", ("orders",), {"table_name": "orders"}),
        ("set_label", ("assets", "Static <assets>"), {}),
        ("set_notes", ("assets", "public"), {}),
        ("move", ("assets", 10, 20), {}),
        ("set_meta", (), {"description": "offline"}),
        ("remove", ("orders",), {}),
    ]
    for name, args, kwargs in ops:
        assert getattr(design, name)(*args, **kwargs) == getattr(model, name)(*args, **kwargs)
        assert json.loads(path.read_text()) == json.loads(model.dumps()), name
    with pytest.raises(DesignError):
        design.set("assets", versioning="sometimes")
    assert json.loads(path.read_text()) == json.loads(model.dumps())
    seen = []
    handle = design.observe(seen.append)
    design.move("assets", 1, 2)
    design.unobserve(handle)
    design.move("assets", 3, 4)
    assert seen == [design]


def test_cost_is_the_designs_estimate(path):
    design = OfflineDesign(path)
    found = design.cost()
    assert found.to_json() == design.snapshot().cost().to_json()  # the same figures as the file's model
    assert found.region == design.snapshot().region and "/month in" in str(found)


def test_displays_escape_labels_and_messages(path):
    design = OfflineDesign(path)
    design.add("s3_bucket", "evil", label='<script>alert("x")</script>&')
    svg = design._repr_svg_()
    tree = ElementTree.fromstring(svg)  # well-formed XML
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert tree.find(".//{http://www.w3.org/2000/svg}g[@data-id='evil']") is not None
    # the canvas's icons, each embedded once however many resources use it
    symbols = tree.findall(".//{http://www.w3.org/2000/svg}symbol")
    assert len(symbols) == len({s.get("id") for s in symbols}) == svg.count("data:image/svg+xml;base64,")
    assert svg.count('href="#') > len(symbols)
    findings = Findings(Report([Finding("error", "isshoni", "r1", "bad <b>thing</b>", "evil")]))
    assert not findings.ok and "&lt;b&gt;" in findings._repr_html_() and "<b>thing" not in findings._repr_html_()
    code = Code("terraform", {"main.tf": 'resource "x" "<y>" {}'})
    assert "&lt;y&gt;" in code._repr_html_() and code.text == 'resource "x" "<y>" {}'


def test_offline_bad_input(tmp_path, path):
    with pytest.raises(FileNotFoundError, match="no such design file"):
        OfflineDesign(tmp_path / "nope.infra.json")
    broken = tmp_path / "broken.infra.json"
    broken.write_text("{ not json")
    with pytest.raises(DesignError, match="not valid JSON"):
        OfflineDesign(broken)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        isshoni.open_template("vpc_basic", path, live=False)
    fresh = isshoni.open_template("static_site", tmp_path / "site.infra.json", name="my-site", live=False)
    assert fresh.name == "my-site" and fresh.deployments == {}
    with pytest.raises(ValueError, match="real AWS account"):
        fresh.deploy(target="aws")
