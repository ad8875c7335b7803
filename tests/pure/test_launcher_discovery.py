"""Assigning ids across tool folders (pure: scans are built in memory)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pixie_launcher.discovery import DiscoveredTool, FolderScan, assign_ids, conflicts_of, find
from shared.toolspec import parse_tool_json
from tests.support.tools import minimal_tool_json


def scan(folder: str, tool_id: str | None = None, *, broken: bool = False) -> FolderScan:
    if broken:
        result = parse_tool_json("{", source=f"{folder}/tool.json")
    else:
        result = parse_tool_json(
            json.dumps(minimal_tool_json(tool_id or folder)), source=f"{folder}/tool.json"
        )
    return FolderScan(folder, Path("/tools") / folder, result.spec, result.errors)


def keyed(tools: list[DiscoveredTool]) -> dict[str, tuple[str, bool]]:
    return {tool.key: (tool.scan.folder, tool.broken) for tool in tools}


@pytest.mark.parametrize(
    ("scans", "expected"),
    [
        pytest.param([scan("a"), scan("b")], {"a": ("a", False), "b": ("b", False)}, id="ids-from-tool-json"),
        pytest.param(
            [scan("example-compound-interest", "compound-interest")],
            {"compound-interest": ("example-compound-interest", False)},
            id="id-differs-from-folder",
        ),
        pytest.param(
            [scan("a-copy", "calc"), scan("calc")],
            {"calc": ("calc", False), "a-copy": ("a-copy", True)},
            id="folder-named-like-the-id-wins",
        ),
        pytest.param(
            [scan("x1", "calc"), scan("x2", "calc")],
            {"calc": ("x1", False), "x2": ("x2", True)},
            id="otherwise-first-folder-wins",
        ),
        pytest.param(
            [scan("broken", broken=True), scan("ok")],
            {"broken": ("broken", True), "ok": ("ok", False)},
            id="broken-keyed-by-folder",
        ),
        pytest.param(
            [scan("calc", broken=True), scan("z", "calc")],
            {"calc": ("z", False), "calc-2": ("calc", True)},
            id="broken-folder-never-takes-a-working-tools-id",
        ),
    ],
)
def test_assign_ids(scans: list[FolderScan], expected: dict[str, tuple[str, bool]]) -> None:
    assert keyed(assign_ids(scans)) == expected


def test_duplicate_explains_which_folder_owns_the_id() -> None:
    tools = assign_ids([scan("x1", "calc"), scan("x2", "calc")])
    duplicate = next(tool for tool in tools if tool.key == "x2")
    assert duplicate.error_lines() == [
        "x2/tool.json: id 'calc' is already used by the tool in folder 'x1'; give this tool its own id"
    ]
    assert duplicate.to_record()["name"] == "Calc"  # still shown with its own name


def test_a_folder_alone_learns_that_a_sibling_holds_its_id(tmp_path: Path) -> None:
    """What a validation without the launcher's catalogue (the CLI on its own) needs to know."""
    for folder in ("calc", "calc-copy", "other"):
        (tmp_path / folder).mkdir()
        spec_id = "other" if folder == "other" else "calc"
        (tmp_path / folder / "tool.json").write_text(json.dumps(minimal_tool_json(spec_id)))
    assert conflicts_of(tmp_path / "calc") == ()
    assert conflicts_of(tmp_path / "other") == ()
    assert conflicts_of(tmp_path / "calc-copy") == (
        "calc-copy/tool.json: id 'calc' is already used by the tool in folder 'calc'; "
        "give this tool its own id",
    )


def test_broken_record_names_folder_and_errors() -> None:
    (tool,) = assign_ids([scan("bad", broken=True)])
    record = tool.to_record()
    assert record["id"] == "bad"
    assert record["broken"] is True
    assert record["spec"] is None
    assert record["name"] == "bad"
    assert record["errors"][0].startswith("bad/tool.json: invalid JSON at line 1")


def test_find_by_id_then_folder() -> None:
    tools = assign_ids([scan("example-compound-interest", "compound-interest"), scan("other")])
    by_id = find(tools, "compound-interest")
    assert by_id is not None
    assert find(tools, "example-compound-interest") is by_id
    assert find(tools, "nothing") is None
