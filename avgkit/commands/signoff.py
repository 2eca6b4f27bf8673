"""`avgkit signoff`: approve the management overview of a batch (who, role, when)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("signoff", help="teken het managementoverzicht van een batch af",
                       description="Record who approved the overview (index.html) of the last "
                                   "batch run in a folder, in what role and when, and write the "
                                   "overview (and its PDF) again with it. A later run with "
                                   "different results shows the approval as out of date.")
    p.add_argument("out", type=Path, nargs="?", default=Path("reports"),
                   help="the batch's output folder (reports/)")
    p.add_argument("--by", required=True, metavar="NAAM", help="who approves")
    p.add_argument("--role", required=True, metavar="ROL",
                   help="in what role, e.g. directeur-bestuurder or FG")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from avgkit.batch.guard import BatchError, os_error
    from avgkit.batch.signoff import approve
    from avgkit.commands._store_cli import clean

    try:
        approval = approve(args.out, args.by, args.role)
    except OSError as exc:  # e.g. a read-only folder: one sentence, the batch's exit code
        exc = os_error(exc, args.out)
        print(f"avgkit signoff: fout: {clean(exc)}", file=sys.stderr)
        return exc.code
    except (ValueError, BatchError) as exc:
        print(f"avgkit signoff: fout: {clean(exc)}", file=sys.stderr)
        return getattr(exc, "code", 2)
    import datetime as dt

    from avgkit.batch.overview import amsterdam

    when = amsterdam(dt.datetime.fromisoformat(approval["at"]))
    print(f"Afgetekend door {clean(approval['by'])} ({clean(approval['role'])}) op {when}: "
          f"{args.out / 'index.html'}")
    return 0
