"""Argument rules of the store: each returns the stored value or names the field it refuses."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pixie_store import rules
from shared.wire import ErrorCode, WireError


@pytest.mark.parametrize(
    ("rule", "raw", "expected"),
    [
        (rules.tag, "Maths", "maths"),
        (rules.tag, "  data-viz_2 ", "data-viz_2"),
        (rules.tag, "x" * 32, "x" * 32),
        (rules.label, "  Best run ", "Best run"),
        (rules.label, "", None),
        (rules.label, "   ", None),
        (rules.rel_path, "lorenz/2026-11-30/run1/plot.png", "lorenz/2026-11-30/run1/plot.png"),
        (rules.rel_path, "a..b/c", "a..b/c"),
        (rules.filename, "plot.png", "plot.png"),
        (rules.mime, "Image/PNG", "image/png"),
        (rules.mime, "application/vnd.ms-excel", "application/vnd.ms-excel"),
        (rules.mime_filter, "image", "image"),
        (rules.mime_filter, "TEXT/CSV", "text/csv"),
        (rules.colour, "#A1B2C3", "#a1b2c3"),
        (rules.colour, "", None),
        (rules.workspace_name, "  Research  ", "Research"),
    ],
)
def test_rule_accepts(rule: Callable[[str], object], raw: str, expected: object) -> None:
    assert rule(raw) == expected


@pytest.mark.parametrize(
    ("rule", "raw", "field"),
    [
        (rules.tag, "", "tag"),
        (rules.tag, "x" * 33, "tag"),
        (rules.tag, "has space", "tag"),
        (rules.tag, "émoji", "tag"),
        (rules.tag, "a:b", "tag"),
        (rules.label, "x" * 121, "label"),
        (rules.rel_path, "/etc/passwd", "rel_path"),
        (rules.rel_path, "../outside", "rel_path"),
        (rules.rel_path, "a/../../b", "rel_path"),
        (rules.rel_path, "a//b", "rel_path"),
        (rules.rel_path, "a/./b", "rel_path"),
        (rules.rel_path, "a\\b", "rel_path"),
        (rules.rel_path, "a/", "rel_path"),
        (rules.filename, "a/b.png", "filename"),
        (rules.filename, "..", "filename"),
        (rules.mime, "png", "mime"),
        (rules.mime, "image/", "mime"),
        (rules.mime, "image/png; charset=x", "mime"),
        (rules.mime_filter, "image/", "mime"),
        (rules.mime_filter, "*", "mime"),
        (rules.colour, "red", "colour"),
        (rules.colour, "#abc", "colour"),
        (rules.workspace_name, "   ", "name"),
        (rules.workspace_name, "x" * 61, "name"),
    ],
)
def test_rule_refuses_naming_the_field(rule: Callable[[str], object], raw: str, field: str) -> None:
    with pytest.raises(WireError) as caught:
        rule(raw)
    assert caught.value.code == ErrorCode.BAD_REQUEST
    assert caught.value.field == field


def test_tags_drops_duplicates_after_normalising() -> None:
    assert rules.tags(["B", "a", "b", " A "], "add_tags") == ["b", "a"]


def test_tags_names_the_list_field() -> None:
    with pytest.raises(WireError) as caught:
        rules.tags(["ok", "not ok"], "add_tags")
    assert caught.value.field == "add_tags"


@pytest.mark.parametrize(
    ("raw", "end", "expected"),
    [
        ("2026-11-30", True, "2026-11-30T23:59:59.999Z"),
        ("2026-11-30T01:02:03Z", False, "2026-11-30T01:02:03.000Z"),
    ],
)
def test_bound(raw: str, end: bool, expected: str) -> None:
    assert rules.bound(raw, "to", end=end) == expected


def test_bound_and_instant_name_their_field() -> None:
    with pytest.raises(WireError) as caught:
        rules.bound("next week", "from", end=False)
    assert caught.value.field == "from"
    with pytest.raises(WireError) as caught:
        rules.instant("2026-11-30T01:02:03", "started_at")
    assert caught.value.field == "started_at"
