from __future__ import annotations

import json
from typing import Any

import pytest

from pixie_web.filters import failure_title, input_summary, run_status_text, spec_error_parts
from shared.toolspec import parse_tool_json


@pytest.mark.parametrize(
    ("inputs", "summary"),
    [
        ({"sigma": 10, "rho": 28}, "sigma: 10, rho: 28"),
        ({"name": "Ada", "on": True, "tags": ["a"]}, 'name: Ada, on: true, tags: ["a"]'),
        ({"file": "data:text/csv;base64,AAAA"}, "file: (file)"),
        ({}, ""),
        (None, ""),
        ({"text": "x" * 200}, "text: " + "x" * 73 + "…"),
    ],
)
def test_input_summary(inputs: Any, summary: str) -> None:
    assert input_summary(inputs) == summary


def test_words() -> None:
    assert run_status_text("ok") == "Finished"
    assert run_status_text("weird") == "weird"
    assert failure_title("timeout") == "The run took too long"
    assert failure_title("other") == "The run failed"


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        (
            'tool.json: inputs[0].type (key "n"): unknown input type "dial"',
            'inputs[0].type (key "n")',
            'unknown input type "dial"',
        ),
        ("tool.json: max_runtime_seconds: must be an integer", "max_runtime_seconds", "must be an integer"),
        (
            "tool.json: invalid JSON at line 1, column 12: Expecting value",
            "tool.json",
            "invalid JSON at line 1, column 12: Expecting value",
        ),
        ("something else entirely", "tool.json", "something else entirely"),
        (  # as the launcher reports it, with the tool's folder
            'my-tool/tool.json: inputs[0].type (key "x"): unknown input type "numbr"',
            'inputs[0].type (key "x")',
            'unknown input type "numbr"',
        ),
        ("my-tool/tool.json: invalid JSON at line 2", "tool.json", "invalid JSON at line 2"),
    ],
)
def test_spec_error_parts(line: str, field: str, message: str) -> None:
    assert spec_error_parts(line) == {"field": field, "message": message}


def test_input_summary_puts_inputs_changed_from_their_defaults_first() -> None:
    parsed = parse_tool_json(
        json.dumps(
            {
                "id": "t", "name": "T", "outputs": [],
                "inputs": [
                    {"key": "principal", "type": "number", "label": "P", "default": 1000},
                    {"key": "years", "type": "number", "label": "Y", "default": 10},
                    {"key": "rate", "type": "number", "label": "R", "default": 5},
                ],
            }
        )
    )  # fmt: skip
    assert parsed.spec is not None
    inputs = {"principal": 1000.0, "years": 20, "rate": 5, "note": "x"}
    assert input_summary(inputs, parsed.spec) == "years: 20, note: x, principal: 1000.0, rate: 5"
    long = {"principal": 1000, "years": 10, "rate": 5, "note": "y" * 100}
    assert input_summary(long, parsed.spec).startswith("note: yyy")
    assert input_summary(long, parsed.spec, cut=False).endswith("rate: 5")
