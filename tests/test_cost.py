"""The cost estimate (isshoni.cost): the catalog's charges, the shipped price table and each
node's usage assumptions.  Three templates recomputed by hand from the table (the arithmetic is
written out), usage and sizes that change the figure, and what is never counted as zero."""

from __future__ import annotations

import json

import pytest

from isshoni import Design, templates
from isshoni.catalog import CATALOG
from isshoni.cli import main
from isshoni.cost.charges import FREE, MODELS, USAGE
from isshoni.cost.prices import shipped

US = shipped().regions["us-east-1"]
HOURS = 730


def _est(design):
    return design.cost().to_json()


def test_vpc_basic_by_hand():
    nat = HOURS * US["vpc.nat_gateway.hour"] + 100 * US["vpc.nat_gateway.gb"]  # 730 h + 100 GB processed
    assert nat == pytest.approx(32.85 + 4.5)
    found = _est(templates.load("vpc_basic"))
    assert found["monthly_total"] == pytest.approx(round(nat, 2)) == 37.35
    assert found["counts"] == {"priced": 1, "free": 6, "not priced": 0}  # the VPC, subnets and gateway are free


def test_serverless_api_by_hand():
    api = 1_000_000 / 1e6 * US["apigateway.http.requests"]
    requests = 1_000_000 / 1e6 * US["lambda.requests"]
    gb_seconds = 1_000_000 * 0.100 * 256 / 1024  # invocations x 100 ms x 256 MiB = 25,000 GB-s
    compute = gb_seconds * US["lambda.gb_second.x86_64"]
    table = 1 * US["dynamodb.write_request"] + 5 * US["dynamodb.read_request"] + 1 * US["dynamodb.gb_month"]
    found = _est(templates.load("serverless_api"))
    assert found["nodes"]["handler"]["monthly"] == pytest.approx(round(requests + compute, 2))
    assert found["monthly_total"] == pytest.approx(round(api + requests + compute + table, 2)) == 3.12


def test_alb_autoscaling_by_hand():
    d = templates.load("alb_autoscaling")
    alb = HOURS * US["elb.alb.hour"] + 1 * HOURS * US["elb.alb.lcu_hour"]
    asg = d.resources["asg"]["properties"].get("min_size", 1) if "asg" in d.resources else None
    fleet = sum(n for n in [asg] if n) if asg else 0
    found = _est(d)
    by_type = {}
    for node in found["nodes"].values():
        by_type[node["type"]] = by_type.get(node["type"], 0) + node["monthly"]
    assert by_type["alb"] == pytest.approx(alb, abs=0.01)
    rds = next(r for r in d.resources.values() if r["type"] == "rds_instance")
    props = {**CATALOG["rds_instance"].defaults(), **rds.get("properties", {})}
    copies = 2 if props["multi_az"] else 1
    rds_cost = copies * HOURS * US[f"rds.{props['engine']}.{props['instance_class']}.hour"] + copies * props["allocated_storage"] * US["rds.gp3.gb_month"]
    assert by_type["rds_instance"] == pytest.approx(rds_cost, abs=0.01)
    assert found["monthly_total"] == pytest.approx(sum(n["monthly"] for n in found["nodes"].values()), abs=0.05)
    assert fleet >= 0


def test_usage_and_sizes_change_the_estimate_and_are_checked():
    d = templates.load("serverless_api")
    before = d.cost().total
    d.set("handler", requests_per_month=10_000_000, memory_size=1024)
    after = d.cost().nodes["handler"]
    assert after.lines[0].quantity == pytest.approx(10) and after.lines[1].quantity == pytest.approx(10_000_000 * 0.1)
    assert d.cost().total > before
    d.validate()
    bad = json.loads(d.dumps())
    bad["resources"]["handler"]["properties"]["requests_per_month"] = -5
    with pytest.raises(Exception, match="requests_per_month"):
        Design(bad).validate()
    # the usage assumptions emit nothing
    from isshoni import generate

    assert "requests_per_month" not in "".join(generate(d, "terraform").values())


def test_what_is_not_priced_is_never_zero():
    d = Design(name="mixed", region="us-east-1")
    d.add("cognito_user_pool", "users")
    d.add("cfn:AWS::SQS::Queue", "raw")
    d.add("vpc", "vpc")
    d.add("subnet", "a", parent="vpc", properties={"cidr": "10.0.1.0/24", "tier": "private", "az": "a"})
    d.add("subnet", "b", parent="vpc", properties={"cidr": "10.0.2.0/24", "tier": "private", "az": "b"})
    d.add("elasticache_redis", "cache", parent="a", properties={"node_type": "cache.r7g.16xlarge"})
    found = d.cost()
    assert {rid: (n.status, n.why) for rid, n in found.nodes.items() if n.status != "free"} == {
        "users": ("not priced", "no cost model for cognito_user_pool yet"),
        "raw": ("not priced", "a generic resource has no cost model"),
        "cache": ("not priced", "no price for elasticache.cache.r7g.16xlarge.hour in us-east-1"),
    }
    assert found.total == 0 and "3 node(s) not priced (not counted)" in str(found)
    elsewhere = templates.load("vpc_basic").cost(region="sa-east-1").nodes["nat"]
    assert elsewhere.status == "not priced" and "no prices for that region" in elsewhere.why


def test_every_model_names_real_properties_and_every_price_key_of_the_templates_exists():
    for type_name, charges in MODELS.items():
        props = set(CATALOG[type_name].properties)
        assert type_name not in FREE
        for charge in charges:
            named = [f for f in charge.quantity if isinstance(f, str)] + [f[0] for f in charge.quantity if isinstance(f, tuple)]
            assert set(named) <= props, (type_name, set(named) - props)
    for type_name, usage in USAGE.items():
        assert all(CATALOG[type_name].properties[u.name].get("x-usage") for u in usage)
    for name in ("vpc_basic", "serverless_api", "static_site", "alb_autoscaling", "redis_cluster"):
        assert templates.load(name).cost().counts()["not priced"] == 0, name


def test_the_command_line(tmp_path, capsys):
    path = tmp_path / "net.infra.json"
    templates.load("vpc_basic").save(path)
    assert main(["cost", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("$37.35/month in us-east-1") and "hours: 730 x $0.045 per hour = $32.85" in out
    assert main(["cost", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["monthly_total"] == 37.35 and data["by_service"] == {"NAT gateway": 37.35}
