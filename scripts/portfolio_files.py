"""Regenerate the files generated from the portfolio column spec (knowledge/portefeuille.yaml):
data/portefeuille-sjabloon.xlsx, data/voorbeeld-portefeuille.xlsx (from the CSV example) and the
column table in README.md. Run after changing the spec or the example:

    python scripts/portfolio_files.py
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from avgkit.portfolio_template import (  # noqa: E402
    columns_markdown,
    write_portfolio_xlsx,
    write_template,
)

START, END = "<!-- portfolio-columns:start -->", "<!-- portfolio-columns:end -->"


def update_readme(readme: Path) -> None:
    text = readme.read_text(encoding="utf-8")
    block = f"{START}\n{columns_markdown('nl')}\n{END}"
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{readme}: markers {START} / {END} not found")
    readme.write_text(pattern.sub(lambda _: block, text), encoding="utf-8")


def main() -> None:
    data = ROOT / "data"
    write_template(data / "portefeuille-sjabloon.xlsx")
    with (data / "voorbeeld-portefeuille.csv").open(encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh, delimiter=";"))
    write_portfolio_xlsx(data / "voorbeeld-portefeuille.xlsx", header, rows)
    update_readme(ROOT / "README.md")
    print("written: data/portefeuille-sjabloon.xlsx, data/voorbeeld-portefeuille.xlsx, README.md")


if __name__ == "__main__":
    main()
