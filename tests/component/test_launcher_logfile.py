from __future__ import annotations

import logging
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from pixie_launcher.logfile import RotatingLog, format_record, read_tail

T0 = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    ("when", "stream", "line", "expected"),
    [
        (T0, "stderr", "boom", "2024-05-01T12:00:00.123Z stderr | boom\n"),
        (T0.replace(microsecond=0), "stdout", "", "2024-05-01T12:00:00.000Z stdout | \n"),
        (T0.replace(microsecond=999999), "stdout", "x", "2024-05-01T12:00:00.999Z stdout | x\n"),
        (
            datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))),
            "stdout",
            "x",
            "2024-05-01T12:00:00.000Z stdout | x\n",
        ),
        (T0, "stdout", "two\nlines", "2024-05-01T12:00:00.123Z stdout | two\\nlines\n"),
    ],
)
def test_record_format(when: datetime, stream: str, line: str, expected: str) -> None:
    assert format_record(when, stream, line) == expected


def test_writes_are_appended_and_the_folder_is_private(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "tool.log"
    log = RotatingLog(path, clock=lambda: T0)
    assert not path.parent.exists()  # opened lazily
    log.write("stdout", "hello")
    log.write("stderr", "wörld")
    log.close()
    assert path.read_text() == (
        "2024-05-01T12:00:00.123Z stdout | hello\n2024-05-01T12:00:00.123Z stderr | wörld\n"
    )
    assert mode(path.parent) == 0o700
    assert mode(path) == 0o600
    log.write("stdout", "after close")  # reopens and appends
    log.close()
    assert read_tail(path, 1) == ["2024-05-01T12:00:00.123Z stdout | after close"]


def test_real_timestamps_are_utc_with_milliseconds(tmp_path: Path) -> None:
    path = tmp_path / "tool.log"
    log = RotatingLog(path)
    before = datetime.now(UTC)
    log.write("stdout", "now")
    log.close()
    stamp = path.read_text().split(" ", 1)[0]
    assert stamp.endswith("Z")
    assert len(stamp) == len("2024-05-01T12:00:00.123Z")
    written = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert before - timedelta(seconds=1) < written < datetime.now(UTC) + timedelta(seconds=1)


@pytest.mark.parametrize("backups", [0, 1, 3])
def test_rotation_keeps_backups_files_each_within_max_bytes(tmp_path: Path, backups: int) -> None:
    path = tmp_path / "logs" / "tool.log"
    record_size = len(format_record(T0, "stdout", "line 000"))
    log = RotatingLog(path, max_bytes=record_size * 4, backups=backups, clock=lambda: T0)
    for n in range(40):
        log.write("stdout", f"line {n:03d}")
    log.close()
    expected = ["tool.log", *(f"tool.log.{n}" for n in range(1, backups + 1))]
    assert sorted(p.name for p in path.parent.iterdir()) == expected
    kept: list[str] = []
    for name in reversed(expected):  # oldest first
        file = path.parent / name
        assert file.stat().st_size <= record_size * 4
        assert mode(file) == 0o600
        kept += [line.rsplit(" ", 1)[1] for line in file.read_text().splitlines()]
    assert kept == [f"{n:03d}" for n in range(40 - len(kept), 40)]
    assert len(kept) == 4 * (backups + 1)


def test_rotation_continues_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "tool.log"
    record_size = len(format_record(T0, "stdout", "x"))
    first = RotatingLog(path, max_bytes=record_size * 2, clock=lambda: T0)
    first.write("stdout", "a")
    first.close()
    second = RotatingLog(path, max_bytes=record_size * 2, clock=lambda: T0)
    second.write("stdout", "b")
    second.write("stdout", "c")
    second.close()
    assert [line[-1] for line in (tmp_path / "tool.log.1").read_text().splitlines()] == ["a", "b"]
    assert [line[-1] for line in path.read_text().splitlines()] == ["c"]


def test_a_record_larger_than_max_bytes_still_gets_written(tmp_path: Path) -> None:
    path = tmp_path / "tool.log"
    log = RotatingLog(path, max_bytes=10, backups=1, clock=lambda: T0)
    log.write("stdout", "a fairly long line")
    log.write("stdout", "another long line")
    log.close()
    assert path.read_text().endswith("another long line\n")
    assert (tmp_path / "tool.log.1").read_text().endswith("a fairly long line\n")


def test_io_errors_are_swallowed_with_one_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "is-a-directory"
    path.mkdir()
    log = RotatingLog(path)
    with caplog.at_level(logging.WARNING, logger="pixie_launcher.logfile"):
        for _ in range(5):
            log.write("stdout", "S3CRET-ish line")
    log.close()
    warnings = [r for r in caplog.records if r.name == "pixie_launcher.logfile"]
    assert len(warnings) == 1
    assert "S3CRET" not in caplog.text


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_swallowed(caplog: pytest.LogCaptureFixture) -> None:
    log = RotatingLog(Path("/dev/full"), max_bytes=1 << 40)
    with caplog.at_level(logging.WARNING, logger="pixie_launcher.logfile"):
        log.write("stdout", "one")
        log.write("stdout", "two")
    log.close()
    assert len(caplog.records) == 1
    assert "No space left" in caplog.text


def test_the_warning_is_given_again_after_a_recovery(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "tool.log"
    log = RotatingLog(path)
    with caplog.at_level(logging.WARNING, logger="pixie_launcher.logfile"):
        path.mkdir()
        log.write("stdout", "lost")
        path.rmdir()
        log.write("stdout", "kept")
        log.close()
        path.unlink()
        path.mkdir()
        log.write("stdout", "lost again")
    log.close()
    assert len(caplog.records) == 2


@pytest.mark.parametrize(
    ("content", "count", "expected"),
    [
        (b"", 5, []),
        (b"a\nb\nc\n", 2, ["b", "c"]),
        (b"a\nb\nc\n", 10, ["a", "b", "c"]),
        (b"a\nb\nc", 1, ["c"]),  # a last line cut off by a crash
        (b"a\nb\n", 0, []),
        (b"\n\n", 5, ["", ""]),
        (b"caf\xc3\xa9\n", 1, ["café"]),
    ],
)
def test_read_tail(tmp_path: Path, content: bytes, count: int, expected: list[str]) -> None:
    path = tmp_path / "tool.log"
    path.write_bytes(content)
    assert read_tail(path, count) == expected


def test_read_tail_of_a_large_file_reads_across_blocks(tmp_path: Path) -> None:
    path = tmp_path / "tool.log"
    lines = [f"{n:06d} " + "x" * (n % 300) for n in range(5000)]
    path.write_text("\n".join(lines) + "\n")
    assert read_tail(path, 1234) == lines[-1234:]
    assert read_tail(path, 10_000) == lines
    assert read_tail(tmp_path / "missing.log", 3) == []


def test_the_tail_reaches_into_rotated_files_oldest_first(tmp_path: Path) -> None:
    log = RotatingLog(tmp_path / "tool.log", max_bytes=120, backups=2, clock=lambda: T0)
    for n in range(8):  # about 40 bytes a record: three to a file, the oldest dropped
        log.write("stdout", f"line {n}")
    log.close()
    assert [line.rsplit(" ", 1)[-1] for line in log.tail(4)] == ["4", "5", "6", "7"]
    everything = [line.rsplit(" ", 1)[-1] for line in log.tail(100)]
    assert everything == [str(n) for n in range(8)][-len(everything) :]
    assert len(everything) > 3  # more than the current file holds
    assert RotatingLog(tmp_path / "none.log").tail(5) == []
