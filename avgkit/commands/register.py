"""`avgkit register`: the register of processing activities (art. 30 AVG) of one party, for
every assessed collaboration of a portfolio or a store, as an Excel workbook."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from avgkit.commands._store_cli import add_store_option, clean, open_store, store_errors
from avgkit.models import LANGS
from avgkit.processing_register import PARTIES, build_register, write_register


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("register", help="register van verwerkingsactiviteiten (art. 30 AVG)",
                       description="The register of processing activities (art. 30(1) for "
                                   "controllers, 30(2) for processors) from one party's "
                                   "viewpoint, for every assessed collaboration.")
    p.add_argument("portfolio", nargs="?", type=Path,
                   help="a portfolio (Excel/CSV); without it the store is read")
    add_store_option(p, data=False)
    p.add_argument("--party", choices=PARTIES, required=True,
                   help="whose register: the corporation's or the contractor's")
    p.add_argument("-o", "--output", type=Path, required=True, help="the .xlsx file to write")
    p.add_argument("--lang", choices=LANGS, default="nl")
    p.add_argument("--custom-measures", type=Path, metavar="FILE",
                   help="the organisation's own measures file, if checklists use them")
    p.set_defaults(run=run)


def load_assessments(args: argparse.Namespace) -> list:
    if args.portfolio is not None and args.store is not None:
        raise ValueError("give a portfolio or --store, not both")
    if args.portfolio is not None:
        from avgkit.portfolio import read_portfolio

        assessments, errors = read_portfolio(args.portfolio)
        for error in errors:
            print(f"avgkit register: skipped: {clean(error)}", file=sys.stderr)
        return list(assessments)
    with open_store(args) as store:
        return store.list()


@store_errors
def run(args: argparse.Namespace) -> int:
    if args.output.suffix.lower() != ".xlsx":
        raise ValueError(f"the register is written as .xlsx, got {args.output.name!r}")
    if not args.output.parent.exists():
        raise ValueError(f"folder {args.output.parent} does not exist")
    assessments = load_assessments(args)
    reg = build_register(assessments, args.party, args.lang, custom=args.custom_measures)
    write_register(reg, args.output)
    print(f"{args.output}: {len(reg.sheet('controller'))} art. 30(1), "
          f"{len(reg.sheet('processor'))} art. 30(2), {len(reg.skipped)} not included")
    return 0
