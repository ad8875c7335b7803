"""What the launcher publishes while runs come and go, seen by a real mirror."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.support.launcher import copy_fixture_tool, running_launcher

BURST = 10


async def test_a_burst_of_leases_is_a_few_publications_that_end_in_the_true_state(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        copy_fixture_tool(launcher.system.tools_dir, "busy")
        await launcher.wait_record("busy", lambda r: r.get("state") == "stopped")
        first = await launcher.acquire("busy")  # starts it: news, published at once
        await launcher.wait_record("busy", lambda r: r.get("state") == "running" and r.get("in_flight") == 1)
        await launcher.call("tools.release", {"tool_id": "busy", "lease_id": first["lease_id"]})
        await launcher.wait_record("busy", lambda r: r.get("in_flight") == 0)

        before, used = launcher.mirror.seq, launcher.record("busy")["last_used_at"]
        # Runs in parallel (a script's threads, several tabs): the launcher takes each burst of
        # requests back to back, however slowly this machine runs, so its window gathers them.
        leases = await asyncio.gather(*(launcher.acquire("busy") for _ in range(BURST)))
        await asyncio.gather(
            *(
                launcher.call("tools.release", {"tool_id": "busy", "lease_id": lease["lease_id"]})
                for lease in leases
            )
        )
        # The last change (the last release) is published within the window.
        record = await launcher.wait_record(
            "busy", lambda r: r["last_used_at"] != used and r["in_flight"] == 0
        )
        assert record["state"] == "running"
        # Every acquire and release changed the runtime: 2 x BURST changes, each in a step of its
        # own, so 2 x BURST publications if each were sent at once. Gathered for 20 ms at a time,
        # they are a handful (half is a wide margin for a loaded machine).
        assert 1 <= launcher.mirror.seq - before <= BURST
