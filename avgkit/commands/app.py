"""`avgkit app`: the auditor app in the browser (Voilà, 127.0.0.1 only)."""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("app", help="de app in de browser (Voilà, alleen 127.0.0.1)",
                       description="Serve the auditor app with Voilà on 127.0.0.1: the start "
                                   "page lists every assessment; nothing is loaded from "
                                   "another host; kernels are preheated.")
    p.add_argument("--store", type=Path, metavar="PATH",
                   help="het opslagbestand (standaard $AVGKIT_STORE, anders data/avgkit.sqlite)")
    p.add_argument("--port", type=int, default=8866, help="port on 127.0.0.1 (default 8866)")
    p.add_argument("--pool-size", type=int, default=1,
                   help="preheated kernels per notebook (0: start one per page)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from avgkit.appserver import START, voila_command

    if args.store is not None and not args.store.is_file():
        raise ValueError(f"no store at {args.store}")
    command, env = voila_command(args.store, args.port, pool_size=args.pool_size)
    print(f"avgkit app: http://127.0.0.1:{args.port}/{START}", flush=True)
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 130
