"""`avgkit history ID`: who changed what in one assessment, and when."""

from __future__ import annotations

import argparse
import itertools

from avgkit.commands._store_cli import (
    add_store_option,
    clean,
    open_store,
    print_json,
    shorten,
    store_errors,
    yes_no,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("history", help="wijzigingsgeschiedenis van één beoordeling",
                       description="Every change of one saved assessment: who, when, what.")
    p.add_argument("id", metavar="ID")
    add_store_option(p)
    p.set_defaults(run=run)


@store_errors
def run(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        changes = store.history(args.id)
    if args.json:
        print_json([c.to_dict() for c in changes])
        return 0
    print(f"Geschiedenis van {args.id} ({changes[-1].version} versies)")
    for version, group in itertools.groupby(changes, key=lambda c: c.version):
        group = list(group)
        first = group[0]
        head = f"versie {version}  {first.when:%Y-%m-%d %H:%M:%S} UTC  {clean(first.who)}"
        if first.path == "":
            print(f"{head}  aangemaakt")
            continue
        print(head)
        for c in group:
            old, new = shorten(yes_no(c.old), 60), shorten(yes_no(c.new), 60)
            print(f"    {clean(c.path)}: {old} → {new}")
    return 0
