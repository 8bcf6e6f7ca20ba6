import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


@pytest.fixture(autouse=True)
def _no_terraform_phone_home(monkeypatch):
    monkeypatch.setenv("CHECKPOINT_DISABLE", "1")


def pytest_configure(config):
    os.environ.setdefault("CHECKPOINT_DISABLE", "1")
    # No test may reach the real Anthropic API: a developer's key or base URL never leaks into
    # the servers tests start; assistant tests point the SDK at the fake on 127.0.0.1 themselves.
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL"):
        os.environ.pop(name, None)
