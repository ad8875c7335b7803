"""The ``pixie`` command for people and scripts around a Pixie installation.

Run it from the project root (where ``pixie.toml`` and the Procfile are), like the processes.
Commands that work on tools talk to a running Pixie when there is one, and otherwise do the work
themselves (``pixie validate``) or say what they cannot know (``pixie tools``).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
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


def _run(argv: list[str] | None) -> object:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return args.handler(args)


def main(argv: list[str] | None = None) -> None:
    """The console script. Output piped into a reader that stops early (`head`, `less`) ends the
    command quietly with the shell's code for it, as it ends cat, not with a BrokenPipeError
    traceback. (Restoring SIGPIPE's default would do that too, but main also runs inside other
    programs, the test suite among them, which a later write to a closed socket would then kill.)"""
    try:
        try:
            code = _run(argv)
        except SystemExit as stop:  # argparse's --help, --version and usage errors
            code = stop.code
        sys.stdout.flush()  # a reader that went away is found here, not in Python's exit
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 128 + signal.SIGPIPE
    raise SystemExit(code)
