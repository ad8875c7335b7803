"""Per-tool log files that survive the process, unlike the original's in-memory stderr ring.

Each line is stamped with the UTC time and the stream it came from, appended to ``<path>``, and
the file is rotated to ``<path>.1`` … ``<path>.<backups>`` before it would grow past
``max_bytes``, so a chatty tool costs a bounded amount of disk. Files are private to the user
(0600 in a 0700 folder): masking is best effort and logs may still hold something sensitive.

Logging must never take the launcher down: a full disk or a vanished folder costs the log
lines, with one warning per failure spell, and the next write tries again.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

_READ_BLOCK = 64 * 1024
_NEWLINE, _ESCAPED_NEWLINE = "\n", "\\n"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def format_record(when: datetime, stream: str, line: str) -> str:
    """One log line: ``2024-05-01T12:00:00.123Z stderr | text``; a line never spans two."""
    when = when.astimezone(UTC)
    stamp = f"{when:%Y-%m-%dT%H:%M:%S}.{when.microsecond // 1000:03d}Z"
    return f"{stamp} {stream} | {line.replace(_NEWLINE, _ESCAPED_NEWLINE)}\n"


class RotatingLog:
    def __init__(
        self,
        path: Path,
        max_bytes: int = 5 * 1024 * 1024,
        backups: int = 3,
        *,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        if max_bytes < 1 or backups < 0:
            raise ValueError("max_bytes must be positive and backups not negative")
        self.path = path
        self.max_bytes = max_bytes
        self.backups = backups
        self._clock = clock
        self._fd: int | None = None
        self._size = 0
        self._warned = False

    def write(self, stream: str, line: str) -> None:
        data = format_record(self._clock(), stream, line).encode("utf-8", "backslashreplace")
        try:
            if self._fd is None:
                self._open()
            if self._size > 0 and self._size + len(data) > self.max_bytes:
                self._rotate()
                self._open()
            assert self._fd is not None
            view = memoryview(data)
            while view:
                written = os.write(self._fd, view)
                self._size += written
                view = view[written:]
        except OSError as exc:
            self._fail(exc)
        else:
            self._warned = False

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.close(fd)
            except OSError as exc:
                self._fail(exc)

    def _open(self) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
        self._fd = os.open(self.path, flags, 0o600)
        self._size = os.fstat(self._fd).st_size

    def _rotate(self) -> None:
        """path -> path.1 -> … -> path.<backups>; the oldest is dropped."""
        self.close()
        if self.backups == 0:
            self.path.unlink(missing_ok=True)
            return
        self._numbered(self.backups).unlink(missing_ok=True)
        for number in range(self.backups - 1, 0, -1):
            source = self._numbered(number)
            if source.exists():
                source.rename(self._numbered(number + 1))
        self.path.rename(self._numbered(1))

    def tail(self, lines: int) -> list[str]:
        """The last ``lines`` lines written, oldest first, reaching into the rotated files when
        the current one holds fewer."""
        found: list[str] = []
        for path in (self.path, *(self._numbered(n) for n in range(1, self.backups + 1))):
            if len(found) >= lines:
                break
            found = read_tail(path, lines - len(found)) + found
        return found

    def _numbered(self, number: int) -> Path:
        return self.path.with_name(f"{self.path.name}.{number}")

    def _fail(self, exc: OSError) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                os.close(fd)
        if not self._warned:
            self._warned = True
            log.warning(
                "cannot write the log %s (%s); lines are dropped until it works again", self.path, exc
            )


def read_tail(path: Path, lines: int) -> list[str]:
    """The last ``lines`` lines of one log file (not its backups), without reading all of it."""
    if lines <= 0:
        return []
    try:
        with path.open("rb") as handle:
            end = handle.seek(0, os.SEEK_END)
            data = b""
            position = end
            while position > 0 and data.count(b"\n") <= lines:
                step = min(_READ_BLOCK, position)
                position -= step
                handle.seek(position)
                data = handle.read(step) + data
    except FileNotFoundError:
        return []
    text = data.decode("utf-8", "replace")
    found = text.split("\n")
    if found and found[-1] == "":
        found.pop()  # the file ends with a newline
    if position > 0:
        found = found[1:]  # the first one may be the end of a longer line
    return found[-lines:]
