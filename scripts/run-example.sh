#!/usr/bin/env bash
# Set up and run the main job on the example portfolio: one HTML report per collaboration,
# index.html (the management overview), results.xlsx and results.csv in reports/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/avgkit batch data/voorbeeld-portefeuille.csv --out reports "$@"
