"""`avgkit draft ID`: the draft agreement for one saved assessment, as DOCX or HTML."""

from __future__ import annotations

import argparse
from pathlib import Path

from avgkit.commands._store_cli import add_store_option, open_store, store_errors
from avgkit.drafts import FORMATS, build_draft, write_draft
from avgkit.models import LANGS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("draft", help="conceptovereenkomst voor een beoordeling (DOCX/HTML)",
                       description="Write the draft agreement that the assessment's roles call "
                                   "for, based on the source's model agreements.")
    p.add_argument("id", metavar="ID", help="the assessment id in the store")
    p.add_argument("--format", choices=FORMATS, help="docx (default) or html; "
                   "taken from the -o suffix when not given")
    p.add_argument("-o", "--output", type=Path, metavar="FILE",
                   help="output file (default: <id>-<agreement>.<format> in this folder)")
    add_store_option(p, data=False)
    p.add_argument("--lang", choices=LANGS, default="nl")
    p.add_argument("--custom-measures", type=Path, metavar="FILE",
                   help="the organisation's own measures file, if the checklist uses them")
    p.set_defaults(run=run)


@store_errors
def run(args: argparse.Namespace) -> int:
    fmt = args.format
    if fmt is None:
        suffix = args.output.suffix.lstrip(".").lower() if args.output else ""
        fmt = suffix if suffix in FORMATS else "docx"
    with open_store(args) as store:
        assessment = store.get(args.id)
    draft = build_draft(assessment, args.lang, custom=args.custom_measures)
    output = args.output or Path(f"{assessment.id}-{draft.kind}.{fmt}")
    if not output.parent.is_dir():
        raise ValueError(f"folder {output.parent} does not exist")
    write_draft(draft, output, fmt)
    print(output)
    return 0
