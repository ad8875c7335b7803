"""The words the validator and the output cards share for values and output types."""

from __future__ import annotations

import math

import pytest

from shared.toolspec import OUTPUT_TYPES
from shared.toolspec.wording import OUTPUT_NAMES, brief, kind


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        ("x", "a string"),
        (3, "a number"),
        (2.5, "a number"),
        ({"a": 1}, "an object"),
        ([1], "a list"),
        ((1, 2), "a list"),
        (b"raw", "bytes"),
    ],
)
def test_kind(value: object, expected: str) -> None:
    assert kind(value) == expected


def _deep(levels: int) -> list[object]:
    value: list[object] = []
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("value", "limit", "expected"),
    [
        ("héllo", 40, '"héllo"'),  # JSON, not ASCII-escaped
        ({"a": [1, 2]}, 40, '{"a": [1, 2]}'),
        (math.nan, 40, "NaN"),
        (math.inf, 40, "Infinity"),
        (-math.inf, 40, "-Infinity"),
        ("x" * 50, 10, '"xxxxxxxx…'),  # cut to the limit, the ellipsis included
        (b"\x00", 40, "\"b'\\\\x00'\""),  # not JSON: its repr, as a string
    ],
)
def test_brief(value: object, limit: int, expected: str) -> None:
    assert brief(value, limit) == expected
    assert len(brief(value, limit)) <= limit


def test_a_value_too_deep_to_encode_is_still_described() -> None:
    assert brief(_deep(2_000), 80) == "a list nested too deeply to show"


def test_every_chart_and_map_type_has_a_name() -> None:
    named = {name for name in OUTPUT_TYPES if name.startswith(("chart_", "map_"))}
    assert named <= OUTPUT_NAMES.keys()
    assert set(OUTPUT_NAMES) <= set(OUTPUT_TYPES)
    for name in OUTPUT_NAMES.values():
        assert name.startswith(("a ", "an "))
