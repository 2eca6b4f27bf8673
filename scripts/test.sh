#!/usr/bin/env bash
# Set up and run every test: lint, unit tests, notebooks (papermill), browser tests (Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
# The browser tests drive Debian's Chromium (Playwright cannot download browsers here).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) >/dev/null
  elif command -v sudo >/dev/null; then
    (sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) >/dev/null
  else
    echo "test.sh: /usr/bin/chromium is missing and cannot be installed: browser tests will skip" >&2
  fi
fi
# The team-server test needs node/npm for its proxy (configurable-http-proxy, see setup.sh).
if ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm) >/dev/null
  elif command -v sudo >/dev/null; then
    (sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm) >/dev/null
  fi
  bash scripts/setup.sh test
fi
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
