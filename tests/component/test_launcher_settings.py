"""What people choose on the settings pages, through a real launcher (and store): secrets in
.env, per-tool overrides, warm pins and the warm pool's settings."""

from __future__ import annotations

import asyncio
import contextlib
import json
import stat
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import zmq.asyncio

from pixie_launcher.tool_secrets import set_secret
from shared.dotenv import parse_dotenv
from shared.wire import Endpoints, ErrorCode, RpcClient, WireError
from tests.support.aio import eventually
from tests.support.launcher import LauncherHarness, copy_fixture_tool, running_launcher
from tests.support.procfs import alive

pytestmark = pytest.mark.timeout(120)

SECRET = "Hunter2-s3cret-Zq81"
TOKEN = [{"key": "SECRET_TOKEN", "description": "Printed at start, masked", "required": True}]


async def _stopped(launcher: LauncherHarness, name: str) -> dict[str, Any]:
    return await launcher.wait_record(name, lambda r: r.get("state") == "stopped", timeout=15)


async def _use(launcher: LauncherHarness, name: str) -> dict[str, Any]:
    lease = await launcher.acquire(name)
    await launcher.call("tools.release", {"tool_id": name, "lease_id": lease["lease_id"]})
    return lease


async def _refused(launcher: LauncherHarness, op: str, args: dict[str, Any]) -> WireError:
    with pytest.raises(WireError) as caught:
        await launcher.call(op, args)
    assert caught.value.code is ErrorCode.BAD_REQUEST
    return caught.value


@contextlib.asynccontextmanager
async def store_client(launcher: LauncherHarness) -> AsyncIterator[RpcClient]:
    context = zmq.asyncio.Context()
    client = RpcClient(context, Endpoints.for_data_dir(launcher.system.data_dir).store_rpc, name="store")
    await client.start()
    try:
        yield client
    finally:
        await client.close()
        context.destroy(linger=0)


async def _answer(launcher: LauncherHarness, op: str, args: dict[str, Any] | None = None) -> Any:
    """The op's reply once the launcher answers (it may be restarting)."""
    deadline = time.monotonic() + 15
    while True:
        try:
            return await launcher.call(op, args, timeout=2.0)
        except WireError as exc:
            if exc.code not in (ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT) or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)


# -- secrets ---------------------------------------------------------------------------------------


