"""``pixie config`` and ``pixie status``: the installation itself."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

import httpx
import zmq.asyncio

from shared.config import ConfigError, Settings, describe, load_settings
from shared.wire import Endpoints, RpcClient, WireError

PING_TIMEOUT = 1.5


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        print(f"pixie: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def cmd_config(args: argparse.Namespace) -> int:
    settings = settings_or_exit()
    rows = describe(settings)
    width = max(len(name) for name, _, _ in rows)
    for name, value, source in rows:
        print(f"{name:<{width}}  {value}  ({source})")
    print(f"{'run directory':<{width}}  {Endpoints.for_data_dir(settings.data_dir).run_dir}")
    return 0


def not_running_words(settings: Settings) -> str:
    """Why a command found no launcher: Pixie is not running, or only its launcher is not (its
    web process still answers), which calls for a different remedy."""
    try:
        httpx.get(f"{settings.base_url}/api/healthz", timeout=1.0, trust_env=False)
    except httpx.HTTPError:
        return "Pixie is not running"
    return "Pixie's launcher is not running (its web process is)"


def cmd_status(args: argparse.Namespace) -> int:
    settings = settings_or_exit()
    url = f"{settings.base_url}/api/healthz"
    try:
        response = httpx.get(url, timeout=3.0, trust_env=False)
    except httpx.HTTPError:
        peers = asyncio.run(_ping_peers(settings))
        if not any(answer == "ok" for answer in peers.values()):
            print(f"Pixie is not running at {settings.base_url} (start it with `make run`).")
            return 1
        # Some of Pixie runs: say which part is missing, not that all of it is.
        print(f"{'web':<9} not answering at {settings.base_url}")
        for name, answer in peers.items():
            print(f"{name:<9} {answer}")
        return 1
    body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
    peers = body.get("peers", {})
    for name in ("web", "store", "launcher"):
        detail = "ok" if name == "web" else peers.get(name, "unknown")
        print(f"{name:<9} {detail}")
    return 0 if response.status_code == 200 else 1


async def _ping_peers(settings: Settings) -> dict[str, str]:
    """The store's and the launcher's answers to a ping over PX1, when the web is not answering."""
    endpoints = Endpoints.for_data_dir(settings.data_dir)
    context = zmq.asyncio.Context()
    answers: dict[str, str] = {}
    try:
        for name, endpoint in (("store", endpoints.store_rpc), ("launcher", endpoints.launcher_rpc)):
            client = RpcClient(context, endpoint, name=name)
            await client.start()
            try:
                await client.call("ping", {}, timeout=PING_TIMEOUT)
                answers[name] = "ok"
            except WireError:
                answers[name] = f"{name} is not running"
            finally:
                await client.close()
    finally:
        context.destroy(linger=0)
    return answers


def add_commands(commands: Any) -> None:
    config = commands.add_parser("config", help="show the effective settings and where each comes from")
    config.set_defaults(handler=cmd_config)
    status = commands.add_parser("status", help="ask a running Pixie whether its processes are up")
    status.set_defaults(handler=cmd_status)
