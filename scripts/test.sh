#!/usr/bin/env bash
# The whole test suite from a fresh clone: install what the tests need, lint, run.
# Terraform validation runs whenever a `terraform` binary and an AWS provider
# mirror are on the machine (the project's machine image has both).
# Installing builds the JupyterLab extension (Node 20 + npm) on a fresh clone;
# browser tests use Debian's chromium, installed here when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 CHECKPOINT_DISABLE=1
log=$(mktemp)
if ! python -m pip install --quiet --editable ".[test]" >"$log" 2>&1; then
  cat "$log"; echo "scripts/test.sh: installing the test dependencies failed" >&2; exit 1
fi
rm -f "$log"
bash scripts/ensure_chromium.sh
python -m ruff check kernels_helpers tests benchmarks scripts
python -m pytest "$@"
