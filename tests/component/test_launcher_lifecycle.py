"""A real launcher process with copies of the fixture tool: environments, start, stop, output."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import time
from pathlib import Path

import pytest

from shared.wire import ErrorCode, WireError
from tests.support.launcher import copy_fixture_tool, running_launcher
from tests.support.procfs import alive
from tests.support.system import wait_until


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


async def test_cold_start_builds_the_environment_and_runs_the_tool(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        tool = copy_fixture_tool(launcher.system.tools_dir, "alpha")
        await launcher.wait_record("alpha", lambda r: r.get("state") == "stopped")
        assert (await launcher.settled_record("alpha"))["environment"]["status"] == "missing"

        lease = await launcher.acquire("alpha")
        record = await launcher.wait_record("alpha", lambda r: r["state"] == "running")
        assert record["environment"]["status"] == "ready"
        assert (tool / ".venv" / ".pixie-env.json").is_file()
        assert (record["pid"], record["port"]) == (lease["pid"], lease["port"])
        assert record["started_at"].endswith("Z")
        assert "$ uv sync" in launcher.log("alpha")

        response = await launcher.run(lease["port"], {"mode": "echo"})
        assert response.status_code == 200
        assert response.json()["result"] == "ok"
        assert await launcher.call("tools.release", {"tool_id": "alpha", "lease_id": lease["lease_id"]}) == {
            "released": True,
            "expired": False,
        }


async def test_environment_is_rebuilt_after_pyproject_changes(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        tool = copy_fixture_tool(launcher.system.tools_dir, "beta")
        await launcher.wait_record("beta", lambda r: r.get("state") == "stopped")
        lease = await launcher.acquire("beta")
        await launcher.call("tools.release", {"tool_id": "beta", "lease_id": lease["lease_id"]})
        stamp = json.loads((tool / ".venv" / ".pixie-env.json").read_text())

        pyproject = tool / "pyproject.toml"
        pyproject.write_text(pyproject.read_text() + "\n# edited by the test\n")
        await launcher.wait_record(
            "beta", lambda r: r["state"] == "stopped" and r["environment"]["status"] == "stale"
        )
        await launcher.acquire("beta")
        rebuilt = json.loads((tool / ".venv" / ".pixie-env.json").read_text())
        assert rebuilt["fingerprint"] != stamp["fingerprint"]
        assert launcher.log("beta").count("$ uv sync") == 2


async def test_a_failed_build_is_a_state_not_a_crash(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        broken = copy_fixture_tool(launcher.system.tools_dir, "unbuildable")
        (broken / "pyproject.toml").write_text("[project\nname = 'oops'\n")
        copy_fixture_tool(launcher.system.tools_dir, "healthy")
        await launcher.wait_record("unbuildable", lambda r: r.get("state") == "stopped")

        with pytest.raises(WireError) as caught:
            await launcher.acquire("unbuildable")
        assert caught.value.code is ErrorCode.TOOL_FAILED
        assert "building the environment failed" in caught.value.message
        record = await launcher.settled_record("unbuildable")
        assert record["state"] == "fatal"
        assert record["environment"]["status"] == "failed"
        assert "pyproject.toml" in record["last_error"]  # uv's own complaint is in the log tail

        lease = await launcher.acquire("healthy")  # the launcher and other tools are unaffected
        assert (await launcher.run(lease["port"], {})).status_code == 200


async def test_the_tool_gets_a_clean_environment_with_its_env_file(tmp_path: Path) -> None:
    env = {"PYTHONPATH": "/somewhere/else", "VIRTUAL_ENV": "/pixie/.venv", "PIXIE_LOG_LEVEL": "INFO"}
    async with running_launcher(tmp_path, env=env) as launcher:
        copy_fixture_tool(
            launcher.system.tools_dir, "gamma", dotenv={"API_TOKEN": "t0k3n-value", "MODE": "x"}
        )
        await launcher.wait_record("gamma", lambda r: r.get("state") == "stopped")
        lease = await launcher.acquire("gamma")
        environ = _environ(lease["pid"])
        assert "PYTHONPATH" not in environ
        assert "VIRTUAL_ENV" not in environ
        assert not [
            key
            for key in environ
            if key.startswith("PIXIE_") and key not in ("PIXIE_TOOL_ID", "PIXIE_ARTEFACTS_ROOT")
        ]
        assert environ["PIXIE_TOOL_ID"] == "gamma"
        assert environ["PIXIE_ARTEFACTS_ROOT"] == str(launcher.system.data_dir / "artefacts")
        assert environ["PYTHONUNBUFFERED"] == "1"
        assert (environ["API_TOKEN"], environ["MODE"]) == ("t0k3n-value", "x")
        assert environ["PATH"].startswith(str(launcher.system.tools_dir / "gamma" / ".venv" / "bin"))
        cmdline = Path(f"/proc/{lease['pid']}/cmdline").read_bytes().split(b"\0")
        assert cmdline[1:4] == [
            str(launcher.system.tools_dir / "gamma" / "main.py").encode(),
            b"--port",
            str(lease["port"]).encode(),
        ]
        assert os.getpgid(lease["pid"]) == lease["pid"]  # its own process group and session
        assert os.readlink(f"/proc/{lease['pid']}/cwd") == str(launcher.system.tools_dir / "gamma")


async def test_stop_api_is_sigterm_and_stopping_twice_is_fine(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        copy_fixture_tool(launcher.system.tools_dir, "delta")
        await launcher.wait_record("delta", lambda r: r.get("state") == "stopped")
        lease = await launcher.acquire("delta")
        record = await launcher.call("tools.stop", {"tool_id": "delta"})
        assert record["state"] == "stopped"
        assert record["exit_signal"] == signal.SIGTERM or record["exit_code"] == 0
        assert not alive(lease["pid"])
        log = (launcher.system.data_dir / "logs" / "delta.log").read_text()
        assert "delta stopped" in log  # a stop it was asked for, not "killed by SIGTERM"
        assert "killed by" not in log
        again = await launcher.call("tools.stop", {"tool_id": "delta"})
        assert again["state"] == "stopped"
        with pytest.raises(WireError) as caught:
            await launcher.call("tools.stop", {"tool_id": "nope"})
        assert caught.value.code is ErrorCode.NOT_FOUND


async def test_ignored_sigterm_leads_to_sigkill_within_the_grace(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        copy_fixture_tool(launcher.system.tools_dir, "stubborn", dotenv={"FIXTURE_STARTUP": "ignore_sigterm"})
        await launcher.wait_record("stubborn", lambda r: r.get("state") == "stopped")
        lease = await launcher.acquire("stubborn")
        started = time.monotonic()
        record = await launcher.call("tools.stop", {"tool_id": "stubborn"}, timeout=20)
        elapsed = time.monotonic() - started
        assert record["state"] == "stopped"
        assert record["exit_signal"] == signal.SIGKILL
        assert 4.0 <= elapsed < 8.0
        assert not alive(lease["pid"])


async def test_grandchildren_are_gone_after_a_stop(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        copy_fixture_tool(launcher.system.tools_dir, "parent", dotenv={"FIXTURE_STARTUP": "grandchild"})
        await launcher.wait_record("parent", lambda r: r.get("state") == "stopped")
        await launcher.acquire("parent")
        match = wait_until(
            lambda: re.search(r"grandchild pid (\d+)", launcher.log("parent")),
            timeout=5,
            what="grandchild pid",
        )
        grandchild = int(match.group(1))
        assert alive(grandchild)
        await launcher.call("tools.stop", {"tool_id": "parent"})
        wait_until(lambda: not alive(grandchild), timeout=3, what="the grandchild to be gone")


async def test_output_is_read_continuously_huge_lines_are_safe_and_secrets_masked(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        secret = "s3cr3t-Value-42"
        copy_fixture_tool(launcher.system.tools_dir, "noisy", dotenv={"FIXTURE_STARTUP": "huge_line"})
        copy_fixture_tool(
            launcher.system.tools_dir,
            "leaky",
            dotenv={"FIXTURE_STARTUP": "print_secret", "SECRET_TOKEN": secret},
            secrets=[{"key": "SECRET_TOKEN"}],
        )
        await launcher.wait_record("leaky", lambda r: r.get("state") == "stopped")
        noisy = await launcher.acquire("noisy")
        wait_until(
            lambda: "…[continued]" in launcher.log("noisy"), timeout=10, what="the 2 MiB line, in pieces"
        )
        spam = await launcher.run(noisy["port"], {"mode": "spam", "lines": 40000})
        assert spam.status_code == 200  # 20 MB of output did not block the tool
        wait_until(lambda: "stderr line 39999 " in launcher.log("noisy"), timeout=20, what="all output read")
        logs = sorted(path.name for path in (launcher.system.data_dir / "logs").glob("noisy.log*"))
        assert logs == ["noisy.log", "noisy.log.1", "noisy.log.2", "noisy.log.3"]  # rotated, capped
        assert (
            sum(path.stat().st_size for path in (launcher.system.data_dir / "logs").glob("noisy.log*")) < 21e6
        )

        await launcher.acquire("leaky")
        wait_until(lambda: "token is ***" in launcher.log("leaky"), timeout=5, what="the masked line")
        for path in (launcher.system.data_dir / "logs").iterdir():
            assert secret not in path.read_text(errors="replace")


async def test_schema_drift_is_recorded_not_fatal(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        tool = copy_fixture_tool(launcher.system.tools_dir, "drifty")
        await launcher.wait_record("drifty", lambda r: r.get("state") == "stopped")
        lease = await launcher.acquire("drifty")
        await launcher.call("tools.release", {"tool_id": "drifty", "lease_id": lease["lease_id"]})
        # Make the tool serve a different schema than the tool.json on disk; an idle tool whose
        # files change is stopped, so the next lease starts the edited code.
        spec = json.loads((tool / "tool.json").read_text())
        served = json.dumps({**spec, "name": "Served name"}).encode()
        main = tool / "main.py"
        original = 'TOOL_JSON = (Path(__file__).parent / "tool.json").read_bytes()'
        assert original in main.read_text()
        main.write_text(main.read_text().replace(original, f"TOOL_JSON = {served!r}"))
        await launcher.wait_record(
            "drifty", lambda r: r["state"] == "stopped", what="the stop after the edit"
        )
        await launcher.acquire("drifty")
        record = await launcher.wait_record("drifty", lambda r: r["schema_drift"], what="the drift")
        assert record["state"] == "running"
        assert record["schema_drift"] == ["name: tool.json has 'drifty', the tool serves 'Served name'"]


async def test_an_edited_tool_restarts_only_once_its_runs_are_done(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        tool = copy_fixture_tool(launcher.system.tools_dir, "edited")
        await launcher.wait_record("edited", lambda r: r.get("state") == "stopped")
        lease = await launcher.acquire("edited")
        later = time.time() + 5
        os.utime(tool / "main.py", (later, later))
        await launcher.call("tools.rescan")
        record = await launcher.settled_record("edited")
        assert (record["state"], record["pid"]) == ("running", lease["pid"])  # a run is in flight: kept
        await launcher.call("tools.release", {"tool_id": "edited", "lease_id": lease["lease_id"]})
        record = await launcher.wait_record("edited", lambda r: r["state"] == "stopped")
        assert record["stop_reason"] == "its files changed"
        assert (await launcher.acquire("edited"))["pid"] != lease["pid"]


def _build_interval(log: str) -> tuple[str, str]:
    """Start and end times of the environment build recorded in a tool's log."""
    lines = [line for line in log.splitlines() if " build | " in line]
    start = next(line for line in lines if "$ uv sync" in line)
    end = next(line for line in lines if "environment ready in" in line)
    return start.split()[0], end.split()[0]


async def test_at_most_two_environments_build_at_once(tmp_path: Path) -> None:
    async with running_launcher(tmp_path) as launcher:
        names = [f"build-{n}" for n in range(4)]
        for name in names:
            copy_fixture_tool(launcher.system.tools_dir, name)
        await launcher.wait_record(names[-1], lambda r: r.get("state") == "stopped")
        leases = await asyncio.gather(*(launcher.acquire(name) for name in names))
        assert len({lease["pid"] for lease in leases}) == 4
        intervals = [_build_interval(launcher.log(name)) for name in names]
        for start, _ in intervals:  # at any build's start, at most one other build is under way
            overlapping = [1 for other_start, other_end in intervals if other_start <= start < other_end]
            assert len(overlapping) <= 2
