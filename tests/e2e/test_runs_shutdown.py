"""Stopping Pixie with runs in flight: each is answered and recorded, and nothing holds up the stop."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest

from pixie_web.runs.outcome import SHUTDOWN_NOTE
from tests.support.launcher import copy_fixture_tool
from tests.support.runs import start_slow_run
from tests.support.system import running_system, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]


def test_runs_in_flight_when_pixie_stops_are_told_so_at_once_and_recorded_interrupted(
    tmp_path: Any,
) -> None:
    with running_system(tmp_path, env={"PIXIE_DEVELOPER_MODE": "1"}) as pixie:
        copy_fixture_tool(pixie.tools_dir, "slow-api", source="runs-tool")
        copy_fixture_tool(pixie.tools_dir, "slow-form", source="runs-tool")
        pixie.wait_healthy()
        wait_until(lambda: len(pixie.get("/api/tools").json()) == 2, timeout=10, what="the tools")
        api_thread, api = start_slow_run(pixie, "slow-api", seconds=60)
        form_thread, form = start_slow_run(pixie, "slow-form", seconds=60, form=True)

        started = time.monotonic()
        pixie["web"].signal(15)
        assert pixie["web"].wait(10) == 0
        api_thread.join(10)
        form_thread.join(10)
        # Answered when the stop began: not after the server's grace, and not an empty 500.
        assert time.monotonic() - started < 5
        answer = api["response"]
        assert answer["status"] == "interrupted"
        assert answer["error"]["kind"] == "interrupted"
        assert answer["error"]["message"] == SHUTDOWN_NOTE
        panel = form["response"]
        assert panel.status_code == 200  # htmx swaps it in
        assert panel.headers["X-Pixie-Run-Status"] == "interrupted"
        assert "Pixie stopped during the run" in panel.text
        assert SHUTDOWN_NOTE.split(",")[0] in panel.text

        # The web process recorded both itself as it stopped (a web process that dies instead
        # leaves them to the next start, whose note says its result was lost).
        pixie["web"].start()
        pixie.wait_healthy()
        for holder in (api, form):
            run = pixie.get(f"/api/runs/{holder['run_id']}").json()
            assert run["status"] == "interrupted"
            assert run["error"] == SHUTDOWN_NOTE
            assert run["error_kind"] == "interrupted"


def test_open_streams_do_not_hold_up_stopping_the_web_process(tmp_path: Any) -> None:
    with running_system(tmp_path) as pixie:
        copy_fixture_tool(
            pixie.tools_dir, "stream-tool", source="runs-tool", tool_json_file="stream.tool.json"
        )
        pixie.wait_healthy()
        wait_until(lambda: pixie.get("/api/tools").json(), timeout=10, what="the tool")
        opened = threading.Event()

        def follow() -> None:
            try:
                with httpx.stream(
                    "POST",
                    f"{pixie.base_url}/api/tools/stream-tool/run?stream=1",
                    json={"inputs": {"count": 10000, "delay": 0.05}},
                    timeout=30,
                ) as response:
                    for _ in response.iter_text():
                        opened.set()
            except httpx.HTTPError:
                pass

        thread = threading.Thread(target=follow, daemon=True)
        thread.start()
        assert opened.wait(20)
        started = time.monotonic()
        pixie["web"].signal(15)
        assert pixie["web"].wait(10) == 0
        assert time.monotonic() - started < 5
        thread.join(10)


def test_a_run_left_by_a_web_process_that_died_becomes_interrupted(tmp_path: Any) -> None:
    with running_system(tmp_path, env={"PIXIE_DEVELOPER_MODE": "1"}) as pixie:
        copy_fixture_tool(pixie.tools_dir, "slow-tool", source="runs-tool")
        pixie.wait_healthy()
        wait_until(lambda: pixie.get("/api/tools").json(), timeout=10, what="the tool")
        thread, holder = start_slow_run(pixie, "slow-tool", seconds=30)
        pixie["web"].signal(9)
        pixie["web"].wait(5)
        thread.join(10)
        pixie["web"].start()
        pixie.wait_healthy()
        run = wait_until(
            lambda: (r := pixie.get(f"/api/runs/{holder['run_id']}").json())["status"] != "running" and r,
            timeout=10,
            what="the orphaned run to be closed",
        )
        assert run["status"] == "interrupted"
        assert "web process stopped" in run["error"]
        lease_gone = wait_until(
            lambda: pixie.get("/api/launcher/state").json()["tools"]["slow-tool"]["in_flight"] == 0,
            timeout=10,
            what="the dead web process's lease to be reclaimed",
        )
        assert lease_gone
