"""`avgkit incidents`: the register of data breaches across every assessment of a store
(art. 33 lid 5 AVG): status, risk, deadlines met or missed, and whether the AP and the data
subjects were informed. Text, JSON, or an Excel workbook (-o FILE.xlsx)."""

from __future__ import annotations

import argparse
from pathlib import Path

from avgkit.commands._store_cli import add_store_option, clean, open_store, print_json, store_errors
from avgkit.models import LANGS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("incidents", help="register van datalekken (art. 33 lid 5 AVG)",
                       description="Every data breach recorded in the store, with its status, "
                                   "risk, deadlines met or missed and whether the AP and the data "
                                   "subjects were informed (art. 33(5) GDPR).")
    add_store_option(p)
    p.add_argument("-o", "--output", type=Path, metavar="FILE.xlsx",
                   help="also write the register as an Excel workbook")
    p.add_argument("--lang", choices=LANGS, default="nl")
    p.set_defaults(run=run)


@store_errors
def run(args: argparse.Namespace) -> int:
    from avgkit.breach import REGISTER_COLUMNS, register_headers, register_rows, write_register_xlsx
    from avgkit.knowledge import load_knowledge

    if args.output is not None:
        if args.output.suffix.lower() != ".xlsx":
            raise ValueError(f"the register is written as .xlsx, got {args.output.name!r}")
        if not args.output.parent.exists():
            raise ValueError(f"folder {args.output.parent} does not exist")
    with open_store(args) as store:
        rows = register_rows(store, args.lang)
    if args.output is not None:
        write_register_xlsx(rows, args.output, args.lang)
    if args.json:
        print_json(rows)
        return 0
    labels = load_knowledge().datalekken.labels
    print(labels["register_title"].get(args.lang))
    if not rows:
        print(labels["no_incidents"].get(args.lang))
    headers = register_headers(args.lang)
    for row in rows:
        print(f"- {clean(row['assessment'])} / {clean(row['incident'])}: "
              f"{clean(row['corporation'])} × {clean(row['contractor'])}")
        for key in REGISTER_COLUMNS[4:]:
            print(f"    {headers[key]}: {clean(row[key])}")
    if args.output is not None:
        print(f"{args.output}: {len(rows)}")
    return 0
