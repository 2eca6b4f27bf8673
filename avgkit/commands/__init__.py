"""One module per `avgkit` subcommand; each has register(subparsers) and run(args) -> int."""
