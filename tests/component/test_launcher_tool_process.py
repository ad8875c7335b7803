"""ToolProcess against real subprocesses: output, masking, the group kill on exit, memory limits."""

from __future__ import annotations

import asyncio
import signal
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from pixie_launcher import procinfo
from pixie_launcher.logfile import RotatingLog
from pixie_launcher.orphans import ChildrenFile
from pixie_launcher.output import SecretMasker
from pixie_launcher.tool_process import ToolProcess
from tests.support.aio import eventually

pytestmark = pytest.mark.skipif(not procinfo.SUPPORTED, reason="needs Linux /proc")


class Harness:
    def __init__(self, tmp_path: Path) -> None:
        self.log = RotatingLog(tmp_path / "tool.log")
        self.children = ChildrenFile(tmp_path / "children.json")
        self.exits: asyncio.Queue[tuple[ToolProcess, int]] = asyncio.Queue()
        self.tasks: set[asyncio.Task[Any]] = set()
        self.tmp_path = tmp_path

    def spawn_task(self, coroutine: Any, name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(coroutine, name=name)
        self.tasks.add(task)
        return task

    async def start(self, script: str, *, secrets: list[str] | None = None) -> ToolProcess:
        return await ToolProcess.spawn(
            "demo",
            [sys.executable, "-c", textwrap.dedent(script)],
            cwd=self.tmp_path,
            environment={"PATH": "/usr/bin:/bin"},
            log=self.log,
            masker=SecretMasker(secrets or []),
            children=self.children,
            spawn_task=self.spawn_task,
            on_exit=lambda process, code: self.exits.put_nowait((process, code)),
        )

    async def exit_of(self, process: ToolProcess) -> int:
        reported, code = await asyncio.wait_for(self.exits.get(), 20)
        assert reported is process
        return code


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = Harness(tmp_path)
    yield harness
    for task in harness.tasks:
        task.cancel()
    await asyncio.gather(*harness.tasks, return_exceptions=True)
    harness.log.close()


async def test_output_is_tailed_and_logged_with_secrets_masked(harness: Harness) -> None:
    process = await harness.start(
        """
        import sys
        print("hello from stdout, token=hunter2-secret")
        print("trouble on stderr", file=sys.stderr)
        sys.exit(3)
        """,
        secrets=["hunter2-secret"],
    )
    assert await harness.exit_of(process) == 3
    tail = process.tail.text(last=10)
    assert "hello from stdout" in tail
    assert "trouble on stderr" in tail
    assert "hunter2-secret" not in tail
    harness.log.close()
    logged = (harness.tmp_path / "tool.log").read_text()
    assert "trouble on stderr" in logged
    assert "hunter2-secret" not in logged
    assert process.kill_reason is None
    assert not process.alive


async def test_it_is_recorded_as_a_child_until_it_exits(harness: Harness) -> None:
    process = await harness.start("import time; time.sleep(60)")
    assert [record.pid for record in harness.children.records()] == [process.pid]
    process.kill("the test is over")
    assert await harness.exit_of(process) == -signal.SIGKILL
    assert harness.children.records() == []
    assert process.kill_reason == "the test is over"


async def test_grandchildren_die_with_the_tool(harness: Harness) -> None:
    process = await harness.start(
        """
        import subprocess, sys
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        print(child.pid, flush=True)
        """
    )
    assert await harness.exit_of(process) == 0
    grandchild = int(process.tail.text(last=1).split()[-1])

    def gone() -> bool:
        stat = procinfo.read_stat(grandchild)
        return stat is None or not stat.running

    await eventually(gone, timeout=10, what="the grandchild to die")


async def test_going_over_the_memory_limit_kills_the_group(harness: Harness) -> None:
    process = await harness.start(
        """
        import time
        hoard = bytearray(64 * 1024 * 1024)
        hoard[::4096] = b"x" * len(hoard[::4096])
        time.sleep(60)
        """
    )
    await asyncio.wait_for(process.watch_memory(16 * 1024 * 1024), 20)
    assert await harness.exit_of(process) == -signal.SIGKILL
    assert process.kill_reason is not None
    assert "more than its limit of 16 MB (max_memory_mb in tool.json)" in process.kill_reason


async def test_no_memory_limit_means_no_watching(harness: Harness) -> None:
    process = await harness.start("print('done')")
    await asyncio.wait_for(process.watch_memory(0), 1)
    assert await harness.exit_of(process) == 0
