"""coerce_form: posted form fields (every value a string) to the JSON a tool receives, per type.

Results are compared as JSON text, so ``20`` and ``20.0`` differ as they do for the tool.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from pixie_web.inputs import InputResult, Upload, coerce_form
from shared.toolspec import ToolSpec, parse_tool_json, validate_tool_dict

ALL_INPUTS = Path(__file__).resolve().parents[1] / "fixtures" / "specs" / "all_inputs.json"

Form = Mapping[str, str | list[str]]


def tool(*inputs: dict[str, Any]) -> ToolSpec:
    result = validate_tool_dict({"id": "t", "name": "T", "inputs": list(inputs), "outputs": []})
    assert result.spec is not None, [str(error) for error in result.errors]
    return result.spec


def field(kind: str, **extra: Any) -> dict[str, Any]:
    """The input under test: key "v", label "Value"."""
    return {"key": "v", "type": kind, "label": "Value", **extra}


def post(spec: ToolSpec, form: Form, files: Mapping[str, Sequence[Upload]] | None = None) -> InputResult:
    values = {name: [raw] if isinstance(raw, str) else list(raw) for name, raw in form.items()}
    return coerce_form(spec, values, files or {})


def as_json(value: object) -> str:
    return json.dumps(value)


def data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


STR_OPTIONS = [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]
INT_OPTIONS = [{"value": 1, "label": "One"}, {"value": 2, "label": "Two"}]
FLOAT_OPTIONS = [{"value": 0.5, "label": "Half"}, {"value": 1.5, "label": "More"}]
BOOL_OPTIONS = [{"value": True, "label": "Yes"}, {"value": False, "label": "No"}]
MIXED_OPTIONS = [
    {"value": "any", "label": "Any"},
    {"value": 10, "label": "Ten"},
    {"value": True, "label": "T"},
]
COLUMNS = [
    {"key": "name", "label": "Name", "type": "string"},
    {"key": "qty", "label": "Quantity", "type": "integer"},
    {"key": "price", "label": "Price", "type": "number"},
    {"key": "paid", "label": "Paid", "type": "boolean"},
]


def good(name: str, spec: dict[str, Any], form: Form, value: object) -> Any:
    return pytest.param(spec, form, value, id=name)


GOOD = [
    # text-like: kept as written, textarea line breaks as \n
    good("text", field("text"), {"v": "hello"}, "hello"),
    good("text-spaces-kept", field("text"), {"v": "  hi  "}, "  hi  "),
    good("text-at-max-length", field("text", max_length=5), {"v": "hello"}, "hello"),
    good("textarea-crlf", field("textarea"), {"v": "a\r\nb\rc"}, "a\nb\nc"),
    good("code", field("code", language="python"), {"v": "print(1)\r\n"}, "print(1)\n"),
    good("markdown", field("markdown"), {"v": "# Title"}, "# Title"),
    good("autocomplete", field("autocomplete", endpoint="/ac"), {"v": "London"}, "London"),
    good("text-last-value-wins", field("text"), {"v": ["first", "second"]}, "second"),
    # number: int when whole and the step allows it, else float
    good("number-int", field("number"), {"v": "20"}, 20),
    good("number-whole-float-text", field("number"), {"v": "20.0"}, 20),
    good("number-float", field("number"), {"v": "20.5"}, 20.5),
    good("number-fractional-step", field("number", step=0.5), {"v": "20"}, 20.0),
    good("number-integral-step", field("number", step=2), {"v": "20"}, 20),
    good("number-trimmed", field("number"), {"v": " 7 "}, 7),
    good("number-exponent", field("number"), {"v": "-3e2"}, -300),
    good("number-huge-stays-float", field("number"), {"v": "1e20"}, 1e20),
    good("number-exact-big-int", field("number"), {"v": "12345678901234567890"}, 12345678901234567890),
    good("number-step-float-error", field("number", min=0, step=0.1), {"v": "0.3"}, 0.3),
    good("number-step-from-min", field("number", min=1, step=2), {"v": "5"}, 5),
    good("number-bounds", field("number", min=0, max=10), {"v": "10"}, 10),
    # slider: always a float
    good("slider", field("slider", min=0, max=100), {"v": "20"}, 20.0),
    good("slider-step", field("slider", min=0, max=1, step=0.1), {"v": "0.3"}, 0.3),
    good(
        "range-lo-hi",
        field("slider", min=0, max=100, range=True),
        {"v__lo": "20", "v__hi": "80"},
        [20.0, 80.0],
    ),
    good("range-json", field("slider", min=0, max=100, range=True), {"v": "[20, 80]"}, [20.0, 80.0]),
    good(
        "range-lo-hi-beat-json",
        field("slider", min=0, max=100, range=True),
        {"v": "[1, 2]", "v__lo": "30", "v__hi": "40"},
        [30.0, 40.0],
    ),
    good(
        "range-empty-lo-hi-use-json",
        field("slider", min=0, max=100, range=True),
        {"v": "[5, 6]", "v__lo": "", "v__hi": ""},
        [5.0, 6.0],
    ),
    # select / radio / multiselect: cast to the option value's type
    good("select-str", field("select", options=STR_OPTIONS), {"v": "b"}, "b"),
    good("select-int", field("select", options=INT_OPTIONS), {"v": "2"}, 2),
    good("select-int-from-float-text", field("select", options=INT_OPTIONS), {"v": "2.0"}, 2),
    good("select-float", field("select", options=FLOAT_OPTIONS), {"v": "0.5"}, 0.5),
    good("select-bool-true", field("select", options=BOOL_OPTIONS), {"v": "true"}, True),
    good("select-bool-false", field("select", options=BOOL_OPTIONS), {"v": "false"}, False),
    good("select-bool-word", field("select", options=BOOL_OPTIONS), {"v": "yes"}, True),
    good("select-mixed-int", field("select", options=MIXED_OPTIONS), {"v": "10"}, 10),
    good("select-mixed-str", field("select", options=MIXED_OPTIONS), {"v": "any"}, "any"),
    good("select-mixed-bool", field("select", options=MIXED_OPTIONS), {"v": "true"}, True),
    good(
        "select-empty-string-option",
        field("select", options=[{"value": "", "label": "None"}, *STR_OPTIONS]),
        {"v": ""},
        "",
    ),
    good("radio-str", field("radio", options=STR_OPTIONS), {"v": "a"}, "a"),
    good("radio-int", field("radio", options=INT_OPTIONS), {"v": "1"}, 1),
    good("radio-bool", field("radio", options=BOOL_OPTIONS), {"v": "false"}, False),
    good("multiselect-repeated", field("multiselect", options=STR_OPTIONS), {"v": ["a", "b"]}, ["a", "b"]),
    good(
        "multiselect-in-option-order",
        field("multiselect", options=STR_OPTIONS),
        {"v": ["b", "a"]},
        ["a", "b"],
    ),
    good("multiselect-json", field("multiselect", options=STR_OPTIONS), {"v": '["a", "b"]'}, ["a", "b"]),
    good("multiselect-int-repeated", field("multiselect", options=INT_OPTIONS), {"v": ["2", "1"]}, [1, 2]),
    good("multiselect-int-json", field("multiselect", options=INT_OPTIONS), {"v": "[1, 2]"}, [1, 2]),
    good("multiselect-int-json-strings", field("multiselect", options=INT_OPTIONS), {"v": '["2"]'}, [2]),
    good("multiselect-bool", field("multiselect", options=BOOL_OPTIONS), {"v": ["true"]}, [True]),
    good("multiselect-single", field("multiselect", options=STR_OPTIONS), {"v": "a"}, ["a"]),
    good("multiselect-no-repeats", field("multiselect", options=STR_OPTIONS), {"v": ["a", "a"]}, ["a"]),
    # checkbox / toggle: absent is false
    good("checkbox-absent", field("checkbox"), {}, False),
    good("checkbox-absent-ignores-default", field("checkbox", default=True), {}, False),
    good("checkbox-true", field("checkbox"), {"v": "true"}, True),
    good("checkbox-on", field("checkbox"), {"v": "on"}, True),
    good("checkbox-1", field("checkbox"), {"v": "1"}, True),
    good("checkbox-yes", field("checkbox"), {"v": "YES"}, True),
    good("checkbox-false", field("checkbox"), {"v": "false"}, False),
    good("checkbox-off", field("checkbox"), {"v": "off"}, False),
    good("checkbox-0", field("checkbox"), {"v": "0"}, False),
    good("checkbox-no", field("checkbox"), {"v": "no"}, False),
    good("checkbox-empty", field("checkbox"), {"v": ""}, False),
    good("toggle-absent", field("toggle"), {}, False),
    good("toggle-on", field("toggle"), {"v": "on"}, True),
    # dates and times
    good("date", field("date"), {"v": "2026-01-31"}, "2026-01-31"),
    good("date-trimmed", field("date"), {"v": " 2026-01-31 "}, "2026-01-31"),
    good("date-within", field("date", min="2026-01-01", max="2026-12-31"), {"v": "2026-01-01"}, "2026-01-01"),
    good("time-hh-mm", field("time"), {"v": "09:30"}, "09:30"),
    good("time-hh-mm-ss", field("time"), {"v": "23:59:59"}, "23:59:59"),
    good("datetime-local", field("datetime"), {"v": "2026-01-31T09:30"}, "2026-01-31T09:30"),
    good("datetime-zulu", field("datetime"), {"v": "2026-01-31T09:30:15Z"}, "2026-01-31T09:30:15Z"),
    good("datetime-space", field("datetime"), {"v": "2026-01-31 09:30"}, "2026-01-31 09:30"),
    good(
        "datetime-offset-fraction",
        field("datetime"),
        {"v": "2026-01-31T09:30:15.250+01:00"},
        "2026-01-31T09:30:15.250+01:00",
    ),
    good(
        "date-range", field("date_range"), {"v": '["2026-01-01", "2026-01-08"]'}, ["2026-01-01", "2026-01-08"]
    ),
    good(
        "date-range-one-day",
        field("date_range"),
        {"v": '["2026-01-01","2026-01-01"]'},
        ["2026-01-01", "2026-01-01"],
    ),
    good(
        "date-range-from-to",
        field("date_range"),
        {"v": '{"from": "2026-01-01", "to": "2026-01-08"}'},
        ["2026-01-01", "2026-01-08"],
    ),
    # colour
    good("colour", field("colour"), {"v": "#3366ff"}, "#3366ff"),
    good("colour-upper", field("colour"), {"v": "#3366FF"}, "#3366ff"),
    good("colour-short", field("colour"), {"v": "#AbC"}, "#aabbcc"),
    # json
    good("json-object", field("json"), {"v": '{"a": 1, "b": [true, null]}'}, {"a": 1, "b": [True, None]}),
    good("json-list", field("json"), {"v": "[1, 2.5]"}, [1, 2.5]),
    good("json-string", field("json"), {"v": '"text"'}, "text"),
    good("json-zero", field("json"), {"v": "0"}, 0),
    good("json-false", field("json"), {"v": "false"}, False),
    good("json-empty-object", field("json"), {"v": "{}"}, {}),
    # tags
    good("optional-text-of-spaces-kept", field("text", required=False), {"v": "  "}, "  "),
    good("tags-commas", field("tags"), {"v": "a, b ,c"}, ["a", "b", "c"]),
    good("tags-json", field("tags"), {"v": '["a", "b, c"]'}, ["a", "b, c"]),
    good("tags-repeated", field("tags"), {"v": ["x y", "z"]}, ["x y", "z"]),
    good("tags-no-empties-or-repeats", field("tags"), {"v": "a,,a, "}, ["a"]),
    good("tags-json-numbers-as-text", field("tags"), {"v": "[1, true]"}, ["1", "true"]),
    good(  # repeats are found by lookup: a long list does not take quadratic time (it froze Pixie)
        "tags-many",
        field("tags"),
        {"v": [f"t{n % 50_000}" for n in range(100_000)]},
        [f"t{n}" for n in range(50_000)],
    ),
    # table
    good(
        "table-cells-cast",
        field("table", columns=COLUMNS),
        {"v": '[{"name": "pen", "qty": "2", "price": "1.5", "paid": "true"}]'},
        [{"name": "pen", "qty": 2, "price": 1.5, "paid": True}],
    ),
    good(
        "table-typed",
        field("table", columns=COLUMNS),
        {"v": '[{"name": "pen", "qty": 2.0, "price": 3, "paid": false}, {"name": "ink"}]'},
        [{"name": "pen", "qty": 2, "price": 3, "paid": False}, {"name": "ink"}],
    ),
    good(
        "table-blank-cells",
        field("table", columns=COLUMNS),
        {"v": '[{"name": "", "qty": "", "price": null, "paid": ""}]'},
        [{"name": "", "qty": None, "price": None, "paid": None}],
    ),
    good(
        "table-number-in-text-column",
        field("table", columns=COLUMNS),
        {"v": '[{"name": 12}]'},
        [{"name": "12"}],
    ),
    good(
        "table-currency-percent-are-numbers",
        field(
            "table",
            columns=[
                {"key": "c", "label": "C", "type": "currency"},
                {"key": "p", "label": "P", "type": "percent"},
            ],
        ),
        {"v": '[{"c": "9.99", "p": 0.25}]'},
        [{"c": 9.99, "p": 0.25}],
    ),
    good(
        "table-row-limits",
        field("table", columns=COLUMNS, min_rows=1, max_rows=2),
        {"v": "[{}, {}]"},
        [{}, {}],
    ),
    # maps
    good("map-point", field("map_point"), {"v": "[51.5, -0.12]"}, [51.5, -0.12]),
    good("map-point-ints-become-floats", field("map_point"), {"v": "[0, 0]"}, [0.0, 0.0]),
    good("map-point-edges", field("map_point"), {"v": "[-90, 180]"}, [-90.0, 180.0]),
    good("map-bbox-nested", field("map_bbox"), {"v": "[[51, -1], [52, 0.5]]"}, [[51.0, -1.0], [52.0, 0.5]]),
    good("map-bbox-flat", field("map_bbox"), {"v": "[51, -1, 52, 0.5]"}, [[51.0, -1.0], [52.0, 0.5]]),
    good(
        "map-bbox-antimeridian",
        field("map_bbox"),
        {"v": "[[-10, 170], [10, -170]]"},
        [[-10.0, 170.0], [10.0, -170.0]],
    ),
    good(
        "map-polygon",
        field("map_polygon"),
        {"v": "[[0, 0], [0, 1], [1, 1]]"},
        [[0.0, 0.0], [0.0, 1.0], [1.0, 1.0]],
    ),
    good("map-multipoint", field("map_multipoint"), {"v": "[[1, 2]]"}, [[1.0, 2.0]]),
    # hidden: the default's type decides how the text is read
    good("hidden-absent-keeps-default", field("hidden", default="abc"), {}, "abc"),
    good("hidden-empty-keeps-default", field("hidden", default="abc"), {"v": ""}, "abc"),
    good("hidden-string", field("hidden", default="abc"), {"v": "xyz"}, "xyz"),
    good("hidden-no-default-string", field("hidden"), {"v": "5"}, "5"),
    good("hidden-number-default-reads-json", field("hidden", default=5), {"v": "7"}, 7),
    good("hidden-list-default-reads-json", field("hidden", default=[1, 2]), {"v": "[3]"}, [3]),
    good("hidden-absent-number-default", field("hidden", default=5), {}, 5),
]


@pytest.mark.parametrize(("spec", "form", "value"), GOOD)
def test_good_values(spec: dict[str, Any], form: Form, value: object) -> None:
    result = post(tool(spec), form)
    assert result.errors == {}
    assert as_json(result.inputs) == as_json({"v": value})


def bad(name: str, spec: dict[str, Any], form: Form, message: str) -> Any:
    return pytest.param(spec, form, message, id=name)


BAD = [
    bad(
        "text-too-long",
        field("text", max_length=5),
        {"v": "toolong"},
        'Value must be at most 5 characters long; got 7: "toolong".',
    ),
    bad(
        "textarea-too-long",
        field("textarea", max_length=2),
        {"v": "abc"},
        'Value must be at most 2 characters long; got 3: "abc".',
    ),
    bad("number-words", field("number"), {"v": "abc"}, 'Value must be a number; got "abc".'),
    bad("number-nan", field("number"), {"v": "nan"}, 'Value must be a number; got "nan".'),
    bad("number-infinity", field("number"), {"v": "1e999"}, 'Value must be a number; got "1e999".'),
    bad("number-underscores", field("number"), {"v": "1_000"}, 'Value must be a number; got "1_000".'),
    bad("number-comma", field("number"), {"v": "1,5"}, 'Value must be a number; got "1,5".'),
    bad("number-below-min", field("number", min=0), {"v": "-5"}, "Value must be at least 0; got -5."),
    bad(
        "number-above-max",
        field("number", max=1000),
        {"v": "1000.5"},
        "Value must be at most 1000; got 1000.5.",
    ),
    bad(
        "number-off-step",
        field("number", step=0.5),
        {"v": "0.3"},
        "Value must go in steps of 0.5 from 0; got 0.3.",
    ),
    bad(
        "number-off-step-from-min",
        field("number", min=1, step=2),
        {"v": "2"},
        "Value must go in steps of 2 from 1; got 2.",
    ),
    bad("slider-words", field("slider", min=0, max=1), {"v": "half"}, 'Value must be a number; got "half".'),
    bad(
        "slider-above-max",
        field("slider", min=0, max=100),
        {"v": "250"},
        "Value must be at most 100; got 250.",
    ),
    bad(
        "slider-off-step",
        field("slider", min=0, max=1, step=0.25),
        {"v": "0.3"},
        "Value must go in steps of 0.25 from 0; got 0.3.",
    ),
    bad(
        "range-one-end",
        field("slider", min=0, max=100, range=True),
        {"v__lo": "20", "v__hi": ""},
        "Value needs both ends of the range; the high end was left empty.",
    ),
    bad(
        "range-reversed",
        field("slider", min=0, max=100, range=True),
        {"v__lo": "80", "v__hi": "20"},
        "Value must have its low end at or below its high end; got [80, 20].",
    ),
    bad(
        "range-low-below-min",
        field("slider", min=0, max=100, range=True),
        {"v__lo": "-5", "v__hi": "20"},
        "Value (low end) must be at least 0; got -5.",
    ),
    bad(
        "range-high-words",
        field("slider", min=0, max=100, range=True),
        {"v__lo": "5", "v__hi": "lots"},
        'Value (high end) must be a number; got "lots".',
    ),
    bad(
        "range-json-one",
        field("slider", min=0, max=100, range=True),
        {"v": "[1]"},
        "Value must be a pair of numbers [low, high]; got [1].",
    ),
    bad(
        "range-json-broken",
        field("slider", min=0, max=100, range=True),
        {"v": "[1,"},
        'Value must be valid JSON (Expecting value at line 1, column 4); got "[1,".',
    ),
    bad(
        "select-unknown",
        field("select", options=STR_OPTIONS),
        {"v": "z"},
        'Value must be one of "a", "b"; got "z".',
    ),
    bad(
        "select-int-words",
        field("select", options=INT_OPTIONS),
        {"v": "x"},
        'Value must be one of 1, 2; got "x".',
    ),
    bad(
        "select-int-other-number",
        field("select", options=INT_OPTIONS),
        {"v": "3"},
        'Value must be one of 1, 2; got "3".',
    ),
    bad(
        "select-bool-words",
        field("select", options=BOOL_OPTIONS),
        {"v": "maybe"},
        'Value must be one of true, false; got "maybe".',
    ),
    bad(
        "radio-unknown",
        field("radio", options=INT_OPTIONS),
        {"v": "9"},
        'Value must be one of 1, 2; got "9".',
    ),
    bad(
        "multiselect-unknown",
        field("multiselect", options=STR_OPTIONS),
        {"v": ["a", "z"]},
        'Value must be one of "a", "b"; got "z".',
    ),
    bad(
        "multiselect-json-unknown",
        field("multiselect", options=INT_OPTIONS),
        {"v": "[1, 5]"},
        "Value must be one of 1, 2; got 5.",
    ),
    bad(
        "multiselect-json-broken",
        field("multiselect", options=STR_OPTIONS),
        {"v": '["a"'},
        'Value must be valid JSON (Expecting \',\' delimiter at line 1, column 5); got "[\\"a\\"".',
    ),
    bad("checkbox-words", field("checkbox"), {"v": "maybe"}, 'Value must be true or false; got "maybe".'),
    bad("toggle-words", field("toggle"), {"v": "2"}, 'Value must be true or false; got "2".'),
    bad(
        "date-format",
        field("date"),
        {"v": "31/01/2026"},
        'Value must be a date written YYYY-MM-DD; got "31/01/2026".',
    ),
    bad(
        "date-impossible",
        field("date"),
        {"v": "2026-02-30"},
        'Value must be a date written YYYY-MM-DD; got "2026-02-30".',
    ),
    bad(
        "date-before-min",
        field("date", min="2020-01-01"),
        {"v": "2019-12-31"},
        'Value must be on or after 2020-01-01; got "2019-12-31".',
    ),
    bad(
        "date-after-max",
        field("date", max="2030-12-31"),
        {"v": "2031-01-01"},
        'Value must be on or before 2030-12-31; got "2031-01-01".',
    ),
    bad(
        "time-hour",
        field("time"),
        {"v": "25:00"},
        'Value must be a time written HH:MM or HH:MM:SS (24-hour); got "25:00".',
    ),
    bad(
        "time-short-hour",
        field("time"),
        {"v": "9:30"},
        'Value must be a time written HH:MM or HH:MM:SS (24-hour); got "9:30".',
    ),
    bad(
        "time-am-pm",
        field("time"),
        {"v": "09:30 PM"},
        'Value must be a time written HH:MM or HH:MM:SS (24-hour); got "09:30 PM".',
    ),
    bad(
        "required-text-of-spaces",
        field("text", required=True),
        {"v": "   "},
        "Value is required but was left empty.",
    ),
    bad(
        "required-textarea-of-blank-lines",
        field("textarea", required=True),
        {"v": " \r\n\t"},
        "Value is required but was left empty.",
    ),
    bad(
        "time-other-digits",
        field("time"),
        {"v": "1\u0669:0\u0660"},
        'Value must be a time written HH:MM or HH:MM:SS (24-hour); got "1\u0669:0\u0660".',
    ),
    bad(
        "datetime-other-digits",
        field("datetime"),
        {"v": "2026-01-31T0\u0667:3\u0660"},
        "Value must be a date and time in ISO 8601 form such as 2026-01-31T09:30; "
        'got "2026-01-31T0\u0667:3\u0660".',
    ),
    bad(
        "datetime-bare-date",
        field("datetime"),
        {"v": "2026-01-31"},
        'Value must be a date and time in ISO 8601 form such as 2026-01-31T09:30; got "2026-01-31".',
    ),
    bad(
        "datetime-words",
        field("datetime"),
        {"v": "tomorrow"},
        'Value must be a date and time in ISO 8601 form such as 2026-01-31T09:30; got "tomorrow".',
    ),
    bad(
        "datetime-impossible-day",
        field("datetime"),
        {"v": "2026-02-30T10:00"},
        'Value must be a date and time in ISO 8601 form such as 2026-01-31T09:30; got "2026-02-30T10:00".',
    ),
    bad(
        "date-range-reversed",
        field("date_range"),
        {"v": '["2026-01-08", "2026-01-01"]'},
        'Value must start on or before its end; got ["2026-01-08", "2026-01-01"].',
    ),
    bad(
        "date-range-one-date",
        field("date_range"),
        {"v": '["2026-01-08"]'},
        'Value must be two dates ["YYYY-MM-DD", "YYYY-MM-DD"], start then end; got ["2026-01-08"].',
    ),
    bad(
        "date-range-bad-start",
        field("date_range"),
        {"v": '["soon", "2026-01-01"]'},
        'Value (start) must be a date written YYYY-MM-DD; got "soon".',
    ),
    bad(
        "date-range-not-json",
        field("date_range"),
        {"v": "2026-01-01 to 2026-01-08"},
        'Value must be valid JSON (Extra data at line 1, column 5); got "2026-01-01 to 2026-01-08".',
    ),
    bad(
        "colour-name",
        field("colour"),
        {"v": "red"},
        'Value must be a colour written #rrggbb or #rgb; got "red".',
    ),
    bad(
        "colour-five-digits",
        field("colour"),
        {"v": "#12345"},
        'Value must be a colour written #rrggbb or #rgb; got "#12345".',
    ),
    bad(
        "colour-no-hash",
        field("colour"),
        {"v": "336699"},
        'Value must be a colour written #rrggbb or #rgb; got "336699".',
    ),
    bad(
        "json-broken",
        field("json"),
        {"v": "{oops"},
        "Value must be valid JSON (Expecting property name enclosed in double quotes at line 1, column 2); "
        'got "{oops".',
    ),
    bad(
        "json-nan",
        field("json"),
        {"v": "[NaN]"},
        'Value must be valid JSON (NaN is not a JSON value); got "[NaN]".',
    ),
    bad("tags-object-item", field("tags"), {"v": '["a", {}]'}, "Value (tag 2) must be text; got {}."),
    bad(
        "tags-json-not-list",
        field("tags"),
        {"v": '["a"'},
        'Value must be valid JSON (Expecting \',\' delimiter at line 1, column 5); got "[\\"a\\"".',
    ),
    bad(
        "table-not-list",
        field("table", columns=COLUMNS),
        {"v": '{"name": "pen"}'},
        'Value must be a list of rows, each an object keyed by column; got {"name": "pen"}.',
    ),
    bad(
        "table-row-not-object",
        field("table", columns=COLUMNS),
        {"v": "[1]"},
        "Value (row 1) must be an object keyed by column; got 1.",
    ),
    bad(
        "table-unknown-column",
        field("table", columns=COLUMNS),
        {"v": '[{"name": "a"}, {"colour": "red"}]'},
        'Value (row 2) has no column "colour"; its columns are "name", "qty", "price", "paid".',
    ),
    bad(
        "table-integer-cell-words",
        field("table", columns=COLUMNS),
        {"v": '[{"qty": "two"}]'},
        'Value (row 1, column "Quantity") must be a whole number; got "two".',
    ),
    bad(
        "table-integer-cell-fraction",
        field("table", columns=COLUMNS),
        {"v": '[{"qty": 1.5}]'},
        'Value (row 1, column "Quantity") must be a whole number; got 1.5.',
    ),
    bad(
        "table-number-cell-words",
        field("table", columns=COLUMNS),
        {"v": '[{"price": "cheap"}]'},
        'Value (row 1, column "Price") must be a number; got "cheap".',
    ),
    bad(
        "table-boolean-cell-words",
        field("table", columns=COLUMNS),
        {"v": '[{"paid": "maybe"}]'},
        'Value (row 1, column "Paid") must be true or false; got "maybe".',
    ),
    bad(
        "table-text-cell-object",
        field("table", columns=COLUMNS),
        {"v": '[{"name": {"first": "a"}}]'},
        'Value (row 1, column "Name") must be text; got {"first": "a"}.',
    ),
    bad(
        "table-too-few-rows",
        field("table", columns=COLUMNS, min_rows=2),
        {"v": "[{}]"},
        "Value must have at least 2 rows; got 1.",
    ),
    bad(
        "table-too-many-rows",
        field("table", columns=COLUMNS, max_rows=1),
        {"v": "[{}, {}]"},
        "Value must have at most 1 row; got 2.",
    ),
    bad(
        "map-point-latitude",
        field("map_point"),
        {"v": "[91, 0]"},
        "Value must have a latitude between -90 and 90; got [91, 0].",
    ),
    bad(
        "map-point-longitude",
        field("map_point"),
        {"v": "[0, -181]"},
        "Value must have a longitude between -180 and 180; got [0, -181].",
    ),
    bad(
        "map-point-text",
        field("map_point"),
        {"v": '["51.5", 0]'},
        'Value must be a point [lat, lng] of two numbers; got ["51.5", 0].',
    ),
    bad(
        "map-point-object",
        field("map_point"),
        {"v": '{"lat": 1, "lng": 2}'},
        'Value must be a point [lat, lng] of two numbers; got {"lat": 1, "lng": 2}.',
    ),
    bad(
        "map-bbox-upside-down",
        field("map_bbox"),
        {"v": "[[10, 0], [5, 1]]"},
        "Value must have its south edge at or below its north edge; got [[10, 0], [5, 1]].",
    ),
    bad(
        "map-bbox-flat-upside-down",
        field("map_bbox"),
        {"v": "[10, 0, 5, 1]"},
        "Value must have its south edge at or below its north edge; got [10, 0, 5, 1].",
    ),
    bad(
        "map-bbox-three-numbers",
        field("map_bbox"),
        {"v": "[1, 2, 3]"},
        "Value must be a box [[south, west], [north, east]] or [south, west, north, east]; got [1, 2, 3].",
    ),
    bad(
        "map-bbox-corner-latitude",
        field("map_bbox"),
        {"v": "[[0, 0], [100, 0]]"},
        "Value (north-east corner) must have a latitude between -90 and 90; got [100, 0].",
    ),
    bad(
        "map-polygon-two-points",
        field("map_polygon"),
        {"v": "[[0, 0], [1, 1]]"},
        "Value must have at least 3 points; got 2.",
    ),
    bad(
        "map-polygon-bad-point",
        field("map_polygon"),
        {"v": "[[0, 0], [1], [1, 1]]"},
        "Value (point 2) must be a point [lat, lng] of two numbers; got [1].",
    ),
    bad(
        "map-multipoint-longitude",
        field("map_multipoint"),
        {"v": "[[0, 0], [0, 200]]"},
        "Value (point 2) must have a longitude between -180 and 180; got [0, 200].",
    ),
    bad(
        "hidden-number-default-not-json",
        field("hidden", default=5),
        {"v": "five"},
        'Value must be valid JSON (Expecting value at line 1, column 1); got "five".',
    ),
]


@pytest.mark.parametrize(("spec", "form", "message"), BAD)
def test_bad_values(spec: dict[str, Any], form: Form, message: str) -> None:
    result = post(tool(spec), form)
    assert result.inputs == {}
    assert result.errors == {"v": message}
    assert not result.ok


# ---- empty, absent, defaults, required -------------------------------------------------------

# One value per type that fills the input, and the form that leaves it empty.
EMPTY_FORMS: dict[str, tuple[dict[str, Any], Form]] = {
    "text": ({}, {"v": ""}),
    "textarea": ({}, {"v": ""}),
    "number": ({}, {"v": "  "}),
    "slider": ({"min": 0, "max": 10}, {"v": ""}),
    "select": ({"options": STR_OPTIONS}, {"v": ""}),
    "multiselect": ({"options": STR_OPTIONS}, {}),
    "radio": ({"options": STR_OPTIONS}, {}),
    "date": ({}, {"v": ""}),
    "time": ({}, {"v": ""}),
    "datetime": ({}, {"v": ""}),
    "date_range": ({}, {"v": ""}),
    "file": ({}, {}),
    "image": ({}, {}),
    "audio": ({}, {}),
    "colour": ({}, {"v": ""}),
    "json": ({}, {"v": "null"}),
    "code": ({}, {"v": ""}),
    "markdown": ({}, {"v": ""}),
    "tags": ({}, {"v": " , "}),
    "autocomplete": ({"endpoint": "/ac"}, {"v": ""}),
    "table": ({"columns": COLUMNS}, {"v": "[]"}),
    "map_point": ({}, {"v": ""}),
    "map_bbox": ({}, {"v": ""}),
    "map_polygon": ({}, {"v": "[]"}),
    "map_multipoint": ({}, {"v": "  "}),
    "hidden": ({}, {}),
}
DEFAULTS: dict[str, object] = {
    "text": "hi",
    "textarea": "hi",
    "number": 3,
    "slider": 2.5,
    "select": "b",
    "multiselect": ["a"],
    "radio": "a",
    "date": "2026-01-01",
    "time": "12:00",
    "datetime": "2026-01-01T12:00",
    "date_range": ["2026-01-01", "2026-01-02"],
    "file": "data:text/plain;base64,aGk=",
    "image": "data:image/png;base64,aGk=",
    "audio": "data:audio/wav;base64,aGk=",
    "colour": "#112233",
    "json": {"a": 1},
    "code": "x = 1",
    "markdown": "*hi*",
    "tags": ["t"],
    "autocomplete": "Paris",
    "table": [{"name": "a"}],
    "map_point": [1.0, 2.0],
    "map_bbox": [[1.0, 2.0], [3.0, 4.0]],
    "map_polygon": [[0.0, 0.0], [0.0, 1.0], [1.0, 1.0]],
    "map_multipoint": [[1.0, 1.0]],
    "hidden": "secret",
}


def test_every_type_but_flags_has_an_empty_case() -> None:
    from shared.toolspec import INPUT_TYPES

    assert set(EMPTY_FORMS) == set(INPUT_TYPES) - {"checkbox", "toggle"} == set(DEFAULTS)


@pytest.mark.parametrize("kind", sorted(EMPTY_FORMS))
def test_optional_empty_without_default_is_omitted(kind: str) -> None:
    extra, form = EMPTY_FORMS[kind]
    result = post(tool(field(kind, required=False, **extra)), form)
    assert result == InputResult({}, {})


@pytest.mark.parametrize("kind", sorted(EMPTY_FORMS))
@pytest.mark.parametrize("required", [True, False])
def test_empty_takes_the_default(kind: str, required: bool) -> None:
    extra, form = EMPTY_FORMS[kind]
    result = post(tool(field(kind, required=required, default=DEFAULTS[kind], **extra)), form)
    assert result.errors == {}
    assert as_json(result.inputs) == as_json({"v": DEFAULTS[kind]})


@pytest.mark.parametrize("kind", sorted(set(EMPTY_FORMS) - {"hidden"}))
def test_required_empty_without_default_is_an_error(kind: str) -> None:
    extra, form = EMPTY_FORMS[kind]
    result = post(tool(field(kind, **extra)), form)
    assert result == InputResult({}, {"v": "Value is required but was left empty."})


def test_required_hidden_without_default_is_simply_left_out() -> None:
    # Nobody can fill a hidden field from the form, so its absence is not the person's error.
    assert post(tool(field("hidden")), {}) == InputResult({}, {})


def test_defaults_are_normalised_like_typed_values() -> None:
    spec = tool(
        {"key": "c", "type": "colour", "label": "C", "default": "#ABC"},
        {"key": "b", "type": "map_bbox", "label": "B", "default": [1, 2, 3, 4]},
        {"key": "s", "type": "slider", "label": "S", "min": 0, "max": 10, "default": 5},
        {"key": "n", "type": "number", "label": "N", "default": 2.0},
    )
    result = post(spec, {})
    assert as_json(result.inputs) == as_json(
        {"c": "#aabbcc", "b": [[1.0, 2.0], [3.0, 4.0]], "s": 5.0, "n": 2}
    )


def test_a_default_the_checks_refuse_is_still_sent_as_written() -> None:
    spec = tool(field("number", min=0, default=-1))
    assert post(spec, {}) == InputResult({"v": -1}, {})


def test_defaults_are_copies() -> None:
    spec = tool(field("json", default={"a": [1]}))
    first = post(spec, {}).inputs["v"]
    first["a"].append(2)
    assert post(spec, {}).inputs["v"] == {"a": [1]}


# ---- show_if ---------------------------------------------------------------------------------


def show_if_tool() -> ToolSpec:
    return tool(
        {"key": "mode", "type": "select", "label": "Mode", "options": STR_OPTIONS},
        {"key": "extra", "type": "number", "label": "Extra", "show_if": {"key": "mode", "equals": "b"}},
    )


def test_a_required_input_hidden_by_show_if_may_stay_empty() -> None:
    assert post(show_if_tool(), {"mode": "a", "extra": ""}) == InputResult({"mode": "a"}, {})


def test_a_required_input_shown_by_show_if_must_be_filled() -> None:
    result = post(show_if_tool(), {"mode": "b", "extra": ""})
    assert result == InputResult({"mode": "b"}, {"extra": "Extra is required but was left empty."})


def test_a_hidden_input_with_a_value_is_still_sent() -> None:
    assert post(show_if_tool(), {"mode": "a", "extra": "4"}).inputs == {"mode": "a", "extra": 4}


def test_show_if_compares_json_types_strictly() -> None:
    spec = tool(
        {"key": "on", "type": "checkbox", "label": "On"},
        {"key": "n", "type": "number", "label": "N", "show_if": {"key": "on", "equals": 1}},
    )
    # true is not 1: the number stays hidden, so it is not required
    assert post(spec, {"on": "true"}) == InputResult({"on": True}, {})


# ---- several inputs, unknown fields ----------------------------------------------------------


def test_unknown_form_fields_are_ignored() -> None:
    spec = tool(field("number"))
    result = post(spec, {"v": "1", "zzz": "2", "v__lo": "3", "_pixie": "x", "run_id": "r"})
    assert result == InputResult({"v": 1}, {})


def test_every_problem_is_reported_at_once_in_input_order() -> None:
    spec = tool(
        {"key": "a", "type": "number", "label": "A"},
        {"key": "b", "type": "text", "label": "B"},
        {"key": "c", "type": "colour", "label": "C"},
        {"key": "d", "type": "date", "label": "D"},
    )
    result = post(spec, {"d": "x", "c": "#fff", "a": "x"})
    assert result.inputs == {"c": "#ffffff"}
    assert list(result.errors.items()) == [
        ("a", 'A must be a number; got "x".'),
        ("b", "B is required but was left empty."),
        ("d", 'D must be a date written YYYY-MM-DD; got "x".'),
    ]


def test_inputs_follow_the_spec_order() -> None:
    spec = tool(
        {"key": "b", "type": "text", "label": "B"},
        {"key": "a", "type": "text", "label": "A"},
    )
    assert list(post(spec, {"a": "1", "b": "2"}).inputs) == ["b", "a"]


def test_a_plain_string_in_place_of_a_list_is_one_value() -> None:
    spec = tool(field("multiselect", options=STR_OPTIONS))
    assert coerce_form(spec, {"v": "ab"[0]}, {}).inputs == {"v": ["a"]}


def test_never_raises_on_deeply_nested_json() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    result = post(tool(field("json")), {"v": deep})
    assert result.errors == {"v": "Value must be valid JSON that is not nested so deeply."}


def test_the_fixture_spec_with_every_type_coerces_its_defaults() -> None:
    parsed = parse_tool_json(ALL_INPUTS.read_text(encoding="utf-8"))
    assert parsed.spec is not None
    result = coerce_form(parsed.spec, {"name": ["Ada"], "day": ["2026-05-01"]}, {})
    assert result.errors == {}
    assert as_json(result.inputs) == as_json(
        {
            "name": "Ada",
            "amount": 100,
            "ratio": 0.5,
            "band": [20.0, 80.0],
            "mode": "fast",
            "agree": False,
            "dark": False,
            "size": 2,
            "day": "2026-05-01",
            "accent": "#3366ff",
            "token": "abc123",
        }
    )


# ---- files -----------------------------------------------------------------------------------

CSV = b"a,b\n1,2\n"
PNG = b"\x89PNG\r\n\x1a\n fake"


def test_an_upload_becomes_a_data_url() -> None:
    spec = tool(field("file"))
    result = post(spec, {}, {"v": [Upload("data.csv", "text/csv", CSV)]})
    assert result == InputResult({"v": data_url("text/csv", CSV)}, {})


def test_upload_type_parameters_are_dropped() -> None:
    spec = tool(field("file"))
    result = post(spec, {}, {"v": [Upload("data.csv", "Text/CSV; charset=utf-8", CSV)]})
    assert result.inputs == {"v": data_url("text/csv", CSV)}


def test_an_upload_without_a_type_is_typed_from_its_name() -> None:
    spec = tool(field("file"))
    assert post(spec, {}, {"v": [Upload("photo.png", "", PNG)]}).inputs == {"v": data_url("image/png", PNG)}
    result = post(spec, {}, {"v": [Upload("blob.zzzz", "application/octet-stream", b"x")]})
    assert result.inputs == {"v": data_url("application/octet-stream", b"x")}


def test_an_empty_file_is_still_a_file() -> None:
    spec = tool(field("file"))
    assert post(spec, {}, {"v": [Upload("empty.txt", "text/plain", b"")]}).inputs == {
        "v": "data:text/plain;base64,"
    }


def test_a_file_field_left_empty_by_the_browser_is_empty() -> None:
    spec = tool(field("file", required=False))
    assert post(spec, {}, {"v": [Upload("", "application/octet-stream", b"")]}) == InputResult({}, {})


def test_multiple_uploads_become_a_list() -> None:
    spec = tool(field("image", multiple=True))
    uploads = [Upload("a.png", "image/png", PNG), Upload("b.png", "image/png", b"2")]
    result = post(spec, {}, {"v": uploads})
    assert result.inputs == {"v": [data_url("image/png", PNG), data_url("image/png", b"2")]}


def test_one_upload_to_a_multiple_input_is_a_list_of_one() -> None:
    spec = tool(field("file", multiple=True))
    assert post(spec, {}, {"v": [Upload("a.csv", "text/csv", CSV)]}).inputs == {
        "v": [data_url("text/csv", CSV)]
    }


def test_two_uploads_to_a_single_file_input_are_an_error() -> None:
    spec = tool(field("audio"))
    uploads = [Upload("a.wav", "audio/wav", b"1"), Upload("b.wav", "audio/wav", b"2")]
    result = post(spec, {}, {"v": uploads})
    assert result.errors == {"v": 'Value takes one file; got 2 files ("a.wav", "b.wav").'}


@pytest.mark.parametrize(
    ("accept", "upload"),
    [
        (".csv", Upload("DATA.CSV", "text/plain", CSV)),
        (".csv,text/csv", Upload("data.txt", "text/csv", CSV)),
        (["text/*"], Upload("notes", "text/plain", b"x")),
        ([".csv", ".tsv"], Upload("data.tsv", "", b"x")),
        ("", Upload("anything.bin", "application/x-thing", b"x")),
    ],
)
def test_accept_matches_the_extension_or_the_type(accept: str | list[str], upload: Upload) -> None:
    result = post(tool(field("file", accept=accept)), {}, {"v": [upload]})
    assert result.errors == {}


def test_a_file_accepted_for_its_extension_gets_the_extensions_type() -> None:
    # Windows browsers send .csv files as application/vnd.ms-excel.
    spec = tool(field("file", accept=".csv"))
    result = post(spec, {}, {"v": [Upload("data.csv", "application/vnd.ms-excel", CSV)]})
    assert result.inputs == {"v": data_url("text/csv", CSV)}


UPLOAD_ERRORS = [
    pytest.param(
        field("file", accept=".csv,text/csv"),
        [Upload("notes.txt", "text/plain", b"x")],
        'Value does not accept "notes.txt" (text/plain); it takes .csv, text/csv.',
        id="accept",
    ),
    pytest.param(
        field("image"),
        [Upload("notes.txt", "text/plain", b"x")],
        'Value does not accept "notes.txt" (text/plain); it takes image/*.',
        id="image-only-images",
    ),
    pytest.param(
        field("audio"),
        [Upload("song.png", "image/png", b"x")],
        'Value does not accept "song.png" (image/png); it takes audio/*.',
        id="audio-only-audio",
    ),
    pytest.param(
        field("file", max_size_mb=1),
        [Upload("big.csv", "text/csv", b"x" * (3 * 1024 * 1024 // 2))],
        'Value is limited to 1 MB a file, and "big.csv" is 1.5 MB.',
        id="size",
    ),
    pytest.param(
        field("file", max_size_mb=1),
        [Upload("edge.csv", "text/csv", b"x" * (1024 * 1024 + 1))],
        'Value is limited to 1 MB a file, and "edge.csv" is 1,048,577 bytes.',
        id="size-just-over",
    ),
    pytest.param(
        field("image", multiple=True, max_size_mb=1),
        [Upload("a.png", "image/png", b"1"), Upload("b.png", "image/png", b"x" * (2 * 1024 * 1024))],
        'Value (file 2) is limited to 1 MB a file, and "b.png" is 2.0 MB.',
        id="size-second-of-many",
    ),
]


@pytest.mark.parametrize(("spec", "uploads", "message"), UPLOAD_ERRORS)
def test_upload_errors(spec: dict[str, Any], uploads: list[Upload], message: str) -> None:
    assert post(tool(spec), {}, {"v": uploads}) == InputResult({}, {"v": message})


def test_a_file_exactly_at_the_limit_is_accepted() -> None:
    spec = tool(field("file", max_size_mb=1))
    assert post(spec, {}, {"v": [Upload("ok.bin", "", b"x" * 1024 * 1024)]}).ok


def test_a_file_may_arrive_as_a_data_url_text_field() -> None:
    spec = tool(field("file", accept=".csv"))
    url = data_url("text/csv", CSV)
    assert post(spec, {"v": url}) == InputResult({"v": url}, {})


def test_a_new_upload_replaces_the_kept_data_url() -> None:
    spec = tool(field("file"))
    result = post(
        spec, {"v": data_url("text/plain", b"old")}, {"v": [Upload("new.txt", "text/plain", b"new")]}
    )
    assert result.inputs == {"v": data_url("text/plain", b"new")}


def test_kept_data_urls_for_a_multiple_input() -> None:
    spec = tool(field("image", multiple=True))
    urls = [data_url("image/png", b"1"), data_url("image/gif", b"2")]
    assert post(spec, {"v": urls}).inputs == {"v": urls}
    assert post(spec, {"v": json.dumps(urls)}).inputs == {"v": urls}
    assert post(spec, {"v": urls[0]}).inputs == {"v": urls[:1]}


DATA_URL_ERRORS = [
    pytest.param(
        field("file"),
        "abc",
        'Value must be a file sent as a data URL such as "data:image/png;base64,..."; got "abc".',
        id="not-a-data-url",
    ),
    pytest.param(
        field("file"),
        "data:text/plain,hello",
        'Value must be a file sent as a data URL such as "data:image/png;base64,..."; '
        'got "data:text/plain,hello".',
        id="not-base64",
    ),
    pytest.param(
        field("file"),
        "data:text/csv;base64,@@@",
        "Value must hold valid base64 after ';base64,'; got \"data:text/csv;base64,@@@\".",
        id="bad-base64",
    ),
    pytest.param(
        field("file", accept=".csv"),
        "data:image/png;base64,aGk=",
        "Value does not accept the image/png file; it takes .csv.",
        id="accept",
    ),
    pytest.param(
        field("file", max_size_mb=1),
        data_url("text/plain", b"x" * (2 * 1024 * 1024)),
        "Value is limited to 1 MB a file, and the text/plain file is 2.0 MB.",
        id="size",
    ),
    pytest.param(
        field("audio"),
        [data_url("audio/wav", b"1"), data_url("audio/wav", b"2")],
        "Value takes one file; got 2 files.",
        id="two-for-one",
    ),
]


@pytest.mark.parametrize(("spec", "text", "message"), DATA_URL_ERRORS)
def test_data_url_text_errors(spec: dict[str, Any], text: str | list[str], message: str) -> None:
    assert post(tool(spec), {"v": text}) == InputResult({}, {"v": message})
