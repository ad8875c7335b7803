"""procinfo against real processes, each started in its own session and always cleaned up."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pixie_launcher import procinfo
from pixie_launcher.procinfo import (
    GroupMemory,
    ProcStat,
    group_members,
    group_rss_bytes,
    is_alive,
    parse_stat,
    process_start_time,
    read_stat,
    rss_bytes,
)
from tests.support.procfs import read_until_ready

pytestmark = pytest.mark.skipif(not procinfo.SUPPORTED, reason="needs Linux /proc")

WEIRD_COMM = "x) (y z) w"
SCRIPT = f"""
import os, subprocess, sys, time
if "weird-name" in sys.argv:
    with open("/proc/self/comm", "w") as comm:
        comm.write({WEIRD_COMM!r})
if "with-grandchild" in sys.argv:
    print("grandchild", subprocess.Popen(["sleep", "600"]).pid, flush=True)
if "exit" in sys.argv:
    print("ready", flush=True)
    sys.exit(0)
print("ready", flush=True)
time.sleep(600)
"""


def wait_for(probe: Callable[[], object], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


@dataclass
class Started:
    popen: subprocess.Popen[bytes]
    grandchild: int | None

    @property
    def pid(self) -> int:
        return self.popen.pid


@pytest.fixture
def start() -> Iterator[Callable[..., Started]]:
    started: list[Started] = []
    grandchildren: list[tuple[int, int]] = []

    def run(*flags: str) -> Started:
        popen = subprocess.Popen(
            [sys.executable, "-c", SCRIPT, *flags],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            start_new_session=True,
        )
        child = Started(popen, None)
        started.append(child)
        for line in read_until_ready(popen):
            if line.startswith("grandchild "):
                child.grandchild = int(line.split()[1])
                grandchildren.append((child.grandchild, process_start_time(child.grandchild) or -1))
        return child

    yield run
    for child in started:
        if child.popen.returncode is None:  # not reaped, so its pid (and group id) is still ours
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
        child.popen.wait(10)
        assert child.popen.stdout is not None
        child.popen.stdout.close()
    for pid, start_time in grandchildren:  # signalled only while provably the same process
        if is_alive(pid, start_time):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "1234 (python3) S 1 1234 1234 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 98765 1000 10 "
            "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0",
            ProcStat(1234, "python3", "S", 1, 1234, 98765),
        ),
        (
            "77 (x) (y z) w) Z 5 70 70 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 4242 0 0",
            ProcStat(77, "x) (y z) w", "Z", 5, 70, 4242),
        ),
        ("9 () R 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 0 0", ProcStat(9, "", "R", 1, 9, 1)),
        ("1234 (python3) S 1 1234 1234", None),  # cut short
        ("1234 python3 S 1 1234 1234 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1", None),  # no parentheses
        ("abc (x) S 1 2 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1", None),
        ("", None),
    ],
)
def test_parse_stat(text: str, expected: ProcStat | None) -> None:
    assert parse_stat(text) == expected


def test_own_process() -> None:
    stat = read_stat(os.getpid())
    assert stat is not None
    assert stat.pid == os.getpid()
    assert stat.ppid == os.getppid()
    assert stat.pgrp == os.getpgrp()
    assert stat.running
    assert process_start_time(os.getpid()) == stat.start_time
    assert is_alive(os.getpid(), stat.start_time)
    assert not is_alive(os.getpid(), stat.start_time + 1)
    assert rss_bytes(os.getpid()) > 1024 * 1024


def test_pids_that_do_not_exist() -> None:
    unused = int(Path("/proc/sys/kernel/pid_max").read_text()) + 1
    for pid in (unused, 0, -1):
        assert process_start_time(pid) is None
        assert not is_alive(pid, 0)
        assert rss_bytes(pid) == 0
    assert group_members(unused) == []
    assert group_members(0) == []
    assert group_rss_bytes(unused) == 0


def test_a_command_name_with_spaces_and_parentheses(start: Callable[..., Started]) -> None:
    child = start("weird-name")
    stat = read_stat(child.pid)
    assert stat is not None
    assert stat.comm == WEIRD_COMM
    assert stat.pgrp == child.pid  # its own session and group
    assert stat.ppid == os.getpid()
    assert process_start_time(child.pid) == stat.start_time
    assert stat.start_time >= (process_start_time(os.getpid()) or 0)
    assert is_alive(child.pid, stat.start_time)


def test_group_members_and_memory(start: Callable[..., Started]) -> None:
    child = start("with-grandchild")
    assert child.grandchild is not None
    assert group_members(child.pid) == sorted([child.pid, child.grandchild])
    leader_rss = rss_bytes(child.pid)
    assert leader_rss > 0
    total = group_rss_bytes(child.pid)
    assert total >= leader_rss + rss_bytes(child.grandchild) > leader_rss
    os.killpg(child.pid, signal.SIGKILL)
    child.popen.wait(10)
    wait_for(lambda: group_members(child.pid) == [], "the group to empty")
    assert group_rss_bytes(child.pid) == 0


def test_group_memory_reads_known_members_between_scans(start: Callable[..., Started]) -> None:
    child = start("with-grandchild")
    assert child.grandchild is not None
    now = [0.0]
    group = GroupMemory(child.pid, rescan_seconds=2.0, clock=lambda: now[0])
    grandchild = child.grandchild
    alone = rss_bytes(child.pid) + rss_bytes(grandchild)
    both = group.rss_bytes()  # the first call scans /proc (read after: the two only grow)
    assert both >= alone
    started = process_start_time(grandchild) or 0
    os.kill(grandchild, signal.SIGKILL)
    wait_for(lambda: not is_alive(grandchild, started), "the grandchild to exit")
    now[0] = 1.0  # before the next scan: a member that left is no longer counted
    assert 0 < group.rss_bytes() < both
    now[0] = 2.5  # a fresh scan finds the same group
    assert group.rss_bytes() > 0
    os.killpg(child.pid, signal.SIGKILL)
    child.popen.wait(10)
    now[0] = 3.0
    assert group.rss_bytes() == 0
    assert GroupMemory(0).rss_bytes() == 0


def test_a_zombie_is_not_alive_and_not_a_member(start: Callable[..., Started]) -> None:
    child = start("exit")
    start_time = process_start_time(child.pid)
    assert start_time is not None
    # Not reaped yet: the pid still exists, as a zombie.
    wait_for(lambda: (s := read_stat(child.pid)) is not None and s.state == "Z", "the child to exit")
    assert process_start_time(child.pid) == start_time
    assert not is_alive(child.pid, start_time)
    assert group_members(child.pid) == []
    assert child.popen.wait(10) == 0
    assert not is_alive(child.pid, start_time)
