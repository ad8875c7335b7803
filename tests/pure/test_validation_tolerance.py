"""tolerance.yaml in both formats, its problems named by key path, and the four-layer merge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pixie_launcher.validation.tolerance import (
    BUILTIN_DEFAULTS,
    ToleranceFile,
    ToleranceOptions,
    canonical,
    check_block,
    compare_kinds,
    parse_tolerance_yaml,
    resolve_tolerance,
    spec_errors,
)
from shared.toolspec import OUTPUT_TYPES

TOOLS = Path(__file__).resolve().parents[2] / "tools"


def parsed(text: str) -> ToleranceFile:
    result = parse_tolerance_yaml(text)
    assert result.errors == ()
    assert result.file is not None
    return result.file


@pytest.mark.parametrize("tool", ["compound-interest", "lorenz-ode-solver"])
def test_shipped_tolerance_files_parse(tool: str) -> None:
    file = parsed((TOOLS / tool / "reference" / "tolerance.yaml").read_text())
    assert file.defaults["number"]["atol"] > 0
    assert file.options == ToleranceOptions("warn", "fail", 400)


def test_every_output_type_has_a_builtin_default() -> None:
    assert set(BUILTIN_DEFAULTS) == set(OUTPUT_TYPES)
    for output_type, block in BUILTIN_DEFAULTS.items():
        assert block["compare"] == compare_kinds(output_type)[0]
        assert "skip" in compare_kinds(output_type)


@pytest.mark.parametrize(
    ("output_type", "expected"),
    [
        ("number", {"compare": "numeric_isclose", "rtol": 1e-6, "atol": 1e-9}),
        ("text", {"compare": "exact"}),
        ("markdown", {"compare": "exact_after_normalize_whitespace"}),
        ("latex", {"compare": "exact_after_normalize_whitespace"}),
        ("table", {"compare": "rows_unordered", "float_rtol": 1e-6, "float_atol": 1e-9}),
        ("chart_line", {"compare": "data_only", "series_match": "by_name"}),
        ("map_points", {"round_digits": 4}),
        ("image", {"compare": "ssim", "min_ssim": 0.95}),
        ("audio", {"compare": "spectrogram_l2", "max_l2": 0.05}),
        ("video", {"compare": "skip"}),
        ("progress", {"compare": "skip"}),
        ("file", {"compare": "mime_dispatch"}),
        ("kv", {"compare": "dict_per_value", "allow_extra": False}),
    ],
)
def test_builtin_defaults(output_type: str, expected: dict[str, Any]) -> None:
    block = BUILTIN_DEFAULTS[output_type]
    assert {key: block[key] for key in expected} == expected


NESTED = """
defaults:
  number: {rtol: 1.0e-4, atol: 1.0e-6}
  chart_line: {float_atol: 0.01}
overrides:
  final: {atol: 0.005}
  growth: {rtol: 0.1}
