"""Per-tool overrides and warm-pool settings: parsing, and which value wins (override, tool.json,
settings, default)."""

from __future__ import annotations

from typing import Any

import pytest

from pixie_launcher.overrides import (
    OverrideError,
    Overrides,
    attribute,
    parse_pool,
    resolve,
    stored_pool,
)
from shared.toolspec import validate_tool_dict
from tests.support.tools import minimal_tool_json

SETTINGS_KEEP = 300


def spec_of(**fields: Any) -> tuple[dict[str, Any], Any]:
    raw = minimal_tool_json("t", **fields)
    parsed = validate_tool_dict(raw)
    assert parsed.spec is not None, parsed.errors
    return raw, parsed.spec


# (overrides, tool.json fields, expected values, expected sources) for each field
RESOLUTION = [
    pytest.param(
        {},
        {},
        {"max_memory_mb": 512, "max_runtime_seconds": 60, "warm_keep_seconds": 300, "concurrent": True},
        {"max_memory_mb": "default", "max_runtime_seconds": "default", "warm_keep_seconds": "settings"},
        id="nothing-chosen",
    ),
    pytest.param(
        {},
        {"max_memory_mb": 100, "max_runtime_seconds": 5, "warm_keep_seconds": 20, "concurrent": False},
        {"max_memory_mb": 100, "max_runtime_seconds": 5, "warm_keep_seconds": 20, "concurrent": False},
        dict.fromkeys(
            ("max_memory_mb", "max_runtime_seconds", "warm_keep_seconds", "concurrent"), "tool.json"
        ),
        id="tool-json",
    ),
    pytest.param(
        {"max_memory_mb": 64, "max_runtime_seconds": 2, "warm_keep_seconds": 1, "concurrent": True},
        {"max_memory_mb": 100, "max_runtime_seconds": 5, "warm_keep_seconds": 20, "concurrent": False},
        {"max_memory_mb": 64, "max_runtime_seconds": 2, "warm_keep_seconds": 1, "concurrent": True},
        dict.fromkeys(
            ("max_memory_mb", "max_runtime_seconds", "warm_keep_seconds", "concurrent"), "override"
        ),
        id="override-beats-tool-json",
    ),
    pytest.param(
        {"warm_keep_seconds": 0},
        {},
        {"warm_keep_seconds": 0, "max_runtime_seconds": 60},
        {"warm_keep_seconds": "override", "max_runtime_seconds": "default"},
        id="zero-is-an-override",
    ),
    pytest.param(
        {"concurrent": False},
        {"max_runtime_seconds": 9},
        {"concurrent": False, "max_runtime_seconds": 9, "warm_keep_seconds": 300},
        {"concurrent": "override", "max_runtime_seconds": "tool.json", "warm_keep_seconds": "settings"},
        id="mixed",
    ),
]


@pytest.mark.parametrize(("chosen", "tool_json", "values", "sources"), RESOLUTION)
def test_each_limit_comes_from_the_override_then_tool_json_then_the_settings(
    chosen: dict[str, Any], tool_json: dict[str, Any], values: dict[str, Any], sources: dict[str, str]
) -> None:
    raw, spec = spec_of(**tool_json)
    limits = resolve(Overrides.parse(chosen), raw, spec, SETTINGS_KEEP)
    for field, value in values.items():
        assert getattr(limits, field) == value, field
    for field, source in sources.items():
        assert limits.sources[field] == source, field


def test_a_broken_tool_json_falls_back_to_settings_and_defaults() -> None:
    limits = resolve(Overrides(max_runtime_seconds=3), {"max_memory_mb": 99}, None, 42)
    assert (limits.max_memory_mb, limits.max_runtime_seconds, limits.warm_keep_seconds) == (512, 3, 42)
    assert limits.to_dict()["sources"]["max_memory_mb"] == "default"


