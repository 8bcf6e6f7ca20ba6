"""Region availability: read through cfn-lint's public API, cached, and never silently off.

A type AWS does not offer in a region must be refused on the oldest cfn-lint the package
allows and on the one installed (the lock's, or the newest with ISSHONI_LATEST=1): cfn-lint
1.58 moved its region data from Python modules to JSON, and a private read of those files
switched the check off for every new user without a word.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.version import Version

from isshoni import Design
from isshoni.checks import graph_rules
from isshoni.design import DesignError, regions

ROOT = Path(__file__).resolve().parents[1]
PROBE = (
    "import sys, cfnlint.version\n"
    "from isshoni import Design\n"
    "from isshoni.design import DesignError\n"
    "d = Design(name='x', region='ap-northeast-2')\n"
    "try:\n"
    "    d.add('app_runner_service', 'web')\n"
    "    print(cfnlint.version.__version__, 'accepted')\n"
    "except DesignError as exc:\n"
    "    print(cfnlint.version.__version__, 'refused:', exc)\n"
)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ISSHONI_CACHE_DIR", str(tmp_path))
    regions.availability.cache_clear()
    yield tmp_path
    regions.availability.cache_clear()


def _python(code: str, cache_dir: Path, pythonpath: str | None = None) -> str:
    env = {**os.environ, "ISSHONI_CACHE_DIR": str(cache_dir)}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_type_aws_does_not_offer_in_the_region_is_refused(cache):
    d = Design(name="x", region="ap-northeast-2")
    with pytest.raises(DesignError, match=r"App Runner.*not available in ap-northeast-2"):
        d.add("app_runner_service", "web")
    Design(name="x", region="us-east-1").add("app_runner_service", "web")  # offered there


def test_the_table_is_cached_and_later_reads_do_not_import_cfnlint(cache):
    first = _python("from isshoni.design.regions import region_types; print(len(region_types('us-east-1')))", cache)
    assert int(first) > 1000
    files = list((cache / "cfn-lint-regions").glob("*.json"))
    assert [f.name.split("-v")[0] for f in files] == [metadata.version("cfn-lint")]
    table = json.loads(files[0].read_text())
    assert "AWS::AppRunner::Service" in table["us-east-1"] and "AWS::AppRunner::Service" not in table["ap-northeast-2"]
    second = _python(
        "import sys; from isshoni.design.regions import availability\n"
        "print('AWS::DynamoDB::Table' in availability('eu-west-1').types, availability('xx-nowhere-9').types,"
        " 'cfnlint' in sys.modules)",
        cache,
    )
    assert second == "True None False"


def test_a_damaged_cache_is_rebuilt(cache):
    regions.region_types("us-east-1")
    (path,) = (cache / "cfn-lint-regions").glob("*.json")
    path.write_text('{"us-east-1": [')
    regions.availability.cache_clear()
    assert "AWS::S3::Bucket" in regions.region_types("us-east-1")
    assert json.loads(path.read_text())["us-east-1"]


def test_an_unknown_region_is_reported_as_not_checked(cache):
    d = Design(name="far", region="xx-nowhere-9")
    d.add("dynamodb_table", "t")  # nothing is refused where nothing is known...
    found = [f for f in graph_rules.run(d) if f.rule == "ISS011"]
    assert [(f.severity, f.tool, f.resource) for f in found] == [("info", "isshoni", None)]  # ...but it is said
    assert "not checked" in found[0].message and "no data for region 'xx-nowhere-9'" in found[0].message
    assert not [f for f in graph_rules.run(Design(name="near", region="us-east-1")) if f.rule == "ISS011"]


def test_without_cfnlint_the_check_says_so(cache, monkeypatch):
    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(regions.metadata, "version", missing)
    assert regions.availability("us-east-1") == regions.Availability("us-east-1", None, "cfn-lint is not installed")


def _cfnlint_floor() -> str:
    for requirement in metadata.requires("isshoni") or []:
        found = re.fullmatch(r"cfn-lint\s*>=\s*([0-9.]+).*", requirement.split(";")[0].strip())
        if found:
            return found.group(1)
    raise AssertionError("isshoni declares no cfn-lint floor")


@pytest.fixture(scope="session")
def oldest_cfnlint(tmp_path_factory) -> tuple[str, str]:
    """The oldest cfn-lint the package allows, installed into a folder put in front of the
    environment; what it needs is held to the versions already installed (only packages newer
    cfn-lint releases no longer need, such as the SAM translator, are added)."""
    floor = _cfnlint_floor()
    target = tmp_path_factory.mktemp(f"cfn-lint-{floor}")
    uv = str(Path(sys.executable).with_name("uv"))
    frozen = subprocess.run([uv, "pip", "freeze", "--python", sys.executable], capture_output=True, text=True, check=True)
    constraints = target.parent / f"constraints-{floor}.txt"
    constraints.write_text(
        "\n".join(line for line in frozen.stdout.splitlines() if re.match(r"[A-Za-z0-9_.-]+==", line) and not line.startswith(("cfn-lint==", "isshoni==")))
    )
    done = subprocess.run(
        [uv, "pip", "install", "--quiet", "--target", str(target), "--constraint", str(constraints), f"cfn-lint=={floor}"],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return floor, str(target)


def test_the_region_check_is_on_with_the_installed_cfnlint(tmp_path):
    out = _python(PROBE, tmp_path)
    assert out.startswith(metadata.version("cfn-lint") + " refused:") and "ap-northeast-2" in out


def test_the_region_check_is_on_with_the_oldest_cfnlint_allowed(oldest_cfnlint, tmp_path):
    floor, overlay = oldest_cfnlint
    version, verdict = _python(PROBE, tmp_path, overlay).split(" ", 1)
    assert Version(version) == Version(floor)
    assert verdict.startswith("refused:") and "ap-northeast-2" in verdict


@pytest.mark.slow
def test_the_compute_catalog_passes_with_the_oldest_cfnlint_allowed(oldest_cfnlint, tmp_path):
    """The whole compute catalog file (lint clean, region check, Terraform), on the floor."""
    floor, overlay = oldest_cfnlint
    env = {**os.environ, "ISSHONI_CACHE_DIR": str(tmp_path), "PYTHONPATH": overlay + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_catalog_compute.py", "tests/test_regions.py",
         "-k", "not oldest_cfnlint_allowed"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=1800,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert re.search(r"\d+ passed", done.stdout)
