"""The lease desk's waiting, expiry and reclaiming, against a tenant that is only bookkeeping."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Coroutine
from typing import Any

import pytest

from pixie_launcher import states as sm
from pixie_launcher.lease_desk import LeaseDesk
from tests.support.aio import eventually


class Tenant:
    tool_id = "demo"

    def __init__(self, max_runtime: float = 60.0) -> None:
        self.limit = max_runtime
        self.used = 0
        self.idle_calls = 0
        self.overruns: list[str] = []
        self.running = asyncio.Event()
        self.running.set()
        self._changed = asyncio.Event()
        self.tasks: set[asyncio.Task[Any]] = set()

    def max_runtime(self) -> float:
        return self.limit

    async def ensure_running(self, *, timeout: float) -> sm.Runtime:
        await asyncio.wait_for(self.running.wait(), timeout)
        return sm.Runtime(state=sm.State.RUNNING, pid=4242, port=5001)

    def mark_used(self) -> None:
        self.used += 1

    def notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for_change(self, deadline: float, what: str) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(what)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), remaining)

    def spawn_task(self, coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(coroutine, name=name)
        self.tasks.add(task)
        return task

    async def stop_overrun(self, reason: str) -> None:
        self.overruns.append(reason)

    def on_idle(self) -> None:
        self.idle_calls += 1


@pytest.fixture
async def tenant() -> AsyncIterator[Tenant]:
    tenant = Tenant()
    yield tenant
    for task in tenant.tasks:
        task.cancel()
    await asyncio.gather(*tenant.tasks, return_exceptions=True)


def desk_for(tenant: Tenant, *, exclusive: bool, grace: float = 5.0) -> LeaseDesk:
    return LeaseDesk(tenant, exclusive=exclusive, on_idle=tenant.on_idle, grace=grace)


async def test_a_grant_says_where_to_call_and_counts_as_use(tenant: Tenant) -> None:
    desk = desk_for(tenant, exclusive=True)
    grant = await desk.acquire("run-1", "web-a", timeout=1)
    assert grant["port"] == 5001
    assert grant["pid"] == 4242
    assert grant["tool_id"] == "demo"
    assert grant["expires_in"] == 65.0
    assert (desk.active_count, desk.busy, tenant.used) == (1, True, 1)
    assert desk.describe() == [{"lease_id": grant["lease_id"], "run_id": "run-1", "holder": "web-a"}]
    assert desk.release(grant["lease_id"]) == {"released": True, "expired": False}
    assert (desk.busy, tenant.used, tenant.idle_calls) == (False, 2, 1)


async def test_an_exclusive_tool_queues_the_second_run_until_the_first_returns(tenant: Tenant) -> None:
    desk = desk_for(tenant, exclusive=True)
    first = await desk.acquire("run-1", "web-a", timeout=1)
    second = asyncio.create_task(desk.acquire("run-2", "web-a", timeout=5))
    await eventually(lambda: desk.waiting_count == 1, timeout=2, what="the second request to queue")
    assert not second.done()
    desk.release(first["lease_id"])
    granted = await asyncio.wait_for(second, 2)
    assert desk.describe()[0]["run_id"] == "run-2"
    assert granted["lease_id"] != first["lease_id"]


async def test_a_concurrent_tool_grants_at_once(tenant: Tenant) -> None:
    desk = desk_for(tenant, exclusive=False)
    grants = await asyncio.gather(*(desk.acquire(f"run-{n}", "web-a", timeout=1) for n in range(3)))
    assert len({grant["lease_id"] for grant in grants}) == 3
    assert desk.active_count == 3


async def test_a_request_that_gives_up_leaves_no_lease_behind(tenant: Tenant) -> None:
    tenant.running.clear()  # the tool never becomes ready
    desk = desk_for(tenant, exclusive=True)
    with pytest.raises(TimeoutError):
        await desk.acquire("run-1", "web-a", timeout=0.05)
    assert not desk.busy
    assert desk.describe() == []


async def test_an_overdue_lease_expires_and_the_tool_is_stopped(tenant: Tenant) -> None:
    tenant.limit = 0.02
    desk = desk_for(tenant, exclusive=True, grace=0.01)
    grant = await desk.acquire("run-1", "web-a", timeout=1)
    await eventually(lambda: tenant.overruns, timeout=2, what="the lease to expire")
    assert "longer than its limit of 0.02 s (max_runtime_seconds in tool.json)" in tenant.overruns[0]
    assert not desk.busy
    assert desk.release(grant["lease_id"]) == {"released": False, "expired": True}
    assert desk.release(grant["lease_id"]) == {"released": False, "expired": False}


async def test_the_leases_of_a_vanished_web_process_are_reclaimed(tenant: Tenant) -> None:
    desk = desk_for(tenant, exclusive=False)
    for run, holder in [("r1", "web-a"), ("r2", "web-b"), ("r3", "web-a")]:
        await desk.acquire(run, holder, timeout=1)
    assert (desk.held_by("web-a"), desk.held_by("web-b")) == (2, 1)
    assert desk.reclaim("web-a") == 2
    assert [lease["run_id"] for lease in desk.describe()] == ["r2"]
    assert desk.reclaim("web-a") == 0


async def test_unknown_lease_release_is_harmless(tenant: Tenant) -> None:
    desk = desk_for(tenant, exclusive=True)
    assert desk.release("nope") == {"released": False, "expired": False}
    assert tenant.used == 0
