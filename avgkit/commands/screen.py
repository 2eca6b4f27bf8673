"""`avgkit screen ID`: the lawfulness stops and questions and the DPIA outcome of one saved
assessment (avgkit.screen)."""

from __future__ import annotations

import argparse

from avgkit.commands._store_cli import add_store_option, clean, open_store, print_json, store_errors
from avgkit.models import LANGS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("screen", help="rechtmatigheid en DPIA-toets van één beoordeling",
                       description="Lawfulness stops and questions (art. 6, 9, 10, 87 AVG; UAVG; "
                                   "Telecommunicatiewet 11.7) and the DPIA screening (AP list "
                                   "Stcrt. 2019, 64418; WP248 rev.01; art. 35(3) AVG) of one "
                                   "saved assessment.")
    p.add_argument("id", metavar="ID")
    add_store_option(p)
    p.add_argument("--lang", choices=LANGS, default="nl")
    p.set_defaults(run=run)


@store_errors
def run(args: argparse.Namespace) -> int:
    from avgkit.screen import render_text, screen

    with open_store(args) as store:
        assessment = store.get(args.id)
    result = screen(assessment)
    if args.json:
        print_json(result.to_dict())
    else:
        print(clean(render_text(result, args.lang)))
    return 0
