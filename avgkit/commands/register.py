"""`avgkit register`: the register of processing activities (art. 30 AVG) of one party, for
every assessed collaboration of a portfolio or a store, as an Excel workbook."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from avgkit.commands._store_cli import (
    FAILED,
    add_store_option,
    clean,
    message,
    open_store,
    store_errors,
)
from avgkit.models import LANGS
from avgkit.processing_register import (
    PARTIES,
    build_register,
    load_details,
    party_names,
    select_party,
    write_register,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("register", help="register van verwerkingsactiviteiten (art. 30 AVG)",
                       description="The register of processing activities (art. 30(1) for "
                                   "controllers, 30(2) for processors) from one party's "
                                   "viewpoint, for every assessed collaboration.")
    p.add_argument("portfolio", nargs="?", type=Path,
                   help="a portfolio (Excel/CSV); without it every assessment in the store is "
                        "read; rows with assessment_ref are read from the store")
    add_store_option(p, data=False)
    p.add_argument("--party", choices=PARTIES,
                   help="whose register: the corporation's or the contractor's")
    p.add_argument("--corporation", metavar="NAME",
                   help="the register of this one corporation (controller); implies "
                        "--party corporation. Needed when the input holds several")
    p.add_argument("--contractor", metavar="NAME",
                   help="the register of this one contractor; implies --party contractor")
    p.add_argument("--details", type=Path, metavar="FILE",
                   help="YAML with the party's own contact, retention and measures "
                        "(keys contact, retention, measures, processings: {ID: {...}})")
    p.add_argument("-o", "--output", type=Path, required=True, help="the .xlsx file to write")
    p.add_argument("--lang", choices=LANGS, default="nl")
    p.add_argument("--custom-measures", type=Path, metavar="FILE",
                   help="the organisation's own measures file, if checklists use them")
    p.set_defaults(run=run)


def load_assessments(args: argparse.Namespace) -> list:
    """The store's assessments, or a portfolio's rows; a row that refers to a saved assessment
    (assessment_ref) is read from the store. Bad rows are reported and left out (and counted in
    args.refused, so the command can exit non-zero)."""
    args.refused = 0
    if args.portfolio is None:
        with open_store(args) as store:
            return store.list()
    from avgkit.portfolio import read_portfolio, refused_rows
    from avgkit.store import NotFoundError

    rows, errors = read_portfolio(args.portfolio)
    for error in errors:
        print(f"avgkit register: {clean(error.message(args.lang))}", file=sys.stderr)
    args.refused += len(refused_rows(errors))
    assessments = [row.to_assessment() for row in rows if not row.assessment_ref]
    refs = [row for row in rows if row.assessment_ref]
    if refs:
        with open_store(args) as store:
            for row in refs:
                try:
                    assessments.append(store.get(row.assessment_ref))
                except NotFoundError as exc:
                    print(f"avgkit register: {clean(row.source)}, rij {row.row}: "
                          f"{message(exc)}", file=sys.stderr)
                    args.refused += 1
    return assessments


def _party(args: argparse.Namespace) -> tuple[str, str]:
    chosen = [p for p, n in (("corporation", args.corporation),
                             ("contractor", args.contractor)) if n]
    if len(chosen) > 1 or (chosen and args.party and args.party != chosen[0]):
        raise ValueError("choose one party: --corporation NAME or --contractor NAME "
                         "(or --party)")
    if not chosen and not args.party:
        raise ValueError("whose register? give --corporation NAME, --contractor NAME or --party")
    party = chosen[0] if chosen else args.party
    return party, (args.corporation or args.contractor or "")


@store_errors
def run(args: argparse.Namespace) -> int:
    if args.output.suffix.lower() != ".xlsx":
        raise ValueError(f"the register is written as .xlsx, got {args.output.name!r}")
    if not args.output.parent.exists():
        raise ValueError(f"folder {args.output.parent} does not exist")
    party, name = _party(args)
    details = load_details(args.details) if args.details else None
    assessments = load_assessments(args)
    if name:
        assessments = select_party(assessments, party, name)
    elif party == "corporation" and len(names := party_names(assessments, party)) > 1:
        raise ValueError(f"a register belongs to one controller and this input holds "
                         f"{len(names)} corporations; choose one with --corporation NAME: "
                         f"{'; '.join(names)}")
    names = party_names(assessments, party)
    name = names[0] if len(names) == 1 else ""  # as the data spell it
    reg = build_register(assessments, party, args.lang, custom=args.custom_measures,
                         details=details, name=name)
    write_register(reg, args.output)
    print(f"{args.output}: {len(reg.sheet('controller'))} art. 30(1), "
          f"{len(reg.sheet('processor'))} art. 30(2), {len(reg.skipped)} not included")
    if args.refused:
        print(f"avgkit register: {args.refused} rij(en) geweigerd (zie hierboven); die staan niet "
              "in het register.", file=sys.stderr)
        return FAILED
    return 0
