"""Scanning a run's folder, spilling large outputs, and path safety, on a real filesystem."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from pixie_web.runs.artefacts import (
    encode_values,
    guess_mime,
    is_reference,
    link_output,
    make_run_dir,
    reference,
    resolve_references,
    run_dir,
    safe_path,
    scan_run_dir,
    spill_large_values,
    spill_name,
)
from shared.runfiles import escape


def test_a_run_folder_is_private_whether_its_parents_exist_or_not(tmp_path: Path) -> None:
    first = run_dir(tmp_path / "artefacts", "tool", "run1")
    make_run_dir(first)  # the tool's first run of the day: parents made too
    second = run_dir(tmp_path / "artefacts", "tool", "run2")
    make_run_dir(second)  # the usual case: one mkdir
    second.chmod(0o755)
    make_run_dir(second)  # already there (a resumed run): made private again
    for path in (first, first.parent, first.parent.parent, second):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
    (first / "note.txt").write_text("x")
    with pytest.raises(FileExistsError):
        make_run_dir(first / "note.txt")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = run_dir(tmp_path / "artefacts", "tool", "run1")
    path.mkdir(parents=True)
    return path


def _scan(folder: Path, **limits: int):  # type: ignore[no-untyped-def]
    root = folder.parents[2]
    return scan_run_dir(
        folder,
        root,
        ["plot", "report"],
        max_files=limits.get("max_files", 100),
        max_bytes=limits.get("max_bytes", 10**9),
    )


def test_files_are_found_hashed_typed_and_linked_to_outputs(folder: Path) -> None:
    (folder / "plot.png").write_bytes(b"png-bytes")
    (folder / "report").mkdir()
    (folder / "report" / "part-1.csv").write_text("a,b\n1,2\n")
    (folder / "notes.txt").write_text("free")
    scan = _scan(folder)
    found = {f.filename: f for f in scan.files}
    assert set(found) == {"plot.png", "part-1.csv", "notes.txt"}
    assert found["plot.png"].output_key == "plot"
    assert found["part-1.csv"].output_key == "report"
    assert found["notes.txt"].output_key is None
    assert found["plot.png"].sha256 == hashlib.sha256(b"png-bytes").hexdigest()
    assert found["plot.png"].mime == "image/png"
    assert found["part-1.csv"].mime == "text/csv"
    assert found["part-1.csv"].rel_path.endswith("/run1/report/part-1.csv")
    assert not found["part-1.csv"].rel_path.startswith("/")
    assert scan.refused == []


def test_dot_files_partial_files_and_symlinks_are_not_taken(folder: Path, tmp_path: Path) -> None:
    (folder / ".hidden").write_text("x")
    (folder / "big.bin.partial").write_text("still writing")
    (tmp_path / "secret.txt").write_text("outside")
    os.symlink(tmp_path / "secret.txt", folder / "escape.txt")
    os.symlink(tmp_path, folder / "linked-dir")
    scan = _scan(folder)
    assert scan.files == []
    assert scan.refused == [
        "linked-dir is a symbolic link to a folder; Pixie keeps only plain files",
        "escape.txt is a symbolic link; Pixie keeps only plain files",
    ]


def test_caps_on_count_and_size(folder: Path) -> None:
    for n in range(5):
        (folder / f"f{n}.txt").write_text("12345")
    assert "more than 3 files" in (_scan(folder, max_files=3).over_limit or "")
    assert "more than 1 file in one run" in (_scan(folder, max_files=1).over_limit or "")
    assert "more than 12 bytes of files" in (_scan(folder, max_bytes=12).over_limit or "")
    assert "more than 1 byte of files" in (_scan(folder, max_bytes=1).over_limit or "")
    (folder / "big.bin").write_bytes(b"x" * 3000)
    assert "more than 2 KB (2,048 bytes) of files" in (
        _scan(folder, max_bytes=2048, max_files=10).over_limit or ""
    )
    (folder / "big.bin").unlink()
    assert _scan(folder, max_files=5, max_bytes=25).over_limit is None


def test_large_values_are_spilled_and_resolved(folder: Path) -> None:
    root = folder.parents[2]
    big = {"rows": [{"i": i, "text": "x" * 100} for i in range(2000)]}
    spills = spill_large_values(encode_values({"small": 1, "table": big}), folder, limit=65_536)
    assert [s.output_key for s in spills] == ["table"]
    assert spills[0].path == folder / ".pixie" / "table.json"
    artefact = {
        "id": 7,
        "rel_path": spills[0].path.relative_to(root).as_posix(),
        "size_bytes": spills[0].size_bytes,
        "sha256": spills[0].sha256,
    }
    stored = {"small": 1, "table": reference(artefact)}
    assert is_reference(stored["table"])
    assert json.dumps(stored).__len__() < 500
    assert resolve_references(stored, root) == {"small": 1, "table": big}
    assert _scan(folder).files == []  # the spill folder is not scanned as tool output


def _stored(folder: Path, outputs: dict[str, object]) -> dict[str, object]:
    """``outputs`` as Keeper.spill stores them with a limit of 1 KiB (artefact ids left out)."""
    root = folder.parents[2]
    values = encode_values(outputs)
    stored: dict[str, object] = {key: escape(value) for key, value in outputs.items()}
    for spill in spill_large_values(values, folder, limit=1024):
        artefact = {
            "id": None,
            "rel_path": spill.path.relative_to(root).as_posix(),
            "size_bytes": spill.size_bytes,
            "sha256": spill.sha256,
        }
        stored[spill.output_key] = reference(artefact)
    return stored


def test_keys_that_clean_to_the_same_name_spill_to_their_own_files(folder: Path) -> None:
    outputs = {key: key * 2000 for key in ("x.y", "x_y", "x-y", "x y", "é")}
    stored = _stored(folder, outputs)
    names = {spill_name(key) for key in outputs}
    assert len(names) == len(outputs)
    assert spill_name("x_y") == "x_y"
    assert spill_name("table-2") == "table-2"
    assert len(list((folder / ".pixie").iterdir())) == len(outputs)
    assert resolve_references(stored, folder.parents[2]) == outputs


def test_a_spill_file_that_was_damaged_or_replaced_stays_a_reference(folder: Path) -> None:
    outputs = {"cut": "c" * 4000, "edited": "e" * 4000, "fine": "f" * 4000}
    stored = _stored(folder, outputs)
    spilled = folder / ".pixie"
    (spilled / "cut.json").write_bytes((spilled / "cut.json").read_bytes()[:100])  # a half-written file
    (spilled / "edited.json").write_bytes(b'"' + b"E" * 3998 + b'"')  # valid JSON, not what was kept
    resolved = resolve_references(stored, folder.parents[2])
    assert resolved["cut"] == stored["cut"]
    assert is_reference(resolved["cut"])
    assert resolved["edited"] == stored["edited"]
    assert resolved["fine"] == outputs["fine"]


@pytest.mark.parametrize(
    "value",
    [
        {"$pixie_artefact": {"id": 1, "rel_path": "tool/day/other-run/.pixie/text.json"}},
        {"$pixie_literal": "x"},
        {"$pixie_literal": {"$pixie_literal": 1}},
        {"$pixie_artefact": "not even a reference"},
    ],
)
def test_a_tool_value_shaped_like_a_reference_is_read_back_as_the_tool_answered_it(
    folder: Path, value: dict[str, object]
) -> None:
    stored = _stored(folder, {"small": value, "large": {**value, "pad": "p" * 4000}})
    assert not is_reference(stored["small"])
    assert resolve_references(stored, folder.parents[2]) == {
        "small": value,
        "large": {**value, "pad": "p" * 4000},
    }


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("text", False),
        ({"a": 1}, False),
        ({"$pixie_artefact": {}, "other": 1}, False),
        ({"$pixie_artefact": {}}, True),
        ({"$pixie_literal": None}, True),
        ([{"$pixie_artefact": {}}], False),  # only whole output values are ever references
    ],
)
def test_escape(value: object, escaped: bool) -> None:
    assert (escape(value) is not value) is escaped
    if escaped:
        assert escape(value) == {"$pixie_literal": value}


def test_a_missing_spill_file_stays_a_reference(tmp_path: Path) -> None:
    stored = {"t": {"$pixie_artefact": {"id": 1, "rel_path": "tool/x/run/.pixie/t.json"}}}
    assert resolve_references(stored, tmp_path) == stored


@pytest.mark.parametrize("rel_path", ["../x", "/etc/passwd", "a/../../x", "", ".", "a\\b"])
def test_unsafe_paths_are_refused(tmp_path: Path, rel_path: str) -> None:
    assert safe_path(tmp_path, rel_path) is None


def test_symlinked_paths_are_refused(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "f").write_text("x")
    os.symlink(tmp_path / "real", tmp_path / "alias")
    assert safe_path(tmp_path, "real/f") == tmp_path.resolve() / "real" / "f"
    assert safe_path(tmp_path, "alias/f") is None


@pytest.mark.parametrize(
    ("relative", "key"),
    [
        ("plot.png", "plot"),
        ("plot.v2.png", "plot"),
        ("report/a.csv", "report"),
        ("other/plot.png", "plot"),
        ("x.png", None),
        ("x.y.txt", "x.y"),  # a key with a dot
        ("x.y", "x.y"),
        ("x.yz.txt", None),
        ("report", "report"),
    ],
)
def test_link_output(relative: str, key: str | None) -> None:
    assert link_output(Path(relative), ["plot", "report", "x.y"]) == key


@pytest.mark.parametrize(
    ("name", "mime"),
    [("a.csv", "text/csv"), ("a.PNG", "image/png"), ("a.unknownext", "application/octet-stream")],
)
def test_guess_mime(name: str, mime: str) -> None:
    assert guess_mime(name) == mime
