"""`avgkit export [ID] -o FILE`: assessments with their full history as JSON."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from avgkit.commands._store_cli import add_store_option, clean, open_store, store_errors
from avgkit.store import export_data


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="beoordelingen met geschiedenis naar JSON",
                       description="Export one or all assessments, with their history, as JSON "
                                   "(read back with `avgkit import`).")
    p.add_argument("id", metavar="ID", nargs="*", help="alleen deze beoordeling(en)")
    p.add_argument("-o", "--output", metavar="FILE", default="-",
                   help="het JSON-bestand (standaard: naar de terminal)")
    add_store_option(p, data=False)
    p.set_defaults(run=run)


@store_errors
def run(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        data = export_data(store, args.id or None)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    write_atomically(Path(args.output), text)
    n = len(data["assessments"])
    print(f"{n} beoordeling{'en' if n != 1 else ''} geëxporteerd naar {clean(args.output)}.",
          file=sys.stderr)
    return 0


def write_atomically(path: Path, text: str) -> None:
    """Readers never see half a file, and a failed write leaves the old one."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise ValueError(f"kan {path} niet schrijven: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
