"""Fixture files: loading and their errors, filters, judging a response, the report table, refreshing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from pixie_launcher.validation.fixtures import (
    Fixture,
    compare_fixture,
    failed_result,
    fixture_matches,
    fixture_timeout,
    load_reference,
    parse_fixture,
    refresh_fixture,
    render_markdown,
    select_fixtures,
)
from pixie_launcher.validation.tolerance import ToleranceFile, parse_tolerance_yaml
from shared.toolspec import ToolSpec, parse_tool_json
from tests.support.tools import minimal_tool_json

TOOLS = Path(__file__).resolve().parents[2] / "tools"
NOW = datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=UTC)


def make_spec(**overrides: Any) -> ToolSpec:
    outputs = [
        {"key": "price", "type": "number", "label": "Price"},
        {"key": "growth", "type": "chart_line", "label": "Growth"},
        {"key": "stats", "type": "kv", "label": "Stats"},
        {"key": "busy", "type": "progress", "label": "Busy"},
    ]
    result = parse_tool_json(json.dumps(minimal_tool_json("demo", outputs=outputs, **overrides)))
    assert result.spec is not None, result.errors
    return result.spec


SPEC = make_spec()


def tool_spec(tool: str) -> ToolSpec:
    spec = parse_tool_json((TOOLS / tool / "tool.json").read_text()).spec
    assert spec is not None
    return spec


DROP = object()


def fixture_text(**fields: Any) -> str:
    data: dict[str, Any] = {"name": "case", "inputs": {}, "expected_outputs": {}}
    data.update(fields)
    return json.dumps({k: v for k, v in data.items() if v is not DROP}, indent=2, ensure_ascii=False) + "\n"


def fixture(**fields: Any) -> Fixture:
    found, errors = parse_fixture("fixture_case.json", fixture_text(**fields), SPEC)
    assert found is not None, errors
    return found


# The shipped tools' reference folders


@pytest.mark.parametrize(
    ("tool", "names"),
    [
        (
            "compound-interest",
            [
                "fixture_daily.json",
                "fixture_defaults_monthly.json",
                "fixture_todays_money.json",
                "fixture_yearly_no_contributions.json",
            ],
        ),
        ("lorenz-ode-solver", ["fixture_classic.json", "fixture_fixed_point.json", "fixture_short_run.json"]),
    ],
)
def test_shipped_reference_folders_load(tool: str, names: list[str]) -> None:
    reference = load_reference(TOOLS / tool, tool_spec(tool))
    assert reference.present
    assert reference.errors == ()
    assert reference.tolerance_errors == ()
    assert [f.file_name for f in reference.fixtures] == names
    assert reference.tolerance.defaults["number"]


@pytest.mark.parametrize("tool", ["compound-interest", "lorenz-ode-solver"])
def test_shipped_fixtures_match_their_own_expectations(tool: str) -> None:
    spec = tool_spec(tool)
    reference = load_reference(TOOLS / tool, spec)
    for each in reference.fixtures:
        result = compare_fixture(each, dict(each.expected_outputs), spec, reference.tolerance)
        assert result.status == "matched", render_markdown(result)


def test_shipped_tolerance_is_applied() -> None:
    spec = tool_spec("compound-interest")
    reference = load_reference(TOOLS / "compound-interest", spec)
    daily = reference.fixtures[0]
    near = compare_fixture(
        daily, {"final_balance": 1051.274, "total_interest": 51.27}, spec, reference.tolerance
    )
    far = compare_fixture(
        daily, {"final_balance": 1051.28, "total_interest": 51.27}, spec, reference.tolerance
    )
    assert near.status == "matched"
    assert far.status == "failed"
    assert far.rows[0].metric.startswith("expected 1051.27, got 1051.28")


@pytest.mark.parametrize("path", sorted(TOOLS.glob("*/reference/fixture_*.json")), ids=lambda p: p.name)
def test_refreshing_with_the_same_values_leaves_the_file_alone(path: Path) -> None:
    spec = tool_spec(path.parents[1].name)
    text = path.read_text()
    expected = json.loads(text)["expected_outputs"]
    refresh = refresh_fixture(text, expected, spec, NOW)
    assert refresh.text == text
    assert refresh.changed_keys == ()
    # Pretty-printing the shipped files reproduces them byte for byte, so a refresh keeps them tidy.
    assert json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n" == text


# Parsing one fixture


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ("{", ["fixture_x.json: invalid JSON at line 1, column 2"]),
        ("[]", ["fixture_x.json: expected a JSON object, got a list"]),
        (fixture_text(name=DROP), ["fixture_x.json: name: required field missing"]),
        (fixture_text(inputs=DROP), ["fixture_x.json: inputs: required field missing"]),
        (fixture_text(expected_outputs=DROP), ["fixture_x.json: expected_outputs: required field missing"]),
        (fixture_text(notes="x"), ["fixture_x.json: notes: unknown field; allowed fields: name, source"]),
        (fixture_text(name=""), ["fixture_x.json: name: expected a non-empty string, got a string"]),
        (fixture_text(name=3), ["fixture_x.json: name: expected a non-empty string, got a number"]),
        (fixture_text(inputs=[1]), ["fixture_x.json: inputs: expected an object, got a list"]),
        (
            fixture_text(expected_outputs=None),
            ["fixture_x.json: expected_outputs: expected an object, got null"],
        ),
        (fixture_text(source=1), ["fixture_x.json: source: expected a string, got a number"]),
        (fixture_text(skip_reason=True), ["fixture_x.json: skip_reason: expected a string, got a boolean"]),
        (fixture_text(tags="a"), ["fixture_x.json: tags: expected a list of strings, got a string"]),
        (fixture_text(tags=["a", 1]), ["fixture_x.json: tags: expected a list of strings, got a list"]),
        (
            fixture_text(validator_timeout_override=0),
            ["fixture_x.json: validator_timeout_override: expected a positive number of seconds"],
        ),
        (fixture_text(validator_timeout_override=True), ["fixture_x.json: validator_timeout_override"]),
        (
            fixture_text(expected_outputs={"prize": 1}),
            [
                "fixture_x.json: expected_outputs.prize: not a declared "
                "output key (declared: price, growth, stats, busy)"
            ],
        ),
        (fixture_text(tolerance=[1]), ["fixture_x.json: tolerance: expected an object"]),
        (
            fixture_text(tolerance={"prize": {}}),
            ["fixture_x.json: tolerance.prize: not a declared output key"],
        ),
        (
            fixture_text(tolerance={"price": {"min_ssim": 1}}),
            ["fixture_x.json: tolerance.price.min_ssim: unknown tolerance key"],
        ),
        (
            fixture_text(tolerance={"price": 0.1}),
            ["fixture_x.json: tolerance.price: expected a mapping, got 0.1"],
        ),
        (
            fixture_text(tolerance={"growth": {"series_match": "x"}}),
            ["fixture_x.json: tolerance.growth.series_match"],
        ),
        (
            fixture_text(name=DROP, inputs=3, notes=1, expected_outputs={"a": 1, "b": 2}),
            [
                "fixture_x.json: name: required field missing",
                "fixture_x.json: notes: unknown field",
                "fixture_x.json: inputs: expected an object",
                "fixture_x.json: expected_outputs.a: not a declared",
                "fixture_x.json: expected_outputs.b: not a declared",
            ],
        ),
    ],
)
def test_fixture_errors_name_the_file_and_field(text: str, errors: list[str]) -> None:
    found, problems = parse_fixture("fixture_x.json", text, SPEC)
    assert found is None
    assert len(problems) == len(errors), problems
    for problem, prefix in zip(problems, errors, strict=True):
        assert problem.startswith(prefix), problem


def test_a_full_fixture_parses() -> None:
    text = fixture_text(
        source="textbook",
        inputs={"x": 2},
        expected_outputs={"price": 2.5, "busy": 0.5},
        tolerance={"price": {"abs": 0.1, "rtol": "1e-3"}},
        skip_reason=None,
        tags=["a", "b"],
        validator_timeout_override=12,
    )
    found, errors = parse_fixture("fixture_full.json", text, SPEC)
    assert errors == []
    assert found == Fixture(
        file_name="fixture_full.json",
        name="case",
        inputs={"x": 2},
        expected_outputs={"price": 2.5, "busy": 0.5},
        source="textbook",
        tolerance={"price": {"abs": 0.1, "rtol": 1e-3}},
        tags=("a", "b"),
        validator_timeout_override=12.0,
    )


# Loading a folder


def write(folder: Path, name: str, text: str | bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())


def test_loading_collects_every_problem_and_keeps_good_fixtures(tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    write(reference, "fixture_b.json", fixture_text(name="B"))
    write(reference, "fixture_a.json", fixture_text(name="A"))
    write(reference, "fixture_bad.json", fixture_text(expected_outputs={"nope": 1}, tags=[1]))
    write(reference, "fixture_binary.json", b"\xff\xfe\x00")
    write(reference, "notes.json", "{")
    (reference / "fixture_dir.json").mkdir()
    loaded = load_reference(tmp_path, SPEC)
    assert [f.name for f in loaded.fixtures] == ["A", "B"]
    assert [error.split(":")[0] for error in loaded.errors] == [
        "fixture_bad.json",
        "fixture_bad.json",
        "fixture_binary.json",
    ]
    assert loaded.tolerance == ToleranceFile()
    assert loaded.tolerance_errors == ()


@pytest.mark.parametrize(
    ("yaml_text", "errors"),
    [
        ("defaults: {number: {atol: 0.1}}\n", []),
        ("price: {abs: 0.1}\n", []),
        (
            "defaults: {number: {atol: -1}}\n",
            ["defaults.number.atol: expected a non-negative number, got -1"],
        ),
        ("prize: {abs: 0.1}\n", ["overrides.prize: not a declared output key"]),
        (
            "price: {series_match: by_index}\n",
            [
                "overrides.price.series_match: unknown tolerance key; allowed here: "
                "abs, atol, compare, float_atol, float_rtol, rel, rtol"
            ],
        ),
    ],
)
def test_tolerance_file_is_loaded_and_checked_against_the_tool(
    tmp_path: Path, yaml_text: str, errors: list[str]
) -> None:
    write(tmp_path / "reference", "tolerance.yaml", yaml_text)
    loaded = load_reference(tmp_path, SPEC)
    assert list(loaded.tolerance_errors) == errors
    if not errors:
        assert loaded.tolerance != ToleranceFile()


def test_missing_or_empty_reference_folder(tmp_path: Path) -> None:
    assert not load_reference(tmp_path, SPEC).present
    (tmp_path / "reference").mkdir()
    empty = load_reference(tmp_path, SPEC)
    assert empty.present
    assert empty.fixtures == ()


# Choosing fixtures


CHOICES = [
    fixture(tags=["fast"]),
    Fixture("fixture_atm_call.json", "ATM", {}, {}, tags=("atm", "fast")),
    Fixture("fixture_deep_put.json", "Deep", {}, {}, tags=("slow",)),
]


@pytest.mark.parametrize(
    ("names", "tags", "expected"),
    [
        ((), (), ["fixture_case.json", "fixture_atm_call.json", "fixture_deep_put.json"]),
        (("fixture_atm_call.json",), (), ["fixture_atm_call.json"]),
        (("fixture_atm_call",), (), ["fixture_atm_call.json"]),
        (("atm_call",), (), ["fixture_atm_call.json"]),
        (("*put*",), (), ["fixture_deep_put.json"]),
        (("fixture_[ad]*",), (), ["fixture_atm_call.json", "fixture_deep_put.json"]),
        (("case", "deep_put"), (), ["fixture_case.json", "fixture_deep_put.json"]),
        (("atm",), (), []),
        (("ATM_CALL",), (), []),
        ((), ("fast",), ["fixture_case.json", "fixture_atm_call.json"]),
        ((), ("slow", "atm"), ["fixture_atm_call.json", "fixture_deep_put.json"]),
        (("*",), ("slow",), ["fixture_deep_put.json"]),
        (("case",), ("slow",), []),
    ],
)
def test_fixture_and_tag_filters(names: tuple[str, ...], tags: tuple[str, ...], expected: list[str]) -> None:
    assert [f.file_name for f in select_fixtures(CHOICES, names, tags)] == expected


def test_fixture_matches_the_file_name_stem_and_short_stem() -> None:
    atm = CHOICES[1]
    assert all(
        fixture_matches(atm, name) for name in ("fixture_atm_call.json", "fixture_atm_call", "atm_call")
    )


@pytest.mark.parametrize(
    ("own", "tool", "remaining", "expected"),
    [
        (None, None, 100.0, 65.0),
        (None, 20, 100.0, 20.0),
        (7.5, 20, 100.0, 7.5),
        (None, None, 3.0, 3.0),
        (None, None, 0.0, 0.1),
    ],
)
def test_fixture_timeout(own: float | None, tool: int | None, remaining: float, expected: float) -> None:
    spec = make_spec(max_runtime_seconds=60, validator_timeout_override=tool)
    assert fixture_timeout(fixture(validator_timeout_override=own), spec, remaining) == expected


# Judging a response


GROWTH = {"x": [0, 1], "series": [{"name": "Balance", "y": [1.0, 2.0]}]}
RESPONSE = {"price": 2.5, "growth": GROWTH, "stats": {"pairs": {"n": 3}}, "busy": 0.4}


def options(**values: str) -> ToleranceFile:
    lines = "".join(f"  {key}: {value}\n" for key, value in values.items())
    file = parse_tolerance_yaml(f"options:\n{lines}").file
    assert file is not None
    return file


@pytest.mark.parametrize(
    ("expected", "actual", "tolerance", "status", "rows"),
    [
        pytest.param({}, RESPONSE, None, "matched", [], id="smoke"),
        pytest.param(
            {"price": 2.5, "growth": GROWTH},
            RESPONSE,
            None,
            "matched",
            [("price", "number", "numeric_isclose", True), ("growth", "chart_line", "data_only", True)],
            id="all-match",
        ),
        pytest.param(
            {"price": 2.6},
            RESPONSE,
            None,
            "failed",
            [("price", "number", "numeric_isclose", False)],
            id="number-differs",
        ),
        pytest.param(
            {"price": 2.6},
            RESPONSE,
            {"price": {"atol": 0.2}},
            "matched",
            [("price", "number", "numeric_isclose", True)],
            id="fixture-tolerance",
        ),
        pytest.param(
            {"busy": 0.9},
            RESPONSE,
            None,
            "matched",
            [("busy", "progress", "skip", True)],
            id="progress-skip-is-a-match",
        ),
        pytest.param(
            {"stats": {"n": 3}},
            RESPONSE,
            None,
            "matched",
            [("stats", "kv", "dict_per_value", True)],
            id="bare-kv-expected",
        ),
        pytest.param(
            {"price": 2.5},
            {"growth": GROWTH},
            None,
            "failed",
            [("price", "number", "missing", False)],
            id="missing-key-fails",
        ),
    ],
)
def test_compare_fixture(
    expected: dict[str, Any],
    actual: dict[str, Any],
    tolerance: dict[str, Any] | None,
    status: str,
    rows: list[tuple[str, str, str, bool]],
) -> None:
    result = compare_fixture(fixture(expected_outputs=expected, tolerance=tolerance or {}), actual, SPEC)
    assert result.status == status
    assert [(r.key, r.output_type, r.comparator, r.matched) for r in result.rows] == rows
    assert result.warnings == ()


@pytest.mark.parametrize(
    ("policy", "status", "warned", "row"),
    [
        ("fail", "failed", False, (False, False, "missing from the response")),
        ("warn", "matched", True, (True, True, "missing from the response (warn only)")),
        ("ignore", "matched", False, (True, True, "missing from the response (ignored)")),
    ],
)
def test_missing_expected_key_policy(
    policy: str, status: str, warned: bool, row: tuple[bool, bool, str]
) -> None:
    result = compare_fixture(
        fixture(expected_outputs={"price": 1}), {}, SPEC, options(on_missing_expected_key=policy)
    )
    assert result.status == status
    assert bool(result.warnings) is warned
    assert [(r.matched, r.skipped, r.metric) for r in result.rows] == [row]


@pytest.mark.parametrize(
    ("policy", "status", "warnings", "rows"),
    [
        ("warn", "matched", ("fixture_case.json: undeclared key(s) in the response: run_id",), []),
        ("fail", "failed", (), [("run_id", "extra_key", False)]),
        ("ignore", "matched", (), []),
    ],
)
def test_extra_output_key_policy(
    policy: str, status: str, warnings: tuple[str, ...], rows: list[tuple[str, str, bool]]
) -> None:
    result = compare_fixture(
        fixture(), {**RESPONSE, "run_id": "r1"}, SPEC, options(on_extra_output_key=policy)
    )
    assert result.status == status
    assert result.warnings == warnings
    assert [(r.key, r.comparator, r.matched) for r in result.rows] == rows


def test_file_tolerance_layers_apply() -> None:
    file = parse_tolerance_yaml("defaults: {number: {atol: 0.5}}\n").file
    assert file is not None
    one = fixture(expected_outputs={"price": 2.0})
    assert compare_fixture(one, RESPONSE, SPEC, file).status == "matched"
    tight = fixture(expected_outputs={"price": 2.0}, tolerance={"price": {"atol": 0.1}})
    assert compare_fixture(tight, RESPONSE, SPEC, file).status == "failed"


@pytest.mark.parametrize(
    ("one", "actual", "status", "message"),
    [
        (fixture(skip_reason="needs a GPU"), RESPONSE, "skipped", "skipped: needs a GPU"),
        (fixture(), ["not", "an", "object"], "failed", "the tool's response is a list, not a JSON object"),
        (fixture(), None, "failed", "the tool's response is null, not a JSON object"),
    ],
)
def test_skipped_and_unreadable_responses(one: Fixture, actual: object, status: str, message: str) -> None:
    result = compare_fixture(one, actual, SPEC)
    assert (result.status, result.message, result.rows) == (status, message, ())


# The report's table


def test_render_markdown_table() -> None:
    result = compare_fixture(
        fixture(name="A | B", expected_outputs={"price": 2.6, "busy": 1}), RESPONSE, SPEC
    )
    assert render_markdown(result).splitlines() == [
        "**fixture_case.json** (A \\| B): failed",
        "",
        "| output | type | comparator | result | metric |",
        "|---|---|---|---|---|",
        "| `price` | number | numeric_isclose | **differs** | "
        "expected 2.6, got 2.5: off by 0.1, allowed 2.6e-06 |",
        "| `busy` | progress | skip | skipped | not compared (compare: skip) |",
    ]


def test_render_markdown_truncates_and_flattens() -> None:
    long = fixture(expected_outputs={"stats": {"pairs": {"n": "x" * 500}}})
    result = compare_fixture(long, {"stats": {"pairs": {"n": "y\n|" * 300}}}, SPEC)
    last = render_markdown(result, truncate_diff_chars=40).splitlines()[-1]
    metric = last.split(" | ")[-1].removesuffix(" |")
    assert metric.endswith("…")
    assert len(metric.replace("\\|", "|")) <= 40
    assert "\n" not in metric


def test_render_markdown_for_a_failure_before_comparison() -> None:
    text = render_markdown(failed_result(fixture(), "timed out after 65 s"))
    assert text == "**fixture_case.json** (case): failed\n\ntimed out after 65 s\n"


# Refreshing a fixture


def refreshed(text: str, actual: dict[str, Any], **kwargs: Any) -> tuple[dict[str, Any], tuple[str, ...]]:
    result = refresh_fixture(text, actual, SPEC, NOW, **kwargs)
    assert result.text.endswith("}\n")
    assert json.dumps(json.loads(result.text), indent=2, ensure_ascii=False) + "\n" == result.text
    return json.loads(result.text), result.changed_keys


@pytest.mark.parametrize(
    ("expected", "every", "new_expected", "changed"),
    [
        pytest.param({"price": 1.0}, False, {"price": 2.5}, ("price",), id="listed-keys-only"),
        pytest.param(
            {"price": 2.5, "busy": 0.1}, False, {"price": 2.5, "busy": 0.4}, ("busy",), id="one-changed"
        ),
        pytest.param(
            {},
            False,
            {k: v for k, v in RESPONSE.items()},
            ("price", "growth", "stats", "busy"),
            id="smoke-fixture-gets-every-declared-key",
        ),
        pytest.param(
            {"price": 1.0},
            True,
            dict(RESPONSE),
            ("price", "growth", "stats", "busy"),
            id="every-declared-key",
        ),
    ],
)
def test_refresh_replaces_declared_outputs(
    expected: dict[str, Any], every: bool, new_expected: dict[str, Any], changed: tuple[str, ...]
) -> None:
    text = fixture_text(source="textbook", expected_outputs=expected)
    data, keys = refreshed(text, {**RESPONSE, "run_id": "r1"}, every_declared_key=every)
    assert data["expected_outputs"] == new_expected
    assert list(data["expected_outputs"]) == list(new_expected)
    assert keys == changed
    assert data["source"] == "textbook (refreshed via --update-fixtures at 2026-03-01T12:30:05Z)"


def test_refresh_keeps_field_order_and_replaces_an_earlier_note() -> None:
    text = fixture_text(
        source="x (refreshed via --update-fixtures at 2025-01-01T00:00:00Z)",
        tags=["t"],
        expected_outputs={"price": 1},
    )
    data, _ = refreshed(text, RESPONSE)
    assert list(data) == ["name", "inputs", "expected_outputs", "source", "tags"]
    assert data["source"] == "x (refreshed via --update-fixtures at 2026-03-01T12:30:05Z)"


def test_refresh_adds_a_source_after_the_name() -> None:
    data, _ = refreshed(fixture_text(expected_outputs={"price": 1}), RESPONSE)
    assert list(data)[:2] == ["name", "source"]
    assert data["source"] == "Refreshed via --update-fixtures at 2026-03-01T12:30:05Z"
    again = refresh_fixture(json.dumps(data), {"price": 7}, SPEC, NOW + timedelta(days=1))
    assert json.loads(again.text)["source"] == "Refreshed via --update-fixtures at 2026-03-02T12:30:05Z"


@pytest.mark.parametrize(
    ("now", "stamp"),
    [
        (datetime(2026, 3, 1, 12, 0), "2026-03-01T12:00:00Z"),
        (datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))), "2026-03-01T10:00:00Z"),
    ],
)
def test_refresh_time_is_utc(now: datetime, stamp: str) -> None:
    result = refresh_fixture(fixture_text(expected_outputs={"price": 1}), RESPONSE, SPEC, now)
    assert json.loads(result.text)["source"].endswith(stamp)


def test_refresh_reports_keys_the_response_lacks() -> None:
    text = fixture_text(expected_outputs={"price": 1, "busy": 0.2})
    result = refresh_fixture(text, {"price": 3}, SPEC, NOW)
    assert result.changed_keys == ("price",)
    assert result.missing_keys == ("busy",)
    assert json.loads(result.text)["expected_outputs"] == {"price": 3, "busy": 0.2}


def test_numbers_equal_as_json_are_not_changes_and_stay_as_written() -> None:
    """A hand-written 2 against the tool's 2.0 is no change; when another key changes, the 2
    is still written as 2."""
    text = fixture_text(expected_outputs={"price": 2, "busy": 0.5})
    unchanged = refresh_fixture(text, {"price": 2.0, "busy": 0.5}, SPEC, NOW)
    assert (unchanged.text, unchanged.changed_keys) == (text, ())
    moved = refresh_fixture(text, {"price": 2.0, "busy": 0.75}, SPEC, NOW)
    assert moved.changed_keys == ("busy",)
    assert '"price": 2,' in moved.text
    assert json.loads(moved.text)["expected_outputs"] == {"price": 2, "busy": 0.75}
    flipped = refresh_fixture(fixture_text(expected_outputs={"price": 1}), {"price": True}, SPEC, NOW)
    assert flipped.changed_keys == ("price",)  # true is not 1


def test_refresh_without_changes_keeps_the_text() -> None:
    text = fixture_text(expected_outputs={"price": 2.5})
    assert refresh_fixture(text, RESPONSE, SPEC, NOW).text == text


@pytest.mark.parametrize("text", ["[]", '{"name": "x"}', '{"expected_outputs": []}', "{"])
def test_refresh_refuses_a_non_fixture(text: str) -> None:
    with pytest.raises(ValueError, match=r"fixture|Expecting"):
        refresh_fixture(text, RESPONSE, SPEC, NOW)
