"""The `avgkit` command. Subcommands live in avgkit/commands/<name>.py."""

from __future__ import annotations

import argparse
import importlib
import sys

from avgkit import __version__

# Add a subcommand by adding its module name here.
COMMANDS = ("classify", "checklist", "list", "show", "history", "export", "import",
            "validate", "template", "batch", "signoff", "draft", "register", "screen", "incidents",
            "serve", "users", "app")


class UsageError(Exception):
    """A user error with a message for the terminal (exit status 2)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="avgkit",
        description="AVG-rolverdeling en beveiligingstoets voor corporaties en aannemers.",
    )
    parser.add_argument("--version", action="version", version=f"avgkit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"avgkit.commands.{name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (UsageError, ValueError) as exc:
        print(f"avgkit {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
