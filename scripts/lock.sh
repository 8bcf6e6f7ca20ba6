#!/usr/bin/env bash
# Refresh requirements/test.lock: the newest releases that satisfy pyproject.toml's
# `test` extra, for every Python the package supports (one universal lock).
# Commit the result; `bash scripts/test.sh` installs exactly it.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v uv >/dev/null 2>&1; then uv=uv
elif [ -x .venv-test/bin/uv ]; then uv=.venv-test/bin/uv
else echo "scripts/lock.sh: needs uv (pip install uv, or run bash scripts/test.sh once)" >&2; exit 2
fi
"$uv" pip compile pyproject.toml --extra test --universal --python-version 3.10 --upgrade \
  --custom-compile-command "bash scripts/lock.sh" -o requirements/test.lock "$@"
