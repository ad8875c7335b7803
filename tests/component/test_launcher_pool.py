"""The warm pool and run leases, with a real launcher and real tool processes."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.support.launcher import LauncherHarness, copy_fixture_tool, running_launcher


async def _ready(launcher: LauncherHarness, *names: str, **tool_json: Any) -> None:
    for name in names:
        copy_fixture_tool(launcher.system.tools_dir, name, **tool_json)
    for name in names:
        await launcher.wait_record(name, lambda r: r.get("state") == "stopped")


async def _use(launcher: LauncherHarness, name: str) -> dict[str, Any]:
    lease = await launcher.acquire(name)
    await launcher.call("tools.release", {"tool_id": name, "lease_id": lease["lease_id"]})
    return lease


async def test_starting_one_more_than_the_cap_stops_the_least_recently_used(tmp_path: Path) -> None:
    async with running_launcher(tmp_path, env={"PIXIE_WARM_KEEP_MAX": "2"}) as launcher:
        await _ready(launcher, "a", "b", "c")
        await _use(launcher, "a")
        await _use(launcher, "b")
        await _use(launcher, "a")  # a is now more recent than b
        await _use(launcher, "c")
        record = await launcher.wait_record("b", lambda r: r["state"] == "stopped")
        assert record["stop_reason"] == "the warm pool was full when c started"
        assert (await launcher.settled_record("a"))["state"] == "running"
        assert (await launcher.settled_record("c"))["state"] == "running"
        assert launcher.mirror.items["pool"] == {"cap": 2, "size": 2, "over_cap": False}


async def test_busy_tools_are_never_evicted_and_the_pool_runs_over_its_cap(tmp_path: Path) -> None:
    async with running_launcher(tmp_path, env={"PIXIE_WARM_KEEP_MAX": "1"}) as launcher:
        await _ready(launcher, "held", "other")
        held = await launcher.acquire("held")
        other = await launcher.acquire("other")
        await launcher.wait_record("other", lambda r: r["state"] == "running")
        assert (await launcher.settled_record("held"))["state"] == "running"
        assert launcher.mirror.items["pool"] == {"cap": 1, "size": 2, "over_cap": True}

        await launcher.call("tools.release", {"tool_id": "held", "lease_id": held["lease_id"]})
        record = await launcher.wait_record("held", lambda r: r["state"] == "stopped")
        assert record["stop_reason"] == "the warm pool was over its cap"
        await launcher.wait_record("other", lambda r: r["state"] == "running" and r["in_flight"] == 1)
        assert launcher.mirror.items["pool"] == {"cap": 1, "size": 1, "over_cap": False}
        await launcher.call("tools.release", {"tool_id": "other", "lease_id": other["lease_id"]})


async def test_idle_tools_are_reaped_but_pinned_ones_stay_warm(tmp_path: Path) -> None:
    async with running_launcher(tmp_path, env={"PIXIE_WARM_KEEP_SECONDS": "1"}) as launcher:
        await _ready(launcher, "global-keep", "pinned")
        copy_fixture_tool(launcher.system.tools_dir, "own-keep", warm_keep_seconds=2)
        await launcher.wait_record("own-keep", lambda r: r.get("state") == "stopped")
        await launcher.call("tools.set_pinned", {"tool_id": "pinned", "pinned": True})
        for name in ("pinned", "global-keep", "own-keep"):
            await _use(launcher, name)
        assert (await launcher.settled_record("own-keep"))["warm_keep_seconds"] == 2
        assert (await launcher.settled_record("global-keep"))["warm_keep_seconds"] == 1

        record = await launcher.wait_record("global-keep", lambda r: r["state"] == "stopped", timeout=5)
        assert record["stop_reason"] == "it was idle for 1 s (warm_keep_seconds)"
        assert (await launcher.settled_record("own-keep"))["state"] == "running"  # its own, longer keep
        await launcher.wait_record("own-keep", lambda r: r["state"] == "stopped", timeout=5)
        assert (await launcher.settled_record("pinned"))["state"] == "running"
        assert (await launcher.settled_record("pinned"))["pinned"] is True


async def test_concurrent_false_tools_grant_one_lease_at_a_time_in_arrival_order(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        await _ready(launcher, "serial", concurrent=False)
        first = await launcher.acquire("serial")
        waiting = []
        for position in range(1, 4):
            waiting.append(asyncio.create_task(launcher.acquire("serial")))
            await launcher.wait_record("serial", lambda r, n=position: r["queued"] == n)
        record = await launcher.settled_record("serial")
        assert (record["in_flight"], record["queued"]) == (1, 3)

        order = []
        current = first
        for _ in range(3):
            await launcher.call("tools.release", {"tool_id": "serial", "lease_id": current["lease_id"]})
            done, _pending = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            assert len(done) == 1  # exactly one waiter is let in per release
            task = done.pop()
            order.append(waiting.index(task))
            waiting[waiting.index(task)] = asyncio.create_task(asyncio.sleep(3600))
            current = task.result()
        assert order == [0, 1, 2]
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)


async def test_concurrent_tools_grant_every_lease_at_once(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        await _ready(launcher, "parallel")
        leases = await asyncio.gather(*(launcher.acquire("parallel") for _ in range(4)))
        assert len({lease["lease_id"] for lease in leases}) == 4
        assert len({lease["pid"] for lease in leases}) == 1  # one process, started once
        assert (await launcher.settled_record("parallel"))["in_flight"] == 4


async def test_leases_of_a_web_process_that_died_are_reclaimed(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        await _ready(launcher, "orphaned-lease", concurrent=False)
        await launcher.acquire("orphaned-lease", holder="web-that-dies")
        waiter = asyncio.create_task(launcher.acquire("orphaned-lease"))
        await launcher.wait_record("orphaned-lease", lambda r: r["queued"] == 1)
        lease = await asyncio.wait_for(waiter, 15)  # granted once the silent holder's lease is reclaimed
        assert lease["port"]
        assert (await launcher.settled_record("orphaned-lease"))["in_flight"] == 1
