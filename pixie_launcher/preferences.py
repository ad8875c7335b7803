"""What people chose about tools and the warm pool, kept in the store and applied by the launcher.

The store is the only process that opens the database, so the launcher reads these choices over
PX1 when it starts (per-tool overrides and warm pins from ``tools.overrides.list``, the warm
pool's settings from ``settings.list``) and writes them through ``tools.state.update`` and
``settings.set`` when they change. The processes may start in any order: while the store is not
answering, loading is retried in the background and the launcher runs on its configured values
meanwhile. A choice made through an op while loading was still under way wins over the loaded one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from pixie_launcher.launcher import Launcher
from pixie_launcher.overrides import POOL_KEY_PREFIX, OverrideError, Overrides, parse_pool, stored_pool
from shared.wire import ErrorCode, RpcClient, WireError, bad_request

log = logging.getLogger("pixie.launcher.preferences")

STORE_RETRY = 1.0
LOAD_TIMEOUT = 5.0
PIN_TIMEOUT = 2.0
TRANSIENT = (ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT)


class Preferences:
    def __init__(self, launcher: Launcher, store: RpcClient) -> None:
        self.launcher = launcher
        self.store = store
        self.loaded = asyncio.Event()
        self._touched: set[str] = set()  # "pool", "pin:<id>", "overrides:<id>": changed by an op
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._load(), name="preferences-loader")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    # -- loading at start ----------------------------------------------------------------------

    async def _load(self) -> None:
        while True:
            try:
                tools = await self.store.call("tools.overrides.list", timeout=LOAD_TIMEOUT)
                settings = await self.store.call("settings.list", timeout=LOAD_TIMEOUT)
            except WireError as exc:
                if exc.code not in TRANSIENT:
                    log.error("stored tool overrides and pool settings were not loaded: %s", exc.message)
                    return
                await asyncio.sleep(STORE_RETRY)
                continue
            self.apply_loaded(tools["items"], settings["items"])
            return

    def apply_loaded(self, tools: Mapping[str, Any], settings: Mapping[str, Any]) -> None:
        for tool_id, item in tools.items():
            if not isinstance(item, Mapping):
                continue
            if f"overrides:{tool_id}" not in self._touched:
                self.launcher.apply_overrides(tool_id, Overrides.from_stored(item.get("overrides")))
            if f"pin:{tool_id}" not in self._touched:
                self.launcher.apply_pinned(tool_id, bool(item.get("pinned_warm")))
        pool = stored_pool(settings)
        if pool and "pool" not in self._touched:
            self.launcher.apply_pool(pool)
        self.loaded.set()
        log.info(
            "loaded stored choices: %d tool(s) with overrides or pins, pool %s",
            len(tools),
            pool or "as configured",
        )

    # -- changes through ops -------------------------------------------------------------------

    async def set_overrides(self, tool_id: str, raw: Mapping[str, Any]) -> Overrides:
        """Check, store, then apply; nothing changes if the store cannot keep it."""
        try:
            overrides = Overrides.parse(raw)
        except OverrideError as exc:
            raise bad_request(exc.message, f"overrides.{exc.field}") from None
        await self.store.call("tools.state.update", {"tool_id": tool_id, "overrides": overrides.to_dict()})
        self._touched.add(f"overrides:{tool_id}")
        self.launcher.apply_overrides(tool_id, overrides)
        return overrides

    async def set_pinned(self, tool_id: str, pinned: bool) -> None:
        """Applied at once; kept in the store when it answers (a pin is worth having even while the
        store is down, so it is not refused then, only not remembered across a restart)."""
        self._touched.add(f"pin:{tool_id}")
        self.launcher.apply_pinned(tool_id, pinned)
        try:
            await self.store.call(
                "tools.state.update", {"tool_id": tool_id, "pinned_warm": pinned}, timeout=PIN_TIMEOUT
            )
        except WireError as exc:
            log.warning(
                "the warm pin of %s was not stored (%s); it lasts until the launcher stops",
                tool_id,
                exc.message,
            )

    async def set_pool(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Change warm_keep_seconds and/or warm_keep_max (None: back to the configured value)."""
        try:
            chosen = parse_pool(raw)
        except OverrideError as exc:
            raise bad_request(exc.message, exc.field) from None
        self._touched.add("pool")
        for field, value in chosen.items():  # each applied once it is stored
            key = POOL_KEY_PREFIX + field
            if value is None:
                await self.store.call("settings.delete", {"key": key})
            else:
                await self.store.call("settings.set", {"key": key, "value": value})
            self.launcher.apply_pool({field: value})
        return self.launcher.pool_settings()
