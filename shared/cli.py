"""The ``pixie`` command for people and scripts around a Pixie installation.

Run it from the project root (where ``pixie.toml`` and the Procfile are), like the processes.
"""

from __future__ import annotations

import argparse
import sys
from importlib.metadata import PackageNotFoundError, version

import httpx

from shared.config import ConfigError, Settings, describe, load_settings
from shared.wire import Endpoints


def _version() -> str:
    try:
        return version("pixie")
    except PackageNotFoundError:
        return "unknown"


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        print(f"pixie: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def cmd_config(args: argparse.Namespace) -> int:
    settings = _settings()
    rows = describe(settings)
    width = max(len(name) for name, _, _ in rows)
    for name, value, source in rows:
        print(f"{name:<{width}}  {value}  ({source})")
    print(f"{'run directory':<{width}}  {Endpoints.for_data_dir(settings.data_dir).run_dir}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    settings = _settings()
    url = f"{settings.base_url}/api/healthz"
    try:
        response = httpx.get(url, timeout=3.0, trust_env=False)
    except httpx.HTTPError:
        print(f"Pixie is not running at {settings.base_url} (start it with `make run`).")
        return 1
    body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
    peers = body.get("peers", {})
    for name in ("web", "store", "launcher"):
        detail = "ok" if name == "web" else peers.get(name, "unknown")
        print(f"{name:<9} {detail}")
    return 0 if response.status_code == 200 else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pixie",
        description="Pixie: a local-first dashboard for personal Python tools. "
        "Start it with `honcho start` (or `make run`) in the project root.",
    )
    parser.add_argument("--version", action="version", version=f"pixie {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    config = commands.add_parser("config", help="show the effective settings and where each comes from")
    config.set_defaults(handler=cmd_config)
    status = commands.add_parser("status", help="ask a running Pixie whether its processes are up")
    status.set_defaults(handler=cmd_status)
    return parser


def main(argv: list[str] | None = None) -> None:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        raise SystemExit(0)
    raise SystemExit(args.handler(args))