BAD_REQUESTS = [
    ({"max_memory_mb": 0}, "max_memory_mb", "from 16 to 1048576 MB, got 0"),
    ({"max_memory_mb": 15}, "max_memory_mb", "from 16 to 1048576 MB"),
    ({"max_runtime_seconds": 0}, "max_runtime_seconds", "from 1 to 86400 s, got 0"),
    ({"max_runtime_seconds": 86_401}, "max_runtime_seconds", "from 1 to 86400 s"),
    ({"warm_keep_seconds": -1}, "warm_keep_seconds", "from 0 to 86400 s"),
    ({"max_runtime_seconds": 1.5}, "max_runtime_seconds", "whole number"),
    ({"max_runtime_seconds": "10"}, "max_runtime_seconds", "whole number"),
    ({"max_memory_mb": True}, "max_memory_mb", "whole number"),
    ({"concurrent": "no"}, "concurrent", "true or false"),
    ({"retain_runs": 5}, "retain_runs", "cannot be overridden"),
]


@pytest.mark.parametrize(("raw", "field", "message"), BAD_REQUESTS)
def test_a_bad_override_is_refused_naming_the_field(raw: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(OverrideError) as caught:
        Overrides.parse(raw)
    assert caught.value.field == field
    assert message in caught.value.message
    assert field in caught.value.message


def test_null_clears_a_field_and_only_set_fields_are_kept() -> None:
    parsed = Overrides.parse({"max_memory_mb": None, "max_runtime_seconds": 30, "concurrent": False})
    assert parsed.to_dict() == {"max_runtime_seconds": 30, "concurrent": False}
    assert Overrides.parse({}).to_dict() == {}


@pytest.mark.parametrize(
    ("stored", "kept"),
    [
        ({"max_memory_mb": 64, "max_runtime_seconds": 0, "bogus": 1}, {"max_memory_mb": 64}),
        ({"concurrent": "yes", "warm_keep_seconds": 10}, {"warm_keep_seconds": 10}),
        (None, {}),
        ("not an object", {}),
    ],
)
def test_stored_overrides_keep_each_valid_field_and_drop_the_rest(
    stored: object, kept: dict[str, Any]
) -> None:
    assert Overrides.from_stored(stored).to_dict() == kept


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"warm_keep_seconds": 0}, {"warm_keep_seconds": 0}),
        ({"warm_keep_max": 64, "warm_keep_seconds": None}, {"warm_keep_max": 64, "warm_keep_seconds": None}),
        ({}, {}),
    ],
)
def test_pool_changes_are_bounded_like_the_environment_variables(
    raw: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert parse_pool(raw) == expected


@pytest.mark.parametrize(
    ("raw", "field"),
    [({"warm_keep_max": 0}, "warm_keep_max"), ({"warm_keep_max": 65}, "warm_keep_max"), ({"cap": 3}, "cap")],
)
def test_bad_pool_changes_name_the_field(raw: dict[str, Any], field: str) -> None:
    with pytest.raises(OverrideError) as caught:
        parse_pool(raw)
    assert caught.value.field == field


def test_stored_pool_settings_are_read_from_their_keys_and_checked() -> None:
    stored = {"pool.warm_keep_seconds": 12, "pool.warm_keep_max": 999, "theme": "dark"}
    assert stored_pool(stored) == {"warm_keep_seconds": 12}


def test_a_limit_message_names_where_the_limit_came_from() -> None:
    reason = "a run took longer than its limit of 1 s (max_runtime_seconds in tool.json) plus 5 s"
    sources = {"max_runtime_seconds": "override", "max_memory_mb": "tool.json"}
    assert attribute(reason, sources) == (
        "a run took longer than its limit of 1 s "
        "(max_runtime_seconds set for this tool in Pixie's settings) plus 5 s"
    )
    assert attribute(reason, {"max_runtime_seconds": "tool.json"}) == reason
    assert "the default max_runtime_seconds" in attribute(reason, {"max_runtime_seconds": "default"})
