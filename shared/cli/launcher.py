"""Reaching a running launcher from the command line, over the same PX1 the processes use."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import zmq.asyncio

from shared.config import Settings
from shared.wire import Endpoints, ErrorCode, RpcClient, WireError

PING_TIMEOUT = 1.5


class Launcher:
    def __init__(self, client: RpcClient) -> None:
        self._client = client

    async def call(self, op: str, args: dict[str, Any] | None = None, timeout: float = 30.0) -> Any:
        return await self._client.call(op, args or {}, timeout=timeout)


@contextlib.asynccontextmanager
async def running_launcher(settings: Settings) -> AsyncIterator[Launcher | None]:
    """The launcher of the Pixie running on this data directory, or None when there is none."""
    endpoints = Endpoints.for_data_dir(settings.data_dir)
    context = zmq.asyncio.Context()
    client = RpcClient(context, endpoints.launcher_rpc, name="launcher")
    try:
        await client.start()
        try:
            await client.call("ping", {}, timeout=PING_TIMEOUT)
        except WireError as exc:
            if exc.code not in (ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT):
                raise
            yield None
        else:
            yield Launcher(client)
    finally:
        await client.close()
        context.destroy(linger=0)
