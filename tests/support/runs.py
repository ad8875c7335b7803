"""Runs held open in a tool, for tests of what happens while one is going (cancel, stop, crash)."""

from __future__ import annotations

import threading
from typing import Any

import httpx

from tests.support.system import PixieSystem, wait_until


def start_slow_run(
    pixie: PixieSystem, tool_id: str, seconds: int = 20, *, form: bool = False
) -> tuple[threading.Thread, dict[str, Any]]:
    """Start a ``slow`` run of a runs-tool copy on a thread, and return once the tool is working
    on it; the holder gets ``run_id``, then the ``response`` (or the ``error`` if the web process
    went away). ``form=True`` posts the form as htmx does, instead of the JSON API."""
    holder: dict[str, Any] = {}

    def call() -> None:
        try:
            if form:
                holder["response"] = pixie.http.post(
                    f"/tool/{tool_id}/run",
                    data={"mode": "slow", "seconds": str(seconds)},
                    headers={"HX-Request": "true"},
                    timeout=60,
                )
            else:
                holder["response"] = pixie.http.post(
                    f"/api/tools/{tool_id}/run",
                    json={"inputs": {"mode": "slow", "seconds": seconds}},
                    timeout=60,
                ).json()
        except httpx.HTTPError as exc:  # the web process may be killed by the test
            holder["error"] = exc

    thread = threading.Thread(target=call)
    thread.start()

    def running_id() -> str | None:
        items = pixie.get(f"/api/tools/{tool_id}/runs?limit=1").json()["items"]
        return items[0]["id"] if items and items[0]["status"] == "running" else None

    holder["run_id"] = wait_until(running_id, timeout=20, what=f"a running run of {tool_id}")

    def tool_busy() -> bool:
        tool = pixie.get("/api/launcher/state").json()["tools"][tool_id]
        return bool(tool["state"] == "running" and tool["in_flight"] >= 1)

    wait_until(tool_busy, timeout=20, what=f"{tool_id} to be working on the run")
    return thread, holder
