"""Cleaning up after a launcher that died without stopping its tools.

Tools run in their own sessions, so when a launcher is killed with SIGKILL its tools keep
running, holding ports and memory (the original's bug B18). The launcher therefore writes down
every child it starts in ``children.json``, and the next launcher stops whatever on that list is
still running.

The file is replaced atomically on every change, so a SIGKILL at any instant leaves either the
old list or the new one. A record carries the child's start time as well as its pid: pids are
reused, and a process whose start time differs is somebody else's and is never signalled.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pixie_launcher import procinfo
from shared.atomicfile import write_private

log = logging.getLogger(__name__)

FILE_VERSION = 1
POLL_INTERVAL = 0.05
KILL_WAIT = 2.0


@dataclass(frozen=True)
class ChildRecord:
    tool_id: str
    pid: int
    pgid: int
    start_time: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: object) -> ChildRecord:
        """Raises ValueError for anything but an object with exactly the right fields."""
        if not isinstance(data, dict) or set(data) != {"tool_id", "pid", "pgid", "start_time"}:
            raise ValueError("a child record needs tool_id, pid, pgid and start_time")
        tool_id, numbers = data["tool_id"], (data["pid"], data["pgid"], data["start_time"])
        if not isinstance(tool_id, str):
            raise ValueError("tool_id must be a string")
        if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in numbers):
            raise ValueError("pid, pgid and start_time must be non-negative integers")
        if numbers[0] == 0 or numbers[1] == 0:
            raise ValueError("pid and pgid must be positive")
        return cls(tool_id, *numbers)


class ChildrenFile:
    """The list of running children, on disk. Reads never fail (a bad file reads as empty, with a
    warning); writes raise OSError, since the caller may want to refuse to start an untracked
    child."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def records(self) -> list[ChildRecord]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            log.warning("cannot read %s (%s); treating it as empty", self.path, exc.strerror)
            return []
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or not isinstance(data.get("children"), list):
                raise ValueError("expected an object with a 'children' list")
        except ValueError as exc:
            log.warning("%s is not a valid children file (%s); treating it as empty", self.path, exc)
            return []
        records = []
        for index, item in enumerate(data["children"]):
            try:
                records.append(ChildRecord.from_json(item))
            except ValueError as exc:
                log.warning("%s: entry %d skipped (%s)", self.path, index, exc)
        return records

    def add(self, record: ChildRecord) -> None:
        """Record a child; a record with the same pid is replaced."""
        self._write([*(r for r in self.records() if r.pid != record.pid), record])

    def remove(self, pid: int) -> None:
        records = self.records()
        kept = [r for r in records if r.pid != pid]
        if len(kept) != len(records):
            self._write(kept)

    def _write(self, records: list[ChildRecord]) -> None:
        body = {"version": FILE_VERSION, "children": [record.to_json() for record in records]}
        data = (json.dumps(body, indent=1) + "\n").encode()
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Tool processes do not outlive a power cut, so their record need not either.
        write_private(self.path, data, durable=False)


def _group_is_ours(record: ChildRecord) -> bool:
    """True when the record's leader is running with its start time and its group can be trusted.

    A group id is the pid of the process that created it, and Linux does not hand out a pid still
    used as a group id, so while the verified leader runs and either is still in the group or
    created it (pgid == pid), the number ``pgid`` names the tool's group and nobody else's.
    """
    stat = procinfo.read_stat(record.pid)
    if stat is None or not stat.running or stat.start_time != record.start_time:
        return False
    if record.pgid == os.getpgrp():
        log.warning(
            "%s (pid %d) is recorded in the launcher's own process group; not touched",
            record.tool_id,
            record.pid,
        )
        return False
    return stat.pgrp == record.pgid or record.pgid == record.pid


def _send(record: ChildRecord, signum: int) -> None:
    """Signal what is left of a verified record: the group if it has members, and the leader on
    its own if it moved out of the group."""
    stat = procinfo.read_stat(record.pid)
    leader_ours = stat is not None and stat.running and stat.start_time == record.start_time
    try:
        if procinfo.group_members(record.pgid):
            os.killpg(record.pgid, signum)
        if leader_ours and stat is not None and stat.pgrp != record.pgid:
            os.kill(record.pid, signum)
    except ProcessLookupError:
        pass  # it went away between looking and signalling
    except PermissionError as exc:
        log.warning("cannot signal %s (pid %d): %s", record.tool_id, record.pid, exc.strerror)


def _anything_left(records: list[ChildRecord]) -> bool:
    """One pass over /proc per poll, however many records there are."""
    running = procinfo.running_processes()
    groups = {stat.pgrp for stat in running}
    leaders = {(stat.pid, stat.start_time) for stat in running}
    return any(r.pgid in groups or (r.pid, r.start_time) in leaders for r in records)


async def _wait_until(done: Callable[[], bool], timeout: float, interval: float) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not done():
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(interval)
    return True


async def stop_orphans(
    records: list[ChildRecord], grace: float = 3.0, *, poll_interval: float = POLL_INTERVAL
) -> list[ChildRecord]:
    """Stop the recorded children that are still running; return the records that were.

    SIGTERM goes to each verified process group, then after ``grace`` seconds SIGKILL goes to
    whatever of those groups is left, grandchildren included even when the leader has already
    exited. Records whose pid is gone or now belongs to a process with another start time are
    left alone.
    """
    targets = [record for record in records if _group_is_ours(record)]
    if not targets:
        return []
    for record in targets:
        log.info("stopping %s left over from a previous launcher (pid %d)", record.tool_id, record.pid)
        _send(record, signal.SIGTERM)
    if not await _wait_until(lambda: not _anything_left(targets), grace, poll_interval):
        for record in targets:
            _send(record, signal.SIGKILL)
        if not await _wait_until(lambda: not _anything_left(targets), KILL_WAIT, poll_interval):
            log.warning("some left-over tool processes survived SIGKILL")
    return targets