options: {on_extra_output_key: ignore, on_missing_expected_key: warn, truncate_diff_chars: 80}
"""

FLAT = """
final: {abs: 0.005}
growth: {rel: 0.1}
"""


@pytest.mark.parametrize(
    ("text", "output_type", "key", "fixture", "expected"),
    [
        pytest.param(NESTED, "number", "other", None, {"rtol": 1e-4, "atol": 1e-6}, id="nested-type-default"),
        pytest.param(NESTED, "number", "final", None, {"rtol": 1e-4, "atol": 0.005}, id="nested-override"),
        pytest.param(
            NESTED, "number", "final", {"atol": 0.5}, {"rtol": 1e-4, "atol": 0.5}, id="fixture-wins"
        ),
        pytest.param(
            NESTED, "chart_line", "growth", None, {"float_rtol": 0.1, "float_atol": 0.01}, id="alias-rtol"
        ),
        pytest.param(NESTED, "chart_line", "x", {"abs": 1.0}, {"float_atol": 1.0}, id="fixture-abs-on-chart"),
        pytest.param(FLAT, "number", "final", None, {"rtol": 1e-6, "atol": 0.005}, id="flat-abs-number"),
        pytest.param(
            FLAT, "chart_line", "growth", None, {"float_rtol": 0.1, "float_atol": 1e-9}, id="flat-rel-chart"
        ),
        pytest.param(FLAT, "number", "other", None, {"rtol": 1e-6, "atol": 1e-9}, id="flat-untouched-key"),
        pytest.param(
            FLAT,
            "kv",
            "final",
            {"allow_extra": True},
            {"float_atol": 0.005, "allow_extra": True},
            id="flat-and-fixture",
        ),
        pytest.param("", "table", "t", None, {"compare": "rows_unordered"}, id="empty-file"),
    ],
)
def test_four_layer_merge(
    text: str, output_type: str, key: str, fixture: dict[str, Any] | None, expected: dict[str, Any]
) -> None:
    resolved = resolve_tolerance(output_type, key, parsed(text), fixture)
    assert {name: resolved[name] for name in expected} == expected
    assert "abs" not in resolved
    assert "rel" not in resolved


def test_flat_file_means_the_same_as_overrides() -> None:
    flat = parsed(FLAT)
    nested = parsed("overrides:\n  final: {atol: 0.005}\n  growth: {float_rtol: 0.1}\n")
    for output_type in ("number", "chart_line", "table", "kv"):
        for key in ("final", "growth"):
            assert resolve_tolerance(output_type, key, flat) == resolve_tolerance(output_type, key, nested)


def test_formats_mix_and_options_parse() -> None:
    file = parsed(NESTED + "extra_key: {rel: 0.5}\n")
    assert set(file.overrides) == {"final", "growth", "extra_key"}
    assert file.options == ToleranceOptions("ignore", "warn", 80)


def test_yaml_strings_that_look_like_numbers_are_numbers() -> None:
    # PyYAML reads 1e-4 (no dot) as a string.
    file = parsed("defaults:\n  number: {rtol: 1e-4}\n")
    assert file.defaults["number"]["rtol"] == pytest.approx(1e-4)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("defaults: [1]", "defaults: expected a mapping"),
        ("defaults: {numbr: {}}", "defaults.numbr: not an output type"),
        ("defaults: {number: {rtol: -1}}", "defaults.number.rtol: expected a non-negative number"),
        (
            "defaults: {number: {rtol: abc}}",
            "defaults.number.rtol: expected a non-negative number, got 'abc'",
        ),
        ("defaults: {number: {float_tol: 1}}", "defaults.number.float_tol: unknown tolerance key"),
        ("defaults: {number: {compare: rows_ordered}}", "defaults.number.compare: number outputs accept"),
        ("defaults: {image: {min_ssim: 2}}", "defaults.image.min_ssim: expected a number from -1 to 1"),
        ("defaults: {image: {atol: 2}}", "defaults.image.atol: unknown tolerance key"),
        (
            "defaults: {map_points: {round_digits: 11}}",
            "defaults.map_points.round_digits: expected a whole number",
        ),
        ("defaults: {kv: {allow_extra: yes please}}", "defaults.kv.allow_extra: expected true or false"),
        (
            "defaults: {chart_bar: {series_match: name}}",
            "defaults.chart_bar.series_match: expected by_name or by_index",
        ),
        ("overrides: {price: 3}", "overrides.price: expected a mapping, got 3"),
        ("overrides: {price: {compare: nope}}", "overrides.price.compare: unknown comparator 'nope'"),
        ("price:\n", "price: expected a mapping, got null"),
        ("price: {abs: 1}\noverrides: {price: {atol: 1}}", "price: output 'price' is given both"),
        (
            "options: {on_extra_output_key: error}",
            "options.on_extra_output_key: expected warn, fail or ignore",
        ),
        (
            "options: {truncate_diff_chars: 0}",
            "options.truncate_diff_chars: expected a positive whole number",
        ),
        ("options: {colour: red}", "options.colour: unknown option"),
        ("[1, 2]", "top level: expected a mapping"),
        ("defaults: {number: [\n", "line 2, column 1: YAML syntax error"),
    ],
)
def test_bad_files_name_the_key_path(text: str, message: str) -> None:
    result = parse_tolerance_yaml(text)
    assert result.file is None
    assert any(error.startswith(message) for error in result.errors), result.errors


def test_all_problems_are_collected() -> None:
    result = parse_tolerance_yaml("defaults: {number: {rtol: x, atol: y}}\noptions: {foo: 1}\n")
    assert len(result.errors) == 3


@pytest.mark.parametrize(
    ("overrides", "types", "expected"),
    [
        ("price: {atol: 1}", {"price": "number"}, []),
        ("price: {atol: 1}", {"other": "number"}, ["overrides.price: not a declared output key"]),
        ("pic: {min_ssim: 0.9}", {"pic": "image"}, []),
        ("pic: {abs: 0.1}", {"pic": "image"}, ["overrides.pic.abs: unknown tolerance key"]),
        ("price: {compare: ssim}", {"price": "number"}, ["overrides.price.compare: number outputs accept"]),
    ],
)
def test_spec_errors_check_overrides_against_the_tool(
    overrides: str, types: dict[str, str], expected: list[str]
) -> None:
    errors = spec_errors(parsed(overrides), types)
    assert len(errors) == len(expected)
    for error, prefix in zip(errors, expected, strict=True):
        assert error.startswith(prefix)


@pytest.mark.parametrize(
    ("output_type", "block", "expected"),
    [
        ("number", {"abs": 1, "rel": 2}, {"atol": 1, "rtol": 2}),
        ("number", {"float_atol": 1}, {"atol": 1}),
        ("number", {"atol": 1, "abs": 9, "float_atol": 8}, {"atol": 1}),
        ("table", {"atol": 1, "float_atol": 2}, {"float_atol": 2}),
        ("table", {"rel": 0.5, "compare": "rows_ordered"}, {"float_rtol": 0.5, "compare": "rows_ordered"}),
        ("image", {"abs": 1, "min_ssim": 0.5}, {"min_ssim": 0.5}),
    ],
)
def test_aliases_fold_into_the_types_own_names(
    output_type: str, block: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert canonical(output_type, block) == expected


def test_check_block_coerces_and_reports() -> None:
    clean, errors = check_block("number", {"rtol": "1e-3", "bogus": 1}, "tolerance.price")
    assert clean == {"rtol": 1e-3}
    assert errors == [
        "tolerance.price.bogus: unknown tolerance key; allowed here: abs, atol, compare, float_atol, "
        "float_rtol, rel, rtol"
    ]
    assert check_block("number", [1], "tolerance.price")[1] == [
        "tolerance.price: expected a mapping, got a list"
    ]
