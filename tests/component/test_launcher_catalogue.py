"""Discovery against a real tools folder, and the catalogue publishing what changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from pixie_launcher.catalogue import Catalogue
from pixie_launcher.discovery import MAX_TOOL_JSON_BYTES, fingerprint, list_tool_folders, read_folder
from tests.support.tools import minimal_tool_json, write_tool


def test_tool_folders_are_sorted_and_hidden_ones_skipped(tmp_path: Path) -> None:
    for name in ("b", "a", ".hidden", "__pycache__"):
        (tmp_path / name).mkdir()
    (tmp_path / "notes.txt").write_text("not a tool")
    assert [path.name for path in list_tool_folders(tmp_path)] == ["a", "b"]


def test_missing_tools_folder_means_no_tools(tmp_path: Path) -> None:
    assert list_tool_folders(tmp_path / "absent") == []


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: None, "bad/tool.json: is missing; every tool folder needs one"),
        (lambda p: (p / "tool.json").write_bytes(b" " * (MAX_TOOL_JSON_BYTES + 1)), "is larger than 1 MiB"),
        (lambda p: (p / "tool.json").write_bytes(b"\xff\xfe{}"), "bad/tool.json"),
    ],
)
def test_unreadable_tool_json_is_a_listed_error(tmp_path: Path, setup: object, message: str) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    setup(folder)  # type: ignore[operator]
    result = read_folder(folder)
    assert result.spec is None
    assert message in str(result.errors[0])


def test_a_tool_json_that_cannot_be_read_is_a_listed_error(tmp_path: Path) -> None:
    (tmp_path / "odd" / "tool.json").mkdir(parents=True)
    assert str(read_folder(tmp_path / "odd").errors[0]) == "odd/tool.json: cannot be read (Is a directory)"


def test_fingerprint_changes_on_edit(tmp_path: Path) -> None:
    folder = write_tool(tmp_path, "t")
    before = fingerprint(folder)
    assert fingerprint(folder) == before
    (folder / "tool.json").write_text("{}  ")
    assert fingerprint(folder) != before


async def test_an_edited_helper_module_counts_as_a_change_and_a_data_file_does_not(tmp_path: Path) -> None:
    """The code a tool runs is every Python file beside its entrypoint, not main.py alone; its
    caches and data files are not code (a tool writing one must not look changed each run)."""
    catalogue = Catalogue(tmp_path / "tools")
    folder = write_tool(catalogue.tools_dir, "split", minimal_tool_json("split", entrypoint="app/server.py"))
    (folder / "app" / "lib").mkdir(parents=True)
    (folder / "app" / "server.py").write_text("from app.lib import maths\n")
    (folder / "app" / "lib" / "maths.py").write_text("ANSWER = 41\n")
    assert await catalogue.refresh() is not None
    assert await catalogue.refresh() is None

    (folder / "app" / "lib" / "maths.py").write_text("ANSWER = 42  # a longer file: mtimes are coarse\n")
    refresh = await catalogue.refresh()
    assert refresh is not None
    assert refresh.changed_folders == {"split"}

    (folder / "app" / "cache.json").write_text("{}")
    (folder / "app" / ".venv").mkdir()
    (folder / "app" / ".venv" / "site.py").write_text("")
    (folder / "app" / "__pycache__").mkdir()
    (folder / "app" / "__pycache__" / "server.cpython-311.py").write_text("")
    assert await catalogue.refresh() is None


async def test_refresh_reports_adds_edits_and_removals(tmp_path: Path) -> None:
    catalogue = Catalogue(tmp_path / "tools")
    assert await catalogue.refresh() is None  # no folder at all yet
    write_tool(catalogue.tools_dir, "one")
    refresh = await catalogue.refresh()
    assert refresh is not None
    assert [tool.key for tool in refresh.tools] == ["one"]
    assert refresh.changed_folders == {"one"}
    assert await catalogue.refresh() is None  # nothing changed, nothing re-read

    write_tool(catalogue.tools_dir, "two")
    write_tool(catalogue.tools_dir, "one", minimal_tool_json("one", name="Renamed tool"))
    refresh = await catalogue.refresh()
    assert refresh is not None
    assert refresh.changed_folders == {"one", "two"}
    assert catalogue.get("one") is not None
    assert catalogue.get("one").scan.spec.name == "Renamed tool"  # type: ignore[union-attr]

    write_tool(catalogue.tools_dir, "one", '{"id": "one"')
    refresh = await catalogue.refresh()
    assert refresh is not None
    assert catalogue.get("one").broken  # type: ignore[union-attr]

    (catalogue.tools_dir / "one" / "tool.json").unlink()
    (catalogue.tools_dir / "one").rmdir()
    refresh = await catalogue.refresh()
    assert refresh is not None
    assert refresh.changed_folders == frozenset()
    assert [tool.key for tool in refresh.tools] == ["two"]


async def test_a_duplicate_id_appears_and_clears(tmp_path: Path) -> None:
    catalogue = Catalogue(tmp_path / "tools")
    write_tool(catalogue.tools_dir, "calc")
    write_tool(catalogue.tools_dir, "calc-copy", minimal_tool_json("calc"))
    await catalogue.refresh()
    assert catalogue.get("calc-copy").broken  # type: ignore[union-attr]
    write_tool(catalogue.tools_dir, "calc-copy", minimal_tool_json("calc-copy"))
    await catalogue.refresh()
    assert not catalogue.get("calc-copy").broken  # type: ignore[union-attr]
    assert not catalogue.get("calc").broken  # type: ignore[union-attr]
