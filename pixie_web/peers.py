"""The web process's view of the store and the launcher: clients, the launcher-state mirror, health.

Whether a peer is up is known from the connection itself (the socket monitor notices a dead peer
at once), so routes can refuse early and cheaply; ``check`` goes further and pings both, which is
what ``/api/healthz`` reports.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from dataclasses import dataclass
from typing import Any

import zmq.asyncio

from shared.wire import Endpoints, RpcClient, StateMirror, WireError
from shared.wire.keys import RUNTIME_KEY_PREFIX, TOOL_KEY_PREFIX, VALIDATION_KEY_PREFIX

STORE = "store"
LAUNCHER = "launcher"
PING_TIMEOUT = 0.5
HEARTBEAT_INTERVAL = 1.0


@dataclass(frozen=True)
class PeerHealth:
    name: str
    ok: bool
    detail: str


class Peers:
    def __init__(self, context: zmq.asyncio.Context, endpoints: Endpoints) -> None:
        self.store = RpcClient(context, endpoints.store_rpc, name=STORE)
        self.launcher = RpcClient(context, endpoints.launcher_rpc, name=LAUNCHER)
        self.launcher_state = StateMirror(context, endpoints.launcher_pub, self.launcher)
        # Names this web process in run leases; the launcher reclaims a holder's leases once its
        # heartbeat stops (the web process died mid-run).
        self.holder = f"web-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._heartbeat: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.store.start()
        await self.launcher.start()
        await self.launcher_state.start()
        self._heartbeat = asyncio.create_task(self._beat(), name="lease-heartbeat")

    async def _beat(self) -> None:
        while True:
            if self.launcher.connected:
                with contextlib.suppress(WireError):
                    await self.launcher.call("leases.heartbeat", {"holder": self.holder}, timeout=1.0)
            await asyncio.sleep(HEARTBEAT_INTERVAL)

    async def close(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
        await self.launcher_state.close()
        await self.launcher.close()
        await self.store.close()

    def missing(self, *names: str) -> list[str]:
        """Which of the named peers cannot serve a request right now (cheap; no round trip)."""
        down = []
        if STORE in names and not self.store.connected:
            down.append(STORE)
        if LAUNCHER in names and not self.launcher_state.ready:
            down.append(LAUNCHER)
        return down

    async def check(self) -> list[PeerHealth]:
        return list(await asyncio.gather(self._ping(self.store), self._ping(self.launcher)))

    async def _ping(self, client: RpcClient) -> PeerHealth:
        try:
            await client.call("ping", timeout=PING_TIMEOUT)
        except WireError as exc:
            return PeerHealth(client.name, False, exc.message)
        if client is self.launcher and not self.launcher_state.ready:
            return PeerHealth(client.name, False, "launcher state is still loading")
        return PeerHealth(client.name, True, "ok")

    def _record(self, definition: dict[str, Any]) -> dict[str, Any]:
        """A tool's definition joined with its runtime and validation (published apart)."""
        items = self.launcher_state.items
        runtime = items.get(RUNTIME_KEY_PREFIX + definition["id"]) or {}
        validation = items.get(VALIDATION_KEY_PREFIX + definition["id"])
        return {**definition, **runtime, "validation": validation}

    def tools(self) -> list[dict[str, Any]]:
        """The launcher's tool records, sorted by name."""
        records = [
            self._record(value)
            for key, value in self.launcher_state.items.items()
            if key.startswith(TOOL_KEY_PREFIX)
        ]
        return sorted(records, key=lambda record: (str(record["name"]).lower(), record["id"]))

    def tool(self, name: str) -> dict[str, Any] | None:
        """A tool by id, or by folder name as a fallback."""
        definition = self.launcher_state.items.get(TOOL_KEY_PREFIX + name)
        if definition is not None:
            return self._record(definition)
        for key, value in self.launcher_state.items.items():
            if key.startswith(TOOL_KEY_PREFIX) and value.get("folder") == name:
                return self._record(value)
        return None


def describe_missing(names: list[str]) -> str:
    """A sentence naming what is down, for 503 bodies and the friendly page."""
    parts = {STORE: "the store (run history and settings)", LAUNCHER: "the launcher (tools)"}
    listed = " and ".join(parts[name] for name in names)
    verb = "is" if len(names) == 1 else "are"
    return f"Pixie is not fully running: {listed} {verb} not answering."
