#!/usr/bin/env bash
# Browser tests drive Debian's chromium with Playwright (never `playwright install`:
# no downloads from outside the package registries).  Install it when missing.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
log=$(mktemp)
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium; } >"$log" 2>&1; then
  cat "$log"; echo "scripts/ensure_chromium.sh: installing chromium failed" >&2; exit 1
fi
rm -f "$log"
command -v chromium >/dev/null
