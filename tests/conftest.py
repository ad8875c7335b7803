"""Fixtures shared by every tier."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import zmq.asyncio

from shared.wire import Endpoints
from tests.support.system import PixieSystem, running_system


@pytest.fixture
async def zmq_context() -> AsyncIterator[zmq.asyncio.Context]:
    context = zmq.asyncio.Context()
    yield context
    context.destroy(linger=0)


@pytest.fixture
def endpoints(tmp_path: Path) -> Endpoints:
    """A private run directory for sockets, unique to this test's data dir."""
    return Endpoints.for_data_dir(tmp_path / "data")


@pytest.fixture
def pixie(tmp_path: Path) -> Iterator[PixieSystem]:
    """The three processes, started as the Procfile does, on a temp data dir, tools dir and port."""
    with running_system(tmp_path) as system:
        yield system
