"""Helpers for store tests: an in-process store behind a real PX1 socket, and a controllable clock."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import zmq.asyncio

from pixie_store.db import Database
from pixie_store.ops import all_ops, handlers
from pixie_store.service import open_store
from shared.timestamps import system_clock
from shared.wire import Args, Endpoints, ErrorCode, RpcClient, RpcServer, WireError


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime = datetime(2026, 11, 30, 4, 37, 43, 123000, tzinfo=UTC)) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


class StoreHarness:
    """A migrated store on a real file, served on an ipc socket, with a client connected to it."""

    def __init__(self, db: Database, client: RpcClient) -> None:
        self.db = db
        self.client = client

    async def call(self, op: str, args: dict[str, Any] | None = None) -> Any:
        """Through the socket, exactly as the web process will call it."""
        return await self.client.call(op, args or {}, timeout=10.0)

    async def direct(self, op: str, args: dict[str, Any] | None = None) -> Any:
        """In-process, without the socket."""
        return await all_ops()[op](self.db, Args(args or {}))


def _prepare(data_dir: Path) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    return data_dir / "pixie.db"


@contextlib.asynccontextmanager
async def served_store(data_dir: Path, *, clock: FakeClock | None = None) -> AsyncIterator[StoreHarness]:
    db, _ = await open_store(_prepare(data_dir), clock=clock or system_clock)
    context = zmq.asyncio.Context()
    endpoint = Endpoints.for_data_dir(data_dir).store_rpc
    server = RpcServer(context, endpoint, handlers(db), name="store")
    client = RpcClient(context, endpoint, name="store")
    try:
        await server.start()
        await client.start()
        await wait_for_ping(client, timeout=10.0)
        yield StoreHarness(db, client)
    finally:
        await client.close()
        await server.close()
        context.destroy(linger=0)
        await db.close()


async def wait_for_ping(client: RpcClient, *, timeout: float, alive: Any = None) -> dict[str, Any]:
    """Ping until the store answers; ``alive()`` returning False fails fast (the process died)."""
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            raise AssertionError("the store process exited before answering")
        try:
            result: dict[str, Any] = await client.call("ping", timeout=1.0)
            return result
        except WireError as exc:
            last = exc
        await asyncio.sleep(0.02)
    raise AssertionError(f"store did not answer ping within {timeout} s (last error: {last!r})")


async def expect_error(call: Awaitable[Any], code: ErrorCode, field: str | None = None) -> WireError:
    """Await ``call``, which must fail with ``code`` (and name ``field`` when given)."""
    with pytest.raises(WireError) as caught:
        await call
    error = caught.value
    assert error.code == code, f"expected {code}, got {error.code}: {error.message}"
    if field is not None:
        assert error.field == field, f"expected field {field!r}, got {error.field!r}: {error.message}"
    return error
