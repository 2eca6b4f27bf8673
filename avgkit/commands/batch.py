"""`avgkit batch`: the main job — every collaboration of a portfolio to an HTML report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from avgkit.models import LANGS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("batch", help="beoordeel een hele portefeuille en schrijf de rapporten",
                       description="Run the report notebooks for every collaboration of a "
                                   "portfolio (CSV/XLSX) and write the management overview.")
    p.add_argument("portfolio", type=Path, help="portefeuille (.csv of .xlsx)")
    p.add_argument("--out", type=Path, default=Path("reports"), help="output folder (reports/)")
    p.add_argument("--workers", type=int, default=None, help="parallel workers (all cores)")
    p.add_argument("--lang", choices=LANGS, default="nl")
    p.add_argument("--only", nargs="+", metavar="ID", help="only these collaboration ids")
    p.add_argument("--force", action="store_true", help="rerun even when nothing changed")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on a Dask distributed cluster, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--sheet", help="sheet name in an .xlsx portfolio (default: the first)")
    p.add_argument("--store", type=Path, help="store for rows with beoordeling_ref "
                   "(default: $AVGKIT_STORE, else data/avgkit.sqlite)")
    p.add_argument("--measures", type=Path, metavar="FILE",
                   help="an organisation's own measures (YAML, e.g. data/eigen-maatregelen.yaml)")
    p.add_argument("--notebooks", type=Path, metavar="DIR",
                   help="your own copies of samenwerking.ipynb, beveiliging.ipynb and "
                        "overzicht.ipynb (a missing one is taken from avgkit)")
    p.add_argument("--pdf", action="store_true",
                   help="also write A4 PDFs of the overview and every report (needs Chromium)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from avgkit.batch import run_batch
    from avgkit.batch.guard import BatchError

    if args.workers is not None and args.workers < 1:
        raise ValueError("--workers must be at least 1")
    try:
        outcome = run_batch(args.portfolio, args.out, workers=args.workers, lang=args.lang,
                            only=args.only, force=args.force, scheduler=args.scheduler,
                            sheet=args.sheet, store=args.store,
                            measures=args.measures, progress=not args.quiet, pdf=args.pdf,
                            **({"notebooks_dir": args.notebooks} if args.notebooks else {}))
    except BatchError as exc:  # the run itself could not go on: one sentence, its own code
        from avgkit.commands._store_cli import clean

        for line in exc.details:
            print(clean(line), file=sys.stderr)
        print(f"avgkit batch: fout: {clean(exc)}", file=sys.stderr)
        return exc.code
    for line in outcome.refused:
        print(f"geweigerd: {line}")
    print(f"{len(outcome.ran)} rapporten gemaakt, {len(outcome.skipped)} ongewijzigd "
          f"overgeslagen, {len(outcome.failed)} mislukt, {len(outcome.refused)} regels "
          f"geweigerd. Overzicht: {args.out / 'index.html'}")
    if outcome.pdf is not None:
        print(outcome.pdf.message(), file=sys.stderr if outcome.pdf.missing_engine else None)
        for line in outcome.pdf.failed:
            print(f"PDF mislukt: {line}", file=sys.stderr)
    if outcome.interrupted:
        print("Onderbroken: start dezelfde opdracht opnieuw om verder te gaan.")
    return outcome.exit_status
