"""The sidebar filtered by workspace, and the organisation the web process caches."""

from __future__ import annotations

from typing import Any

import pytest

from pixie_web.organisation import Organisation, Workspace
from pixie_web.sidebar import build_sidebar

pytestmark = pytest.mark.timeout(10)

RECORDS = [
    {"id": tool_id, "name": tool_id.title(), "category": category, "state": "stopped"}
    for tool_id, category in (("alpha", "Maths"), ("beta", "Data"), ("gamma", "Maths"), ("delta", None))
]


def workspace(workspace_id: int = 1, *tool_ids: str, name: str = "Work") -> Workspace:
    return Workspace(workspace_id, name, "#112233", tuple(tool_ids), "2024-01-01T00:00:00Z")


def ids(sidebar: Any) -> list[str]:
    return [tool.id for tool in sidebar.tools]


def test_a_workspace_shows_only_its_tools_in_the_usual_groups() -> None:
    flags = {"gamma": {"favourite": True}}
    sidebar = build_sidebar(RECORDS, flags, workspace(1, "gamma", "alpha", "nope"))
    assert [(group.title, [tool.id for tool in group.tools]) for group in sidebar.groups] == [
        ("Favourites", ["gamma"]),
        ("Maths", ["alpha"]),
    ]
    assert (sidebar.total, sidebar.archived, sidebar.workspace and sidebar.workspace.id) == (4, 0, 1)


def test_archived_tools_stay_hidden_and_counted_in_a_workspace() -> None:
    sidebar = build_sidebar(
        RECORDS, {"alpha": {"archived": True}, "beta": {"archived": True}}, workspace(1, "alpha")
    )
    assert ids(sidebar) == []
    assert sidebar.archived == 2


def test_no_workspace_shows_every_tool() -> None:
    assert ids(build_sidebar(RECORDS, {})) == ["beta", "alpha", "gamma", "delta"]
    assert build_sidebar(RECORDS, {}).workspace is None


def test_the_version_changes_with_the_workspace_even_when_the_tools_do_not() -> None:
    everything = build_sidebar(RECORDS, {}).version
    first = build_sidebar(RECORDS, {}, workspace(1, "alpha", "beta", "gamma", "delta")).version
    second = build_sidebar(RECORDS, {}, workspace(2, "alpha", "beta", "gamma", "delta")).version
    renamed = build_sidebar(RECORDS, {}, workspace(1, "alpha", "beta", "gamma", "delta", name="Home")).version
    assert len({everything, first, second, renamed}) == 4
    assert first == build_sidebar(RECORDS, {}, workspace(1, "alpha", "beta", "gamma", "delta")).version


def test_organisation_ignores_a_remembered_workspace_that_is_gone() -> None:
    items = [{"id": 3, "name": "Work", "colour": None, "tool_ids": ["alpha"], "created_at": "t"}]
    tags = {"alpha": ["maths", "ode"]}
    assert Organisation.from_store(items, tags, 3).active == Workspace(3, "Work", None, ("alpha",), "t")
    for stale in (4, 0, None, "3", True):
        assert Organisation.from_store(items, tags, stale).active is None
    organisation = Organisation.from_store(items, tags, None)
    assert organisation.tags_of("alpha") == ("maths", "ode")
    assert organisation.tags_of("beta") == ()
    assert [item.id for item in organisation.workspaces_of("alpha")] == [3]
    assert organisation.workspaces_of("beta") == ()
    assert organisation.workspaces[0].as_json() == items[0]
