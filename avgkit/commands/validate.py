"""`avgkit validate`: check a portfolio file and report every bad cell."""

from __future__ import annotations

import argparse
import json

from avgkit.models import LANGS
from avgkit.portfolio import read_portfolio, summarise


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="controleer een portefeuille (CSV of XLSX)",
                       description="Check a portfolio file: every bad cell with file, row, column, "
                                   "value and what is expected. Exit 0 when every row is valid, "
                                   "1 when rows (or the file) were refused.")
    p.add_argument("file", metavar="FILE", help="portfolio, .csv or .xlsx")
    p.add_argument("--sheet", metavar="NAME", help="worksheet of an .xlsx file (default: first)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--lang", choices=LANGS, default="nl")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    assessments, errors = read_portfolio(args.file, sheet=args.sheet)
    summary = summarise(args.file, assessments, errors)
    if args.json:
        print(json.dumps({"summary": summary.to_dict(),
                          "valid_ids": [a.id for a in assessments],
                          "errors": [e.to_dict() for e in errors]},
                         ensure_ascii=False, indent=2))
    else:
        for error in errors:
            print(error.message(args.lang))
        print(summary.message(args.lang))
    return 0 if summary.ok else 1
