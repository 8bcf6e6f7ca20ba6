"""Per-node progress (deploy/progress.py): engine events, named the engine's way, become the status
of the design resource they came from, as a canvas draws it."""

from __future__ import annotations

from isshoni import templates
from isshoni.compiler import resolve
from isshoni.deploy.jobs import Job
from isshoni.deploy.progress import follow, node_status
from isshoni.deploy.sink import MemoryJobSink


def _job(kind: str, tmp_path, monkeypatch, engine: str = "cloudformation"):
    monkeypatch.setenv("ISSHONI_STATE_DIR", str(tmp_path))
    sink = MemoryJobSink()
    design = templates.load("vpc_basic")
    job = Job(kind, design=design.name, target="sandbox", engine=engine, region=design.region, sink=sink)
    return job, sink, resolve(design)


def test_node_status_of_several_aws_resources():
    assert node_status(["pending", "pending"]) == "pending"
    assert node_status(["done", "pending"]) == "creating"
    assert node_status(["done", "skipped"]) == "done"
    assert node_status(["skipped"]) == "skipped"
    assert node_status(["done", "failed"]) == "failed"
    assert node_status(["deleted", "done"]) == "deleting"


def test_cloudformation_and_terraform_events_reach_their_nodes(tmp_path, monkeypatch):
    job, sink, resolved = _job("deploy", tmp_path, monkeypatch)
    follow(job, resolved)
    vpc_parts = [p for p in resolved.parts if p.source == "vpc" and p.cfn_type]
    assert set(job.nodes.values()) == {"pending"} and "vpc" in job.nodes
    job.transition("running")
    job.emit("stack", "creating stack isshoni-x (12 resources)")
    assert set(job.nodes.values()) == {"creating"}
    assert sink.read_all()[job.id]["nodes"]["vpc"] == "creating"  # flushed at once: the phase started
    for part in vpc_parts:  # CloudFormation names: logical ids
        job.emit("resource", "...", resource=part.cfn_name, status="CREATE_COMPLETE")
    assert job.nodes["vpc"] == "done"
    other = next(p for p in resolved.parts if p.cfn_type and p.source != "vpc")
    job.emit("resource", "...", resource=other.cfn_name, status="CREATE_FAILED")
    assert job.nodes[other.source] == "failed"
    job.transition("failed", error="boom")
    record = sink.read_all()[job.id]
    assert record["nodes"]["vpc"] == "done" and record["nodes"][other.source] == "failed"
    assert "creating" not in record["nodes"].values()  # what was still being made failed with the job


def test_terraform_addresses_reach_their_nodes(tmp_path, monkeypatch):
    job, _, resolved = _job("deploy", tmp_path, monkeypatch, engine="terraform")
    follow(job, resolved)
    job.transition("running")
    for part in (p for p in resolved.parts if p.source == "vpc" and p.tf_type):
        job.emit("resource", "...", resource=f"{part.tf_type}.{part.tf_name}", status="IN_PROGRESS")
    assert job.nodes["vpc"] == "creating"
    for part in (p for p in resolved.parts if p.source == "vpc" and p.tf_type):
        job.emit("resource", "...", resource=f"{part.tf_type}.{part.tf_name}", status="COMPLETE")
    assert job.nodes["vpc"] == "done" and "pending" in job.nodes.values()


def test_a_destroy_ends_with_every_node_deleted(tmp_path, monkeypatch):
    job, sink, resolved = _job("destroy", tmp_path, monkeypatch)
    follow(job, resolved)
    job.transition("running")
    job.emit("stack", "deleting stack isshoni-x")
    assert set(job.nodes.values()) == {"deleting"}
    job.transition("succeeded")
    assert set(sink.read_all()[job.id]["nodes"].values()) == {"deleted"}
