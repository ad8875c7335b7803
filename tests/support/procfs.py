"""Facts about live processes read from /proc (Linux)."""

from __future__ import annotations

import os
import select
import subprocess
import time
from pathlib import Path


def open_files(pid: int) -> set[str]:
    """Paths of the regular files a process has open."""
    paths = set()
    fd_dir = Path(f"/proc/{pid}/fd")
    for entry in fd_dir.iterdir():
        try:
            target = os.readlink(entry)
        except OSError:
            continue
        if target.startswith("/"):
            paths.add(target)
    return paths


def pids_with_env(name: str, value: str) -> list[int]:
    """Live processes whose environment has ``name=value`` (used to find every Pixie process)."""
    needle = f"{name}={value}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and needle in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def read_until_ready(popen: subprocess.Popen[bytes], timeout: float = 20.0) -> list[str]:
    """Read a child's stdout until it prints ``ready``; its lines so far."""
    assert popen.stdout is not None
    fd, buffer = popen.stdout.fileno(), b""
    deadline = time.monotonic() + timeout
    while b"ready\n" not in buffer:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"child did not get ready: {buffer!r}")
        if select.select([fd], [], [], remaining)[0]:
            data = os.read(fd, 4096)
            if not data:
                raise AssertionError(f"child exited early: {buffer!r}")
            buffer += data
    return buffer.decode().splitlines()
