"""How the web app is put together: what every request and every page pays for."""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path

import httpx
import pytest
import zmq.asyncio

from pixie_web.app import create_app
from pixie_web.peers import Peers
from pixie_web.runs.runner import Runner
from shared.config import load_settings
from shared.wire import Endpoints

pytestmark = pytest.mark.timeout(30)


def test_every_template_context_processor_runs_on_the_event_loop(tmp_path: Path) -> None:
    """A synchronous processor would be run in Quart's thread pool on every page drawn."""
    settings = load_settings({"PIXIE_DATA_DIR": str(tmp_path / "data")}, tmp_path)
    context = zmq.asyncio.Context()
    try:
        peers = Peers(context, Endpoints.for_data_dir(settings.data_dir))
        runner = Runner(settings, peers, httpx.AsyncClient())
        app = create_app(settings, peers, runner, asyncio.Event())
        processors = [p for group in app.template_context_processors.values() for p in group]
        assert processors
        assert all(inspect.iscoroutinefunction(processor) for processor in processors)
    finally:
        context.destroy(linger=0)
