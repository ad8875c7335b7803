"""Facts about live processes read from /proc (Linux)."""

from __future__ import annotations

import os
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
