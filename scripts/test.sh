#!/usr/bin/env bash
# The whole test suite from a clean clone: build (or reuse) the suite's own virtual
# environment from the lock, lint, run.  Whatever Python is active only creates that
# environment; nothing is installed into it.  Arguments go to pytest.
#   ISSHONI_LATEST=1 bash scripts/test.sh   same suite against the newest releases (no lock)
#   bash scripts/lock.sh                    refresh requirements/test.lock
#   ISSHONI_TEST_WORKERS=0 bash scripts/test.sh   one process (default: 2 pytest-xdist workers, a test
#                                           file per worker: most tests wait on servers, so two
#                                           workers halve the wall time even on two cores)
# Terraform validation runs whenever a `terraform` binary and an AWS provider
# mirror are on the machine (the project's machine image has both).
# Installing builds the JupyterLab extension (Node 20 + npm) on a fresh clone;
# browser tests use Debian's chromium, installed here when missing; team tests use
# JupyterHub's configurable-http-proxy (npm), installed into ~/.cache/isshoni when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 CHECKPOINT_DISABLE=1
python=$(command -v python3 || command -v python)
venv=$("$python" scripts/test_env.py)
# shellcheck disable=SC1091
source "$venv/bin/activate"
bash scripts/ensure_chromium.sh
ISSHONI_CHP=$(bash scripts/ensure_proxy.sh)  # JupyterHub's proxy, for the team tests
export ISSHONI_CHP
python -m ruff check kernels_helpers tests benchmarks scripts
workers=${ISSHONI_TEST_WORKERS:-2}
if [ "$workers" != 0 ]; then
  set -- -n "$workers" --dist loadfile "$@"
fi
python -m pytest --durations=25 "$@"
