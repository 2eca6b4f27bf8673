"""`avgkit users add|disable|enable|reset-password|role|list`: the team server's users."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from avgkit.roles import ROLES


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="gebruikers van de teamserver (avgkit serve)",
                       description="Manage the team server's users and their roles "
                                   "(auditor: edits; reviewer: signs off, reopens; reader: "
                                   "reports and overview only). Works while the server runs.")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--store", type=Path, help="the server's store (its folder is next to it)")
    where.add_argument("--state", type=Path, help="the server's own folder (as `serve --state`)")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    a = actions.add_parser("add", help="add a user with a role and a password")
    a.add_argument("name")
    a.add_argument("--role", choices=ROLES, required=True)
    a.add_argument("--password-stdin", action="store_true",
                   help="read the password from standard input (for scripts)")
    for action, text in (("disable", "refuse logins and end the user's sessions now"),
                         ("enable", "allow logins again")):
        actions.add_parser(action, help=text).add_argument("name")
    r = actions.add_parser("reset-password", help="set a new password; ends open sessions")
    r.add_argument("name")
    r.add_argument("--password-stdin", action="store_true")
    o = actions.add_parser("role", help="give a user another role (applies at once)")
    o.add_argument("name")
    o.add_argument("role", choices=ROLES)
    lst = actions.add_parser("list", help="every user with role and status")
    lst.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Wachtwoord: ")
    if getpass.getpass("Nogmaals: ") != first:
        from avgkit.server.users import UserAdminError

        raise UserAdminError("de wachtwoorden verschillen")
    return first


def run(args: argparse.Namespace) -> int:
    from avgkit.server import users

    state = args.state.expanduser().resolve() if args.state else users.state_dir_for(args.store)
    try:
        if args.action == "add":
            users.add(state, args.name, args.role, read_password(args))
            print(f"gebruiker {args.name} toegevoegd met rol {args.role}")
        elif args.action == "disable":
            users.disable(state, args.name)
            print(f"gebruiker {args.name} geblokkeerd; open sessies beëindigd")
        elif args.action == "enable":
            users.enable(state, args.name)
            print(f"gebruiker {args.name} kan weer inloggen")
        elif args.action == "reset-password":
            users.reset_password(state, args.name, read_password(args))
            print(f"wachtwoord van {args.name} gewijzigd; open sessies beëindigd")
        elif args.action == "role":
            users.set_role(state, args.name, args.role)
            print(f"{args.name} heeft nu de rol {args.role}")
        else:
            rows = users.list_users(state)
            if args.json:
                print(json.dumps([r.to_dict() for r in rows], indent=2))
            else:
                for r in rows:
                    status = "actief" if r.active else "geblokkeerd"
                    print(f"{r.name:<24} {r.role:<9} {status:<12} {r.last_activity}")
    except users.UserAdminError as exc:
        print(f"avgkit users: {exc}", file=sys.stderr)
        return 1
    return 0
