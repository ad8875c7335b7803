"""Defaults a form cannot start on, one row per kind of input and way of missing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.toolspec import parse_tool_json
from shared.toolspec.defaults import default_problems


def options(*values: Any) -> list[dict[str, Any]]:
    return [{"value": value, "label": str(value)} for value in values]


def problems_of(item: dict[str, Any]) -> list[str]:
    spec = {
        "id": "demo",
        "name": "Demo",
        "inputs": [{"key": "x", "label": "X", **item}],
        "outputs": [{"key": "out", "type": "number", "label": "Out"}],
    }
    parsed = parse_tool_json(json.dumps(spec))
    assert parsed.spec is not None, parsed.errors
    return default_problems(parsed.spec)


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"type": "select", "options": options("a", "b"), "default": "a"}, None),
        (
            {"type": "select", "options": options("a", "b"), "default": "z"},
            '"z" is none of its options ("a", "b")',
        ),
        ({"type": "select", "options": options("a", "b")}, None),  # no default: the first option
        ({"type": "radio", "options": options(1, 2), "default": 1.0}, None),  # equal as JSON numbers
        ({"type": "radio", "options": options(1, 2), "default": "1"}, '"1" is none of its options (1, 2)'),
        (
            {"type": "select", "options": options(True, False), "default": 1},
            "1 is none of its options (true, false)",
        ),
        ({"type": "multiselect", "options": options("a", "b"), "default": ["a", "b"]}, None),
        (
            {"type": "multiselect", "options": options("a", "b"), "default": ["a", "q"]},
            '"q" is none of its options',
        ),
        (
            {"type": "select", "options": options(*range(8)), "default": 9},
            "9 is none of its options (0, 1, 2, 3, 4, 5, ...)",
        ),
        ({"type": "number", "min": 0, "max": 5, "default": 5}, None),
        ({"type": "number", "min": 0, "max": 5, "default": 10}, "10 is above its max (5)"),
        ({"type": "number", "min": 0.5, "default": 0}, "0 is below its min (0.5)"),
        ({"type": "number", "default": -1e9}, None),  # no bounds, nothing to fall outside
        ({"type": "slider", "min": 0, "max": 10, "default": 11}, "11 is above its max (10)"),
        ({"type": "slider", "min": 0, "max": 10, "range": True, "default": [2, 8]}, None),
        (
            {"type": "slider", "min": 0, "max": 10, "range": True, "default": [-1, 8]},
            "-1 is below its min (0)",
        ),
        ({"type": "text", "default": "anything"}, None),
    ],
)
def test_each_default_that_does_not_fit_is_named(item: dict[str, Any], expected: str | None) -> None:
    found = problems_of(item)
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1
        assert found[0].startswith("inputs[0].default (x): ")
        assert expected in found[0]


def test_every_unfit_value_of_a_list_default_is_listed() -> None:
    found = problems_of({"type": "multiselect", "options": options("a"), "default": ["p", "a", "q"]})
    assert [line.split(": ", 1)[1].split(" ")[0] for line in found] == ['"p"', '"q"']
