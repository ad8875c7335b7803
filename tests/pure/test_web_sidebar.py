"""The sidebar's groups, dots, badges and version, from launcher records and tool flags."""

from __future__ import annotations

from typing import Any

import pytest

from pixie_web.sidebar import DOT_WORDS, DOTS, badge_of, build_sidebar, dot_of

pytestmark = pytest.mark.timeout(10)


def record(tool_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": tool_id, "name": tool_id.title(), "category": None, "state": "stopped", **fields}


@pytest.mark.parametrize(
    ("state", "dot"),
    [
        ("stopped", "stopped"),
        ("stopping", "stopped"),
        ("provisioning", "starting"),
        ("starting", "starting"),
        ("running", "running"),
        ("backoff", "error"),
        ("fatal", "error"),
        ("broken", "error"),
        ("something-new", "stopped"),
    ],
)
def test_each_launcher_state_has_a_dot(state: str, dot: str) -> None:
    assert dot_of(state) == dot


def test_every_known_state_is_mapped() -> None:
    from pixie_launcher.states import State

    assert {state.value for state in State} | {"broken"} == set(DOTS)


@pytest.mark.parametrize(
    ("validation", "badge"),
    [
        (None, ("none", False)),
        ({"overall": None, "stale": False}, ("none", False)),
        ({"overall": "pass", "stale": False}, ("pass", False)),
        ({"overall": "warn", "stale": True}, ("warn", True)),
        ({"overall": "fail"}, ("fail", False)),
        ({"overall": "bogus"}, ("none", False)),
    ],
)
def test_badges(validation: dict[str, Any] | None, badge: tuple[str, bool]) -> None:
    assert badge_of(validation) == badge


def test_favourites_first_then_categories_alphabetically_and_uncategorised_last() -> None:
    records = [
        record("zeta", category="Maths"),
        record("alpha", category="Maths"),
        record("loose"),
        record("chart", category="data"),
        record("star", category="Maths"),
        record("hidden", category="Maths"),
    ]
    flags = {"star": {"favourite": True}, "hidden": {"archived": True}}
    sidebar = build_sidebar(records, flags)
    assert [(group.title, [tool.id for tool in group.tools]) for group in sidebar.groups] == [
        ("Favourites", ["star"]),
        ("data", ["chart"]),
        ("Maths", ["alpha", "zeta"]),
        ("Uncategorised", ["loose"]),
    ]
    assert (sidebar.total, sidebar.archived) == (6, 1)


def test_words_for_screen_readers() -> None:
    failing = record("a", state="fatal", validation={"overall": "warn", "stale": True})
    tool = build_sidebar([failing], {}).tools[0]
    assert (tool.dot_words, tool.badge_words) == ("Needs attention", "Warnings (out of date)")
    assert DOT_WORDS["running"] == "Warm"  # a warm tool, not a run in progress


def test_the_version_changes_only_with_what_is_shown() -> None:
    base = build_sidebar([record("a"), record("b", category="X")], {}).version
    assert build_sidebar([record("b", category="X"), record("a")], {}).version == base
    # What the sidebar does not show (times, counts, pids) leaves the version alone.
    busy = record("a", last_used_at="2026-11-30T10:00:00Z", in_flight=3, pid=1234)
    assert build_sidebar([busy, record("b", category="X")], {}).version == base
    changed = [
        [record("a", state="running"), record("b", category="X")],
        [record("a", validation={"overall": "pass"}), record("b", category="X")],
        [record("a", name="Renamed"), record("b", category="X")],
        [record("a", category="Y"), record("b", category="X")],
        [record("a")],
    ]
    for records in changed:
        assert build_sidebar(records, {}).version != base, records
    assert build_sidebar([record("a"), record("b", category="X")], {"a": {"favourite": True}}).version != base
    assert build_sidebar([record("a"), record("b", category="X")], {"a": {"archived": True}}).version != base
