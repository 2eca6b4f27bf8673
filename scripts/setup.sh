#!/usr/bin/env bash
# Create .venv (Python >= 3.11) and install avgkit with the given extras, from this repository only.
# Usage: bash scripts/setup.sh [extras]    e.g. bash scripts/setup.sh test
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
py="${PYTHON:-}"
if [ -z "$py" ]; then
  for cand in python3.11 python3.12 python3.13 python3; do
    if command -v "$cand" >/dev/null && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      py="$cand"; break
    fi
  done
fi
[ -n "$py" ] || { echo "setup: Python 3.11 or newer is needed" >&2; exit 1; }
[ -x .venv/bin/python ] || "$py" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
spec="."; [ -n "$extras" ] && spec=".[$extras]"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec"
# The team server's proxy (avgkit serve): configurable-http-proxy from the npm registry, kept in
# .hub-proxy/ (git-ignored). Without npm everything else works; `avgkit serve` says what is missing.
if [ ! -x .hub-proxy/node_modules/.bin/configurable-http-proxy ]; then
  if command -v npm >/dev/null; then
    npm install --prefix .hub-proxy --no-audit --no-fund --silent configurable-http-proxy@5 >/dev/null
  else
    echo "setup: npm not found; avgkit serve needs configurable-http-proxy (apt-get install -y npm)" >&2
  fi
fi
