"""`avgkit draft ID`: the draft agreement for one saved assessment, as DOCX or HTML."""

from __future__ import annotations

import argparse
from pathlib import Path

from avgkit.drafts import FORMATS, build_draft, write_draft
from avgkit.models import LANGS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("draft", help="conceptovereenkomst voor een beoordeling (DOCX/HTML)",
                       description="Write the draft agreement that the assessment's roles call "
                                   "for, based on the source's model agreements.")
    p.add_argument("id", help="the assessment id in the store")
    p.add_argument("--format", choices=FORMATS, help="docx (default) or html; "
                   "taken from the -o suffix when not given")
    p.add_argument("-o", "--output", type=Path,
                   help="output file (default: <id>-<agreement>.<format> in this folder)")
    p.add_argument("--store", type=Path, help="the store file (default: $AVGKIT_STORE or "
                   "data/avgkit.sqlite)")
    p.add_argument("--lang", choices=LANGS, default="nl")
    p.add_argument("--custom-measures", type=Path, metavar="FILE",
                   help="the organisation's own measures file, if the checklist uses them")
    p.set_defaults(run=run)


def open_store(path: Path | None):
    """The store at path (or the default), with store errors as plain ValueErrors."""
    from avgkit.store import Store, StoreError, default_store_path

    path = path or default_store_path()
    if not path.exists():
        raise ValueError(f"no avgkit store at {path} (give one with --store)")
    try:
        return Store(path)
    except StoreError as exc:
        raise ValueError(str(exc)) from None


def get_assessment(store, assessment_id: str):
    from avgkit.store import NotFoundError

    try:
        return store.get(assessment_id)
    except NotFoundError:
        raise ValueError(f"no assessment {assessment_id!r} in {store.path}") from None


def run(args: argparse.Namespace) -> int:
    fmt = args.format
    if fmt is None:
        suffix = args.output.suffix.lstrip(".").lower() if args.output else ""
        fmt = suffix if suffix in FORMATS else "docx"
    store = open_store(args.store)
    try:
        assessment = get_assessment(store, args.id)
    finally:
        store.close()
    draft = build_draft(assessment, args.lang, custom=args.custom_measures)
    output = args.output or Path(f"{assessment.id}-{draft.kind}.{fmt}")
    if output.parent and not output.parent.exists():
        raise ValueError(f"folder {output.parent} does not exist")
    write_draft(draft, output, fmt)
    print(output)
    return 0
