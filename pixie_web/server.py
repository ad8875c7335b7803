"""Running the web app under Hypercorn, on the loopback address only, with a clean stop.

Hypercorn is given our own shutdown trigger (the service's ``stopping`` event) so that SIGTERM
from honcho ends the process well inside honcho's 5-second grace, and the whole stop is capped
in case a connection lingers.

The web process runs on uvloop. Every run passes through this process several times over (the
request, two store calls, a lease taken and returned, the tool's own HTTP call, the launcher's
publications), and with uvloop the event loop's share of that costs about a quarter less CPU
(bench/run_overhead.py, docs/performance.md). The store and the launcher do little per run and
stay on asyncio's own loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging

import httpx
import uvloop
from hypercorn.asyncio import serve
from hypercorn.config import Config

from pixie_web.app import create_app
from pixie_web.peers import Peers
from pixie_web.retention import sweep_forever
from pixie_web.runs.runner import Runner
from pixie_web.runs.transport import LoopbackTransport
from shared.service import ServiceContext, run_service
from shared.wire import StartupError

log = logging.getLogger("pixie.web")
SHUTDOWN_CAP = 4.0


def hypercorn_config(ctx: ServiceContext) -> Config:
    settings = ctx.settings
    config = Config()
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    config.bind = [f"{host}:{settings.port}"]
    # Hypercorn's loggers go through the process's own logging set-up, so lines look alike.
    config.accesslog = logging.getLogger("pixie.web.access") if settings.developer_mode else None
    config.errorlog = logging.getLogger("pixie.web.server")
    config.graceful_timeout = 2.0
    config.include_server_header = False
    return config


async def serve_web(ctx: ServiceContext) -> None:
    peers = Peers(ctx.zmq, ctx.endpoints)
    await peers.start()
    # One client for calling tools on loopback: no proxies from the environment, many connections.
    tools_http = httpx.AsyncClient(
        trust_env=False, limits=httpx.Limits(max_connections=200, max_keepalive_connections=50)
    )
    tool_calls = LoopbackTransport()
    runner = Runner(ctx.settings, peers, tools_http, tool_calls, ctx.stopping)
    orphans = asyncio.create_task(runner.records.close_orphaned(), name="orphaned-runs")
    app = create_app(ctx.settings, peers, runner, ctx.stopping)
    retention = asyncio.create_task(sweep_forever(ctx.settings, peers, ctx.stopping), name="retention")
    shutdown = asyncio.Event()
    server = asyncio.create_task(
        serve(app, hypercorn_config(ctx), shutdown_trigger=shutdown.wait),
        name="hypercorn",
    )
    stopping = asyncio.create_task(ctx.stopping.wait())
    try:
        done, _ = await asyncio.wait({server, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if server in done:
            _raise_startup_error(server, ctx)
        log.info("stopping")
        shutdown.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(server, SHUTDOWN_CAP)
    finally:
        stopping.cancel()
        if not server.done():
            server.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await server
        orphans.cancel()
        retention.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await retention
        await runner.close()
        await tools_http.aclose()
        await tool_calls.aclose()
        await peers.close()


def _raise_startup_error(server: asyncio.Task[None], ctx: ServiceContext) -> None:
    error = server.exception()
    if isinstance(error, OSError) and error.errno == errno.EADDRINUSE:
        settings = ctx.settings
        raise StartupError(
            f"port {settings.port} on {settings.host} is already in use; set PIXIE_PORT to another port"
        )
    if error is not None:
        raise error
    raise StartupError("the web server stopped unexpectedly")


def main() -> None:
    run_service("web", serve_web, loop_factory=uvloop.new_event_loop)
