"""What every Pixie process does around its own work: settings, the run-directory lock, signals.

``run_service("store", body)`` loads the settings, takes the process's instance lock, creates a
ZeroMQ context and calls ``body`` with a ``stopping`` event that SIGTERM or SIGINT sets. Startup
problems (bad settings, a second copy, an unusable directory) end the process with one line on
stderr and a non-zero status, never a traceback.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import zmq.asyncio

from shared.config import ConfigError, Settings, load_settings
from shared.wire.endpoints import Endpoints, InstanceLock, StartupError

EXIT_CONFIG = 2
EXIT_STARTUP = 3


@dataclass
class ServiceContext:
    name: str
    settings: Settings
    endpoints: Endpoints
    zmq: zmq.asyncio.Context
    stopping: asyncio.Event


ServiceBody = Callable[[ServiceContext], Awaitable[None]]


def _configure_logging(name: str) -> None:
    level = os.environ.get("PIXIE_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(
        level=level if level in logging.getLevelNamesMapping() else "INFO",
        format=f"%(asctime)s {name} %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # One line per HTTP request to a tool would drown the useful lines.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def prepare_data_dir(settings: Settings) -> None:
    """The data directory holds run records and artefacts: private to the user."""
    try:
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise StartupError(f"cannot create PIXIE_DATA_DIR {settings.data_dir}: {exc.strerror}") from None


def _tune_garbage_collector() -> None:
    """Runs move large JSON documents (a chart is tens of thousands of floats); with the default
    thresholds each one set off full collections that walked every object the process had made
    at start (modules, templates), costing milliseconds per run. Objects alive at start are
    frozen out of collection, and young collections run less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


async def _main(name: str, settings: Settings, endpoints: Endpoints, body: ServiceBody) -> None:
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    context = zmq.asyncio.Context()
    _tune_garbage_collector()
    try:
        await body(ServiceContext(name, settings, endpoints, context, stopping))
    finally:
        context.destroy(linger=0)


def run_service(
    name: str, body: ServiceBody, *, loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None
) -> None:
    """Run ``body`` as the process called ``name``; returns only after a clean stop.

    ``loop_factory`` makes the event loop (asyncio's own when None); see pixie_web.server.
    """
    _configure_logging(name)
    try:
        settings = load_settings()
        prepare_data_dir(settings)
        endpoints = Endpoints.for_data_dir(settings.data_dir)
        lock = InstanceLock(endpoints.run_dir, name, settings.data_dir)
        lock.acquire()
    except ConfigError as exc:
        print(f"pixie {name}: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None
    except StartupError as exc:
        print(f"pixie {name}: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_STARTUP) from None
    try:
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            runner.run(_main(name, settings, endpoints, body))
    except StartupError as exc:
        print(f"pixie {name}: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_STARTUP) from None
    finally:
        lock.release()
