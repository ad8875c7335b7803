"""Broken tool.json files: each is rejected with exactly the error lines an author would need."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.toolspec import ParseResult, SpecError, coherence_errors, parse_tool_json, validate_tool_dict


def tool(**fields: Any) -> dict[str, Any]:
    """A valid tool with one text input and one kv output, then the given top-level overrides."""
    base: dict[str, Any] = {
        "id": "demo",
        "name": "Demo",
        "inputs": [{"key": "q", "type": "text", "label": "Query"}],
        "outputs": [{"key": "summary", "type": "kv", "label": "Summary"}],
    }
    return base | fields


def inputs(*items: dict[str, Any]) -> dict[str, Any]:
    return tool(inputs=list(items))


def outputs(*items: dict[str, Any]) -> dict[str, Any]:
    return tool(outputs=list(items))


SLIDER = {"key": "rate", "type": "slider", "label": "Rate", "min": 0, "max": 10}
SELECT = {"key": "mode", "type": "select", "label": "Mode", "options": [{"value": "a", "label": "A"}]}
TABLE_OUT = {"key": "rows", "type": "table", "label": "Rows"}

CASES: list[tuple[str, object, list[tuple[str, str]]]] = [
    (
        "invalid-json",
        '{\n  "id": "demo",\n  "name": \n}',
        [("json", "tool.json: invalid JSON at line 4, column 1: Expecting value")],
    ),
    (
        "trailing-comma",
        '{"id": "demo",}',
        [
            (
                "json",
                "tool.json: invalid JSON at line 1, column 15: "
                "Expecting property name enclosed in double quotes",
            )
        ],
    ),
    (
        "nan-is-not-json",
        '{"id": "demo",\n "max_memory_mb": NaN}',
        [("json", "tool.json: invalid JSON at line 2, column 19: NaN is not a JSON value")],
    ),
    ("not-utf8", b'{"id": "\xff"}', [("json", "tool.json: not UTF-8 text: invalid byte at offset 8")]),
    ("top-level-list", "[]", [("model", "tool.json: the top level must be a JSON object, got a list")]),
    ("top-level-null", "null", [("model", "tool.json: the top level must be a JSON object, got null")]),
    (
        "missing-id",
        {k: v for k, v in tool().items() if k != "id"},
        [("model", "tool.json: id: required field is missing")],
    ),
    (
        "bad-id-pattern",
        tool(id="my tool"),
        [
            (
                "model",
                'tool.json: id: must be 1 to 80 letters, digits, "-" or "_", starting with a letter or digit '
                '(pattern ^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$), got "my tool"',
            )
        ],
    ),
    (
        "id-starting-with-underscore",
        tool(id="_thumbs"),
        [
            (
                "model",
                'tool.json: id: must be 1 to 80 letters, digits, "-" or "_", starting with a letter or digit '
                '(pattern ^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$), got "_thumbs"',
            )
        ],
    ),
    (
        "unknown-top-level-examples",
        tool(examples=[]),
        [("model", 'tool.json: unknown top-level field "examples"')],
    ),
    (
        "unknown-top-level-typo",
        tool(max_memory=256),
        [("model", 'tool.json: unknown top-level field "max_memory" (did you mean "max_memory_mb"?)')],
    ),
    (
        "unknown-input-type",
        inputs({"key": "rate", "type": "slidr", "label": "Rate", "min": 0, "colour": "red"}),
        [
            (
                "model",
                'tool.json: inputs[0].type (key "rate"): unknown input type "slidr" (did you mean "slider"?)',
            )
        ],
    ),
    (
        "unknown-output-type",
        outputs({"key": "plot", "type": "chart_bubble", "label": "Plot", "y_label": "v"}),
        [("model", 'tool.json: outputs[0].type (key "plot"): unknown output type "chart_bubble"')],
    ),
    (
        "missing-input-type",
        inputs({"key": "rate", "label": "Rate", "min": 0}),
        [("model", 'tool.json: inputs[0].type (key "rate"): required field is missing')],
    ),
    (
        "unit-on-slider",
        inputs(SLIDER | {"unit": "%"}),
        [
            (
                "model",
                'tool.json: inputs[0] (key "rate"): unknown field "unit" for input type "slider" '
                '(only "number" inputs take it)',
            )
        ],
    ),
    (
        "log-x-on-chart-bar",
        outputs({"key": "bars", "type": "chart_bar", "label": "Bars", "log_x": True}),
        [
            (
                "model",
                'tool.json: outputs[0] (key "bars"): unknown field "log_x" for output type "chart_bar" '
                '(only "chart_line", "chart_area" and "chart_scatter" outputs take it)',
            )
        ],
    ),
    (
        "format-on-kv",
        outputs({"key": "summary", "type": "kv", "label": "Summary", "format": "currency"}),
        [
            (
                "model",
                'tool.json: outputs[0] (key "summary"): unknown field "format" for output type "kv" '
                '(only "number" outputs take it)',
            )
        ],
    ),
    (
        "misspelt-field",
        inputs({"key": "q", "type": "text", "label": "Query", "placehlder": "..."}),
        [
            (
                "model",
                'tool.json: inputs[0] (key "q"): unknown field "placehlder" for input type "text" '
                '(did you mean "placeholder"?)',
            )
        ],
    ),
    (
        "quoted-integer",
        tool(max_memory_mb="512"),
        [
            (
                "model",
                'tool.json: max_memory_mb: must be an integer, got the string "512"; '
                "write the number without quotes",
            )
        ],
    ),
    (
        "fractional-integer",
        tool(max_runtime_seconds=2.5),
        [("model", "tool.json: max_runtime_seconds: must be an integer, got 2.5")],
    ),
    (
        "boolean-as-integer",
        tool(retain_runs=True),
        [("model", "tool.json: retain_runs: must be an integer, got true")],
    ),
    (
        "required-yes",
        inputs({"key": "q", "type": "text", "label": "Query", "required": "yes"}),
        [("model", 'tool.json: inputs[0].required (key "q"): must be true or false, got "yes"')],
    ),
    (
        "quoted-float",
        inputs(SLIDER | {"step": "0.5"}),
        [
            (
                "model",
                'tool.json: inputs[0].step (key "rate"): must be a number, '
                'got the string "0.5"; write the number without quotes',
            )
        ],
    ),
    (
        "null-where-not-allowed",
        inputs({"key": "q", "type": "text", "label": "Query", "required": None}),
        [("model", 'tool.json: inputs[0].required (key "q"): must be true or false, got null')],
    ),
    (
        "label-not-a-string",
        inputs({"key": "q", "type": "text", "label": 7}),
        [("model", 'tool.json: inputs[0].label (key "q"): must be a string, got 7')],
    ),
    (
        "select-without-options",
        inputs(SELECT | {"options": []}),
        [("coherence", 'tool.json: inputs[0].options (key "mode"): needs at least one option')],
    ),
    (
        "select-options-missing",
        inputs({"key": "mode", "type": "select", "label": "Mode"}),
        [("model", 'tool.json: inputs[0].options (key "mode"): required field is missing')],
    ),
    (
        "radio-without-options",
        inputs({"key": "pick", "type": "radio", "label": "Pick", "options": []}),
        [("coherence", 'tool.json: inputs[0].options (key "pick"): needs at least one option')],
    ),
    (
        "option-missing-label-and-extra-field",
        inputs(SELECT | {"options": [{"value": "a", "text": "A"}]}),
        [
            (
                "model",
                'tool.json: inputs[0].options[0] (key "mode"): unknown field "text" in an option; '
                "allowed fields: value, label",
            ),
            ("model", 'tool.json: inputs[0].options[0].label (key "mode"): required field is missing'),
        ],
    ),
    (
        "option-value-object",
        inputs(SELECT | {"options": [{"value": {"v": 1}, "label": "A"}]}),
        [
            (
                "model",
                'tool.json: inputs[0].options[0].value (key "mode"): '
                'must be a string, a number or true/false, got {"v": 1}',
            )
        ],
    ),
    (
        "slider-min-equals-max",
        inputs(SLIDER | {"min": 5, "max": 5}),
        [("coherence", 'tool.json: inputs[0].min (key "rate"): min (5) must be less than max (5)')],
    ),
    (
        "slider-missing-max",
        inputs({"key": "rate", "type": "slider", "label": "Rate", "min": 0}),
        [("model", 'tool.json: inputs[0].max (key "rate"): required field is missing')],
    ),
    (
        "number-min-above-max",
        inputs({"key": "n", "type": "number", "label": "N", "min": 10, "max": 1.5}),
        [("coherence", 'tool.json: inputs[0].min (key "n"): min (10) must not be greater than max (1.5)')],
    ),
    (
        "range-slider-default-shape",
        inputs(SLIDER | {"range": True, "default": [8, 2]}),
        [
            (
                "coherence",
                'tool.json: inputs[0].default (key "rate"): a range slider\'s default must be [low, high], '
                "two numbers with low <= high; got [8, 2]",
            )
        ],
    ),
    (
        "duplicate-input-keys",
        inputs({"key": "q", "type": "text", "label": "A"}, {"key": "q", "type": "textarea", "label": "B"}),
        [
            (
                "coherence",
                'tool.json: inputs[1].key (key "q"): duplicate input key "q"; inputs[0] already uses it',
            )
        ],
    ),
    (
        "duplicate-output-keys",
        outputs({"key": "out", "type": "kv", "label": "A"}, {"key": "out", "type": "text", "label": "B"}),
        [
            (
                "coherence",
                'tool.json: outputs[1].key (key "out"): '
                'duplicate output key "out"; outputs[0] already uses it',
            )
        ],
    ),
    (
        "show-if-names-no-input",
        inputs({"key": "q", "type": "text", "label": "Q", "show_if": {"key": "mode", "equals": "a"}}),
        [("coherence", 'tool.json: inputs[0].show_if.key (key "q"): no other input has the key "mode"')],
    ),
    (
        "show-if-names-itself",
        inputs({"key": "q", "type": "text", "label": "Q", "show_if": {"key": "q", "equals": "a"}}),
        [
            (
                "coherence",
                'tool.json: inputs[0].show_if.key (key "q"): '
                "refers to this input itself; it must name another input",
            )
        ],
    ),
    (
        "show-if-missing-equals",
        inputs(SELECT, {"key": "q", "type": "text", "label": "Q", "show_if": {"key": "mode"}}),
        [("model", 'tool.json: inputs[1].show_if.equals (key "q"): required field is missing')],
    ),
    (
        "table-input-without-columns",
        inputs({"key": "grid", "type": "table", "label": "Grid", "columns": []}),
        [("coherence", 'tool.json: inputs[0].columns (key "grid"): needs at least one column')],
    ),
    (
        "column-missing-type",
        outputs(
            TABLE_OUT
            | {"columns": [{"key": "a", "label": "A", "type": "number"}, {"key": "b", "label": "B"}]}
        ),
        [("model", 'tool.json: outputs[0].columns[1].type (key "rows"): required field is missing')],
    ),
    (
        "autocomplete-relative-endpoint",
        inputs({"key": "city", "type": "autocomplete", "label": "City", "endpoint": "cities"}),
        [
            (
                "coherence",
                'tool.json: inputs[0].endpoint (key "city"): '
                'must be a path on the tool starting with "/", got "cities"',
            )
        ],
    ),
    (
        "bad-tool-layout",
        tool(layout="grid"),
        [("model", 'tool.json: layout: must be one of "form", "chat", "split"; got "grid"')],
    ),
    (
        "bad-output-layout",
        outputs({"key": "summary", "type": "kv", "label": "Summary", "layout": "tabs"}),
        [
            (
                "model",
                'tool.json: outputs[0].layout (key "summary"): must be one of "panel", "tab", "inline"; '
                'got "tabs" (did you mean "tab"?)',
            )
        ],
    ),
    (
        "bad-number-format",
        outputs({"key": "total", "type": "number", "label": "Total", "format": "money"}),
        [
            (
                "model",
                'tool.json: outputs[0].format (key "total"): must be one of "currency", "percent", '
                '"scientific", "decimal"; got "money"',
            )
        ],
    ),
    (
        "secret-with-label",
        tool(secrets=[{"key": "API_KEY", "label": "API key"}]),
        [
            (
                "model",
                'tool.json: secrets[0] (key "API_KEY"): unknown field "label" in a secret; '
                "allowed fields: key, description, required",
            )
        ],
    ),
    (
        "secrets-not-a-list",
        tool(secrets={"API_KEY": "x"}),
        [("model", 'tool.json: secrets: must be a list of secrets, got {"API_KEY": "x"}')],
    ),
    (
        "inputs-not-a-list",
        tool(inputs={"q": {"type": "text"}}),
        [("model", 'tool.json: inputs: must be a list of inputs, got {"q": {"type": "text"}}')],
    ),
    (
        "input-not-an-object",
        tool(inputs=["q"]),
        [("model", 'tool.json: inputs[0]: must be an object, got "q"')],
    ),
    (
        "key-with-whitespace",
        inputs({"key": "my rate", "type": "text", "label": "Rate"}),
        [("model", 'tool.json: inputs[0].key (key "my rate"): must not contain whitespace, got "my rate"')],
    ),
    (
        "empty-output-key",
        outputs({"key": "", "type": "kv", "label": "Summary"}),
        [("model", "tool.json: outputs[0].key: must not be empty")],
    ),
    (
        "tags-not-strings",
        tool(tags=["finance", 3, None]),
        [
            ("model", "tool.json: tags[1]: must be a string, got 3"),
            ("model", "tool.json: tags[2]: must be a string, got null"),
        ],
    ),
    (
        "map-center-quoted",
        inputs({"key": "where", "type": "map_point", "label": "Where", "default_center": ["51.5", -0.1]}),
        [
            (
                "model",
                'tool.json: inputs[0].default_center[0] (key "where"): must be a number, '
                'got the string "51.5"; write the number without quotes',
            )
        ],
    ),
    (
        "accept-not-text",
        inputs({"key": "f", "type": "file", "label": "F", "accept": 5}),
        [("model", 'tool.json: inputs[0].accept (key "f"): must be a string or a list of strings, got 5')],
    ),
    (
        "json-schema-not-object",
        inputs({"key": "j", "type": "json", "label": "J", "schema": "object"}),
        [("model", 'tool.json: inputs[0].schema (key "j"): must be a JSON object, got "object"')],
    ),
]


def lines(data: object) -> tuple[ParseResult, list[tuple[str, str]]]:
    result = parse_tool_json(data) if isinstance(data, str | bytes) else validate_tool_dict(data)
    return result, [(error.kind, str(error)) for error in result.errors]


@pytest.mark.parametrize(("data", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_broken_tool_json_is_reported_exactly(data: object, expected: list[tuple[str, str]]) -> None:
    result, found = lines(data)
    assert found == expected
    assert result.spec is None
    assert not result.ok


def test_dict_cases_give_the_same_errors_through_text() -> None:
    for name, data, expected in CASES:
        if isinstance(data, dict):
            assert lines(json.dumps(data))[1] == expected, name


def test_every_error_in_a_file_is_reported_in_document_order() -> None:
    data = {
        "id": "bad id",
        "name": "Many problems",
        "examples": [],
        "inputs": [
            {"key": "rate", "type": "slider", "label": "Rate", "min": 9, "max": 1, "unit": "%"},
            {"key": "rate", "type": "dial", "label": "Dial", "whatever": 1},
            {
                "key": "mode",
                "type": "select",
                "label": "Mode",
                "options": [],
                "show_if": {"key": "nope", "equals": 1},
            },
            {"key": "n", "type": "number", "label": 5},
        ],
        "outputs": [
            {"key": "out", "type": "chart_bar", "label": "Bars", "log_x": True},
            {"key": "out", "type": "kv", "label": "KV", "layout": "side"},
        ],
        "max_memory_mb": "1024",
    }
    _, found = lines(json.dumps(data))
    assert [line for _, line in found] == [
        'tool.json: id: must be 1 to 80 letters, digits, "-" or "_", starting with a letter or digit '
        '(pattern ^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$), got "bad id"',
        'tool.json: unknown top-level field "examples"',
        'tool.json: inputs[0] (key "rate"): unknown field "unit" for input type "slider" '
        '(only "number" inputs take it)',
        'tool.json: inputs[0].min (key "rate"): min (9) must be less than max (1)',
        'tool.json: inputs[1].type (key "rate"): unknown input type "dial"',
        'tool.json: inputs[2].show_if.key (key "mode"): no other input has the key "nope"',
        'tool.json: inputs[2].options (key "mode"): needs at least one option',
        'tool.json: inputs[3].label (key "n"): must be a string, got 5',
        'tool.json: outputs[0] (key "out"): unknown field "log_x" for output type "chart_bar" '
        '(only "chart_line", "chart_area" and "chart_scatter" outputs take it)',
        'tool.json: outputs[1].layout (key "out"): must be one of "panel", "tab", "inline"; got "side"',
        'tool.json: outputs[1].key (key "out"): duplicate output key "out"; outputs[0] already uses it',
        'tool.json: max_memory_mb: must be an integer, got the string "1024"; '
        "write the number without quotes",
    ]
    assert [kind for kind, _ in found] == [
        "model", "model", "model", "coherence", "model", "coherence", "coherence", "model", "model", "model",
        "coherence", "model",
    ]  # fmt: skip


def test_an_unknown_type_hides_the_items_other_problems() -> None:
    data = inputs(
        {"key": "a", "type": "text", "label": "A"},
        {"key": "a", "type": "knob", "label": 3, "show_if": {"key": "zzz"}, "options": []},
        {"key": "b", "type": "text", "label": "B", "show_if": {"key": "a", "equals": 1}},
    )
    assert [line for _, line in lines(data)[1]] == [
        'tool.json: inputs[1].type (key "a"): unknown input type "knob"'
    ]


def test_error_lines_name_the_source_and_optional_key() -> None:
    assert str(SpecError("json", "", "invalid JSON at line 1, column 1: Expecting value")) == (
        "tool.json: invalid JSON at line 1, column 1: Expecting value"
    )
    assert str(SpecError("model", "name", "required field is missing", "tools/x/tool.json")) == (
        "tools/x/tool.json: name: required field is missing"
    )
    assert str(SpecError("model", "inputs[1]", 'unknown field "unit"', item_key='say "hi"')) == (
        'tool.json: inputs[1] (key "say \\"hi\\""): unknown field "unit"'
    )
    result = validate_tool_dict(tool(name=None), source="tools/demo/tool.json")
    assert [str(error) for error in result.errors] == [
        "tools/demo/tool.json: name: must be a string, got null"
    ]


def test_coherence_errors_on_a_raw_dict_and_on_a_spec() -> None:
    raw = inputs(SLIDER | {"min": 3, "max": 1}, {"key": "rate", "type": "knob", "label": "K"})
    assert [str(error) for error in coherence_errors(raw, source="x.json")] == [
        'x.json: inputs[0].min (key "rate"): min (3) must be less than max (1)'
    ]
    spec = validate_tool_dict(inputs(SLIDER)).spec
    assert spec is not None
    assert coherence_errors(spec) == []