async def test_a_secret_goes_to_env_with_mode_0600_keeping_every_other_line(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        tool = copy_fixture_tool(launcher.system.tools_dir, "keyed", secrets=TOKEN)
        env = tool / ".env"
        env.write_text('# written by hand\nOTHER="kept"\nexport LAST=1 # note\n')
        env.chmod(0o644)
        await _stopped(launcher, "keyed")

        listed = await launcher.call("tools.secrets.list", {"tool_id": "keyed"})
        assert listed["items"] == [
            {"key": "SECRET_TOKEN", "description": "Printed at start, masked", "required": True, "set": False}
        ]
        reply = await launcher.call(
            "tools.secrets.set", {"tool_id": "keyed", "key": "SECRET_TOKEN", "value": SECRET}
        )
        assert SECRET not in json.dumps(reply)
        assert (reply["changed"], reply["restart"], reply["items"][0]["set"]) == (True, None, True)
        assert stat.S_IMODE(env.stat().st_mode) == 0o600
        text = env.read_text()
        assert text.startswith('# written by hand\nOTHER="kept"\nexport LAST=1 # note\n')
        assert parse_dotenv(text) == {"OTHER": "kept", "LAST": "1", "SECRET_TOKEN": SECRET}
        assert not list(tool.glob(".env.*"))  # the atomic write left no temporary file

        refused = await _refused(
            launcher, "tools.secrets.set", {"tool_id": "keyed", "key": "OTHER", "value": "x"}
        )
        assert refused.field == "key"
        assert "not a secret keyed declares" in refused.message
        empty = await _refused(
            launcher, "tools.secrets.set", {"tool_id": "keyed", "key": "SECRET_TOKEN", "value": ""}
        )
        assert empty.field == "value"
        assert parse_dotenv(env.read_text())["OTHER"] == "kept"

        cleared = await launcher.call(
            "tools.secrets.set", {"tool_id": "keyed", "key": "SECRET_TOKEN", "value": None}
        )
        assert cleared["items"][0]["set"] is False
        assert parse_dotenv(env.read_text()) == {"OTHER": "kept", "LAST": "1"}
        assert "# written by hand" in env.read_text()
        assert SECRET not in launcher.system["launcher"].log_text()


async def test_a_changed_secret_restarts_the_tool_now_or_once_its_runs_end(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        copy_fixture_tool(
            launcher.system.tools_dir, "leaky", dotenv={"FIXTURE_STARTUP": "print_secret"}, secrets=TOKEN
        )
        await _stopped(launcher, "leaky")
        first = await _use(launcher, "leaky")
        await eventually(lambda: "token is \n" in launcher.log("leaky"), timeout=5, what="the unset token")

        args = {"tool_id": "leaky", "key": "SECRET_TOKEN", "value": SECRET}
        assert (await launcher.call("tools.secrets.set", args))["restart"] == "now"
        record = await _stopped(launcher, "leaky")
        assert record["stop_reason"] == "its secrets changed"
        assert not alive(first["pid"])
        held = await launcher.acquire("leaky")  # a fresh process, with the new value
        await eventually(lambda: "token is ***" in launcher.log("leaky"), timeout=5, what="the masked token")

        args["value"] = SECRET + "-2"
        assert (await launcher.call("tools.secrets.set", args))["restart"] == "when_idle"
        record = await launcher.settled_record("leaky")
        assert (record["state"], record["pid"]) == ("running", held["pid"])  # a run is in flight: kept
        await launcher.call("tools.release", {"tool_id": "leaky", "lease_id": held["lease_id"]})
        assert (await _stopped(launcher, "leaky"))["stop_reason"] == "its secrets changed"
        for path in (launcher.system.data_dir / "logs").iterdir():
            assert SECRET not in path.read_text(errors="replace")
        assert SECRET not in launcher.system["launcher"].log_text()


# -- overrides -------------------------------------------------------------------------------------


async def test_overrides_are_checked_stored_and_a_runtime_override_times_a_run_out(tmp_path: Path) -> None:
    async with running_launcher(tmp_path, store=True) as launcher, store_client(launcher) as store:
        copy_fixture_tool(launcher.system.tools_dir, "slow")  # max_runtime_seconds 60 in tool.json
        await _stopped(launcher, "slow")
        bad = await _refused(
            launcher, "tools.overrides.set", {"tool_id": "slow", "overrides": {"max_runtime_seconds": 0}}
        )
        assert bad.field == "overrides.max_runtime_seconds"
        assert "max_runtime_seconds must be from 1 to 86400 s, got 0" in bad.message
        bad = await _refused(
            launcher, "tools.overrides.set", {"tool_id": "slow", "overrides": {"retain_runs": 1}}
        )
        assert bad.field == "overrides.retain_runs"

        record = await launcher.call(
            "tools.overrides.set", {"tool_id": "slow", "overrides": {"max_runtime_seconds": 1}}
        )
        assert record["overrides"] == {"max_runtime_seconds": 1}
        assert record["limits"]["max_runtime_seconds"] == 1
        assert record["limits"]["sources"]["max_runtime_seconds"] == "override"
        stored = await store.call("tools.state.get", {"tool_id": "slow"})
        assert stored["overrides"] == {"max_runtime_seconds": 1}
        listed = await store.call("tools.overrides.list")
        assert listed["items"] == {"slow": {"pinned_warm": False, "overrides": {"max_runtime_seconds": 1}}}

        lease = await launcher.acquire("slow")
        assert lease["expires_in"] == 6
        started = time.monotonic()
        with pytest.raises(httpx.HTTPError):
            await launcher.run(lease["port"], {"mode": "sleep", "seconds": 60}, timeout=30)
        assert 5 <= time.monotonic() - started < 15
        record = await _stopped(launcher, "slow")
        assert (
            "its limit of 1 s (max_runtime_seconds set for this tool in Pixie's settings)"
            in record["stop_reason"]
        )


async def test_a_warm_keep_override_reaps_sooner_and_concurrency_can_be_overridden(tmp_path: Path) -> None:
    async with running_launcher(tmp_path, store=True) as launcher:
        copy_fixture_tool(launcher.system.tools_dir, "brief")
        copy_fixture_tool(launcher.system.tools_dir, "lasting")
        await _stopped(launcher, "brief")
        await _stopped(launcher, "lasting")
        await launcher.call(
            "tools.overrides.set", {"tool_id": "brief", "overrides": {"warm_keep_seconds": 1}}
        )
        await _use(launcher, "brief")
        await _use(launcher, "lasting")
        record = await launcher.wait_record("brief", lambda r: r["state"] == "stopped", timeout=5)
        assert record["stop_reason"] == "it was idle for 1 s (warm_keep_seconds)"
        assert record["warm_keep_seconds"] == 1
        assert (await launcher.settled_record("lasting"))["state"] == "running"  # 300 s, as configured

        await launcher.call("tools.overrides.set", {"tool_id": "lasting", "overrides": {"concurrent": False}})
        first = await launcher.acquire("lasting")
        second = asyncio.create_task(launcher.acquire("lasting"))
        await launcher.wait_record("lasting", lambda r: r["queued"] == 1 and r["in_flight"] == 1)
        await launcher.call("tools.release", {"tool_id": "lasting", "lease_id": first["lease_id"]})
        assert (await asyncio.wait_for(second, 10))["port"] == first["port"]


async def test_a_memory_override_applies_to_the_running_tool(tmp_path: Path) -> None:
    async with running_launcher(tmp_path, store=True) as launcher:
        copy_fixture_tool(launcher.system.tools_dir, "greedy")  # 512 MB by default
        await _stopped(launcher, "greedy")
        lease = await launcher.acquire("greedy")
        await launcher.call("tools.overrides.set", {"tool_id": "greedy", "overrides": {"max_memory_mb": 100}})
        with pytest.raises(httpx.HTTPError):
            await launcher.run(lease["port"], {"mode": "allocate", "size_mb": 300, "seconds": 20})
        record = await launcher.wait_record("greedy", lambda r: r["state"] == "backoff")
        assert "more than its limit of 100 MB (max_memory_mb set for this tool" in record["last_error"]


# -- keeping choices across restarts ------------------------------------------------------------------


async def test_choices_are_reloaded_when_the_launcher_restarts_even_before_the_store(tmp_path: Path) -> None:
    async with running_launcher(tmp_path, store=True) as launcher:
        copy_fixture_tool(launcher.system.tools_dir, "kept")
        await _stopped(launcher, "kept")
        overrides = {"max_memory_mb": 256, "warm_keep_seconds": 7, "concurrent": False}
        await launcher.call("tools.overrides.set", {"tool_id": "kept", "overrides": overrides})
        await launcher.call("tools.set_pinned", {"tool_id": "kept", "pinned": True})
        pool = await launcher.call("pool.set", {"warm_keep_max": 3, "warm_keep_seconds": 90})
        assert (pool["warm_keep_max"], pool["sources"]["warm_keep_max"]) == (3, "settings page")
        assert pool["configured"] == {"warm_keep_seconds": 300, "warm_keep_max": 5}

        await asyncio.to_thread(launcher.system["launcher"].stop)
        await asyncio.to_thread(launcher.system["store"].stop)
        launcher.system["launcher"].start()  # the store is down: the launcher starts on its settings
        fresh = await _answer(launcher, "pool.get")
        assert (fresh["warm_keep_max"], fresh["sources"]["warm_keep_max"]) == (5, "default")
        record = await _answer(launcher, "tools.get", {"tool_id": "kept"})
        assert (record["overrides"], record["pinned"]) == ({}, False)

        launcher.system["store"].start()  # ... and picks up what was chosen once the store is back
        deadline = time.monotonic() + 15
        while (await _answer(launcher, "tools.get", {"tool_id": "kept"}))["overrides"] != overrides:
            assert time.monotonic() < deadline, "the stored overrides were not loaded"
            await asyncio.sleep(0.05)
        record = await launcher.call("tools.get", {"tool_id": "kept"})
        assert record["pinned"] is True
        assert record["limits"]["warm_keep_seconds"] == 7
        pool = await launcher.call("pool.get")
        assert (pool["warm_keep_max"], pool["warm_keep_seconds"]) == (3, 90)


async def test_pool_settings_apply_at_once_and_reset_to_the_configured_values(tmp_path: Path) -> None:
    async with running_launcher(tmp_path, store=True, env={"PIXIE_WARM_KEEP_MAX": "4"}) as launcher:
        for name in ("one", "two"):
            copy_fixture_tool(launcher.system.tools_dir, name)
            await _stopped(launcher, name)
        await _use(launcher, "one")
        await _use(launcher, "two")
        bad = await _refused(launcher, "pool.set", {"warm_keep_max": 0})
        assert bad.field == "warm_keep_max"

        await launcher.call("pool.set", {"warm_keep_max": 1})
        record = await launcher.wait_record("one", lambda r: r["state"] == "stopped", timeout=5)
        assert record["stop_reason"] == "the warm pool was over its cap"
        await eventually(lambda: launcher.mirror.items["pool"]["cap"] == 1, timeout=5, what="the new cap")

        pool = await launcher.call("pool.set", {"warm_keep_max": None})
        assert (pool["warm_keep_max"], pool["sources"]["warm_keep_max"]) == (4, "environment")
        await eventually(lambda: launcher.mirror.items["pool"]["cap"] == 4, timeout=5, what="the cap reset")


async def test_a_pin_works_without_the_store(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        copy_fixture_tool(launcher.system.tools_dir, "pinned")
        await _stopped(launcher, "pinned")
        record = await launcher.call("tools.set_pinned", {"tool_id": "pinned", "pinned": True})
        assert record["pinned"] is True
        with pytest.raises(WireError) as caught:
            await launcher.call(
                "tools.overrides.set", {"tool_id": "pinned", "overrides": {"max_memory_mb": 64}}
            )
        assert caught.value.code is ErrorCode.UNAVAILABLE  # an override is only applied once it is kept
        assert (await launcher.call("tools.get", {"tool_id": "pinned"}))["overrides"] == {}


def test_a_dotenv_too_odd_for_a_line_edit_is_rewritten_with_every_value_kept(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text('# note\nOTHER="line one\nSECRET_TOKEN=inside the quoted value"\nSECRET_TOKEN=old\n')
    assert set_secret(tmp_path, "SECRET_TOKEN", "new") is True
    assert parse_dotenv(env.read_text()) == {
        "OTHER": "line one\nSECRET_TOKEN=inside the quoted value",
        "SECRET_TOKEN": "new",
    }
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    assert set_secret(tmp_path, "SECRET_TOKEN", "new") is False  # unchanged: not rewritten
    assert set_secret(tmp_path / "missing-is-fine", "SECRET_TOKEN", None) is False
