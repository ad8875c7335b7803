"""How the launcher handles tools that fail: at start, while running, over their limits, and
when the launcher itself is killed."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from pathlib import Path

import httpx
import pytest

from pixie_launcher.states import MAX_ATTEMPTS
from shared.wire import ErrorCode, WireError
from tests.support.launcher import LauncherHarness, copy_fixture_tool, running_launcher
from tests.support.procfs import alive
from tests.support.system import wait_until


async def _failed_start(launcher: LauncherHarness, tool_id: str) -> tuple[WireError, float]:
    started = time.monotonic()
    with pytest.raises(WireError) as caught:
        await launcher.acquire(tool_id)
    assert caught.value.code is ErrorCode.TOOL_FAILED
    return caught.value, time.monotonic() - started


async def test_exit_during_start_fails_at_once_with_code_and_stderr(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        copy_fixture_tool(launcher.system.tools_dir, "quitter", dotenv={"FIXTURE_STARTUP": "exit"})
        await launcher.wait_record("quitter", lambda r: r.get("state") == "stopped")
        error, elapsed = await _failed_start(launcher, "quitter")
        assert "quitter exited with code 3 during start-up" in error.message
        assert "fixture-tool: exiting at start on purpose" in error.message
        record = await launcher.settled_record("quitter")
        assert (record["state"], record["exit_code"], record["attempts"]) == ("backoff", 3, 1)
        assert elapsed < 10  # includes building its environment; never the 30 s health timeout


async def test_a_tool_that_never_becomes_healthy_fails_with_the_reason(tmp_path: Path) -> None:
    async with running_launcher(tmp_path, env={"PIXIE_START_TIMEOUT_SECONDS": "2"}) as launcher:
        copy_fixture_tool(launcher.system.tools_dir, "sulky", dotenv={"FIXTURE_STARTUP": "never_healthy"})
        copy_fixture_tool(launcher.system.tools_dir, "odd", dotenv={"FIXTURE_STARTUP": "wrong_body"})
        await launcher.wait_record("odd", lambda r: r.get("state") == "stopped")

        error, _ = await _failed_start(launcher, "sulky")
        assert "sulky did not become healthy within 2 s: /healthz answered HTTP 503" in error.message
        error, _ = await _failed_start(launcher, "odd")
        assert 'instead of {"ok": true}' in error.message
        for tool_id in ("sulky", "odd"):
            record = await launcher.settled_record(tool_id)
            assert record["state"] == "backoff"
            assert record["pid"] is None
        assert "HTTP 503" in (await launcher.settled_record("sulky"))["last_error"]


async def test_start_up_mistakes_fail_soon_saying_how_to_fix_them(
    tmp_path: Path,
) -> None:
    """No /healthz, a port of its own, no server started: waiting the whole start timeout would
    not help, so each fails within seconds."""
    async with running_launcher(tmp_path) as launcher:
        copy_fixture_tool(launcher.system.tools_dir, "routeless", dotenv={"FIXTURE_STARTUP": "no_healthz"})
        copy_fixture_tool(launcher.system.tools_dir, "stubborn", dotenv={"FIXTURE_STARTUP": "own_port"})
        await launcher.wait_record("stubborn", lambda r: r.get("state") == "stopped")

        error, elapsed = await _failed_start(launcher, "routeless")
        assert "/healthz answered HTTP 404: the tool has no GET /healthz route" in error.message
        assert 'add one that answers {"ok": true}' in error.message
        assert elapsed < 20  # its environment is built first; the start timeout is 30 s
        copy_fixture_tool(launcher.system.tools_dir, "idle", dotenv={"FIXTURE_STARTUP": "no_server"})
        await launcher.wait_record("idle", lambda r: r.get("state") == "stopped")
        error, _ = await _failed_start(launcher, "idle")
        assert "idle exited with code 0 during start-up. It ended cleanly at once" in error.message
        assert 'under `if __name__ == "__main__":`' in error.message
        error, elapsed = await _failed_start(launcher, "stubborn")
        assert re.search(
            r"stubborn is listening on 127\.0\.0\.1:\d+, not on the port it was given", error.message
        )
        assert "port passed as --port" in error.message
        assert elapsed < 20


async def test_a_crash_while_running_is_noticed_at_once_and_published(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        copy_fixture_tool(launcher.system.tools_dir, "fragile")
        await launcher.wait_record("fragile", lambda r: r.get("state") == "stopped")
        lease = await launcher.acquire("fragile")
        with pytest.raises(httpx.HTTPError):
            await launcher.run(lease["port"], {"mode": "crash"})
        crashed = time.monotonic()
        record = await launcher.wait_record("fragile", lambda r: r["state"] == "backoff", timeout=2)
        assert time.monotonic() - crashed < 2
        assert record["exit_code"] == 9
        assert record["previous_state"] == "running"
        assert "fragile exited with code 9 while running" in record["last_error"]
        assert "crashing on purpose" in record["last_error"]
        await launcher.call("tools.release", {"tool_id": "fragile", "lease_id": lease["lease_id"]})

        again = await launcher.acquire("fragile")  # the next request restarts it
        assert again["pid"] != lease["pid"]
        assert (await launcher.settled_record("fragile"))["state"] == "running"


async def test_a_crash_is_noticed_even_while_a_grandchild_holds_the_tools_output_pipes(
    tmp_path: Path,
) -> None:
    async with running_launcher(tmp_path) as launcher:
        copy_fixture_tool(launcher.system.tools_dir, "parent", dotenv={"FIXTURE_STARTUP": "grandchild"})
        await launcher.wait_record("parent", lambda r: r.get("state") == "stopped")
        lease = await launcher.acquire("parent")
        match = wait_until(
            lambda: re.search(r"grandchild pid (\d+)", launcher.log("parent")),
            timeout=5,
            what="grandchild pid",
        )
        grandchild = int(match.group(1))
        with pytest.raises(httpx.HTTPError):
            await launcher.run(lease["port"], {"mode": "crash"})
        record = await launcher.wait_record("parent", lambda r: r["state"] == "backoff", timeout=5)
        assert record["exit_code"] == 9
        assert "crashing on purpose" in record["last_error"]
        wait_until(lambda: not alive(grandchild), timeout=3, what="the grandchild to be gone")


async def _drive_to_fatal(launcher: LauncherHarness, tool_id: str) -> None:
    for _ in range(MAX_ATTEMPTS):  # each call waits out the back-off, then fails at once
        await _failed_start(launcher, tool_id)
    record = await launcher.settled_record(tool_id)
    assert (record["state"], record["attempts"]) == ("fatal", MAX_ATTEMPTS)


async def test_repeated_failures_end_in_fatal_until_files_change_or_a_manual_start(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        edited = copy_fixture_tool(launcher.system.tools_dir, "doomed-a", dotenv={"FIXTURE_STARTUP": "exit"})
        restarted = copy_fixture_tool(
            launcher.system.tools_dir, "doomed-b", dotenv={"FIXTURE_STARTUP": "exit"}
        )
        await launcher.wait_record("doomed-b", lambda r: r.get("state") == "stopped")
        await asyncio.gather(_drive_to_fatal(launcher, "doomed-a"), _drive_to_fatal(launcher, "doomed-b"))

        error, elapsed = await _failed_start(launcher, "doomed-a")
        assert "failed 5 times in a row, so Pixie stopped retrying" in error.message
        assert elapsed < 2  # FATAL answers at once, without trying again (the words above say why)

        (edited / ".env").write_text('FIXTURE_STARTUP="ok"\n')
        later = time.time() + 5
        os.utime(edited / "main.py", (later, later))  # an edit to the tool clears FATAL
        await launcher.wait_record(
            "doomed-a", lambda r: r["state"] == "stopped", what="FATAL cleared by an edit"
        )
        assert (await launcher.acquire("doomed-a"))["port"]

        (restarted / ".env").write_text('FIXTURE_STARTUP="ok"\n')
        record = await launcher.call("tools.start", {"tool_id": "doomed-b"}, timeout=60)  # a person asks
        assert (record["state"], record["attempts"]) == ("running", 0)


async def test_a_stuck_run_lease_expires_and_the_tool_is_stopped(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        copy_fixture_tool(launcher.system.tools_dir, "slowpoke", max_runtime_seconds=1)
        await launcher.wait_record("slowpoke", lambda r: r.get("state") == "stopped")
        lease = await launcher.acquire("slowpoke")
        assert lease["expires_in"] == 6
        started = time.monotonic()
        with pytest.raises(httpx.HTTPError):
            await launcher.run(lease["port"], {"mode": "sleep", "seconds": 60}, timeout=30)
        assert 5 <= time.monotonic() - started < 15
        record = await launcher.wait_record("slowpoke", lambda r: r["state"] == "stopped")
        assert "a run took longer than its limit of 1 s (max_runtime_seconds" in record["stop_reason"]
        assert not alive(lease["pid"])
        released = await launcher.call(
            "tools.release", {"tool_id": "slowpoke", "lease_id": lease["lease_id"]}
        )
        assert released == {"released": False, "expired": True}


async def test_memory_over_the_limit_stops_the_tool_with_a_clear_message(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        copy_fixture_tool(launcher.system.tools_dir, "greedy", max_memory_mb=100)
        await launcher.wait_record("greedy", lambda r: r.get("state") == "stopped")
        lease = await launcher.acquire("greedy")
        with pytest.raises(httpx.HTTPError):
            await launcher.run(lease["port"], {"mode": "allocate", "size_mb": 400, "seconds": 20})
        record = await launcher.wait_record("greedy", lambda r: r["state"] == "backoff")
        assert "more than its limit of 100 MB (max_memory_mb in tool.json)" in record["last_error"]
        assert record["exit_signal"] == signal.SIGKILL
        assert launcher.system["launcher"].alive()


async def test_orphans_are_stopped_after_the_launcher_is_killed_and_restarted(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        copy_fixture_tool(launcher.system.tools_dir, "left-behind", dotenv={"FIXTURE_STARTUP": "grandchild"})
        await launcher.wait_record("left-behind", lambda r: r.get("state") == "stopped")
        lease = await launcher.acquire("left-behind")
        match = wait_until(
            lambda: re.search(r"grandchild pid (\d+)", launcher.log("left-behind")),
            timeout=5,
            what="grandchild",
        )
        grandchild = int(match.group(1))
        launcher.system["launcher"].signal(signal.SIGKILL)
        launcher.system["launcher"].wait(5)
        assert alive(lease["pid"])  # an orphan, for now
        assert alive(grandchild)

        launcher.system["launcher"].start()
        wait_until(lambda: not alive(lease["pid"]) and not alive(grandchild), timeout=10, what="orphans gone")
        record = await launcher.wait_record("left-behind", lambda r: r.get("state") == "stopped", timeout=15)
        assert record["pid"] is None


async def test_sigterm_to_the_launcher_stops_every_tool_within_five_seconds(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        for name in ("one", "two"):
            copy_fixture_tool(launcher.system.tools_dir, name)
        copy_fixture_tool(launcher.system.tools_dir, "deaf", dotenv={"FIXTURE_STARTUP": "ignore_sigterm"})
        await launcher.wait_record("deaf", lambda r: r.get("state") == "stopped")
        pids = [(await launcher.acquire(name))["pid"] for name in ("one", "two", "deaf")]
        started = time.monotonic()
        launcher.system["launcher"].signal(signal.SIGTERM)
        assert launcher.system["launcher"].wait(10) == 0
        assert time.monotonic() - started < 5
        assert not [pid for pid in pids if alive(pid)]
