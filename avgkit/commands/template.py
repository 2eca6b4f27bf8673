"""`avgkit template`: write the empty portfolio template (XLSX) with column help."""

from __future__ import annotations

import argparse
from pathlib import Path

from avgkit.cli import UsageError
from avgkit.models import LANGS
from avgkit.portfolio_template import write_template


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("template", help="leeg portefeuillesjabloon (XLSX) met uitleg per kolom",
                       description="Write an empty portfolio template with help per column and "
                                   "drop-down lists.")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the .xlsx to write")
    p.add_argument("--lang", choices=LANGS, default="nl",
                   help="nl: Dutch headers and help; en: English keys and help")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.output)
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"the template is an .xlsx file; got {str(path)!r}")
    if path.exists() and not args.force:
        raise UsageError(f"{path} exists; use --force to overwrite it")
    if not path.parent.is_dir():
        raise UsageError(f"folder {str(path.parent)!r} does not exist")
    try:
        write_template(path, lang=args.lang)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    print(path)
    return 0
