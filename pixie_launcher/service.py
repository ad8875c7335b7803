"""Wiring of the launcher process: the catalogue, its publisher, and the ops it answers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from pixie_launcher.catalogue import Catalogue
from shared.service import ServiceContext, run_service
from shared.wire import Args, Request, RpcServer, StatePublisher, not_found
from shared.wire.state import SNAPSHOT_OP

log = logging.getLogger("pixie.launcher")


class LauncherOps:
    """The launcher's PX1 ops; each takes a request and returns JSON-ready data."""

    def __init__(self, catalogue: Catalogue, publisher: StatePublisher) -> None:
        self.catalogue = catalogue
        self.publisher = publisher

    def handlers(self) -> dict[str, Any]:
        return {
            SNAPSHOT_OP: self.snapshot,
            "tools.list": self.list_tools,
            "tools.get": self.get_tool,
            "tools.rescan": self.rescan,
        }

    async def snapshot(self, request: Request) -> dict[str, Any]:
        Args(request.args).done()
        return self.publisher.snapshot()

    async def list_tools(self, request: Request) -> dict[str, Any]:
        Args(request.args).done()
        return {"items": [self.catalogue.record(tool) for tool in self.catalogue.tools]}

    async def get_tool(self, request: Request) -> dict[str, Any]:
        args = Args(request.args)
        name = args.text("tool_id", max_length=200)
        args.done()
        tool = self.catalogue.get(name)
        if tool is None:
            raise not_found(f"no tool {name!r} in {self.catalogue.tools_dir}")
        return self.catalogue.record(tool)

    async def rescan(self, request: Request) -> dict[str, Any]:
        Args(request.args).done()
        await self.catalogue.refresh()
        return {"tools": len(self.catalogue.tools)}


async def serve(ctx: ServiceContext) -> None:
    publisher = StatePublisher(ctx.zmq, ctx.endpoints.launcher_pub)
    catalogue = Catalogue(ctx.settings.tools_dir, publisher)
    handlers = LauncherOps(catalogue, publisher).handlers()
    server = RpcServer(ctx.zmq, ctx.endpoints.launcher_rpc, handlers, name="launcher")
    publisher.start()
    await catalogue.refresh()
    await server.start()
    watcher = asyncio.create_task(catalogue.watch(), name="tools-watcher")
    log.info("launcher ready: %d tool(s) in %s", len(catalogue.tools), ctx.settings.tools_dir)
    try:
        await ctx.stopping.wait()
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        await server.close()
        await publisher.close()
        log.info("launcher stopped")


def main() -> None:
    run_service("launcher", serve)
