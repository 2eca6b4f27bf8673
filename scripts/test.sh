#!/usr/bin/env bash
# Set up and run every test: lint, unit tests, notebooks (papermill), browser tests (Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
