"""What the store commands (list, show, history, export, import) share: the --store option, the
user's name, Dutch messages for store errors, and text that is safe to print in a terminal."""

from __future__ import annotations

import argparse
import functools
import getpass
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from avgkit.store import ConflictError, NotFoundError, Store, StoreError, default_store_path

# Exit status of a command that could not do what was asked (2 stays for usage errors).
FAILED = 1

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def add_store_option(parser: argparse.ArgumentParser, data: bool = True) -> None:
    parser.add_argument("--store", type=Path, metavar="PATH",
                        help="het opslagbestand (standaard $AVGKIT_STORE, anders "
                             "data/avgkit.sqlite)")
    if data:
        parser.add_argument("--json", action="store_true", help="print the data as JSON")


def open_store(args: argparse.Namespace, create: bool = False) -> Store:
    return Store(args.store or default_store_path(), create=create)


def current_user() -> str:
    """Who is recorded in the history: $AVGKIT_USER, else the login name."""
    try:
        return os.environ.get("AVGKIT_USER") or getpass.getuser()
    except (OSError, KeyError):
        return "onbekend"


def clean(text: Any) -> str:
    """A value from a portfolio may hold terminal control sequences; show them inert."""
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", str(text))


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def message(exc: StoreError) -> str:
    """A Dutch sentence for a store error; the English detail of the library where it helps."""
    path = clean(exc.path) if exc.path else "?"
    untouched = " Het bestand is niet gewijzigd."
    if isinstance(exc, NotFoundError):
        if exc.when is not None:
            return (f"beoordeling {clean(exc.id)!r} bestond op {exc.when:%Y-%m-%d %H:%M:%S} UTC "
                    "nog niet.")
        return f"beoordeling {clean(exc.id)!r} niet gevonden in {path}."
    if isinstance(exc, ConflictError):
        lines = [f"beoordeling {clean(exc.id)!r} is sinds versie {exc.base_version} door "
                 f"anderen gewijzigd (nu versie {exc.current_version}); niets opgeslagen:"]
        lines += [f"  {clean(c.path)}: gewijzigd door {clean(c.who)} op "
                  f"{c.when:%Y-%m-%d %H:%M:%S} UTC (versie {c.version})" for c in exc.conflicts]
        return "\n".join(lines)
    texts = {
        "missing": f"geen avgkit-opslag gevonden op {path}.",
        "empty": f"{path} is een leeg bestand, geen avgkit-opslag." + untouched,
        "not-sqlite": f"{path} is geen avgkit-opslag: geen SQLite-database (beschadigd of een "
                      "ander soort bestand)." + untouched,
        "foreign": f"{path} is een SQLite-database van een ander programma, geen avgkit-opslag."
                   + untouched,
        "newer": f"{path} is gemaakt door een nieuwere avgkit (schemaversie "
                 f"{exc.details.get('found')}; deze versie kent t/m "
                 f"{exc.details.get('supported')}). Werk avgkit bij." + untouched,
        "damaged": f"{path} is een beschadigde avgkit-opslag ({clean(exc)}).",
        "busy": f"{path} bleef te lang vergrendeld door een ander programma; probeer het opnieuw.",
        "exists": f"beoordeling {clean(exc.details.get('id'))!r} bestaat al.",
    }
    return texts.get(exc.code, clean(exc))


def store_errors(run):
    """Store errors become a Dutch message on stderr and exit status 1; bad input (ValueError)
    exit status 2, as in avgkit.cli."""

    @functools.wraps(run)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except StoreError as exc:
            print(f"avgkit {args.command}: fout: {message(exc)}", file=sys.stderr)
            return FAILED
        except ValueError as exc:
            print(f"avgkit {args.command}: fout: {clean(exc)}", file=sys.stderr)
            return 2

    return wrapper


def yes_no(value: Any) -> str:
    if value is True:
        return "ja"
    if value is False:
        return "nee"
    if value is None:
        return "(leeg)"
    if isinstance(value, str):
        return clean(value) if value else '""'
    return clean(json.dumps(value, ensure_ascii=False))


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
