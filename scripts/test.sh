#!/usr/bin/env bash
# The whole test suite from a clean clone: build (or reuse) the suite's own virtual
# environment from the lock, lint, run.  Whatever Python is active only creates that
# environment; nothing is installed into it.  Arguments go to pytest.
#   ISSHONI_LATEST=1 bash scripts/test.sh   same suite against the newest releases (no lock)
#   bash scripts/lock.sh                    refresh requirements/test.lock
# Terraform validation runs whenever a `terraform` binary and an AWS provider
# mirror are on the machine (the project's machine image has both).
# Installing builds the JupyterLab extension (Node 20 + npm) on a fresh clone;
# browser tests use Debian's chromium, installed here when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 CHECKPOINT_DISABLE=1
python=$(command -v python3 || command -v python)
venv=$("$python" scripts/test_env.py)
# shellcheck disable=SC1091
source "$venv/bin/activate"
bash scripts/ensure_chromium.sh
python -m ruff check kernels_helpers tests benchmarks scripts
python -m pytest "$@"
