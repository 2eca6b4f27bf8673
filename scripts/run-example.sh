#!/usr/bin/env bash
# Set up and run the main job on the example portfolio; reports land in reports/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p reports
# Until the portfolio batch lands: the seven situations of the source, classified.
for form in 1 2 3 4; do
  .venv/bin/avgkit classify --form "$form" --json > "reports/vorm-$form.json"
done
for variant in A B C; do
  .venv/bin/avgkit classify --form 1 --variant "$variant" --json > "reports/vorm-1-variant-$variant.json"
done
echo "reports written to reports/"
