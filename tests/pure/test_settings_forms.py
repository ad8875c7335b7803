"""The settings pages' form reading, the report's shape for its table, and .env line editing."""

from __future__ import annotations

from typing import Any

import pytest

from pixie_launcher.tool_secrets import SecretError, check_request, edit_text
from pixie_web.settings_forms import (
    field_message,
    field_of,
    number_field,
    parse_limits,
    parse_pool,
    report_view,
)
from shared.dotenv import parse_dotenv
from shared.toolspec import validate_tool_dict
from tests.support.tools import minimal_tool_json


@pytest.mark.parametrize(
    ("raw", "value", "problem"),
    [
        ("", None, None),
        ("  ", None, None),
        (None, None, None),
        ("42", 42, None),
        (" 7 ", 7, None),
        ("1.5", None, "whole number"),
        ("-3", None, "whole number"),
        ("ten", None, "whole number"),
        ("9" * 20, None, "too large"),
    ],
)
def test_whole_numbers(raw: str | None, value: int | None, problem: str | None) -> None:
    parsed, message = number_field(raw)
    assert parsed == value
    assert (message is None) == (problem is None)
    if problem:
        assert message is not None
        assert problem in message


def test_limits_blank_means_follow_tool_json_and_each_problem_is_named() -> None:
    parsed = parse_limits({"max_memory_mb": "", "max_runtime_seconds": "30", "concurrent": "no"})
    assert parsed.ok
    assert parsed.values == {
        "max_memory_mb": None,
        "max_runtime_seconds": 30,
        "warm_keep_seconds": None,
        "concurrent": False,
    }
    bad = parse_limits({"max_memory_mb": "lots", "concurrent": "maybe"})
    assert set(bad.errors) == {"max_memory_mb", "concurrent"}


def test_pool_form_and_launcher_fields() -> None:
    assert parse_pool({"warm_keep_seconds": "60", "warm_keep_max": ""}).values == {
        "warm_keep_seconds": 60,
        "warm_keep_max": None,
    }
    assert field_of("overrides.max_memory_mb", ["max_memory_mb"]) == "max_memory_mb"
    assert field_of("tool_id", ["max_memory_mb"]) is None
    assert field_of(None, ["max_memory_mb"]) is None


def test_a_report_is_shaped_for_its_table() -> None:
    report: dict[str, Any] = {
        "overall": "fail",
        "timestamp": "2025-01-01T00:00:00.000Z",
        "duration_ms": 1500,
        "spawn_log": "",
        "checks": [
            {"name": "folder_structure", "status": "pass", "message": "ok", "details": None},
            {"name": "tool_json_parses", "status": "fail", "message": "bad", "details": ["line 1", "line 2"]},
            {"name": "reference_fixtures", "status": "fail", "message": "diff", "details": {"a": [1, 2]}},
        ],
    }
    view = report_view(report)
    assert view is not None
    assert [check["lines"] for check in view["checks"]] == [None, ["line 1", "line 2"], None]
    assert view["checks"][2]["text"].startswith("{\n")
    assert view["spawn_log"] is None
    assert report_view(None) is None


def _spec() -> Any:
    raw = minimal_tool_json("t", secrets=[{"key": "API_KEY", "required": True}, {"key": "OTHER"}])
    spec = validate_tool_dict(raw).spec
    assert spec is not None
    return spec


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("UNDECLARED", "x", "key"),
        ("API_KEY", "", "value"),
        ("API_KEY", 5, "value"),
        ("API_KEY", "a\x00b", "value"),
        ("API_KEY", "x" * 20_000, "value"),
    ],
)
def test_a_secret_request_is_checked_without_quoting_the_value(key: str, value: object, field: str) -> None:
    with pytest.raises(SecretError) as caught:
        check_request(_spec(), key, value)
    assert caught.value.field == field
    if isinstance(value, str) and value:
        assert value not in caught.value.message


def test_only_declared_keys_may_be_set_and_null_clears() -> None:
    assert check_request(_spec(), "API_KEY", "s3cret") == "s3cret"
    assert check_request(_spec(), "OTHER", None) is None
    with pytest.raises(SecretError):
        check_request(None, "API_KEY", "x")


EDITS = [
    pytest.param(
        '# comment\nA=1\nAPI_KEY=old # inline\nB="two"\n',
        "new",
        '# comment\nA=1\nAPI_KEY="new"\nB="two"\n',
        id="replace-in-place",
    ),
    pytest.param("A=1", "v", 'A=1\nAPI_KEY="v"\n', id="append-after-a-last-line-without-newline"),
    pytest.param("", 'q"uote\\', 'API_KEY="q\\"uote\\\\"\n', id="new-file-escaped"),
    pytest.param(
        'API_KEY="multi\nline"\n# keep\nexport API_KEY=dup\nZ=9\n',
        "one",
        'API_KEY="one"\n# keep\nZ=9\n',
        id="multi-line-and-duplicates",
    ),
    pytest.param("# c\nAPI_KEY=x\nA=1\n", None, "# c\nA=1\n", id="clear"),
    pytest.param("API_KEYS=keep\nAPI_KEY=x\n", None, "API_KEYS=keep\n", id="a-longer-name-is-another-key"),
]


@pytest.mark.parametrize(("before", "value", "after"), EDITS)
def test_editing_a_dotenv_changes_only_that_key(before: str, value: str | None, after: str) -> None:
    edited = edit_text(before, "API_KEY", value)
    assert edited == after
    expected = {key: v for key, v in parse_dotenv(before).items() if key != "API_KEY"}
    if value is not None:
        expected["API_KEY"] = value
    assert parse_dotenv(edited) == expected


@pytest.mark.parametrize(
    ("field", "message", "shown"),
    [
        (
            "warm_keep_max",
            "warm_keep_max must be from 1 to 64 tools, got 100",
            "Must be from 1 to 64 tools, got 100",
        ),
        ("max_memory_mb", "max_memory_mb must be a whole number, got 'x'", "Must be a whole number, got 'x'"),
        ("max_memory_mb", "the launcher is busy", "the launcher is busy"),  # not about the field by name
        ("max_memory", "max_memory_mb must be positive", "max_memory_mb must be positive"),
    ],
)
def test_a_launcher_message_under_its_field_does_not_repeat_the_fields_name(
    field: str, message: str, shown: str
) -> None:
    assert field_message(field, message) == shown
