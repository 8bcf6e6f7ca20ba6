"""`isshoni prices update` against a loopback AWS Price List Query API, through the real boto3
client: one region's table refreshed (what changed, what was not found and kept), the estimate
following it, no credentials (says so, keeps the table), an API that refuses (stops, writes
nothing) and a broken refreshed file (the shipped table still answers)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fake_pricing import FakePricing
from isshoni.cost import estimate, prices
from isshoni.cost.refresh import keys_for, update
from isshoni.design import Design
from price_list_seoul import documents

ROOT = Path(__file__).resolve().parents[1]
SERVERLESS = ROOT / "templates" / "serverless_api.infra.json"
NO_IMDS = {"AWS_EC2_METADATA_DISABLED": "true"}  # never ask 169.254.169.254 from a test


def _env(tmp_path: Path, endpoint: str | None, credentials: bool = True) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(NO_IMDS, ISSHONI_PRICES=str(tmp_path / "prices.json"), PYTHONPATH=str(ROOT / "kernels_helpers"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"), AWS_CONFIG_FILE=str(tmp_path / "none"))
    if credentials:
        env.update(AWS_ACCESS_KEY_ID="AKIDLOOPBACKTEST", AWS_SECRET_ACCESS_KEY="loopback-secret")
    if endpoint:
        env["AWS_ENDPOINT_URL_PRICING"] = endpoint
    return env


def _isshoni(env: dict, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "isshoni", *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def use_prices(tmp_path, monkeypatch):
    monkeypatch.setenv("ISSHONI_PRICES", str(tmp_path / "prices.json"))
    return tmp_path / "prices.json"


def test_refresh_seoul_through_boto3_and_the_estimate_follows(tmp_path, use_prices):
    before = estimate(Design.load(SERVERLESS), region="ap-northeast-2")
    assert before.nodes["api"].status == "not priced" and before.nodes["items"].status == "not priced"
    with FakePricing(documents()) as api:
        done = _isshoni(_env(tmp_path, api.endpoint), "prices", "update", "--region", "ap-northeast-2")
        calls = len(api.calls)
    assert done.returncode == 0, done.stderr
    asked = len(keys_for("ap-northeast-2", prices.shipped()))
    assert asked == 42
    # every key asked once at least; several pages for some (the fake pages two products at a time)
    assert calls > asked
    head = done.stdout.splitlines()[0]
    assert f"ap-northeast-2: {asked} price(s) asked" in head and "1 not found (old price kept)" in head, head
    assert "cloudwatch.alarm.month: not found" in done.stdout
    assert "[42/42]" in done.stderr  # progress, one line per price
    table = prices.current()
    assert table.path == str(use_prices)
    source, as_of = table.provenance("ap-northeast-2")
    assert "Price List Query API" in source and as_of.startswith("20")
    assert table.provenance("us-east-1")[0] == prices.shipped().source  # other regions untouched
    seoul = table.regions["ap-northeast-2"]
    assert seoul["ec2.t3.micro.hour"] == 0.013  # Linux, Seoul: not Windows (0.022), not Virginia (0.0104)
    assert seoul["fargate.vcpu_hour"] == 0.04656  # x86, not Graviton
    assert seoul["lambda.gb_second.x86_64"] == 0.0000166667  # the first tier
    assert seoul["sqs.standard.requests"] == 0.4  # per 1M, the first tier that is not free
    assert seoul["dynamodb.gb_month"] == 0.285
    assert seoul["elasticache.cache.t4g.micro.hour"] == 0.021  # Redis, not Memcached
    assert seoul["rds.postgres.db.t4g.micro.hour"] == 0.025  # Single-AZ
    assert seoul["cloudwatch.alarm.month"] == prices.shipped().regions["ap-northeast-2"]["cloudwatch.alarm.month"]

    after = estimate(Design.load(SERVERLESS), region="ap-northeast-2")
    # api: 1,000,000 requests x $1.29 per 1M
    assert after.nodes["api"].status == "priced" and after.nodes["api"].monthly == pytest.approx(1.29)
    # items: 1M writes x $0.705 + 5M reads x $0.141 + 1 GB x $0.285
    assert after.nodes["items"].monthly == pytest.approx(0.705 + 5 * 0.141 + 0.285)
    assert after.nodes["handler"].monthly == before.nodes["handler"].monthly  # Lambda's Seoul prices equal the shipped ones
    assert after.total == round(before.nodes["handler"].monthly + 1.29 + 0.705 + 0.705 + 0.285, 2)
    assert after.as_of == as_of

    shown = _isshoni(_env(tmp_path, None), "prices", "show")
    assert str(use_prices) in shown.stdout and "ap-northeast-2: " in shown.stdout


def test_no_credentials_says_so_and_keeps_the_table(tmp_path, use_prices):
    with FakePricing(documents()) as api:
        done = _isshoni(_env(tmp_path, api.endpoint, credentials=False), "prices", "update", "--region", "ap-northeast-2")
        assert api.calls == []
    assert done.returncode == 2
    assert "no AWS credentials found" in done.stderr and "kept the current price table for ap-northeast-2" in done.stderr
    assert not use_prices.exists() and prices.current() is prices.shipped()


def test_a_refusing_api_stops_and_writes_nothing(tmp_path, use_prices, monkeypatch):
    for key, value in _env(tmp_path, None).items():
        if key.startswith("AWS_"):
            monkeypatch.setenv(key, value)
    with FakePricing(documents()) as api:
        api.refuse = "AccessDeniedException"
        monkeypatch.setenv("AWS_ENDPOINT_URL_PRICING", api.endpoint)
        report = update("ap-northeast-2")
        assert len(api.calls) == 1  # asking the other 41 would only wait
    assert len(report.not_found) == 1 and len(report.not_checked) == 41 and report.asked == 42
    assert "AccessDeniedException" in report.stopped and not report.written
    assert "nothing written" in report.summary() and not use_prices.exists()


def test_a_broken_refreshed_table_never_hides_the_shipped_one(use_prices):
    use_prices.write_text("{not json", encoding="utf-8")
    assert prices.current() is prices.shipped()
    use_prices.write_text(json.dumps({**prices.shipped().to_json(), "regions": {"us-east-1": {"lambda.requests": 0.3}}}))
    assert prices.current().price("us-east-1", "lambda.requests") == 0.3  # re-read when the file changes
