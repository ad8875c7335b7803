"""The ``pixie`` command for people and scripts around a Pixie installation.

Run it from the project root (where ``pixie.toml`` and the Procfile are), like the processes.
Commands that work on tools talk to a running Pixie when there is one, and otherwise do the work
themselves (``pixie validate``) or say what they cannot know (``pixie tools``).
"""

from __future__ import annotations

import argparse
import signal
from importlib.metadata import PackageNotFoundError, version

from shared.cli import system, tools, validate


def _version() -> str:
    try:
        return version("pixie")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pixie",
        description="Pixie: a local-first dashboard for personal Python tools. "
        "Start it with `honcho start` (or `make run`) in the project root.",
    )
    parser.add_argument("--version", action="version", version=f"pixie {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    system.add_commands(commands)
    tools.add_commands(commands)
    validate.add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> None:
    # Output piped into `head` or `less` that stops reading ends the command quietly, as it
    # ends cat or grep, instead of with a BrokenPipeError traceback.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        raise SystemExit(0)
    raise SystemExit(args.handler(args))
