#!/usr/bin/env bash
# Team tests run a real JupyterHub with its real proxy, configurable-http-proxy (npm).
# Install it when missing, into a cache folder outside the checkout; print its path.
set -euo pipefail
prefix=${ISSHONI_CHP_PREFIX:-"${XDG_CACHE_HOME:-$HOME/.cache}/isshoni/chp"}
bin="$prefix/node_modules/.bin/configurable-http-proxy"
if [ ! -x "$bin" ]; then
  mkdir -p "$prefix"
  log=$(mktemp)
  if ! npm install --no-audit --no-fund --prefix "$prefix" "configurable-http-proxy@^5" >"$log" 2>&1; then
    cat "$log" >&2; echo "scripts/ensure_proxy.sh: installing configurable-http-proxy failed" >&2; exit 1
  fi
  rm -f "$log"
fi
"$bin" --version >/dev/null
echo "$bin"
