"""binder/: what mybinder.org (repo2docker) needs.  The build itself cannot run here (no
conda, no Binder); these check the files are coherent with the package they install."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from isshoni.dashboard.serve import DENIED_EXTENSIONS

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"


def test_environment_brings_python_and_node_for_the_extension_build():
    env = yaml.safe_load((BINDER / "environment.yml").read_text())
    deps = [d for d in env["dependencies"] if isinstance(d, str)]
    assert any(d.startswith("python=3.1") for d in deps)
    assert "nodejs=20" in deps and "pip" in deps


def test_scripts_are_executable_shell_and_install_an_extra_that_exists():
    for name in ("postBuild", "start"):
        script = BINDER / name
        assert os.access(script, os.X_OK), f"{name} must be executable"
        subprocess.run(["bash", "-n", str(script)], check=True)
    post = (BINDER / "postBuild").read_text()
    assert 'pip install --no-cache-dir ".[dashboard]"' in post and "--editable" not in post and " -e " not in post
    pyproject = (ROOT / "pyproject.toml").read_text()  # (tomllib is 3.11+, the package supports 3.10)
    assert re.search(r'^dashboard = \[.*"voila', pyproject, re.M), "pyproject.toml has no dashboard extra with voila"


def test_post_build_writes_the_dashboard_deny_list_into_jupyter_config(tmp_path):
    result = subprocess.run([sys.executable, "-m", "isshoni.dashboard.serve", str(tmp_path / "conf.d")],
                            capture_output=True, text=True, check=True)
    written = json.loads((tmp_path / "conf.d" / "isshoni-voila.json").read_text())
    assert written == {"VoilaConfiguration": {"extension_denylist": list(DENIED_EXTENSIONS)}}
    assert "isshoni-voila.json" in result.stdout


def test_start_points_the_dashboard_at_the_repository_designs(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "ISSHONI_DASHBOARD_DIR"}
    env["HOME"] = str(tmp_path)
    out = subprocess.run([str(BINDER / "start"), "env"], capture_output=True, text=True, check=True, env=env).stdout
    assert f"ISSHONI_DASHBOARD_DIR={tmp_path}" in out.splitlines()
