"""Facts about tool processes from Linux's ``/proc``: identity, process group and memory.

A pid alone does not name a process: once it exits its number can be handed to an unrelated
one (pid_max is often only 32768). The kernel's start time, in clock ticks since boot, does not
change for the life of a process, so ``(pid, start_time)`` does, and ``is_alive`` is how the
launcher checks a process is still *its* process before signalling it.

Elsewhere (no ``/proc``) every question gets the cautious answer: no start time, no members,
no memory and "not alive", so nothing is ever signalled on a guess. ``SUPPORTED`` tells callers
which world they are in.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
SUPPORTED = (PROC / "self" / "stat").exists()
GONE_STATES = frozenset({"Z", "X", "x"})  # zombie, dead: the pid exists but no process runs


@dataclass(frozen=True)
class ProcStat:
    """The fields of ``/proc/<pid>/stat`` the launcher uses."""

    pid: int
    comm: str
    state: str
    ppid: int
    pgrp: int
    start_time: int  # clock ticks after boot (field 22)

    @property
    def running(self) -> bool:
        return self.state not in GONE_STATES


def parse_stat(text: str) -> ProcStat | None:
    """Parse a stat line. The command name sits in parentheses and may itself hold spaces and
    parentheses, so it runs from the first "(" to the *last* ")"; fields are counted after that."""
    open_at = text.find("(")
    close_at = text.rfind(")")
    if open_at < 0 or close_at < open_at:
        return None
    fields = text[close_at + 1 :].split()  # fields[0] is field 3, so field n is fields[n - 3]
    try:
        return ProcStat(
            pid=int(text[:open_at]),
            comm=text[open_at + 1 : close_at],
            state=fields[0],
            ppid=int(fields[1]),
            pgrp=int(fields[2]),
            start_time=int(fields[19]),
        )
    except (IndexError, ValueError):
        return None


def read_stat(pid: int) -> ProcStat | None:
    if pid <= 0 or not SUPPORTED:
        return None
    try:
        raw = (PROC / str(pid) / "stat").read_bytes()
    except OSError:
        return None
    return parse_stat(raw.decode("utf-8", "surrogateescape"))


def process_start_time(pid: int) -> int | None:
    stat = read_stat(pid)
    return stat.start_time if stat is not None else None


def is_alive(pid: int, start_time: int) -> bool:
    """True only for a running (not zombie) process with this pid *and* this start time."""
    stat = read_stat(pid)
    return stat is not None and stat.running and stat.start_time == start_time


def running_processes() -> list[ProcStat]:
    """Every running (not zombie) process, read in one pass over /proc."""
    if not SUPPORTED:
        return []
    try:
        entries = [entry.name for entry in os.scandir(PROC) if entry.name.isdigit()]
    except OSError:
        return []
    stats = (read_stat(int(name)) for name in entries)
    return [stat for stat in stats if stat is not None and stat.running]  # some exit as we look


def group_members(pgid: int) -> list[int]:
    """Running processes in process group ``pgid``, sorted; zombies are left out."""
    if pgid <= 0 or not SUPPORTED:
        return []
    return sorted(stat.pid for stat in running_processes() if stat.pgrp == pgid)


def rss_bytes(pid: int) -> int:
    """Resident memory of one process (0 when it is gone)."""
    if pid <= 0 or not SUPPORTED:
        return 0
    try:
        fields = (PROC / str(pid) / "statm").read_text().split()
        return int(fields[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def group_rss_bytes(pgid: int) -> int:
    """Resident memory of a whole process group: a tool and whatever it started.

    Shared pages are counted once per process, so this overstates a forking tool a little;
    it is meant for budgets and displays, not accounting.
    """
    return sum(rss_bytes(pid) for pid in group_members(pgid))


class GroupMemory:
    """A process group's resident memory, for a watcher that asks several times a second.

    Finding a group's members means reading the stat file of every process on the machine, and
    a watcher doing that four times a second for each warm tool keeps a busy desktop's CPU
    awake. So the members are found by a full scan every ``rescan_seconds``; in between, only
    the known members' files are read (``stat`` to confirm each is still in the group, ``statm``
    for its memory). A process started after a scan is counted from the next one.
    """

    def __init__(
        self, pgid: int, *, rescan_seconds: float = 2.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.pgid = pgid
        self.rescan_seconds = rescan_seconds
        self._clock = clock
        self._members: list[int] | None = None
        self._scanned_at = 0.0

    def rss_bytes(self) -> int:
        if self.pgid <= 0:
            return 0
        now = self._clock()
        if self._members is None or now - self._scanned_at >= self.rescan_seconds:
            self._members, self._scanned_at = group_members(self.pgid), now
            members = self._members
        else:
            known = ((pid, read_stat(pid)) for pid in self._members)
            members = [pid for pid, stat in known if stat and stat.running and stat.pgrp == self.pgid]
        return sum(rss_bytes(pid) for pid in members)
