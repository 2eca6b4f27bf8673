"""`avgkit list`: the saved assessments, one line each."""

from __future__ import annotations

import argparse

from avgkit.commands._store_cli import (
    add_store_option,
    clean,
    open_store,
    print_json,
    shorten,
    store_errors,
)

HEADINGS = ("Id", "Corporatie", "Aannemer", "Status", "Versie", "Bijgewerkt (UTC)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("list", help="opgeslagen beoordelingen",
                       description="List the saved assessments.")
    add_store_option(p)
    p.set_defaults(run=run)


@store_errors
def run(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        items, versions = store.list(), store.versions()
    if args.json:
        print_json([{"id": a.id, "corporation": a.corporation, "contractor": a.contractor,
                     "description": a.description, "auditor": a.auditor, "status": a.status,
                     "version": versions.get(a.id), "created": a.to_dict()["created"],
                     "updated": a.to_dict()["updated"]} for a in items])
        return 0
    if not items:
        print(f"Geen beoordelingen in {clean(store.path)}.")
        return 0
    rows = [(a.id, shorten(clean(a.corporation), 30), shorten(clean(a.contractor), 30), a.status,
             str(versions.get(a.id, "")), f"{a.updated:%Y-%m-%d %H:%M}" if a.updated else "")
            for a in items]
    widths = [max(len(r[i]) for r in [HEADINGS, *rows]) for i in range(len(HEADINGS))]
    for row in [HEADINGS, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    n = len(items)
    print(f"\n{n} beoordeling{'en' if n != 1 else ''} in {clean(store.path)}.")
    return 0
