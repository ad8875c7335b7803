"""The children file and stop_orphans, against real process groups that are always cleaned up."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pixie_launcher import procinfo
from pixie_launcher.orphans import ChildRecord, ChildrenFile, stop_orphans
from pixie_launcher.procinfo import group_members, is_alive, process_start_time
from tests.support.procfs import read_until_ready

STUBBORN = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('ready', flush=True); time.sleep(600)"
)
SCRIPT = f"""
import os, signal, subprocess, sys, time
if "ignore-term" in sys.argv:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if "sleep-grandchild" in sys.argv:
    print("grandchild", subprocess.Popen(["sleep", "600"]).pid, flush=True)
if "stubborn-grandchild" in sys.argv:
    child = subprocess.Popen([sys.executable, "-c", {STUBBORN!r}], stdout=subprocess.PIPE)
    child.stdout.readline()  # it ignores SIGTERM from here on
    print("grandchild", child.pid, flush=True)
print("ready", flush=True)
time.sleep(600)
"""

needs_proc = pytest.mark.skipif(not procinfo.SUPPORTED, reason="needs Linux /proc")


def wait_for(probe: Callable[[], object], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


@dataclass
class Tool:
    popen: subprocess.Popen[bytes]
    record: ChildRecord
    grandchildren: list[tuple[int, int]] = field(default_factory=list)  # (pid, start time)

    @property
    def pid(self) -> int:
        return self.popen.pid


@pytest.fixture
def start_tool() -> Iterator[Callable[..., Tool]]:
    """Starts a tool process in its own session, as the launcher does, and records it."""
    tools: list[Tool] = []

    def run(*flags: str) -> Tool:
        popen = subprocess.Popen(
            [sys.executable, "-c", SCRIPT, *flags],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            start_new_session=True,
        )
        start_time = process_start_time(popen.pid)
        assert start_time is not None
        tool = Tool(popen, ChildRecord(f"tool-{len(tools)}", popen.pid, popen.pid, start_time))
        tools.append(tool)
        for line in read_until_ready(popen):
            if line.startswith("grandchild "):
                pid = int(line.split()[1])
                tool.grandchildren.append((pid, process_start_time(pid) or -1))
        return tool

    yield run
    for tool in tools:
        if tool.popen.returncode is None:  # not reaped, so its pid (and group id) is still ours
            with contextlib.suppress(ProcessLookupError):
                os.killpg(tool.pid, signal.SIGKILL)
        tool.popen.wait(10)
        assert tool.popen.stdout is not None
        tool.popen.stdout.close()
        for pid, start_time in tool.grandchildren:
            if is_alive(pid, start_time):
                os.kill(pid, signal.SIGKILL)


# --- ChildRecord and ChildrenFile ------------------------------------------------------------


def test_record_json_round_trip() -> None:
    record = ChildRecord("tool", 10, 10, 12345)
    assert record.to_json() == {"tool_id": "tool", "pid": 10, "pgid": 10, "start_time": 12345}
    assert ChildRecord.from_json(json.loads(json.dumps(record.to_json()))) == record


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"tool_id": "t", "pid": 1, "pgid": 1},
        {"tool_id": "t", "pid": 1, "pgid": 1, "start_time": 1, "extra": 1},
        {"tool_id": 5, "pid": 1, "pgid": 1, "start_time": 1},
        {"tool_id": "t", "pid": "1", "pgid": 1, "start_time": 1},
        {"tool_id": "t", "pid": True, "pgid": 1, "start_time": 1},
        {"tool_id": "t", "pid": 1.5, "pgid": 1, "start_time": 1},
        {"tool_id": "t", "pid": 0, "pgid": 1, "start_time": 1},
        {"tool_id": "t", "pid": 1, "pgid": -1, "start_time": 1},
    ],
)
def test_invalid_records_are_refused(data: object) -> None:
    with pytest.raises(ValueError, match=r"must|needs"):
        ChildRecord.from_json(data)


def test_children_file_add_remove(tmp_path: Path) -> None:
    children = ChildrenFile(tmp_path / "data" / "children.json")
    assert children.records() == []
    first, second = ChildRecord("a", 100, 100, 1), ChildRecord("b", 200, 200, 2)
    children.add(first)
    children.add(second)
    assert children.records() == [first, second]
    replaced = ChildRecord("a2", 100, 100, 3)
    children.add(replaced)
    assert children.records() == [second, replaced]
    children.remove(200)
    children.remove(999)  # unknown: nothing to do
    ChildrenFile(tmp_path / "absent.json").remove(1)
    assert not (tmp_path / "absent.json").exists()
    assert children.records() == [replaced]
    assert stat.S_IMODE(children.path.stat().st_mode) == 0o600
    assert [p.name for p in children.path.parent.iterdir()] == ["children.json"]
    assert ChildrenFile(children.path).records() == [replaced]  # a new launcher reads the same


@pytest.mark.parametrize(
    ("content", "expected", "warnings"),
    [
        (b"", [], 1),
        (b"{not json", [], 1),
        (b"[]", [], 1),
        (b'{"children": 3}', [], 1),
        (b'{"version": 1, "children": []}', [], 0),
        (
            b'{"version": 1, "children": [{"tool_id": "a", "pid": 5, "pgid": 5, "start_time": 9}, '
            b'{"pid": 6}]}',
            [ChildRecord("a", 5, 5, 9)],
            1,
        ),
        (b"\xff\xfe", [], 1),
    ],
)
def test_a_bad_file_reads_as_empty_with_a_warning(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    content: bytes,
    expected: list[ChildRecord],
    warnings: int,
) -> None:
    path = tmp_path / "children.json"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="pixie_launcher.orphans"):
        assert ChildrenFile(path).records() == expected
    assert len(caplog.records) == warnings
    ChildrenFile(path).add(ChildRecord("new", 7, 7, 1))  # and it can be written over
    assert ChildrenFile(path).records()[-1] == ChildRecord("new", 7, 7, 1)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    children = ChildrenFile(tmp_path / "children.json")
    children.add(ChildRecord("a", 1, 1, 1))

    def broken_replace(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        children.add(ChildRecord("b", 2, 2, 2))
    monkeypatch.undo()
    assert children.records() == [ChildRecord("a", 1, 1, 1)]
    assert [p.name for p in tmp_path.iterdir()] == ["children.json"]


WRITER = """
import sys
from pathlib import Path
from pixie_launcher.orphans import ChildRecord, ChildrenFile
children = ChildrenFile(Path(sys.argv[1]))
n = 0
while True:
    n += 1
    children.add(ChildRecord("t" * (n % 50), n, n, n))
    if n % 3:
        children.remove(n - 1)
