"""`avgkit import FILE`: assessments from an avgkit JSON export, or from a portfolio (CSV/XLSX).

(The module is named after the command; `import` is a keyword, so it is only loaded by name.)"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from avgkit.commands._store_cli import (
    FAILED,
    add_store_option,
    clean,
    current_user,
    open_store,
    print_json,
    store_errors,
)
from avgkit.store import ConflictError, Store, StoreError, import_data, upsert
from avgkit.store.errors import NotFoundError
from avgkit.store.exchange import create_many, provided

PORTFOLIO_SUFFIXES = (".csv", ".xlsx")
BULK = 500  # new assessments saved per transaction


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="beoordelingen inlezen (JSON-export of portfolio)",
                       description="Import assessments from an avgkit JSON export (with history) "
                                   "or create/update them from a portfolio (.csv, .xlsx).")
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--who", default=None,
                   help="naam in de geschiedenis bij een portfolio-import "
                        "(standaard $AVGKIT_USER of de gebruikersnaam)")
    add_store_option(p)
    p.set_defaults(run=run)


@store_errors
def run(args: argparse.Namespace) -> int:
    path: Path = args.file
    suffix = path.suffix.lower()
    if suffix not in (".json", *PORTFOLIO_SUFFIXES):
        raise ValueError(f"{path}: onbekend bestandstype {suffix or '(geen)'!r}; "
                         "verwacht .json (avgkit-export), .csv of .xlsx (portfolio)")
    if not path.is_file():
        raise ValueError(f"{path}: bestand niet gevonden")
    if suffix == ".json":
        return _import_json(args, path)
    return _import_portfolio(args, path)


def _import_json(args: argparse.Namespace, path: Path) -> int:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ValueError(f"{path}: geen UTF-8-tekst; verwacht een avgkit JSON-export") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: geen geldige JSON (regel {exc.lineno}, kolom {exc.colno}: "
                         f"{exc.msg})") from None
    try:
        with open_store(args, create=True) as store:
            report = import_data(store, data)
    except StoreError as exc:
        if exc.code != "invalid-import":
            raise
        raise ValueError(f"{path}: {exc}") from None
    if args.json:
        print_json(report.to_dict())
    else:
        print(f"Ingelezen uit {clean(path)}: {len(report.created)} nieuw, "
              f"{len(report.updated)} bijgewerkt, {len(report.unchanged)} ongewijzigd, "
              f"{len(report.refused)} geweigerd.")
    for ident, reason in report.refused:
        print(f"{clean(path)}: {clean(ident)}: geweigerd: {clean(reason)}", file=sys.stderr)
    return FAILED if report.refused else 0


def _import_portfolio(args: argparse.Namespace, path: Path) -> int:
    """Stream the portfolio, keep the valid rows' given fields in an unnamed temporary file
    (bounded memory, nothing to plant a symlink on), and save them only when the file as a whole
    was accepted."""
    try:
        from avgkit.portfolio import Counter, iter_portfolio
    except ModuleNotFoundError as exc:
        if exc.name != "avgkit.portfolio":
            raise
        print(f"avgkit import: fout: portfolio-import (.csv, .xlsx) is in deze installatie niet "
              f"beschikbaar (module avgkit.portfolio ontbreekt); {clean(path)} is niet "
              "ingelezen. Een JSON-export van avgkit kan wel.", file=sys.stderr)
        return FAILED
    counter = Counter(path)
    problems: list[str] = []
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        for assessment, errors in iter_portfolio(path):
            counter.add(assessment is not None, errors)
            problems += [clean(e) for e in errors]
            if assessment is not None:
                spool.write(json.dumps(provided(assessment), ensure_ascii=False) + "\n")
        if counter.file_refused:
            for line in problems:
                print(line, file=sys.stderr)
            print(f"avgkit import: fout: {clean(path)}: bestand geweigerd, niets opgeslagen.",
                  file=sys.stderr)
            return FAILED
        spool.seek(0)
        who = args.who or current_user()
        outcome: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
        not_saved: list[str] = []
        with open_store(args, create=True) as store:
            new: list[dict] = []

            def take(given: dict) -> None:
                result = _take(store, given, who, path)
                if result in outcome:
                    outcome[result].append(given["id"])
                else:
                    not_saved.append(result)

            def flush() -> None:
                # New ids go in one transaction per BULK rows; on any doubt, one by one.
                if not new:
                    return
                try:
                    taken = set(create_many(store, new, who))
                except ValueError:
                    taken = {g["id"] for g in new}
                for given in new:
                    if given["id"] in taken:
                        take(given)
                    else:
                        outcome["created"].append(given["id"])
                new.clear()

            for line in spool:
                given = json.loads(line)
                if store.exists(given["id"]):
                    take(given)
                    continue
                new.append(given)
                if len(new) >= BULK:
                    flush()
            flush()
    refused = counter.summary().refused + len(not_saved)
    if args.json:
        print_json({**outcome, "refused": [*problems, *not_saved]})
    else:
        print(f"Ingelezen uit {clean(path)}: {len(outcome['created'])} nieuw, "
              f"{len(outcome['updated'])} bijgewerkt, {len(outcome['unchanged'])} ongewijzigd, "
              f"{refused} geweigerd.")
    for line in [*problems, *not_saved]:
        print(line, file=sys.stderr)
    return FAILED if refused else 0


def _take(store: Store, assessment: dict, who: str, path: Path) -> str:
    """create/update one assessment (the fields a row gave); the outcome, or the line that says
    why it was refused."""
    where = f"{clean(path)}: {clean(assessment['id'])}"
    try:
        return upsert(store, assessment, who)[0]
    except ConflictError as exc:
        return (f"{where}: tegelijk door een ander gewijzigd, niets opgeslagen: "
                + "; ".join(clean(c) for c in exc.conflicts))
    except NotFoundError as exc:  # removed meanwhile
        return f"{where}: {clean(exc)}"
    except StoreError as exc:
        if exc.code in ("busy", "io", "damaged"):
            raise
        return f"{where}: {clean(exc)}"
    except ValueError as exc:
        return f"{where}: ongeldige waarde: {clean(exc)}"
