"""The extension's sources keep the house rules: no file over 500 lines, no import cycle
(extension/scripts/check-modules.mjs, which reads imports through the TypeScript compiler)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

EXTENSION = Path(__file__).resolve().parent.parent / "extension"
CHECK = EXTENSION / "scripts" / "check-modules.mjs"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="the check runs in node")


def run_check(*args: str) -> subprocess.CompletedProcess:
    if not (EXTENSION / "node_modules" / "typescript").is_dir():
        pytest.fail("extension/node_modules has no typescript: run `jlpm install` in extension/")
    return subprocess.run(
        ["node", str(CHECK), *args], capture_output=True, text=True, timeout=120, cwd=EXTENSION
    )


def test_the_extension_sources_are_short_and_free_of_import_cycles():
    result = run_check()
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_check_reports_a_cycle_through_a_type_import_and_a_long_file(tmp_path):
    (tmp_path / "parts").mkdir()
    (tmp_path / "view.ts").write_text("import { layer } from './parts/layer';\nexport const view = layer;\n")
    (tmp_path / "parts" / "layer.ts").write_text(
        "import type { view } from '../view';\nexport const layer = 1;\nexport type V = typeof view;\n"
    )
    (tmp_path / "long.tsx").write_text("export const x = 1;\n" * 12)
    result = run_check(str(tmp_path), "--max-lines", "10")
    assert result.returncode == 1
    assert "import cycle: parts/layer.ts -> view.ts -> parts/layer.ts" in result.stdout
    assert "too long: long.tsx has 12 lines (at most 10)" in result.stdout


def test_the_check_passes_sources_that_keep_the_rules(tmp_path):
    (tmp_path / "parts").mkdir()
    (tmp_path / "view.ts").write_text("import { layer } from './parts';\nexport const view = layer;\n")
    (tmp_path / "parts" / "index.ts").write_text("export const layer = 1;\n")
    (tmp_path / "short.tsx").write_text("export const x = 1;\n" * 10)
    result = run_check(str(tmp_path), "--max-lines", "10")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 modules" in result.stdout
