"""Replacing a small file in one step, readable by its owner only.

Readers see the old content or the new, never a torn file, even if the writer is killed midway:
the data goes to a temporary file in the same directory, is flushed to disk, and is renamed over
the target. Used for tools' ``.env`` files and the launcher's record of its children.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_private(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` atomically with mode 0600; nothing is left behind on failure.

    ``durable`` also flushes to the disk, so the file survives a power cut; files that only need
    to survive the writer being killed (the kernel keeps them) can skip the cost.
    """
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), 0o600)
            if durable:
                os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    if durable:
        _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable; best effort, as some filesystems refuse it."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
