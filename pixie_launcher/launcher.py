"""All the tools together: discovery, the warm pool, housekeeping, publication and shutdown.

The ``Launcher`` keeps one ``ToolSupervisor`` per discovered tool, follows the tools folder,
stops idle tools when their warm-keep time runs out, keeps at most ``warm_keep_max`` tools warm
(evicting the least recently used idle one when another starts), reclaims leases of a web
process that went away, and publishes every tool's record on the state channel.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Coroutine, Mapping
from typing import Any

import httpx

from pixie_launcher import pool
from pixie_launcher.catalogue import POLL_INTERVAL, Catalogue, Refresh
from pixie_launcher.orphans import ChildrenFile, stop_orphans
from pixie_launcher.overrides import POOL_FIELDS, Overrides
from pixie_launcher.procinfo import group_rss_bytes
from pixie_launcher.supervisor import SupervisorDeps, ToolSupervisor
from shared.config import Settings
from shared.wire import StatePublisher
from shared.wire.keys import POOL_KEY, RUNTIME_KEY_PREFIX, TOOL_KEY_PREFIX

log = logging.getLogger("pixie.launcher")

HOUSEKEEPING_INTERVAL = 0.5
HOLDER_TIMEOUT = 5.0  # a web process silent this long has gone; its leases are reclaimed
SHUTDOWN_GRACE = 2.5  # honcho allows 5 s for the whole launcher to stop
MAX_PARALLEL_BUILDS = 2
# Lease churn (runs in flight, last used) is gathered for this long into one publication; a new
# state, pid or tool.json is published at once.
CHURN_WINDOW = 0.02


class Launcher:
    def __init__(self, settings: Settings, publisher: StatePublisher, http: httpx.AsyncClient) -> None:
        self.settings = settings
        self.configured = settings  # before anything chosen on the settings page
        self.pool_chosen: dict[str, int] = {}
        self.overrides: dict[str, Overrides] = {}
        self.publisher = publisher
        self.catalogue = Catalogue(settings.tools_dir)
        self.children = ChildrenFile(settings.data_dir / "launcher-children.json")
        self.supervisors: dict[str, ToolSupervisor] = {}
        self.holders_seen: dict[str, float] = {}
        self.pinned: set[str] = set()
        self.deps = SupervisorDeps(
            settings=settings,
            http=http,
            children=self.children,
            builds=asyncio.Semaphore(MAX_PARALLEL_BUILDS),
            on_change=self.publish,
            before_start=self._make_room,
        )
        self._unpublished: set[ToolSupervisor] = set()
        self._flush_handle: asyncio.Handle | None = None
        self._flush_at_once = False
        self._published_marks: dict[str, tuple[object, ...]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._background: set[asyncio.Task[object]] = set()

    def _in_background(self, coroutine: Coroutine[Any, Any, object], name: str) -> None:
        """Run a stop or a retirement without awaiting it here, keeping a reference until done."""
        task = asyncio.create_task(coroutine, name=name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # -- life --------------------------------------------------------------------------------

    async def start(self) -> None:
        leftovers = self.children.records()
        if leftovers:
            stopped = await stop_orphans(leftovers)
            for record in leftovers:
                self.children.remove(record.pid)
            if stopped:
                log.warning(
                    "stopped %d tool process(es) left running by an earlier launcher: %s",
                    len(stopped),
                    ", ".join(f"{r.tool_id} (pid {r.pid})" for r in stopped),
                )
        await self.sync()
        self._tasks = [
            asyncio.create_task(self._watch(), name="tools-watcher"),
            asyncio.create_task(self._housekeeping(), name="housekeeping"),
        ]

    async def shutdown(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, *self._background, return_exceptions=True)
        warm = [s for s in self.supervisors.values() if s.runtime.state.value != "stopped"]
        await asyncio.gather(
            *(s.stop(grace=SHUTDOWN_GRACE, reason="Pixie is shutting down") for s in warm),
            return_exceptions=True,
        )
        await asyncio.gather(*(s.close() for s in self.supervisors.values()), return_exceptions=True)

    # -- discovery ---------------------------------------------------------------------------

    async def sync(self) -> bool:
        refresh = await self.catalogue.refresh()
        if refresh is None:
            return False
        self._apply(refresh)
        return True

    def _apply(self, refresh: Refresh) -> None:
        current = {tool.key: tool for tool in refresh.tools}
        for key in set(self.supervisors) - set(current):
            retired = self.supervisors.pop(key)
            self._published_marks.pop(key, None)
            self.publisher.delete(TOOL_KEY_PREFIX + key)
            self.publisher.delete(RUNTIME_KEY_PREFIX + key)
            self._in_background(self._retire(retired), f"retire-{key}")
        for key, tool in current.items():
            pinned = key in self.pinned or bool(tool.scan.spec and tool.scan.spec.pinned_warm)
            existing = self.supervisors.get(key)
            if existing is None:
                created = ToolSupervisor(tool, self.deps)
                created.pinned = pinned
                self.supervisors[key] = created
                created.set_overrides(self.overrides.get(key, Overrides()))
                self.publish(created)
            elif tool.scan.folder in refresh.changed_folders or existing.tool != tool:
                existing.pinned = pinned
                existing.update_tool(tool)
        log.info("tools folder: %d tool(s)", len(current))

    async def _retire(self, supervisor: ToolSupervisor) -> None:
        await supervisor.stop(reason="its folder was removed")
        await supervisor.close()

    async def _watch(self) -> None:
        while True:
            try:
                await self.sync()
            except Exception:
                log.exception("scanning %s failed", self.settings.tools_dir)
            await asyncio.sleep(POLL_INTERVAL)

    def get(self, name: str) -> ToolSupervisor | None:
        """A supervisor by tool id, or by folder name."""
        if name in self.supervisors:
            return self.supervisors[name]
        return next((s for s in self.supervisors.values() if s.tool.scan.folder == name), None)

    # -- what people chose (kept in the store; see preferences.py) -----------------------------------

    def apply_pinned(self, tool_id: str, pinned: bool) -> None:
        """Pin a tool warm (never reaped or evicted), or unpin it unless its tool.json pins it."""
        if pinned:
            self.pinned.add(tool_id)
        else:
            self.pinned.discard(tool_id)
        supervisor = self.supervisors.get(tool_id)
        if supervisor is not None:
            spec = supervisor.tool.scan.spec
            supervisor.pinned = pinned or bool(spec and spec.pinned_warm)
            self.publish(supervisor)

    def apply_overrides(self, tool_id: str, overrides: Overrides) -> None:
        if overrides.to_dict():
            self.overrides[tool_id] = overrides
        else:
            self.overrides.pop(tool_id, None)
        supervisor = self.supervisors.get(tool_id)
        if supervisor is not None:
            supervisor.set_overrides(overrides)

    def apply_pool(self, chosen: Mapping[str, int | None]) -> None:
        """Change the warm pool's settings now: None goes back to the configured value. Records
        are republished (they carry each tool's warm-keep time) and the pool is trimmed at once."""
        for field, value in chosen.items():
            if value is None:
                self.pool_chosen.pop(field, None)
            else:
                self.pool_chosen[field] = value
        self.settings = dataclasses.replace(self.configured, **self.pool_chosen)  # type: ignore[arg-type]
        self.deps.settings = self.settings
        for supervisor in self.supervisors.values():
            self.publish(supervisor)
        self.housekeep(time.time())

    def pool_settings(self) -> dict[str, Any]:
        """The warm pool's settings in force, what the configuration says, and where each came from
        (``settings page``, else the configuration's own source: environment, pixie.toml, default)."""
        return {
            **{field: getattr(self.settings, field) for field in POOL_FIELDS},
            "configured": {field: getattr(self.configured, field) for field in POOL_FIELDS},
            "sources": {
                field: "settings page" if field in self.pool_chosen else self.configured.sources[field]
                for field in POOL_FIELDS
            },
        }

    # -- the warm pool -------------------------------------------------------------------------

    def _members(self) -> list[pool.Member]:
        return [
            pool.Member(
                s.tool_id,
                last_used=s.runtime.last_used_at or s.runtime.started_at or time.time(),
                busy=s.busy,
                pinned=s.pinned,
                keep_seconds=s.keep_seconds(),
            )
            for s in self.supervisors.values()
            if s.warm
        ]

    def pool_view(self) -> pool.PoolView:
        return pool.PoolView(cap=self.settings.warm_keep_max, size=len(self._members()))

    def _make_room(self, incoming: ToolSupervisor) -> None:
        """Called just before a tool starts: evict LRU idle tools beyond the cap."""
        for tool_id in pool.evictions(self._members(), self.settings.warm_keep_max, incoming.tool_id):
            victim = self.supervisors[tool_id]
            log.info(
                "stopping %s to make room for %s (warm_keep_max=%d)",
                tool_id,
                incoming.tool_id,
                self.settings.warm_keep_max,
            )
            reason = f"the warm pool was full when {incoming.tool_id} started"
            self._in_background(victim.stop(reason=reason), f"evict-{tool_id}")

    async def _housekeeping(self) -> None:
        while True:
            await asyncio.sleep(HOUSEKEEPING_INTERVAL)
            try:
                self.housekeep(time.time())
            except Exception:
                log.exception("housekeeping failed")

    def housekeep(self, now: float) -> None:
        members = self._members()
        for tool_id in pool.expired(members, now):
            supervisor = self.supervisors[tool_id]
            reason = f"it was idle for {supervisor.keep_seconds():g} s (warm_keep_seconds)"
            self._in_background(supervisor.stop(reason=reason), f"reap-{tool_id}")
        for tool_id in pool.evictions(members, self.settings.warm_keep_max):
            stop = self.supervisors[tool_id].stop(reason="the warm pool was over its cap")
            self._in_background(stop, f"evict-{tool_id}")
        # Silence is measured on the monotonic clock: a wall-clock step (NTP, a resumed laptop)
        # must not make a live web process look gone and cost it its runs.
        quiet_since = time.monotonic() - HOLDER_TIMEOUT
        for holder, seen in list(self.holders_seen.items()):
            if seen < quiet_since:
                del self.holders_seen[holder]
                reclaimed = sum(s.leases.reclaim(holder) for s in self.supervisors.values())
                if reclaimed:
                    log.warning("reclaimed %d lease(s) of web process %s, which went away", reclaimed, holder)
        self._publish_pool()

    def seen(self, holder: str) -> None:
        self.holders_seen[holder] = time.monotonic()

    # -- publication -----------------------------------------------------------------------------

    def publish(self, supervisor: ToolSupervisor) -> None:
        """Publish the tool's state: news (a new state, process or tool.json) once the current
        step is over, lease churn within ``CHURN_WINDOW``. Every run takes and returns a lease;
        gathered, a burst of runs is a few publications rather than two per run for every
        subscriber to decode."""
        self._unpublished.add(supervisor)
        news = self._published_marks.get(supervisor.tool_id) != _mark(supervisor)
        loop = asyncio.get_running_loop()
        if self._flush_handle is not None:
            if self._flush_at_once or not news:
                return  # a flush is coming soon enough
            self._flush_handle.cancel()
        self._flush_at_once = news
        if news:
            self._flush_handle = loop.call_soon(self._flush)
        else:
            self._flush_handle = loop.call_later(CHURN_WINDOW, self._flush)

    def _flush(self) -> None:
        """Two keys per tool: its definition (large, rarely changes) and its runtime (small,
        changes on every lease), so a run does not republish the tool.json each time."""
        self._flush_handle = None
        changed, self._unpublished = self._unpublished, set()
        for supervisor in changed:
            if self.supervisors.get(supervisor.tool_id) is supervisor:
                self._published_marks[supervisor.tool_id] = _mark(supervisor)
                self.publisher.set(TOOL_KEY_PREFIX + supervisor.tool_id, supervisor.definition())
                self.publisher.set(RUNTIME_KEY_PREFIX + supervisor.tool_id, supervisor.runtime_record())
        self._publish_pool()

    def _publish_pool(self) -> None:
        view = self.pool_view()
        self.publisher.set(POOL_KEY, {"cap": view.cap, "size": view.size, "over_cap": view.over_cap})

    def live_state(self) -> dict[str, Any]:
        """The snapshot plus what is too volatile to publish: memory and idle time left."""
        now = time.time()
        tools = {}
        for tool_id, supervisor in self.supervisors.items():
            record = supervisor.record()
            record.pop("spec", None)
            runtime = supervisor.runtime
            record["rss_bytes"] = group_rss_bytes(runtime.pid) if runtime.pid else None
            idle_left = None
            if supervisor.warm and not supervisor.busy and not supervisor.pinned and runtime.last_used_at:
                idle_left = max(0.0, runtime.last_used_at + supervisor.keep_seconds() - now)
            record["idle_seconds_left"] = idle_left
            record["leases"] = supervisor.leases.describe()
            tools[tool_id] = record
        view = self.pool_view()
        return {"tools": tools, "pool": {"cap": view.cap, "size": view.size, "over_cap": view.over_cap}}


def _mark(supervisor: ToolSupervisor) -> tuple[object, ...]:
    """What makes a publication news rather than churn."""
    runtime = supervisor.runtime
    return (id(supervisor.tool), supervisor.tool.broken, runtime.state, runtime.pid, runtime.port)
