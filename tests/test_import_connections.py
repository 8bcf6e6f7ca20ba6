"""References the catalog gives a meaning come back as connections (issue 15 follow-up, item 2).

A compiled design is read back: the IAM policy a compute -> table/queue connection makes, and
the environment it gives the function, fold into one connection with its access level (read
from the policy's actions by compiling each level the catalog allows and comparing), instead of
making the function not match and the policy a generic or not-understood resource.
"""

from __future__ import annotations

from collections import Counter

import pytest

from isshoni.compiler import generate, resolve
from isshoni.design import Design
from isshoni.importers.dispatch import import_text

DESIGN = {"version": 1, "meta": {"name": "conn", "region": "us-east-1"}, "resources": {
    "Worker": {"type": "lambda_function"}, "Orders": {"type": "dynamodb_table"}, "Jobs": {"type": "sqs_queue"}},
    "connections": {"uses_orders": {"source": "Worker", "target": "Orders", "properties": {"access": "readwrite"}},
                    "reads_jobs": {"source": "Worker", "target": "Jobs", "properties": {"access": "read"}}}}


@pytest.fixture(scope="module")
def imported():
    return import_text(generate(Design(DESIGN))["template.yaml"], source="conn.yaml")


def test_a_function_using_a_table_and_a_queue_comes_back_with_both_connections(imported):
    design = imported.design
    assert {rid: node["type"] for rid, node in design.resources.items()} == {
        "Worker": "lambda_function", "Orders": "dynamodb_table", "Jobs": "sqs_queue"}
    found = {(c["source"], c["target"]): c["properties"].get("access") for c in design.connections.values()}
    assert found == {("Worker", "Orders"): "readwrite", ("Worker", "Jobs"): "read"}
    assert set(design.connections) == {"uses_orders", "reads_jobs"}  # the ids the policy names were made from
    assert imported.report.connections == 2


def test_the_policies_fold_into_their_connections(imported):
    report = imported.report
    assert not report.generic and not report.not_understood, (report.generic, report.not_understood)
    folded = {e.source_id: e.design_id for e in report.folded}
    assert folded["UsesOrdersPolicy"] == "uses_orders" and folded["ReadsJobsPolicy"] == "reads_jobs"


def test_recompiling_gives_the_same_aws_types(imported):
    def made(design):
        return Counter(p.cfn_type for p in resolve(design).parts if p.cfn_type)

    assert made(imported.design) == made(Design(DESIGN))


def test_a_policy_the_connection_would_not_make_is_kept_not_folded():
    """A policy named otherwise than the connection would name it is not the connection's: nothing is lost."""
    template = generate(Design(DESIGN))["template.yaml"].replace("PolicyName: reads_jobs-read", "PolicyName: other")
    report = import_text(template, source="conn.yaml").report
    kinds = {e.source_id: b for b in ("typed", "generic", "not_understood", "folded") for e in getattr(report, b)}
    assert kinds["ReadsJobsPolicy"] != "folded"
    assert report.connections <= 1


def test_a_property_with_a_narrow_range_is_read_back():
    """A queue's batch size (1 to 10, default 10) leaves no room for the usual probe values: one inside its
    range is compiled instead, and the value read is checked by compiling it again."""
    design = Design(name="app")
    design.add("sqs_queue", "jobs")
    design.add("lambda_function", "worker")
    design.connect("jobs", "worker", properties={"batch_size": 5})
    imported = import_text(generate(design)["template.yaml"], source="app.yaml")
    assert [c["properties"] for c in imported.design.connections.values()] == [{"batch_size": 5}]
    assert imported.report.not_understood == []
