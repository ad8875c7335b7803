"""The run leases on one tool, with their waiting, deadlines and owners.

``leases.LeaseQueue`` decides who holds a lease; this desk adds what needs a clock and an event
loop: a request waits its turn and for the tool to be running, a granted lease expires
``max_runtime_seconds`` (plus a little grace) after it was granted, and every lease remembers the
web process that holds it so the launcher can take them back when that process goes away. The
tool itself is reached through the small ``Tenant`` surface its supervisor provides.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol

from pixie_launcher import states as sm
from pixie_launcher.leases import LeaseQueue
from shared.toolcall import RUN_GRACE


class Tenant(Protocol):
    """What the desk needs from the tool whose leases it keeps (its supervisor)."""

    @property
    def tool_id(self) -> str: ...

    def max_runtime(self) -> float: ...

    async def ensure_running(self, *, timeout: float) -> sm.Runtime: ...

    def mark_used(self) -> None: ...

    def notify(self) -> None: ...

    async def wait_for_change(self, deadline: float, what: str) -> None: ...

    def spawn_task(self, coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]: ...

    async def stop_overrun(self, reason: str) -> None: ...


@dataclass
class Lease:
    lease_id: str
    run_id: str
    holder: str
    requested_at: float
    granted_at: float | None = None
    timer: asyncio.TimerHandle | None = field(default=None, repr=False)


class LeaseDesk:
    def __init__(
        self,
        tenant: Tenant,
        *,
        exclusive: bool,
        on_idle: Callable[[], None],
        clock: Callable[[], float] = time.time,
        grace: float = RUN_GRACE,
    ) -> None:
        self._tenant = tenant
        self._grace = grace
        self._on_idle = on_idle
        self._clock = clock
        self._queue = LeaseQueue(exclusive=exclusive)
        self._held: dict[str, Lease] = {}
        self._expired: set[str] = set()

    @property
    def busy(self) -> bool:
        """Whether any run holds or waits for a lease."""
        return self._queue.busy

    @property
    def active_count(self) -> int:
        return len(self._queue.active)

    @property
    def waiting_count(self) -> int:
        return len(self._queue.waiting)

    def set_exclusive(self, exclusive: bool) -> None:
        self._queue.set_exclusive(exclusive)

    async def acquire(self, run_id: str, holder: str, *, timeout: float) -> dict[str, Any]:
        """Wait for a lease (queueing behind others for a ``concurrent: false`` tool), make sure the
        tool is running, and return where to call it."""
        tenant = self._tenant
        deadline = time.monotonic() + timeout
        lease = Lease(uuid.uuid4().hex, run_id, holder, self._clock())
        self._held[lease.lease_id] = lease
        granted = self._queue.request(lease.lease_id)
        tenant.notify()
        try:
            while not granted:
                await tenant.wait_for_change(deadline, "waiting for earlier runs to finish")
                granted = self._queue.position(lease.lease_id) == 0
            runtime = await tenant.ensure_running(timeout=max(0.0, deadline - time.monotonic()))
        except BaseException:
            self._end(lease.lease_id)
            raise
        lease.granted_at = self._clock()
        limit = tenant.max_runtime() + self._grace
        # A timer, not a task sleeping: one lease per run, and most end long before it fires.
        lease.timer = asyncio.get_running_loop().call_later(limit, self._expire, lease.lease_id)
        tenant.mark_used()
        return {
            "lease_id": lease.lease_id,
            "tool_id": tenant.tool_id,
            "port": runtime.port,
            "pid": runtime.pid,
            "expires_in": limit,
        }

    def release(self, lease_id: str) -> dict[str, Any]:
        """Return a lease; says whether it had already expired (the run overran its limit)."""
        if lease_id in self._expired:
            self._expired.discard(lease_id)
            return {"released": False, "expired": True}
        if lease_id not in self._held:
            return {"released": False, "expired": False}
        self._end(lease_id)
        self._tenant.mark_used()
        return {"released": True, "expired": False}

    def held_by(self, holder: str) -> int:
        return sum(1 for lease in self._held.values() if lease.holder == holder)

    def reclaim(self, holder: str) -> int:
        """End every lease of a web process that went away."""
        dead = [lease_id for lease_id, lease in self._held.items() if lease.holder == holder]
        for lease_id in dead:
            self._end(lease_id)
        return len(dead)

    def describe(self) -> list[dict[str, str]]:
        return [
            {"lease_id": lease.lease_id, "run_id": lease.run_id, "holder": lease.holder}
            for lease in self._held.values()
        ]

    def _end(self, lease_id: str) -> None:
        lease = self._held.pop(lease_id, None)
        if lease is not None and lease.timer is not None:
            lease.timer.cancel()  # harmless when it is the timer that fired
        self._queue.release(lease_id)
        self._tenant.notify()
        if not self.busy:
            self._on_idle()

    def _expire(self, lease_id: str) -> None:
        self._expired.add(lease_id)
        self._end(lease_id)
        reason = (
            f"a run took longer than its limit of {self._tenant.max_runtime():g} s "
            f"(max_runtime_seconds in tool.json) plus {self._grace:g} s"
        )
        self._tenant.spawn_task(self._tenant.stop_overrun(reason), "overrun")
