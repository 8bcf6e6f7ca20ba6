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
