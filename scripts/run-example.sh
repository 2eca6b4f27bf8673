#!/usr/bin/env bash
# Set up and run the main job on the example portfolio: one HTML report per collaboration,
# index.html (the management overview), results.xlsx and results.csv in reports/, and A4 PDFs of
# them all (printed by Debian's Chromium, installed here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/debian-packages.sh /usr/bin/chromium=chromium
.venv/bin/avgkit batch data/voorbeeld-portefeuille.csv --out reports --pdf "$@"
