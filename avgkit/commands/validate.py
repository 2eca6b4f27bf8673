"""`avgkit validate`: check a portfolio file and report every bad cell.

The file is streamed: problems are printed as they are found and nothing else is kept, so a
100,000-row portfolio is checked in bounded memory."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from avgkit.models import LANGS
from avgkit.portfolio import FILE_PROBLEMS, Counter, iter_portfolio


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="controleer een portefeuille (CSV of XLSX)",
                       description="Check a portfolio file: every bad cell with file, row, column, "
                                   "value and what is expected. Exit 0 when every row is valid, "
                                   "1 when rows (or the file) were refused.")
    p.add_argument("file", metavar="FILE", help="portfolio, .csv or .xlsx")
    p.add_argument("--sheet", metavar="NAME",
                   help="worksheet of an .xlsx file (default: the first visible one)")
    p.add_argument("--measures", type=Path, metavar="FILE",
                   help="an organisation's own measures (YAML), as given to `avgkit batch`; "
                        "eigen-... columns must be in it")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--lang", choices=LANGS, default="nl")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    counter = Counter(args.file)
    valid_ids: list[str] = []
    kept: list[dict] = []
    for assessment, errors in iter_portfolio(args.file, sheet=args.sheet,
                                             measures=args.measures, check_measures=True):
        refused_file = any(e.problem in FILE_PROBLEMS and not e.warning for e in errors)
        if refused_file:
            valid_ids.clear()
        counter.add(assessment is not None and not counter.file_refused, errors)
        if assessment is not None and not counter.file_refused:
            valid_ids.append(assessment.id)
        if args.json:
            kept += [e.to_dict() for e in errors]
        else:
            for error in errors:
                print(error.message(args.lang))
    summary = counter.summary()
    if args.json:
        print(json.dumps({"summary": summary.to_dict(),
                          "valid_ids": [] if summary.file_refused else valid_ids,
                          "errors": kept}, ensure_ascii=False, indent=2))
    else:
        print(summary.message(args.lang))
    sys.stdout.flush()
    return 0 if summary.ok else 1