"""


def test_a_writer_killed_at_any_moment_leaves_a_valid_file(tmp_path: Path) -> None:
    path = tmp_path / "children.json"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=Path(__file__).parents[2])
    try:
        wait_for(path.exists, "the first write")
        for _ in range(300):  # readers racing the writer never see a torn file
            data = json.loads(path.read_bytes())
            assert isinstance(data["children"], list)
    finally:
        writer.kill()
        writer.wait(10)
    data = json.loads(path.read_bytes())
    assert all(ChildRecord.from_json(item) for item in data["children"])


# --- stop_orphans ----------------------------------------------------------------------------


@needs_proc
async def test_a_tool_and_its_grandchild_are_stopped_with_sigterm(start_tool: Callable[..., Tool]) -> None:
    tool = start_tool("sleep-grandchild")
    [(grandchild, grandchild_start)] = tool.grandchildren
    assert group_members(tool.pid) == sorted([tool.pid, grandchild])
    stopped = await stop_orphans([tool.record])
    assert stopped == [tool.record]
    assert tool.popen.wait(10) == -signal.SIGTERM
    assert not is_alive(grandchild, grandchild_start)
    assert group_members(tool.pid) == []


@needs_proc
async def test_a_tool_ignoring_sigterm_is_killed_after_the_grace(start_tool: Callable[..., Tool]) -> None:
    tool = start_tool("ignore-term")
    began = time.monotonic()
    assert await stop_orphans([tool.record], grace=0.5) == [tool.record]
    assert time.monotonic() - began >= 0.5
    assert tool.popen.wait(10) == -signal.SIGKILL
    assert group_members(tool.pid) == []


@needs_proc
async def test_a_grandchild_left_behind_by_its_leader_is_killed(start_tool: Callable[..., Tool]) -> None:
    tool = start_tool("stubborn-grandchild")
    [(grandchild, grandchild_start)] = tool.grandchildren
    assert await stop_orphans([tool.record], grace=0.5) == [tool.record]
    assert tool.popen.wait(10) == -signal.SIGTERM  # the leader went on SIGTERM...
    assert not is_alive(grandchild, grandchild_start)  # ...its grandchild needed SIGKILL
    assert group_members(tool.pid) == []


UNUSED_PID = int(Path("/proc/sys/kernel/pid_max").read_text()) + 1 if procinfo.SUPPORTED else 1 << 30


@needs_proc
async def test_records_that_are_not_ours_are_left_alone(start_tool: Callable[..., Tool]) -> None:
    reused = start_tool()
    bystander = start_tool()
    records = [
        # the pid now belongs to a process started at another time: pid reuse
        ChildRecord("reused", reused.pid, reused.pid, reused.record.start_time + 1),
        # the leader runs, but the recorded group is neither its group nor one it created
        ChildRecord("foreign-group", reused.pid, bystander.pid, reused.record.start_time),
        # long gone
        ChildRecord("gone", UNUSED_PID, 1, 1),
        # a bogus record naming the launcher's (here: the test runner's) own group
        ChildRecord("own-group", reused.pid, os.getpgrp(), reused.record.start_time),
    ]
    assert await stop_orphans(records, grace=0.2) == []
    assert is_alive(reused.pid, reused.record.start_time)
    assert is_alive(bystander.pid, bystander.record.start_time)
    assert reused.popen.poll() is None
    assert bystander.popen.poll() is None


@needs_proc
async def test_several_records_at_once(start_tool: Callable[..., Tool]) -> None:
    polite, stubborn, untouched = start_tool(), start_tool("ignore-term"), start_tool()
    wrong = ChildRecord("wrong", untouched.pid, untouched.pid, untouched.record.start_time + 7)
    stopped = await stop_orphans([polite.record, wrong, stubborn.record], grace=0.5)
    assert stopped == [polite.record, stubborn.record]
    assert polite.popen.wait(10) == -signal.SIGTERM
    assert stubborn.popen.wait(10) == -signal.SIGKILL
    assert is_alive(untouched.pid, untouched.record.start_time)


async def test_nothing_to_stop() -> None:
    assert await stop_orphans([]) == []
