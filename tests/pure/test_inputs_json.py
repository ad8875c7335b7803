"""check_json_inputs: the JSON API path, with typed values, strict types and unknown keys refused.

Results are compared as JSON text, so ``20`` and ``20.0`` differ as they do for the tool.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from pixie_web.inputs import InputResult, check_json_inputs, coerce_form
from shared.toolspec import INPUT_TYPES, ToolSpec, validate_tool_dict


def tool(*inputs: dict[str, Any]) -> ToolSpec:
    result = validate_tool_dict({"id": "t", "name": "T", "inputs": list(inputs), "outputs": []})
    assert result.spec is not None, [str(error) for error in result.errors]
    return result.spec


def field(kind: str, **extra: Any) -> dict[str, Any]:
    return {"key": "v", "type": kind, "label": "Value", **extra}


def as_json(value: object) -> str:
    return json.dumps(value)


STR_OPTIONS = [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]
INT_OPTIONS = [{"value": 1, "label": "One"}, {"value": 2, "label": "Two"}]
FLOAT_OPTIONS = [{"value": 0.5, "label": "Half"}, {"value": 2.0, "label": "Two"}]
BOOL_OPTIONS = [{"value": True, "label": "Yes"}, {"value": False, "label": "No"}]
COLUMNS = [
    {"key": "name", "label": "Name", "type": "string"},
    {"key": "qty", "label": "Quantity", "type": "integer"},
    {"key": "price", "label": "Price", "type": "number"},
    {"key": "paid", "label": "Paid", "type": "boolean"},
]
PNG_URL = "data:image/png;base64,iVBORw0KGgo="
WAV_URL = "data:audio/wav;base64,UklGRg=="


def good(name: str, spec: dict[str, Any], given: object, value: object) -> Any:
    return pytest.param(spec, given, value, id=name)


GOOD = [
    good("text", field("text"), "hello", "hello"),
    good("textarea", field("textarea", max_length=5), "a\nb", "a\nb"),
    good("code", field("code"), "x = 1\n", "x = 1\n"),
    good("markdown", field("markdown"), "# T", "# T"),
    good("autocomplete", field("autocomplete", endpoint="/ac"), "Rome", "Rome"),
    good("number-int", field("number"), 20, 20),
    good("number-whole-float", field("number"), 20.0, 20),
    good("number-float", field("number"), 2.5, 2.5),
    good("number-int-with-fractional-step", field("number", step=0.5), 2, 2.0),
    good("number-bounds", field("number", min=1, max=3), 3, 3),
    good("slider-int-becomes-float", field("slider", min=0, max=100), 20, 20.0),
    good("slider-float", field("slider", min=0, max=1, step=0.1), 0.7, 0.7),
    good("range", field("slider", min=0, max=100, range=True), [20, 80.5], [20.0, 80.5]),
    good("select-str", field("select", options=STR_OPTIONS), "b", "b"),
    good("select-int", field("select", options=INT_OPTIONS), 2, 2),
    good("select-int-for-float-option", field("select", options=FLOAT_OPTIONS), 2, 2.0),
    good("select-whole-float-for-int-option", field("select", options=INT_OPTIONS), 1.0, 1),
    good("select-bool", field("select", options=BOOL_OPTIONS), False, False),
    good("radio-int", field("radio", options=INT_OPTIONS), 1, 1),
    good("multiselect", field("multiselect", options=STR_OPTIONS), ["b", "a", "b"], ["a", "b"]),
    good("multiselect-int", field("multiselect", options=INT_OPTIONS), [2], [2]),
    good("checkbox", field("checkbox"), True, True),
    good("toggle", field("toggle"), False, False),
    good("date", field("date", min="2026-01-01"), "2026-01-01", "2026-01-01"),
    good("time", field("time"), "07:05:00", "07:05:00"),
    good("datetime", field("datetime"), "2026-01-01T07:05:00+02:00", "2026-01-01T07:05:00+02:00"),
    good("date-range", field("date_range"), ["2026-01-01", "2026-02-01"], ["2026-01-01", "2026-02-01"]),
    good(
        "date-range-object",
        field("date_range"),
        {"from": "2026-01-01", "to": "2026-02-01"},
        ["2026-01-01", "2026-02-01"],
    ),
    good("file", field("file"), PNG_URL, PNG_URL),
    good("file-one-item-list", field("file"), [PNG_URL], PNG_URL),
    good("image-multiple", field("image", multiple=True), [PNG_URL, PNG_URL], [PNG_URL, PNG_URL]),
    good("image-multiple-lone-string", field("image", multiple=True), PNG_URL, [PNG_URL]),
    good("audio", field("audio"), "data:audio/wav;base64,UklGRg==", "data:audio/wav;base64,UklGRg=="),
    good("colour", field("colour"), "#ABCDEF", "#abcdef"),
    good("colour-short", field("colour"), "#fff", "#ffffff"),
    good("json-object", field("json"), {"a": [1, None]}, {"a": [1, None]}),
    good("json-string", field("json"), "", ""),
    good("json-false", field("json"), False, False),
    good("tags", field("tags"), [" a ", "b", "a"], ["a", "b"]),
    good(
        "table",
        field("table", columns=COLUMNS),
        [{"name": "pen", "qty": 2, "price": 1, "paid": True}, {"qty": 3.0, "price": None}],
        [{"name": "pen", "qty": 2, "price": 1, "paid": True}, {"qty": 3, "price": None}],
    ),
    good("map-point", field("map_point"), [51.5, 0], [51.5, 0.0]),
    good("map-bbox-nested", field("map_bbox"), [[1, 2], [3, 4]], [[1.0, 2.0], [3.0, 4.0]]),
    good("map-bbox-flat", field("map_bbox"), [1, 2, 3, 4], [[1.0, 2.0], [3.0, 4.0]]),
    good("map-polygon", field("map_polygon"), [[0, 0], [0, 1], [1, 0]], [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0]]),
    good("map-multipoint", field("map_multipoint"), [[5, 5]], [[5.0, 5.0]]),
    good("hidden-any-json", field("hidden", default="x"), {"k": [1]}, {"k": [1]}),
    # An extension in "accept" is met by a data URL of its type (a data URL has no file name).
    good("file-wav-for-.wav", field("file", accept=".wav"), WAV_URL, WAV_URL),
    good("file-x-wav-for-.wav", field("file", accept=".wav"), "data:audio/x-wav;base64,AA==", ...),
    good("file-markdown-for-.md", field("file", accept=".md"), "data:text/markdown;base64,IyBoaQ==", ...),
    good("file-geojson", field("file", accept=".geojson"), "data:application/geo+json;base64,e30=", ...),
]


@pytest.mark.parametrize(("spec", "given", "value"), GOOD)
def test_good_values(spec: dict[str, Any], given: object, value: object) -> None:
    result = check_json_inputs(tool(spec), {"v": given})
    assert result.errors == {}
    assert as_json(result.inputs) == as_json({"v": given if value is ... else value})


def test_good_values_cover_every_type() -> None:
    covered = {param.values[0]["type"] for param in GOOD}
    assert covered == set(INPUT_TYPES)


def bad(name: str, spec: dict[str, Any], given: object, message: str) -> Any:
    return pytest.param(spec, given, message, id=name)


BAD = [
    bad("text-number", field("text"), 5, "Value must be text; got 5."),
    bad(
        "text-too-long",
        field("text", max_length=2),
        "abc",
        'Value must be at most 2 characters long; got 3: "abc".',
    ),
    bad("textarea-number", field("textarea"), 1.5, "Value must be text; got 1.5."),
    bad("code-list", field("code"), ["x"], 'Value must be text; got ["x"].'),
    bad("markdown-bool", field("markdown"), True, "Value must be text; got true."),
    bad("autocomplete-object", field("autocomplete", endpoint="/ac"), {}, "Value must be text; got {}."),
    bad("number-string", field("number"), "5", 'Value must be a number; got "5".'),
    bad("number-bool", field("number"), True, "Value must be a number; got true."),
    bad("number-empty-string", field("number"), "", 'Value must be a number; got "".'),
    bad(
        "number-beyond-float",
        field("number", step=1),
        10**400,
        "Value must be a finite number; got 1" + "0" * 58 + "….",
    ),
    bad("number-below-min", field("number", min=0), -1, "Value must be at least 0; got -1."),
    bad(
        "number-off-step", field("number", step=0.25), 0.3, "Value must go in steps of 0.25 from 0; got 0.3."
    ),
    bad("slider-string", field("slider", min=0, max=1), "0.5", 'Value must be a number; got "0.5".'),
    bad("slider-above-max", field("slider", min=0, max=1), 2, "Value must be at most 1; got 2."),
    bad(
        "range-scalar",
        field("slider", min=0, max=9, range=True),
        3,
        "Value must be a pair of numbers [low, high]; got 3.",
    ),
    bad(
        "range-strings",
        field("slider", min=0, max=9, range=True),
        ["1", "2"],
        'Value (low end) must be a number; got "1".',
    ),
    bad(
        "range-reversed",
        field("slider", min=0, max=9, range=True),
        [5, 2],
        "Value must have its low end at or below its high end; got [5, 2].",
    ),
    bad(
        "select-number-for-string-option",
        field("select", options=STR_OPTIONS),
        1,
        'Value must be one of "a", "b"; got 1.',
    ),
    bad(
        "select-string-for-int-option",
        field("select", options=INT_OPTIONS),
        "1",
        'Value must be one of 1, 2; got "1".',
    ),
    bad(
        "select-bool-for-int-option",
        field("select", options=INT_OPTIONS),
        True,
        "Value must be one of 1, 2; got true.",
    ),
    bad(
        "select-int-for-bool-option",
        field("select", options=BOOL_OPTIONS),
        1,
        "Value must be one of true, false; got 1.",
    ),
    bad("radio-unknown", field("radio", options=STR_OPTIONS), "c", 'Value must be one of "a", "b"; got "c".'),
    bad(
        "multiselect-scalar",
        field("multiselect", options=STR_OPTIONS),
        "a",
        'Value must be a list of option values; got "a".',
    ),
    bad(
        "multiselect-string-for-int",
        field("multiselect", options=INT_OPTIONS),
        ["1"],
        'Value must be one of 1, 2; got "1".',
    ),
    bad("checkbox-string", field("checkbox"), "true", 'Value must be true or false; got "true".'),
    bad("toggle-number", field("toggle"), 1, "Value must be true or false; got 1."),
    bad("date-number", field("date"), 20260101, "Value must be text; got 20260101."),
    bad("date-format", field("date"), "2026-1-1", 'Value must be a date written YYYY-MM-DD; got "2026-1-1".'),
    bad(
        "date-after-max",
        field("date", max="2026-01-01"),
        "2026-01-02",
        'Value must be on or before 2026-01-01; got "2026-01-02".',
    ),
    bad(
        "time-format",
        field("time"),
        "7:05",
        'Value must be a time written HH:MM or HH:MM:SS (24-hour); got "7:05".',
    ),
    bad(
        "datetime-format",
        field("datetime"),
        "01/01/2026 10:00",
        'Value must be a date and time in ISO 8601 form such as 2026-01-31T09:30; got "01/01/2026 10:00".',
    ),
    bad(
        "date-range-string",
        field("date_range"),
        "2026-01-01",
        'Value must be two dates ["YYYY-MM-DD", "YYYY-MM-DD"], start then end; got "2026-01-01".',
    ),
    bad("date-range-end", field("date_range"), ["2026-01-01", 5], "Value (end) must be text; got 5."),
    bad(
        "file-not-data-url",
        field("file"),
        "aGk=",
        'Value must be a file sent as a data URL such as "data:image/png;base64,..."; got "aGk=".',
    ),
    bad(
        "file-object",
        field("file"),
        {"name": "a"},
        'Value must be a file sent as a data URL such as "data:image/png;base64,..."; got {"name": "a"}.',
    ),
    bad("file-two-for-one", field("file"), [PNG_URL, PNG_URL], "Value takes one file; got 2 files."),
    bad(
        "image-not-an-image",
        field("image"),
        "data:text/plain;base64,aGk=",
        "Value does not accept the text/plain file; it takes image/*.",
    ),
    bad(
        "image-multiple-bad-item",
        field("image", multiple=True),
        [PNG_URL, 5],
        'Value (file 2) must be a file sent as a data URL such as "data:image/png;base64,..."; got 5.',
    ),
    bad("audio-list-of-two", field("audio"), [PNG_URL, PNG_URL], "Value takes one file; got 2 files."),
    bad("colour-number", field("colour"), 255, "Value must be text; got 255."),
    bad(
        "colour-name", field("colour"), "blue", 'Value must be a colour written #rrggbb or #rgb; got "blue".'
    ),
    bad("json-not-json", field("json"), float("nan"), "Value must be JSON data; got nan."),
    bad("tags-comma-string", field("tags"), "a,b", 'Value must be a list of tags (text); got "a,b".'),
    bad("tags-number-item", field("tags"), ["a", 1], "Value (tag 2) must be text; got 1."),
    bad(
        "table-string-in-integer-column",
        field("table", columns=COLUMNS),
        [{"qty": "2"}],
        'Value (row 1, column "Quantity") must be a whole number; got "2".',
    ),
    bad(
        "table-number-in-text-column",
        field("table", columns=COLUMNS),
        [{"name": 3}],
        'Value (row 1, column "Name") must be text; got 3.',
    ),
    bad(
        "table-string-in-boolean-column",
        field("table", columns=COLUMNS),
        [{"paid": "yes"}],
        'Value (row 1, column "Paid") must be true or false; got "yes".',
    ),
    bad(
        "table-bool-in-number-column",
        field("table", columns=COLUMNS),
        [{"price": True}],
        'Value (row 1, column "Price") must be a number; got true.',
    ),
    bad(
        "table-unknown-column",
        field("table", columns=COLUMNS[:1]),
        [{"x": 1}],
        'Value (row 1) has no column "x"; its columns are "name".',
    ),
    bad(
        "table-max-rows",
        field("table", columns=COLUMNS, max_rows=1),
        [{}, {}],
        "Value must have at most 1 row; got 2.",
    ),
    bad(
        "map-point-strings",
        field("map_point"),
        ["1", "2"],
        'Value must be a point [lat, lng] of two numbers; got ["1", "2"].',
    ),
    bad(
        "map-point-latitude",
        field("map_point"),
        [-91, 0],
        "Value must have a latitude between -90 and 90; got [-91, 0].",
    ),
    bad(
        "map-bbox-shape",
        field("map_bbox"),
        [[1, 2]],
        "Value must be a box [[south, west], [north, east]] or [south, west, north, east]; got [[1, 2]].",
    ),
    bad("map-polygon-short", field("map_polygon"), [[0, 0]], "Value must have at least 3 points; got 1."),
    bad(
        "map-multipoint-not-list",
        field("map_multipoint"),
        "here",
        'Value must be a list of points [[lat, lng], ...]; got "here".',
    ),
    bad("hidden-not-json", field("hidden"), {1, 2}, "Value must be JSON data; got {1, 2}."),
]


@pytest.mark.parametrize(("spec", "given", "message"), BAD)
def test_bad_values(spec: dict[str, Any], given: object, message: str) -> None:
    assert check_json_inputs(tool(spec), {"v": given}) == InputResult({}, {"v": message})


def test_bad_values_cover_every_type() -> None:
    covered = {param.values[0]["type"] for param in BAD}
    assert covered == set(INPUT_TYPES)


# ---- missing, null, defaults -----------------------------------------------------------------


def test_missing_optional_inputs_take_their_default_or_are_left_out() -> None:
    spec = tool(
        {"key": "a", "type": "number", "label": "A", "required": False, "default": 5},
        {"key": "b", "type": "text", "label": "B", "required": False},
        {"key": "c", "type": "tags", "label": "C", "required": False, "default": ["x"]},
    )
    assert check_json_inputs(spec, {}) == InputResult({"a": 5, "c": ["x"]}, {})


@pytest.mark.parametrize("empty", [None, "", []], ids=["null", "empty-string", "empty-list"])
def test_null_and_empty_values_count_as_left_empty(empty: object) -> None:
    spec = tool(
        {"key": "t", "type": "text", "label": "T", "default": "d"},
        {"key": "l", "type": "multiselect", "label": "L", "options": STR_OPTIONS, "default": ["a"]},
    )
    given = {"t": empty if empty != [] else None, "l": empty if empty != "" else None}
    assert check_json_inputs(spec, given) == InputResult({"t": "d", "l": ["a"]}, {})


def test_missing_required_input_is_an_error() -> None:
    spec = tool(field("number"))
    assert check_json_inputs(spec, {}) == InputResult({}, {"v": "Value is required but was left empty."})
    assert check_json_inputs(spec, {"v": None}) == InputResult(
        {}, {"v": "Value is required but was left empty."}
    )


def test_missing_required_input_with_a_default_uses_it() -> None:
    assert check_json_inputs(tool(field("number", default=3)), {}) == InputResult({"v": 3}, {})


def test_a_missing_checkbox_is_false_unless_it_has_a_default() -> None:
    assert check_json_inputs(tool(field("checkbox")), {}) == InputResult({"v": False}, {})
    assert check_json_inputs(tool(field("toggle", default=True)), {}) == InputResult({"v": True}, {})


def test_json_input_null_is_empty_but_falsy_values_are_values() -> None:
    spec = tool(field("json", required=False))
    assert check_json_inputs(spec, {"v": None}) == InputResult({}, {})
    assert check_json_inputs(spec, {"v": 0}) == InputResult({"v": 0}, {})
    assert check_json_inputs(spec, {"v": []}) == InputResult({"v": []}, {})


def test_values_are_copied_not_shared() -> None:
    given = {"v": {"a": [1]}}
    result = check_json_inputs(tool(field("json")), given)
    result.inputs["v"]["a"].append(2)
    assert given == {"v": {"a": [1]}}


def test_show_if_relaxes_required_on_the_json_path_too() -> None:
    spec = tool(
        {"key": "mode", "type": "radio", "label": "Mode", "options": STR_OPTIONS},
        {"key": "n", "type": "number", "label": "N", "show_if": {"key": "mode", "equals": "b"}},
    )
    assert check_json_inputs(spec, {"mode": "a"}) == InputResult({"mode": "a"}, {})
    assert check_json_inputs(spec, {"mode": "b"}).errors == {"n": "N is required but was left empty."}


# ---- unknown keys ----------------------------------------------------------------------------


def test_unknown_keys_are_listed_under_unknown() -> None:
    spec = tool(
        {"key": "a", "type": "text", "label": "A"},
        {"key": "b", "type": "text", "label": "B", "required": False},
    )
    result = check_json_inputs(spec, {"a": "x", "zed": 1, "why": 2})
    assert result.inputs == {"a": "x"}
    assert result.errors == {
        "_unknown": 'This tool has no inputs named "zed", "why"; its inputs are "a", "b".'
    }
    assert not result.ok


def test_one_unknown_key() -> None:
    result = check_json_inputs(tool(field("text")), {"v": "x", "V": "y"})
    assert result.errors == {"_unknown": 'This tool has no input named "V"; its inputs are "v".'}


def test_unknown_keys_on_a_tool_without_inputs() -> None:
    result = check_json_inputs(tool(), {"x": 1})
    assert result.errors == {"_unknown": 'This tool has no input named "x"; it takes no inputs.'}


def test_unknown_keys_come_after_the_input_errors() -> None:
    result = check_json_inputs(tool(field("number")), {"v": "1", "x": 1})
    assert list(result.errors) == ["v", "_unknown"]


def test_inputs_that_are_not_an_object() -> None:
    result = check_json_inputs(tool(field("text")), [1, 2])  # type: ignore[arg-type]
    assert result == InputResult(
        {}, {"_inputs": "The inputs must be a JSON object keyed by input; got [1, 2]."}
    )


# ---- the two paths agree ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "form", "typed"),
    [
        (field("number", step=0.5), "4", 4),
        (field("number"), "4.0", 4.0),
        (field("slider", min=0, max=9), "4", 4),
        (field("colour"), "#ABC", "#abc"),
        (field("map_bbox"), "[1, 2, 3, 4]", [[1, 2], [3, 4]]),
        (field("select", options=INT_OPTIONS), "2", 2),
        (field("date_range"), '{"from": "2026-01-01", "to": "2026-01-01"}', ["2026-01-01", "2026-01-01"]),
    ],
)
def test_form_and_json_paths_send_the_same_value(spec: dict[str, Any], form: str, typed: object) -> None:
    built = tool(spec)
    from_form = coerce_form(built, {"v": [form]}, {})
    from_json = check_json_inputs(built, {"v": typed})
    assert from_form.ok
    assert as_json(from_form.inputs) == as_json(from_json.inputs)
