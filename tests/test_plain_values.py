"""Numbers that are not numbers, text that is not text, nesting without end: refused with a
problem naming where, at every way into a design (the model's edits, a file, the kernel helpers,
the shared document, the compiler), and never saved.  (The REST routes: test_hardening_server.)"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import isshoni
from isshoni import Design, DesignError, templates
from isshoni.compiler import FORMATS, generate
from isshoni.yinfra import YInfra

ROOT = Path(__file__).resolve().parents[1]
NOT_NUMBERS = [float("nan"), float("inf"), -float("inf"), 2**64 + 1, -(2**70)]


def alarm_design() -> Design:
    design = templates.load("vpc_basic")
    design.add("cloudwatch_alarm", "alarm")
    return design


def nested(depth: int):
    value: object = "leaf"
    for level in range(depth):
        value = {"a": value} if level % 2 else [value]
    return value


@pytest.mark.parametrize("value", NOT_NUMBERS, ids=repr)
def test_a_property_that_is_not_a_json_number_is_refused_with_its_path(value):
    design = alarm_design()
    with pytest.raises(DesignError) as refused:
        design.set("alarm", threshold=value)
    assert refused.value.problems[0].path == "$.resources.alarm.properties.threshold"
    assert refused.value.problems[0].resource == "alarm"
    assert "threshold" not in design.resources["alarm"]["properties"]  # nothing half-applied


@pytest.mark.parametrize("value", [float("nan"), float("inf")], ids=repr)
def test_a_position_that_is_not_a_number_is_refused(value):
    design = templates.load("vpc_basic")
    with pytest.raises(DesignError, match=r"\$\.resources\.vpc\.position\.x"):
        design.move("vpc", value, 0)
    with pytest.raises(DesignError, match="position is a number"):
        design.move("vpc", "left", 0)
    assert math.isfinite(design.resources["vpc"]["position"]["x"])


def test_lone_surrogates_are_refused_everywhere_text_goes_in():
    design = templates.load("vpc_basic")
    for edit, path in [
        (lambda: design.set_label("vpc", "a\ud800b"), "$.resources.vpc.label"),
        (lambda: design.set_notes("vpc", "\udfff"), "$.resources.vpc.notes"),
        (lambda: design.set_meta(description="x\ud83d"), "$.meta.description"),
        (lambda: design.add("s3_bucket", "b", label="\ud800"), "$.resources.b.label"),
        (lambda: design.set("vpc", cidr_note="\ud800"), "$.resources.vpc.properties.cidr_note"),
        (lambda: design.add_message("me", "hi \ud800"), "$.chat[0].text"),
    ]:
        with pytest.raises(DesignError) as refused:
            edit()
        assert refused.value.problems[0].path == path
        assert "lone surrogate" in refused.value.problems[0].message
    assert design.problems() == [] and design.dumps().encode("utf-8")


def test_a_design_file_is_never_saved_with_nan_or_surrogates(tmp_path):
    path = tmp_path / "d.infra.json"
    design = alarm_design()
    design.save(path)
    before = path.read_text()
    for poke in (lambda d: d.resources["alarm"]["properties"].update(threshold=float("nan")),
                 lambda d: d.resources["vpc"].update(label="\ud800")):
        broken = design.copy()
        poke(broken)  # past the model's checks, straight into the data
        with pytest.raises(DesignError) as refused:
            broken.save(path)
        assert refused.value.problems[0].path.startswith("$.resources.")
        assert path.read_text() == before and not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999", "-1e400", "9" * 5000, "-" + "1" * 25])
def test_a_file_with_a_number_json_does_not_have_is_refused(tmp_path, literal):
    text = json.dumps(alarm_design().data).replace('"alarm": {', '"alarm": {"position": {"x": 0, "y": LIT},', 1)
    path = tmp_path / "d.infra.json"
    path.write_text(text.replace("LIT", literal))
    with pytest.raises(DesignError, match="not valid JSON"):
        Design.load(path)
    result = subprocess.run([sys.executable, "-m", "isshoni", "validate", str(path)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2 and "not valid JSON" in result.stderr and "Traceback" not in result.stderr


def test_an_integer_beyond_what_json_keeps_is_a_problem_and_never_crashes_a_compiler(tmp_path):
    design = alarm_design()
    design.resources["alarm"]["properties"]["threshold"] = 2**64 + 1
    path = tmp_path / "d.infra.json"
    path.write_text(json.dumps(design.data))
    with pytest.raises(DesignError) as refused:
        Design.load(path)
    assert refused.value.problems[0].path == "$.resources.alarm.properties.threshold"
    assert "out of range" in refused.value.problems[0].message
    unvalidated = Design(design.data)  # as a live document's snapshot is: not validated
    for fmt in FORMATS:  # CloudFormation JSON used to crash here (orjson: 64-bit integers only)
        with pytest.raises(DesignError, match="out of range"):
            generate(unvalidated, fmt)


@pytest.mark.parametrize("depth", [150, 500, 5000])
def test_deep_nesting_is_a_clean_refusal(tmp_path, depth):
    design = templates.load("vpc_basic")
    design.add("iam_policy", "policy")
    data = design.data
    data["resources"]["policy"]["properties"]["document"] = {"Version": "2012-10-17", "Statement": nested(depth)}
    with pytest.raises(DesignError, match="nested more than 100 levels deep"):
        design.validate()
    path = tmp_path / "deep.infra.json"
    path.write_text(json.dumps(data) if depth < 900 else json.dumps(data["meta"])[:-1] + "," + "[" * depth + "]" * depth + "}")
    with pytest.raises(DesignError):
        Design.load(path)
    for command in ("validate", "generate"):
        result = subprocess.run([sys.executable, "-m", "isshoni", command, str(path)], capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr


def test_the_shared_document_refuses_what_it_cannot_hold_and_writes_nothing():
    doc = YInfra()
    doc.apply(templates.load("vpc_basic").data)
    before = doc.to_dict()
    for poke in (lambda d: d["resources"]["vpc"]["position"].update(x=float("nan")),
                 lambda d: d["resources"]["vpc"].update(label="\ud800"),  # a Rust panic in pycrdt before
                 lambda d: d["resources"]["vpc"]["properties"].update(n=2**70),  # ... and this one
                 lambda d: d["chat"].append({"id": "m", "author": "a", "text": "x", "time": float("inf")})):
        data = templates.load("vpc_basic").data
        poke(data)
        with pytest.raises(DesignError):
            doc.apply(data)
        assert doc.to_dict() == before
    for text in ('{"meta": {"name": NaN}}', '{"meta": {"name": "x\\ud800"}}', '{"meta": {"n": 1e999}}'):
        with pytest.raises(ValueError):
            YInfra().set(text)


def test_kernel_helpers_refuse_and_leave_the_file_as_it_was(tmp_path):
    path = tmp_path / "app.infra.json"
    shutil.copy(ROOT / "templates" / "vpc_basic.infra.json", path)
    design = isshoni.open(path, live=False)
    before = path.read_text()
    for edit in (lambda: design.move("vpc", float("nan"), 1), lambda: design.set("vpc", cidr=float("inf")),
                 lambda: design.set_label("vpc", "\ud800"), lambda: design.add("s3_bucket", "b", properties={"n": 2**64})):
        with pytest.raises(DesignError):
            edit()
        assert path.read_text() == before


EDGES = st.sampled_from([float("nan"), float("inf"), -float("inf"), 2**53, 2**64 + 1, "\ud800", "a\udfffb", 1e308])
JSON_ISH = st.recursive(
    EDGES | st.none() | st.booleans() | st.integers() | st.floats() | st.text(alphabet=st.characters(codec=None)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=JSON_ISH)
def test_any_value_is_either_refused_or_saved_and_compiled(value):
    """Whatever Python value lands in a free-form property: a DesignError, or a design that saves
    as strict JSON and compiles to all three languages (never a crash, never NaN on disk)."""
    design = templates.load("vpc_basic")
    design.add("step_function", "flow")
    try:  # a Pass state's Result is any JSON: the value reaches every emitter as it is
        design.set("flow", definition={"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": value, "End": True}}})
    except DesignError:
        return
    json.loads(design.dumps(), parse_constant=lambda name: pytest.fail(f"{name} saved"))
    for fmt in FORMATS:
        try:
            generate(design, fmt)
        except DesignError:
            pass
