from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from shared.dotenv import read_dotenv, write_dotenv

VALUES = {"API_KEY": 'sk-"quoted"\\slash', "MULTI": "line one\nline two", "EMPTY": ""}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_round_trip_through_a_file(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    write_dotenv(path, VALUES)
    assert read_dotenv(path) == VALUES
    assert path.read_text().splitlines()[0].startswith('API_KEY="')


def test_missing_file_reads_as_empty(tmp_path: Path) -> None:
    assert read_dotenv(tmp_path / ".env") == {}


def test_written_file_is_private_even_when_it_was_not(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("OLD=1\n")
    path.chmod(0o644)
    write_dotenv(path, {"NEW": "2"})
    assert mode(path) == 0o600
    assert read_dotenv(path) == {"NEW": "2"}


def test_only_the_target_remains_after_writing(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    for n in range(3):
        write_dotenv(path, {"N": str(n)})
    assert sorted(p.name for p in tmp_path.iterdir()) == [".env"]


def test_a_failed_replace_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()  # os.replace(file, directory) fails
    (target / "keep").write_text("x")
    with pytest.raises(IsADirectoryError):
        write_dotenv(target, {"A": "1"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["target"]


def test_a_failed_fsync_leaves_the_old_content_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / ".env"
    write_dotenv(path, {"A": "old"})

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space left"):
        write_dotenv(path, {"A": "new"})
    monkeypatch.undo()
    assert read_dotenv(path) == {"A": "old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".env"]


def test_an_invalid_key_fails_before_touching_the_disk(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    with pytest.raises(ValueError, match="not a valid environment variable name"):
        write_dotenv(path, {"bad-key": "x"})
    assert list(tmp_path.iterdir()) == []


def test_bytes_that_are_not_utf8_survive_a_round_trip(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(b"RAW=caf\xe9\n")
    values = read_dotenv(path)
    assert os.fsencode(values["RAW"]) == b"caf\xe9"  # what the child's environment will hold
    write_dotenv(path, values)
    assert path.read_bytes() == b'RAW="caf\xe9"\n'


def test_bom_and_crlf_from_a_windows_editor(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(b'\xef\xbb\xbfA=1\r\nB="two"\r\n')
    assert read_dotenv(path) == {"A": "1", "B": "two"}


def test_skipped_lines_are_logged_without_values(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / ".env"
    path.write_text("GOOD=1\nsk-pasted-S3CRET\n")
    with caplog.at_level(logging.WARNING, logger="shared.dotenv"):
        assert read_dotenv(path) == {"GOOD": "1"}
    assert "line 2" in caplog.text
    assert "S3CRET" not in caplog.text
